import { hintsFor } from '../diagnosis/hints.js';
import type { Alert } from '../domain/alert.js';
import { parseSlackMessage } from '../readers/registry.js';
import { BLOCK_KIT_LIMITS } from '../slack/block-kit-limits.js';
import { type SlackText, whereOf } from '../slack/views/incident-summary.js';
import { code, escapeMrkdwn, truncate } from '../slack/views/text.js';
import type { StoredAlert } from '../store/alerts.js';
import type { Store } from '../store/store.js';
import { formatDuration } from '../util/time.js';

/**
 * `/aals diagnose <text>` and "@aals what is wrong with checkout?": reads the text as an alert when
 * it is one, finds recent alerts it refers to, and gives the rule-based first steps.
 */
const STOPWORDS = new Set(
  'the a an is are was what whats wrong with on in at of for to and or why how does do it this that there any our my happening going'.split(
    ' ',
  ),
);

export function questionTerms(text: string): string[] {
  return [
    ...new Set(
      text
        .toLowerCase()
        .replace(/<[^>]+>/g, ' ')
        .split(/[^\p{L}\p{N}_.:-]+/u)
        .map((t) => t.replace(/^[.:-]+|[.:-]+$/g, ''))
        .filter((t) => t.length >= 3 && !STOPWORDS.has(t)),
    ),
  ];
}

/** Recent alerts whose name or label values contain one of the terms, newest first. */
export function relatedAlerts(store: Store, terms: string[], limit = 5): StoredAlert[] {
  if (terms.length === 0) return [];
  const seen = new Set<string>();
  const matches: StoredAlert[] = [];
  for (const alert of store.alerts.recent(500)) {
    if (seen.has(alert.fingerprint)) continue;
    const haystack = [alert.alertname, ...Object.values(alert.labels)].join(' ').toLowerCase();
    if (terms.some((term) => haystack.includes(term))) {
      seen.add(alert.fingerprint);
      matches.push(alert);
      if (matches.length >= limit) break;
    }
  }
  return matches;
}

export function quickDiagnosis(text: string, store: Store, now: Date): SlackText {
  const parsed = parseSlackMessage({ text }, { receivedAt: now }).alerts[0];
  const related = relatedAlerts(store, questionTerms(text));
  const subject: Pick<Alert, 'alertname' | 'annotations'> = parsed ??
    related[0] ?? { alertname: text, annotations: {} };
  const hints = hintsFor(subject);
  const lines: string[] = [];
  if (parsed) {
    const where = whereOf(parsed.labels);
    lines.push(
      `*Alert:* ${escapeMrkdwn(parsed.alertname)} (${parsed.status}, severity ${parsed.severity})${where ? ` at ${where}` : ''}`,
    );
  }
  if (related.length > 0) {
    lines.push('*Recent related alerts:*');
    for (const alert of related) {
      const age = formatDuration(now.getTime() - Date.parse(alert.receivedAt));
      lines.push(
        `• ${escapeMrkdwn(alert.alertname)} — ${alert.status}, ${alert.severity}, ${age} ago${whereOf(alert.labels) ? ` (${whereOf(alert.labels)})` : ''}`,
      );
    }
  } else {
    lines.push('_No recent alerts match this._');
  }
  if (hints.length === 0) {
    lines.push(
      'No rule matches this yet. Check what changed recently (deploys, config, traffic) and the service logs.',
    );
  }
  for (const hint of hints.slice(0, 2)) {
    lines.push(`*Looks like ${hint.topic}.* Likely causes: ${hint.likelyCauses.join('; ')}.`);
    lines.push(`Check: ${hint.checks.join('; ')}.`);
    if (hint.commands.length) lines.push(`Read-only commands to look: ${hint.commands.map(code).join('  ')}`);
  }
  const body = truncate(lines.join('\n'), BLOCK_KIT_LIMITS.sectionText);
  return {
    text: `Quick diagnosis: ${truncate(subject.alertname, 100)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: body } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Rule-based diagnosis (no LLM). Commands are suggestions; AALS has not run them.',
          },
        ],
      },
    ],
  };
}
