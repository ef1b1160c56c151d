import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ALERT_SOURCES, type Alert, SEVERITIES } from '../domain/alert.js';
import { AalsError, ErrorCode } from '../errors.js';
import { parsePayload } from '../readers/registry.js';
import { UsageError } from './io.js';

/** A normalized alert as `aals parse` prints it; missing optional fields get defaults. */
const NormalizedAlert = z.object({
  source: z.enum(ALERT_SOURCES).catch('text'),
  status: z.enum(['firing', 'resolved']).default('firing'),
  alertname: z.string().min(1),
  severity: z.enum(SEVERITIES).catch('unknown'),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string().default(() => new Date().toISOString()),
  endsAt: z.string().nullable().default(null),
  fingerprint: z.string().min(1),
  count: z.number().int().min(1).default(1),
  groupKey: z.string().optional(),
  generatorURL: z.string().optional(),
  url: z.string().optional(),
});

/**
 * Alerts from a file: normalized alerts (one, an array, or `{"alerts":[…]}` as `aals parse`
 * prints), else any payload `aals parse` accepts (Slack message, Alertmanager webhook …).
 */
export function readAlertsFile(path: string): Alert[] {
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  const record = payload as { alerts?: unknown; version?: unknown };
  const items = Array.isArray(payload)
    ? payload
    : Array.isArray(record.alerts) && !('version' in record)
      ? record.alerts
      : [payload];
  const normalized = items.map((item) => NormalizedAlert.safeParse(item));
  if (normalized.length > 0 && normalized.every((n) => n.success)) {
    return normalized.map((n) => n.data as Alert);
  }
  try {
    const { alerts } = parsePayload(payload, { receivedAt: new Date() });
    if (alerts.length === 0) throw new UsageError(`no alert found in ${path}`);
    return alerts;
  } catch (error) {
    if (error instanceof AalsError && error.code === ErrorCode.BadInput) throw new UsageError(error.message);
    throw error;
  }
}
