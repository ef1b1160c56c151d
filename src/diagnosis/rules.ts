import type { Finding } from '../analyzers/prometheus/findings.js';
import { hostOf as hostOfInstance } from '../correlation/root-cause.js';
import type { ModelDiagnosis } from '../domain/diagnosis.js';
import { extractCommands } from '../memory/extract.js';
import { type DiagnosisAlert, type DiagnosisInput, type EvidenceItem, orderedAlerts } from './evidence.js';
import { type Hint, hintsFor } from './hints.js';

/**
 * The diagnosis AALS gives with no LLM at all, deterministic and instant: the correlator's root
 * cause candidate, what that kind of alert usually means, what the metrics showed, what fixed a
 * similar incident, and read-only commands to look. Same shape as the model's answer. Pure.
 */
export type Language = 'en' | 'ja';

const TEXT = {
  en: {
    noAlerts: 'No alert to diagnose.',
    alerts: (n: number, services: number) =>
      `${n} alert${n === 1 ? '' : 's'}${services > 0 ? ` across ${services} service${services === 1 ? '' : 's'}` : ''}`,
    root: (candidate: string) => `most likely root cause: ${candidate}`,
    usually: (topic: string, causes: string[]) => `Looks like ${topic}; usual causes: ${causes.join('; ')}.`,
    explains: (reason: string) => `It explains the other alerts: ${reason}.`,
    metric: (text: string) => `Metrics: ${text}.`,
    similar: (title: string, fix: string) => `A similar past incident ("${title}") was fixed by: ${fix}`,
    noRule:
      'No rule matches this alert; check what changed recently (deploys, config, traffic) and the logs.',
    runbook: (title: string) => `Follow the runbook "${title}".`,
    look: 'read-only look',
    similarFix: 'what fixed the similar incident',
    recentChanges: 'what changed just before it started (deploys, config, traffic)',
  },
  ja: {
    noAlerts: '診断するアラートがありません。',
    alerts: (n: number, services: number) => `アラート${n}件${services > 0 ? `（${services}サービス）` : ''}`,
    root: (candidate: string) => `最も可能性の高い根本原因: ${candidate}`,
    usually: (topic: string, causes: string[]) =>
      `${topic} の問題と見られます。よくある原因: ${causes.join('、')}。`,
    explains: (reason: string) => `他のアラートを説明できます: ${reason}。`,
    metric: (text: string) => `メトリクス: ${text}。`,
    similar: (title: string, fix: string) => `類似の過去インシデント「${title}」の対応: ${fix}`,
    noRule:
      '該当するルールがありません。直前の変更（デプロイ、設定、トラフィック）とログを確認してください。',
    runbook: (title: string) => `ランブック「${title}」に従ってください。`,
    look: '読み取り専用の確認',
    similarFix: '類似インシデントで効いた対処',
    recentChanges: '発生直前の変更（デプロイ、設定、トラフィック）',
  },
} as const;

const METRIC_ORDER: Finding['kind'][] = [
  'forecast',
  'anomaly',
  'change_point',
  'changed_together',
  'seasonal',
];

export function rulesDiagnosis(
  input: DiagnosisInput,
  evidence: EvidenceItem[],
  language: Language,
): ModelDiagnosis {
  const t = TEXT[language];
  const alerts = orderedAlerts(input);
  const root = alerts[0];
  if (!root) {
    return {
      summary: t.noAlerts,
      rootCause: { candidate: input.question ?? '?', confidence: 0, reasoning: t.noRule },
      evidence: [],
      actions: [],
      nextChecks: [t.recentChanges],
    };
  }
  const hints = hintsFor(root);
  const hint = hints[0];
  const candidate = candidateName(root);
  const refs: Array<{ ref: string; note: string }> = [{ ref: 'A1', note: candidate }];
  const reasoning: string[] = [];
  let confidence = alerts.length === 1 ? 0.5 : 0.4;

  const correlation = input.roots[0]?.fingerprint === root.fingerprint ? input.roots[0] : undefined;
  if (correlation && alerts.length > 1) {
    reasoning.push(t.explains(correlation.reason));
    refs.push({ ref: 'C1', note: correlation.reason });
    if (!/earliest|only alert/i.test(correlation.reason)) confidence += 0.2;
  }
  if (hint) reasoning.push(t.usually(hint.topic, hint.likelyCauses));
  else reasoning.push(t.noRule);

  const metric = telling(evidence);
  if (metric) {
    reasoning.push(t.metric(metric.text));
    refs.push({ ref: metric.id, note: metric.text });
    confidence += 0.15;
  }
  const similar = input.similar?.hits.find((hit) => hit.resolution);
  const similarRef = similar ? `S${(input.similar?.hits.indexOf(similar) ?? 0) + 1}` : null;
  if (similar?.resolution && similarRef) {
    reasoning.push(t.similar(similar.title, similar.resolution.slice(0, 300)));
    refs.push({ ref: similarRef, note: similar.title });
    if (similar.score >= 0.5) confidence += 0.1;
  }
  const runbook = input.similar?.runbooks[0];

  const host = hostOf(root);
  const actions: ModelDiagnosis['actions'] = (hint?.commands ?? [])
    .slice(0, 4)
    .map((command) => ({ command, host, purpose: `${t.look}: ${hint?.topic ?? root.alertname}` }));
  for (const command of extractCommands(similar?.resolution ?? '').slice(0, 2)) {
    actions.push({ command, host, purpose: `${t.similarFix} (${similarRef})` });
  }
  const nextChecks = [...(hint?.checks ?? []), t.recentChanges].slice(0, 5);
  if (runbook) nextChecks.unshift(t.runbook(runbook.title));

  const services = new Set(alerts.map((a) => a.service).filter(Boolean)).size;
  return {
    summary: `${t.alerts(alerts.length, services)}; ${t.root(candidate)}. ${reasoning[0] ?? ''}`.trim(),
    rootCause: { candidate, confidence: Math.min(0.9, confidence), reasoning: reasoning.join(' ') },
    evidence: refs,
    actions,
    nextChecks,
  };
}

export function candidateName(alert: Pick<DiagnosisAlert, 'alertname' | 'service' | 'instance'>): string {
  const where = [alert.service, alert.instance].filter(Boolean).join(' / ');
  return `${alert.alertname}${where ? ` on ${where}` : ''}`;
}

/** The host a command for this alert would run on: its instance without the exporter port. */
export function hostOf(alert: Pick<DiagnosisAlert, 'instance' | 'labels'>): string | null {
  return hostOfInstance(
    alert.instance ?? alert.labels.host ?? alert.labels.hostname ?? alert.labels.node ?? null,
  );
}

/** The most telling metric evidence: a forecast or anomaly before a plain change. */
function telling(evidence: EvidenceItem[]): EvidenceItem | undefined {
  for (const kind of METRIC_ORDER) {
    const found = evidence.find((e) => e.finding === kind);
    if (found) return found;
  }
  return undefined;
}

export type { Hint };
