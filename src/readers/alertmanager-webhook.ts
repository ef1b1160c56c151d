import { z } from 'zod';
import type { Alert } from '../domain/alert.js';
import { labelsFingerprint } from '../domain/fingerprint.js';
import { AalsError, ErrorCode } from '../errors.js';
import { buildAlert, type ParseContext } from './parser.js';

/** Alertmanager's webhook body, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
const StringMap = z.record(z.string(), z.string()).catch({});

const WebhookAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  annotations: StringMap.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  /** Alertmanager's own 16-hex fingerprint; anything else is replaced by the label fingerprint. */
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional()
    .catch(undefined),
});

export const AlertmanagerWebhookBody = z.object({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().optional(),
  externalURL: z.string().optional(),
  alerts: z.array(WebhookAlert),
});
export type AlertmanagerWebhookBody = z.infer<typeof AlertmanagerWebhookBody>;

/** True for anything shaped like an Alertmanager webhook body (so it is not mistaken for a Slack message). */
export function looksLikeAlertmanagerWebhook(payload: unknown): boolean {
  if (!payload || typeof payload !== 'object') return false;
  const body = payload as Record<string, unknown>;
  return Array.isArray(body.alerts) && ('groupKey' in body || 'version' in body || 'receiver' in body);
}

export function parseAlertmanagerWebhook(payload: unknown, context: ParseContext): Alert[] {
  const parsed = AlertmanagerWebhookBody.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AalsError(
      ErrorCode.BadInput,
      `not a valid Alertmanager webhook body: ${issue?.path.join('.') || 'body'}: ${issue?.message}`,
    );
  }
  const body = parsed.data;
  return body.alerts.map((alert) =>
    buildAlert(
      {
        source: 'alertmanager_webhook',
        status: alert.status,
        alertname: alert.labels.alertname ?? 'UnnamedAlert',
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: alert.startsAt,
        endsAt: alert.endsAt,
        fingerprint: alert.fingerprint || labelsFingerprint(alert.labels),
        ...(body.groupKey ? { groupKey: body.groupKey } : {}),
        ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
        ...(body.externalURL ? { url: `${body.externalURL.replace(/\/$/, '')}/#/alerts` } : {}),
      },
      context,
    ),
  );
}
