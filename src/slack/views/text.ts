/** Escaping and truncation for text AALS puts into Slack messages, and the two blocks that carry it. */
import { BLOCK_KIT_LIMITS } from '../block-kit-limits.js';

/** Slack needs only &, < and > escaped; this also stops untrusted text from forming links or mentions. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Keeps text within a Block Kit limit, marking the cut. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, Math.max(0, limit - 1))}…`;
}

/** Inline code that cannot be broken out of by a backtick in the value. */
export function code(value: string): string {
  return `\`${escapeMrkdwn(value.replace(/`/g, "'"))}\``;
}

/** A mrkdwn section, cut to Block Kit's limit. */
export const section = (text: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, BLOCK_KIT_LIMITS.sectionText) },
});

/** A mrkdwn context line (smaller, grey), cut to its limit. */
export const context = (text: string) => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, 2000) }],
});
