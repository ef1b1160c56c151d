import type { Finding } from '../analyzers/prometheus/findings.js';
import { Correlator } from '../correlation/correlator.js';
import { correlationInput, observedAt } from '../correlation/input.js';
import { rankRootCauses } from '../correlation/root-cause.js';
import type { CorrelationSettings, Incident } from '../correlation/types.js';
import type { Alert } from '../domain/alert.js';
import { labelsFingerprint } from '../domain/fingerprint.js';
import type { Similar } from '../memory/service.js';
import type { DiagnosisInput } from './evidence.js';

/**
 * A diagnosis input from bare alerts (the CLI, `/aals diagnose <text>`, evals): the alerts are
 * correlated as AALS would, and the largest incident they form is the one diagnosed.
 */
export interface AlertsContext {
  environment: string;
  findings?: Finding[] | null;
  analysisError?: string | null;
  similar?: Similar | null;
  question?: string | undefined;
  incidentId?: number | null;
}

export function inputFromAlerts(
  alerts: Alert[],
  settings: CorrelationSettings,
  context: AlertsContext,
): DiagnosisInput {
  const correlator = new Correlator(settings);
  const incidents = new Map<number, Incident>();
  const byFingerprint = new Map(alerts.map((a) => [a.fingerprint, a]));
  for (const alert of alerts) {
    const observed = correlator.observe(correlationInput(alert, context.environment), observedAt(alert));
    incidents.set(observed.incident.id, observed.incident);
    for (const merged of observed.merged) incidents.delete(merged.id);
  }
  const incident = [...incidents.values()].sort((a, b) => b.alerts.size - a.alerts.size)[0];
  const members = incident ? [...incident.alerts.values()] : [];
  return {
    incidentId: context.incidentId ?? null,
    environment: context.environment,
    alerts: members.map((member) => {
      const alert = byFingerprint.get(member.fingerprint);
      return {
        fingerprint: member.fingerprint,
        alertname: member.alertname,
        severity: member.severity,
        status: member.status,
        service: member.service,
        instance: member.instance,
        labels: alert?.labels ?? {},
        annotations: alert?.annotations ?? {},
        startsAt: member.startsAt,
        pattern: null,
      };
    }),
    roots: incident ? rankRootCauses(incident, correlator.topology, 2) : [],
    findings: context.findings ?? null,
    analysisError: context.analysisError ?? null,
    similar: context.similar ?? null,
    question: context.question,
  };
}

/** A question or free text read as an alert named by it, so the rules still match its words. */
export function alertFromText(text: string, now: Date): Alert {
  const alertname = text.replace(/\s+/g, ' ').trim().slice(0, 120) || 'question';
  return {
    source: 'text',
    status: 'firing',
    alertname,
    severity: 'unknown',
    labels: { alertname },
    annotations: {},
    startsAt: now.toISOString(),
    endsAt: null,
    fingerprint: labelsFingerprint({ alertname }),
    count: 1,
  };
}
