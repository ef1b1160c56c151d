import type { Diagnosis, ProposedAction } from '../../domain/diagnosis.js';
import type { RiskLevel } from '../../domain/risk.js';
import { usd } from '../../llm/budget.js';
import type { ApprovalRow } from '../../store/approvals.js';
import { slackDate } from '../../util/time.js';
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

export const APPROVAL_ACTION = { approve: 'approval_approve', reject: 'approval_reject' } as const;
export const REJECT_MODAL = 'approval_reject_modal';

export function diagnosisBlocks(
  diagnosis: Diagnosis,
  pending: boolean,
  approvals: ApprovalRow[] = [],
): Array<Record<string, unknown>> {
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
    const requestOf = (action: ProposedAction) =>
      [...approvals].reverse().find((a) => a.command === action.command);
    const lines = diagnosis.actions.map((a) => {
      const request = requestOf(a);
      return `${actionLine(a, l.on)}${request ? ` · ${requestState(request)}` : ''}`;
    });
    blocks.push(section(`*${l.commands}:*\n${lines.join('\n')}`));
    for (const request of approvals.filter((a) => a.status === 'pending').slice(0, 8)) {
      blocks.push(approvalButtons(request));
    }
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

/** Where a command request stands, for the line under its command. */
export function requestState(request: ApprovalRow): string {
  const id = `#${request.id}`;
  switch (request.status) {
    case 'pending': {
      const who = request.approvers.map((u) => `<@${u}>`).join(', ');
      const until = request.expiresAt ? `, expires ${slackDate(request.expiresAt, '{time}')}` : '';
      // A read-only command waits only because its host has no read-only identity: say so.
      const why =
        request.risk === 'READ_ONLY' && request.reason
          ? ` — ${escapeMrkdwn(truncate(request.reason, 200))}`
          : '';
      return `${id} waiting for approval (${request.approvers.length}/${request.required}${who ? `: ${who}` : ''}${until})${why}`;
    }
    case 'approved':
    case 'executing':
      return `${id} :hourglass_flowing_sand: running`;
    case 'executed':
      return `${id} :white_check_mark: ran (exit ${request.result?.exitCode ?? 0}), output in the thread`;
    case 'failed':
      return `${id} :x: ${request.result?.status === 'ok' || request.result?.status === 'failed' ? `exit ${request.result?.exitCode}` : (request.result?.status ?? 'failed')}, output in the thread`;
    case 'rejected': {
      // The reason is "rejected by <@U…>: text": the mention stays a mention, the text is escaped.
      const parts = /^rejected by <@([UW][A-Z0-9]+)>: ([\s\S]*)$/.exec(request.reason ?? '');
      const why = parts
        ? `rejected by <@${parts[1]}>: ${escapeMrkdwn(truncate(parts[2] ?? '', 200))}`
        : escapeMrkdwn(truncate(request.reason ?? 'rejected', 200));
      return `${id} :no_entry_sign: ${why}`;
    }
    case 'expired':
      return `${id} expired without enough approvals`;
    case 'manual':
      return `${id} shown only: a human runs it by hand`;
    case 'denied':
      return `${id} refused: ${escapeMrkdwn(truncate(request.reason ?? 'the policy refuses it', 200))}`;
    case 'blocked':
      return `${id} not run: ${escapeMrkdwn(truncate(request.reason ?? 'blocked by the policy', 200))}`;
    case 'interrupted':
      return `${id} :warning: interrupted by a restart; outcome unknown`;
    default:
      return id;
  }
}

/** Approve / Reject for one request; the buttons carry only its id. */
export function approvalButtons(request: ApprovalRow): Record<string, unknown> {
  const value = String(request.id);
  return {
    type: 'actions',
    block_id: `approval_${request.id}`,
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: `Approve #${request.id}`, emoji: true },
        action_id: APPROVAL_ACTION.approve,
        value,
        style: 'primary',
      },
      {
        type: 'button',
        text: { type: 'plain_text', text: `Reject #${request.id}`, emoji: true },
        action_id: APPROVAL_ACTION.reject,
        value,
        style: 'danger',
      },
    ],
  };
}

/** The reject form: the request id rides in private_metadata. */
export function rejectModal(request: ApprovalRow): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: REJECT_MODAL,
    private_metadata: String(request.id),
    title: { type: 'plain_text', text: 'Reject command' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`${code(truncate(request.command, 300))} on ${code(request.host)}`),
      {
        type: 'input',
        block_id: 'reason',
        label: { type: 'plain_text', text: 'Why not?' },
        element: { type: 'plain_text_input', action_id: 'text', multiline: true, max_length: 500 },
      },
    ],
  };
}
