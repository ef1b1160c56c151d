import { approvalButtons, requestState } from '../slack/views/diagnosis.js';
import { code, context, escapeMrkdwn, section, truncate } from '../slack/views/text.js';
import type { ApprovalRow, CommandOutcome } from '../store/approvals.js';

/** Slack messages about commands: the result in the incident thread, and interruptions. */
const OUTPUT_CHARS = 2500;

export function commandResultMessage(row: ApprovalRow, outcome: CommandOutcome) {
  const ok = outcome.status === 'ok' && outcome.exitCode === 0;
  const icon = ok ? ':white_check_mark:' : outcome.status === 'timeout' ? ':alarm_clock:' : ':x:';
  const how =
    outcome.status === 'ok' || outcome.status === 'failed'
      ? `exit ${outcome.exitCode ?? '?'}`
      : `${outcome.status}${outcome.error ? `: ${escapeMrkdwn(truncate(outcome.error, 300))}` : ''}`;
  const by = row.approvers.length
    ? `approved by ${row.approvers.map((u) => `<@${u}>`).join(', ')}`
    : row.decision === 'notify'
      ? 'ran without approval (policy: report afterwards)'
      : 'read-only: ran without approval';
  const blocks: Array<Record<string, unknown>> = [
    section(
      `${icon} ${code(truncate(row.command, 300))} on ${code(row.host)} — ${how} in ${outcome.durationMs} ms\n_${by}_`,
    ),
  ];
  const output = [outcome.stdout, outcome.stderr ? `--- stderr ---\n${outcome.stderr}` : '']
    .filter(Boolean)
    .join('\n');
  if (output.trim())
    blocks.push(section(`\`\`\`${truncate(output.replace(/```/g, "'''"), OUTPUT_CHARS)}\`\`\``));
  const notes = [`request #${row.id}`, `${row.risk}`];
  if (outcome.outputSha256) notes.push(`output sha256 ${outcome.outputSha256.slice(0, 16)}…`);
  if (outcome.truncated) notes.push('output truncated at the executor cap');
  blocks.push(context(notes.join(' · ')));
  return { text: `${ok ? 'Ran' : 'Failed'}: ${truncate(row.command, 100)} on ${row.host}`, blocks };
}

export function interruptedMessage(row: ApprovalRow) {
  return {
    text: `Interrupted: ${truncate(row.command, 100)} on ${row.host}`,
    blocks: [
      section(
        `:warning: ${code(truncate(row.command, 300))} on ${code(row.host)} was running when AALS stopped. Its outcome is unknown and AALS will not run it again; check the host.`,
      ),
    ],
  };
}

/** The answer to `/aals run`: the request, its risk, where it stands, and buttons while it is open. */
export function requestMessage(request: ApprovalRow, why: string) {
  const blocks: Array<Record<string, unknown>> = [
    section(
      `${code(truncate(request.command, 300))} on ${code(request.host)} (${request.environment}) — *${request.risk}*, requested by <@${request.requestedBy}>\n${requestState(request)}\n_${escapeMrkdwn(truncate(why, 500))}_`,
    ),
  ];
  if (request.status === 'pending') blocks.push(approvalButtons(request));
  return {
    text: `Command request #${request.id}: ${truncate(request.command, 100)} on ${request.host}`,
    blocks,
  };
}
