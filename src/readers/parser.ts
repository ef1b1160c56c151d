import type { Alert, AlertSource, AlertStatus, Severity } from '../domain/alert.js';
import { labelsFingerprint } from '../domain/fingerprint.js';
import type { SlackMessage } from './message.js';
import { normalizeSeverity } from './severity.js';

export interface ParseContext {
  /** When AALS received the payload; the start time of alerts whose source gives none. */
  receivedAt: Date;
}

/**
 * A parser for one source's Slack messages. Pure: message in, alerts out.
 * Returns null when the message is not in its format, so the registry can try the next one.
 */
export interface MessageParser {
  readonly source: AlertSource;
  parse(message: SlackMessage, context: ParseContext): Alert[] | null;
}

export interface AlertDraft {
  source: AlertSource;
  status: AlertStatus;
  alertname: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  severity?: Severity | string;
  startsAt?: string | Date | null;
  endsAt?: string | Date | null;
  fingerprint?: string;
  /** What identifies the alert when its labels are incomplete (e.g. label values without names). */
  identity?: Record<string, string>;
  count?: number;
  groupKey?: string;
  generatorURL?: string;
  url?: string;
}

/** Fills in the normalized alert's derived fields consistently for every parser. */
export function buildAlert(draft: AlertDraft, context: ParseContext): Alert {
  const alertname = draft.alertname.trim() || 'UnnamedAlert';
  const labels: Record<string, string> = { ...(draft.labels ?? {}), alertname };
  const severity =
    draft.severity && isSeverity(draft.severity)
      ? draft.severity
      : normalizeSeverity(draft.severity ?? labels.severity);
  const alert: Alert = {
    source: draft.source,
    status: draft.status,
    alertname,
    severity,
    labels,
    annotations: draft.annotations ?? {},
    startsAt: toIso(draft.startsAt) ?? context.receivedAt.toISOString(),
    endsAt: draft.status === 'resolved' ? (toIso(draft.endsAt) ?? context.receivedAt.toISOString()) : null,
    fingerprint: draft.fingerprint ?? labelsFingerprint(draft.identity ?? labels),
    count: Math.max(1, draft.count ?? 1),
  };
  if (draft.groupKey) alert.groupKey = draft.groupKey;
  if (draft.generatorURL) alert.generatorURL = draft.generatorURL;
  if (draft.url) alert.url = draft.url;
  return alert;
}

function isSeverity(value: string): value is Severity {
  return ['critical', 'error', 'warning', 'info', 'unknown'].includes(value);
}

/** ISO-8601 from a date, ISO string, or epoch seconds; null for Go's zero time and garbage. */
export function toIso(value: string | number | Date | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date =
    value instanceof Date
      ? value
      : typeof value === 'number' || /^\d+(\.\d+)?$/.test(value)
        ? new Date(Number(value) * 1000)
        : new Date(value);
  const time = date.getTime();
  if (Number.isNaN(time) || date.getUTCFullYear() < 1971) return null;
  return date.toISOString();
}
