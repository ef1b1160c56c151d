import type { Finding } from '../analyzers/prometheus/findings.js';
import type { RootCause } from '../correlation/types.js';
import type { Severity } from '../domain/alert.js';
import type { Similar } from '../memory/service.js';
import type { AlertPattern } from '../readers/patterns.js';
import { FINDING_ORDER, findingLines, plainLine } from '../slack/views/findings.js';

/**
 * What a diagnosis is built from, whoever writes it: the incident's alerts, the correlator's
 * root-cause ranking, the metric findings, similar past incidents and runbooks. Each piece gets a
 * short id (A1, C1, M1, S1, R1) so a diagnosis can point at the evidence it rests on. Pure.
 */
export interface DiagnosisAlert {
  fingerprint: string;
  alertname: string;
  severity: Severity;
  status: 'firing' | 'resolved';
  service: string | null;
  instance: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  pattern: AlertPattern | null;
}

export interface DiagnosisInput {
  incidentId: number | null;
  environment: string;
  alerts: DiagnosisAlert[];
  roots: RootCause[];
  findings: Finding[] | null;
  analysisError: string | null;
  similar: Similar | null;
  /** What someone asked (`/aals diagnose why is checkout slow?`), when a person asked. */
  question?: string | undefined;
}

export type EvidenceKind = 'alert' | 'correlation' | 'metric' | 'similar' | 'runbook';

export interface EvidenceItem {
  id: string;
  kind: EvidenceKind;
  text: string;
  /** For metric evidence: what kind of finding it is. */
  finding?: Finding['kind'];
}

const MAX_ALERTS = 12;
const MAX_FINDINGS = 10;

export function buildEvidence(input: DiagnosisInput, now: Date): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const rootFirst = orderedAlerts(input);
  rootFirst.slice(0, MAX_ALERTS).forEach((alert, i) => {
    items.push({ id: `A${i + 1}`, kind: 'alert', text: alertText(alert, now) });
  });
  if (input.alerts.length > MAX_ALERTS) {
    items.push({
      id: `A${MAX_ALERTS + 1}`,
      kind: 'alert',
      text: `…and ${input.alerts.length - MAX_ALERTS} more alerts in the incident`,
    });
  }
  input.roots.slice(0, 2).forEach((root, i) => {
    const where = root.service ?? root.instance;
    items.push({
      id: `C${i + 1}`,
      kind: 'correlation',
      text: `${i === 0 ? 'Most likely root cause' : 'Next candidate'} by correlation: ${root.alertname}${where ? ` on ${where}` : ''} (${root.reason})`,
    });
  });
  if (input.analysisError) {
    items.push({ id: 'M1', kind: 'metric', text: `Metric analysis failed: ${input.analysisError}` });
  } else if (input.findings) {
    const sorted = [...input.findings].sort(
      (a, b) => FINDING_ORDER.indexOf(a.kind) - FINDING_ORDER.indexOf(b.kind),
    );
    let n = 0;
    for (const finding of sorted) {
      if (finding.kind === 'no_data' || n >= MAX_FINDINGS) continue;
      const line = findingLines([finding], now, 1)[0];
      if (!line) continue;
      n++;
      items.push({ id: `M${n}`, kind: 'metric', text: plainLine(line), finding: finding.kind });
    }
  }
  input.similar?.hits.slice(0, 5).forEach((hit, i) => {
    items.push({
      id: `S${i + 1}`,
      kind: 'similar',
      text: `Similar past incident "${hit.title}" (${hit.source}, ${hit.createdAt.slice(0, 10)}, match ${hit.why})${hit.resolution ? `; fixed by: ${hit.resolution.slice(0, 400)}` : ''}`,
    });
  });
  input.similar?.runbooks.slice(0, 3).forEach((runbook, i) => {
    items.push({ id: `R${i + 1}`, kind: 'runbook', text: `Runbook "${runbook.title}" (id ${runbook.id})` });
  });
  return items;
}

/** The correlator's best candidate first, then firing before resolved, most severe first. */
export function orderedAlerts(input: DiagnosisInput): DiagnosisAlert[] {
  const rootRank = new Map(input.roots.map((root, i) => [root.fingerprint, i]));
  const severity = ['critical', 'error', 'warning', 'info', 'unknown'];
  return [...input.alerts].sort(
    (a, b) =>
      (rootRank.get(a.fingerprint) ?? 99) - (rootRank.get(b.fingerprint) ?? 99) ||
      Number(b.status === 'firing') - Number(a.status === 'firing') ||
      severity.indexOf(a.severity) - severity.indexOf(b.severity) ||
      a.startsAt - b.startsAt,
  );
}

function alertText(alert: DiagnosisAlert, now: Date): string {
  const where = [
    alert.service && `service ${alert.service}`,
    alert.instance && `instance ${alert.instance}`,
    alert.labels.namespace && `namespace ${alert.labels.namespace}`,
  ]
    .filter(Boolean)
    .join(', ');
  const summary = [alert.annotations.summary, alert.annotations.description]
    .filter((text, i, all): text is string => Boolean(text) && all.indexOf(text) === i)
    .join(' — ');
  const minutes = Math.max(0, Math.round((now.getTime() - alert.startsAt) / 60_000));
  const pattern = alert.pattern?.flapping ? ', flapping' : alert.pattern?.recurring ? ', recurring' : '';
  return `${alert.alertname} (${alert.status}, ${alert.severity}${pattern}, started ${minutes} min ago)${where ? ` at ${where}` : ''}${summary ? `: ${summary.slice(0, 600)}` : ''}`;
}
