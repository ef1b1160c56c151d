import type { MemorySource, SearchHit } from '../../memory/documents.js';
import type { Similar } from '../../memory/service.js';
import { escapeMrkdwn, truncate } from './text.js';

/**
 * The incident summary's memory part: similar past incidents with links and why they matched,
 * the runbook for the alert, and the buttons that teach AALS (👍/👎 per suggestion, "Resolved —
 * how?", and 👍/👎 on the diagnosis). Buttons carry ids only; the context stays server-side.
 */
export const ACTION = {
  voteUp: 'memory_vote_up',
  voteDown: 'memory_vote_down',
  resolution: 'incident_resolution',
  diagnosisUp: 'diagnosis_vote_up',
  diagnosisDown: 'diagnosis_vote_down',
} as const;

export const RESOLUTION_MODAL = 'incident_resolution_modal';

const link = (title: string, url?: string) =>
  url ? `<${url}|${escapeMrkdwn(truncate(title, 120))}>` : `*${escapeMrkdwn(truncate(title, 120))}*`;

const SOURCE_NAMES: Record<MemorySource, string> = {
  import: 'postmortem',
  github: 'GitHub',
  aals: 'AALS incident',
  runbook: 'runbook',
};

/** One suggestion: linked title, where it came from and when, why it matched, votes, and the fix. */
export function hitLine(hit: SearchHit, index: number, resolutionLength: number): string {
  const fixed = hit.resolution
    ? `\n      _Fixed by:_ ${escapeMrkdwn(truncate(hit.resolution, resolutionLength))}`
    : '';
  const votes = hit.helpful || hit.unhelpful ? ` · 👍 ${hit.helpful} 👎 ${hit.unhelpful}` : '';
  return `${index + 1}. ${link(hit.title, hit.url)} (${SOURCE_NAMES[hit.source]}, ${hit.createdAt.slice(0, 10)}) — ${escapeMrkdwn(hit.why)}${votes}${fixed}`;
}

export function similarBlocks(
  incidentId: number,
  similar: Similar | null,
  resolution: string | null,
): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  if (similar && (similar.hits.length > 0 || similar.runbooks.length > 0)) {
    const lines = similar.hits.map((hit, i) => hitLine(hit, i, 220));
    for (const runbook of similar.runbooks.slice(0, 2))
      lines.push(`:blue_book: Runbook: ${link(runbook.title, runbook.url)} — ${escapeMrkdwn(runbook.why)}`);
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*Similar past incidents:*\n${lines.join('\n')}`, 3000) },
    });
  }
  if (resolution) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`:memo: *Resolved by:* ${escapeMrkdwn(resolution)}`, 3000) },
    });
  }
  const buttons: Array<Record<string, unknown>> = [];
  similar?.hits.forEach((hit, i) => {
    const value = `${incidentId}|${hit.id}`;
    buttons.push(button(`👍 ${i + 1}`, `${ACTION.voteUp}_${i + 1}`, value));
    buttons.push(button(`👎 ${i + 1}`, `${ACTION.voteDown}_${i + 1}`, value));
  });
  buttons.push(button('✅ Resolved — how?', ACTION.resolution, String(incidentId), 'primary'));
  buttons.push(button('👍 diagnosis', ACTION.diagnosisUp, String(incidentId)));
  buttons.push(button('👎 diagnosis', ACTION.diagnosisDown, String(incidentId)));
  blocks.push({ type: 'actions', block_id: `incident_${incidentId}_feedback`, elements: buttons });
  return blocks;
}

function button(text: string, actionId: string, value: string, style?: 'primary') {
  return {
    type: 'button',
    text: { type: 'plain_text', text, emoji: true },
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

/** The "Resolved — how?" modal. The incident id rides in private_metadata, nothing else. */
export function resolutionModal(incidentId: number, title: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: RESOLUTION_MODAL,
    private_metadata: String(incidentId),
    title: { type: 'plain_text', text: 'How was it resolved?' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(truncate(title, 2000)) } },
      {
        type: 'input',
        block_id: 'resolution',
        label: { type: 'plain_text', text: 'What fixed it (and the root cause, if known)?' },
        element: { type: 'plain_text_input', action_id: 'text', multiline: true, max_length: 3000 },
      },
    ],
  };
}
