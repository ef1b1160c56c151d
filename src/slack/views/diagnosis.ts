import type { Diagnosis, ProposedAction } from '../../domain/diagnosis.js';
import type { RiskLevel } from '../../domain/risk.js';
import { usd } from '../../llm/budget.js';
import { code, context, escapeMrkdwn, section, truncate } from './text.js';

/**
 * The diagnosis part of an incident summary: who wrote it, the likely root cause with confidence
 * and reasoning, the evidence it rests on, proposed commands with the policy's risk badge, what
 * to check next, and notes (budget reached, LLM timed out, cached). Model text is escaped.
 */
const RISK_BADGE: Record<RiskLevel, string> = {
  READ_ONLY: ':large_green_circle: READ_ONLY',
  LOW_RISK: ':large_blue_circle: LOW_RISK',
  MEDIUM_RISK: ':large_yellow_circle: MEDIUM_RISK',
  HIGH_RISK: ':large_orange_circle: HIGH_RISK',
  CRITICAL: ':red_circle: CRITICAL',
};

const LABELS = {
  en: {
    title: 'Diagnosis',
    rules: 'rules, no LLM',
    root: 'Likely root cause',
    confidence: 'confidence',
    evidence: 'Evidence',
    commands: 'Proposed commands',
    next: 'Check next',
    on: 'on',
    pending: 'LLM diagnosis in progress; it replaces this one when it arrives.',
  },
  ja: {
    title: '診断',
    rules: 'ルール、LLM なし',
    root: '推定根本原因',
    confidence: '確信度',
    evidence: '根拠',
    commands: '提案コマンド',
    next: '次の確認',
    on: '対象',
    pending: 'LLM による診断を実行中です。届き次第この診断を置き換えます。',
  },
} as const;

export function diagnosisBlocks(diagnosis: Diagnosis, pending: boolean): Array<Record<string, unknown>> {
  const l = LABELS[diagnosis.language];
  const by =
    diagnosis.source === 'rules'
      ? l.rules
      : `${escapeMrkdwn(diagnosis.author)}${diagnosis.usage ? ` · ${diagnosis.usage.steps} steps · ${usd(diagnosis.usage.costUsd)}` : ''}${diagnosis.cached ? ' · cached' : ''}`;
  const lines = [`:stethoscope: *${l.title}* (${by})`, escapeMrkdwn(diagnosis.summary)];
  if (diagnosis.rootCause) {
    lines.push(
      `*${l.root}:* ${escapeMrkdwn(diagnosis.rootCause.candidate)} · ${l.confidence} ${Math.round(diagnosis.rootCause.confidence * 100)} %`,
      `_${escapeMrkdwn(truncate(diagnosis.rootCause.reasoning, 900))}_`,
    );
  }
  if (diagnosis.evidence.length) {
    lines.push(
      `*${l.evidence}:* ${diagnosis.evidence
        .slice(0, 6)
        .map((e) => `${e.ref} ${escapeMrkdwn(truncate(e.note, 140))}`)
        .join(' · ')}`,
    );
  }
  const blocks: Array<Record<string, unknown>> = [section(lines.join('\n'))];
  if (diagnosis.actions.length) {
    blocks.push(section(`*${l.commands}:*\n${diagnosis.actions.map((a) => actionLine(a, l.on)).join('\n')}`));
  }
  const tail: string[] = [];
  if (diagnosis.nextChecks.length) {
    tail.push(`*${l.next}:* ${diagnosis.nextChecks.map((c) => escapeMrkdwn(c)).join(' · ')}`);
  }
  for (const note of diagnosis.notes) tail.push(`:information_source: ${escapeMrkdwn(note)}`);
  if (pending) tail.push(`:hourglass_flowing_sand: ${l.pending}`);
  if (tail.length) blocks.push(context(tail.join('\n')));
  return blocks;
}

/** Command, host, the policy's badge and what it means; never anything the model claimed. */
export function actionLine(action: ProposedAction, on = 'on'): string {
  const { risk, decision, approvals } = action.assessment;
  const what =
    decision === 'auto'
      ? 'runs without approval'
      : decision === 'notify'
        ? 'runs, reported afterwards'
        : decision === 'approval'
          ? `needs ${approvals} approval${approvals === 1 ? '' : 's'}`
          : decision === 'manual'
            ? 'never run by AALS: a human runs it by hand'
            : `refused: ${action.assessment.reason}`;
  const host = action.host ? ` ${on} ${code(action.host)}` : '';
  return `• ${code(truncate(action.command, 300))}${host} — ${RISK_BADGE[risk]} · ${escapeMrkdwn(truncate(what, 200))} — ${escapeMrkdwn(truncate(action.purpose, 200))}`;
}
