/** Escaping and truncation for text AALS puts into Slack messages. */

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
