import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from 'winston';
import type { Topology } from '../correlation/topology.js';
import { errorMessage } from '../errors.js';
import type { MemoryDocument } from '../memory/documents.js';
import { extractCommands } from '../memory/extract.js';
import type { IncidentMemory, Similar } from '../memory/service.js';
import { findingLines, plainLine } from '../slack/views/findings.js';
import { type IncidentView, incidentTitle } from '../slack/views/incident-summary.js';
import type { Store } from '../store/store.js';
import { loadIncidentView } from './incident-view.js';

/**
 * Connects incidents with incident memory in the background: each new incident is looked up
 * (similar past incidents and runbooks go into its summary), and each resolved incident — with its
 * alerts, findings and the resolution people gave — is remembered for the next one.
 */
export interface MemoryRunnerDeps {
  store: Store;
  memory: IncidentMemory;
  topology: () => Topology;
  logger: Logger;
  onStored: () => void;
}

export class MemoryRunner {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: MemoryRunnerDeps) {}

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.wake();
      }
    });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    const { store } = this.deps;
    let changed = false;
    for (
      let batch = store.incidents.withoutSimilar();
      batch.length > 0;
      batch = store.incidents.withoutSimilar()
    ) {
      for (const incident of batch) {
        await yieldToLoop(); // a search can take tens of milliseconds with a big memory
        if (this.stopped) return;
        store.incidents.setSimilar(incident.id, JSON.stringify(await this.lookup(incident.id)));
        changed = true;
      }
    }
    if (changed) this.deps.onStored();
    for (let batch = store.incidents.toRemember(); batch.length > 0; batch = store.incidents.toRemember()) {
      for (const incident of batch) {
        await yieldToLoop();
        if (this.stopped) return;
        const view = loadIncidentView(store, incident.id, this.deps.topology());
        try {
          if (view) await this.deps.memory.remember(incidentDocument(view));
          store.incidents.remembered(incident.id, incident.summaryVersion);
        } catch (error) {
          // Left for the next wake-up (e.g. the embeddings server is down).
          this.deps.logger.warn('could not remember incident', {
            incident: incident.id,
            error: errorMessage(error),
          });
          return;
        }
      }
    }
  }

  private async lookup(incidentId: number): Promise<Similar> {
    const view = loadIncidentView(this.deps.store, incidentId, this.deps.topology());
    if (!view) return { hits: [], runbooks: [] };
    const root = view.alerts.find((a) => a.fingerprint === view.roots[0]?.fingerprint) ?? view.alerts[0];
    try {
      return await this.deps.memory.similar(
        queryFor(view),
        {
          ...(root ? { alertname: root.alertname, labels: contextLabels(root.labels) } : {}),
          services: [...new Set(view.alerts.map((a) => a.service).filter((s): s is string => Boolean(s)))],
        },
        `aals:incident:${incidentId}`,
      );
    } catch (error) {
      this.deps.logger.warn('incident memory lookup failed', {
        incident: incidentId,
        error: errorMessage(error),
      });
      return { hits: [], runbooks: [] };
    }
  }
}

/** The labels that say where an incident happened, for matching past incidents from the same place. */
const PLACE_LABELS = ['cluster', 'region', 'namespace', 'job', 'env', 'environment'];

function contextLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(PLACE_LABELS.filter((k) => labels[k]).map((k) => [k, labels[k] as string]));
}

/** What to search for: the likely root cause's alert first, then the other alerts and services. */
export function queryFor(view: IncidentView): string {
  const root = view.alerts.find((a) => a.fingerprint === view.roots[0]?.fingerprint) ?? view.alerts[0];
  const parts: string[] = [];
  if (root) {
    parts.push(root.alertname, root.service ?? '', root.instance ?? '');
    parts.push(root.annotations.summary ?? '', root.annotations.description ?? '');
  }
  for (const alert of view.alerts.slice(0, 8))
    if (alert !== root) parts.push(alert.alertname, alert.service ?? '');
  return parts.filter(Boolean).join(' ').slice(0, 2000);
}

/** An AALS incident as a memory document: what fired, what was found, and what fixed it. */
export function incidentDocument(view: IncidentView): MemoryDocument {
  const { incident, alerts, roots, analysis } = view;
  const lines = alerts.map(
    (a) =>
      `- ${a.alertname}${a.service ? ` on ${a.service}` : ''}${a.instance ? ` (${a.instance})` : ''}: ${a.annotations.summary ?? a.annotations.description ?? a.status}`,
  );
  const findings = analysis?.findings ? findingLines(analysis.findings, new Date(), 10).map(plainLine) : [];
  const body = [
    `Incident #${incident.id} (${incident.environment}), opened ${incident.openedAt}, ${incident.status}.`,
    roots[0] ? `Likely root cause: ${roots[0].alertname} — ${roots[0].reason}.` : '',
    'Alerts:',
    ...lines,
    findings.length ? 'Metrics:' : '',
    ...findings,
    ...ranCommands(view),
    incident.resolution ? `Resolution: ${incident.resolution}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return {
    id: `aals:incident:${incident.id}`,
    source: 'aals',
    title: incidentTitle(view),
    body,
    labels: [
      incident.environment,
      ...new Set(alerts.flatMap((a) => Object.entries(contextLabels(a.labels)).map(([k, v]) => `${k}:${v}`))),
    ],
    services: [...new Set(alerts.map((a) => a.service).filter((s): s is string => Boolean(s)))],
    alertnames: [...new Set(alerts.map((a) => a.alertname))],
    ...(roots[0] ? { rootCause: `${roots[0].alertname}: ${roots[0].reason}` } : {}),
    ...(incident.resolution ? { resolution: incident.resolution } : {}),
    commands: [
      ...new Set([
        ...extractCommands(incident.resolution ?? ''),
        ...(view.approvals ?? []).filter((a) => a.status === 'executed').map((a) => a.command),
      ]),
    ].slice(0, 20),
    createdAt: incident.openedAt,
    updatedAt: incident.lastActivity,
  };
}

/** What AALS ran for the incident and how it ended: part of what happened, for the next one. */
function ranCommands(view: IncidentView): string[] {
  const ran = (view.approvals ?? []).filter((a) => a.status === 'executed' || a.status === 'failed');
  if (ran.length === 0) return [];
  return [
    'Commands run:',
    ...ran.map(
      (a) =>
        `- ${a.command} on ${a.host}: ${a.result?.status ?? a.status}${a.result?.exitCode !== null && a.result?.exitCode !== undefined ? ` (exit ${a.result.exitCode})` : ''}`,
    ),
  ];
}
