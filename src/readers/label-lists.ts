/**
 * Label lists as people write them in Slack templates, e.g.
 *   • *alertname:* `HighCPUUsage`     (the popular Alertmanager template)
 *   - alertname = HighCPUUsage        (Grafana's default template)
 *   alertname: HighCPUUsage
 * A list is one run of consecutive label lines; several runs mean several alerts.
 */
const LABEL_LINE =
  /^\s*(?:[•*\-–·]\s+)?\*{0,2}_?([A-Za-z_][A-Za-z0-9_.]*)_?\*{0,2}\s*(?::|=)\s*\*{0,2}\s*`?([^`]*?)`?\s*$/;

export function labelListsIn(text: string): Array<Record<string, string>> {
  const lists: Array<Record<string, string>> = [];
  let current: Record<string, string> | null = null;
  for (const line of text.split('\n')) {
    const match = isBulleted(line) ? LABEL_LINE.exec(line) : null;
    if (match) {
      current ??= {};
      current[match[1] as string] = (match[2] as string).trim();
      continue;
    }
    if (current) lists.push(current);
    current = null;
  }
  if (current) lists.push(current);
  return lists;
}

/** Only bulleted lines count as list items, so prose such as "Value: 92" is not taken for a label. */
function isBulleted(line: string): boolean {
  return /^\s*[•*\-–·]\s+/.test(line);
}
