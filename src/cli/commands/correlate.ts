import { z } from 'zod';
import { environmentOf } from '../../config/derived.js';
import { Correlator } from '../../correlation/correlator.js';
import { correlationInput, observedAt } from '../../correlation/input.js';
import { rankRootCauses } from '../../correlation/root-cause.js';
import type { Incident } from '../../correlation/types.js';
import { SEVERITIES } from '../../domain/alert.js';
import { parseCommandArgs } from '../context.js';
import { type CliIo, printJson, readAll, UsageError } from '../io.js';

/** Normalized alerts as `aals parse` prints them; unknown fields are ignored. */
const InputAlert = z.object({
  fingerprint: z.string().min(1),
  alertname: z.string().min(1),
  status: z.enum(['firing', 'resolved']),
  severity: z.enum(SEVERITIES).catch('unknown'),
  labels: z.record(z.string(), z.string()),
  startsAt: z.string(),
  endsAt: z.string().nullable().optional(),
  groupKey: z.string().optional(),
});
type InputAlert = z.infer<typeof InputAlert>;

/** `aals correlate`: JSON lines of alerts (or of `{"alerts":[…]}`) in, incidents out, in arrival order. */
export async function correlateCommand(args: string[], io: CliIo): Promise<number> {
  const { load, positionals } = parseCommandArgs(args, {}, io);
  if (positionals.length > 0)
    throw new UsageError('correlate reads JSON lines from stdin and takes no arguments');
  const { config } = load();
  const alerts = readAlerts(await readAll(io.stdin));
  const correlator = new Correlator(config.correlation);
  const incidents = new Map<number, Incident>();
  const mergedInto = new Map<number, number>();
  for (const alert of alerts) {
    const input = correlationInput(alert, environmentOf(config, alert.labels));
    const observed = correlator.observe(input, observedAt(alert));
    incidents.set(observed.incident.id, observed.incident);
    for (const merged of observed.merged) mergedInto.set(merged.id, observed.incident.id);
  }
  const result = [...incidents.values()]
    .filter((incident) => !mergedInto.has(incident.id))
    .sort((a, b) => a.id - b.id)
    .map((incident) => {
      const [root] = rankRootCauses(incident, correlator.topology, 1);
      return {
        id: incident.id,
        alerts: [...incident.alerts.keys()],
        rootCause: root?.fingerprint ?? null,
        reason: root?.reason ?? null,
        status: incident.status,
        environment: incident.environment,
        alertnames: [...new Set([...incident.alerts.values()].map((a) => a.alertname))],
        mergedFrom: incident.mergedFrom,
      };
    });
  printJson(io, { incidents: result });
  return 0;
}

function readAlerts(input: string): InputAlert[] {
  const alerts: InputAlert[] = [];
  input.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new UsageError(`line ${index + 1} is not valid JSON: ${(error as Error).message}`);
    }
    const items =
      value && typeof value === 'object' && Array.isArray((value as { alerts?: unknown }).alerts)
        ? (value as { alerts: unknown[] }).alerts
        : [value];
    for (const item of items) {
      const parsed = InputAlert.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UsageError(
          `line ${index + 1}: not a normalized alert: ${issue?.path.join('.') || 'value'}: ${issue?.message}`,
        );
      }
      alerts.push(parsed.data);
    }
  });
  return alerts;
}
