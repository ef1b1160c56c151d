import type { CorrelationSettings } from '../correlation/types.js';
import type { Diagnoser } from '../diagnosis/diagnoser.js';
import { alertFromText, inputFromAlerts } from '../diagnosis/from-alerts.js';
import type { Alert } from '../domain/alert.js';
import { parseSlackMessage } from '../readers/registry.js';
import { BLOCK_KIT_LIMITS } from '../slack/block-kit-limits.js';
import { diagnosisBlocks } from '../slack/views/diagnosis.js';
import { type SlackText, whereOf } from '../slack/views/incident-summary.js';
import { escapeMrkdwn, truncate } from '../slack/views/text.js';
import type { StoredAlert } from '../store/alerts.js';
import type { Store } from '../store/store.js';
import { formatDuration } from '../util/time.js';

/**
 * `/aals diagnose <text>` and "@aals what is wrong with checkout?": reads the text as an alert when
 * it is one, else finds the recent alerts it refers to, and diagnoses them like an incident.
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

export interface TextDiagnosisContext {
  store: Store;
  diagnoser: Diagnoser;
  correlation: CorrelationSettings;
  environmentOf: (labels: Record<string, string>) => string;
  now: Date;
}

/** The answer to a question: the rules at once (`rulesOnly`), or the full diagnosis. */
export async function textDiagnosis(
  text: string,
  ctx: TextDiagnosisContext,
  options: { rulesOnly: boolean },
): Promise<SlackText> {
  const parsed = parseSlackMessage({ text }, { receivedAt: ctx.now }).alerts[0];
  const related = parsed ? [] : relatedAlerts(ctx.store, questionTerms(text));
  // With no alert to go on, the question itself is read as one, so the rules still match its words.
  const alerts: Alert[] = parsed ? [parsed] : related.length > 0 ? related : [alertFromText(text, ctx.now)];
  const lines: string[] = [];
  if (parsed) {
    const where = whereOf(parsed.labels);
    lines.push(
      `*Alert:* ${escapeMrkdwn(parsed.alertname)} (${parsed.status}, severity ${parsed.severity})${where ? ` at ${where}` : ''}`,
    );
  } else if (related.length > 0) {
    lines.push('*Recent related alerts:*');
    for (const alert of related) {
      const age = formatDuration(ctx.now.getTime() - Date.parse(alert.receivedAt));
      lines.push(
        `• ${escapeMrkdwn(alert.alertname)} — ${alert.status}, ${alert.severity}, ${age} ago${whereOf(alert.labels) ? ` (${whereOf(alert.labels)})` : ''}`,
      );
    }
  } else {
    lines.push(
      '_No recent alerts match this._ Check what changed recently (deploys, config, traffic) and the service logs.',
    );
  }
  const subject = parsed?.alertname ?? related[0]?.alertname ?? text;
  const blocks: Array<Record<string, unknown>> = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(lines.join('\n'), BLOCK_KIT_LIMITS.sectionText) },
    },
  ];
  const input = inputFromAlerts(alerts, ctx.correlation, {
    environment: ctx.environmentOf((alerts[0] as Alert).labels),
    ...(parsed ? {} : { question: text }),
  });
  const diagnosis = await ctx.diagnoser.diagnose(input, { rulesOnly: options.rulesOnly });
  blocks.push(...diagnosisBlocks(diagnosis, options.rulesOnly && ctx.diagnoser.usesLlm));
  return { text: `Diagnosis: ${truncate(subject, 100)}`, blocks };
}
