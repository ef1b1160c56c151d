import { CooccurrenceModel, DEFAULT_COOCCURRENCE } from '../correlation/cooccurrence.js';
import { Correlator } from '../correlation/correlator.js';
import type { CorrelationSettings, Incident, IncidentAlert, Observation } from '../correlation/types.js';
import type { AlertPattern } from '../readers/patterns.js';
import {
  mergedAwayNotice,
  mergedInNotice,
  pointer,
  reopenedNotice,
  resolvedNotice,
} from '../slack/views/incident-summary.js';
import type { StoredAlert } from '../store/alerts.js';
import type { Store } from '../store/store.js';
import { loadIncidentView } from './incident-view.js';

/**
 * Correlates stored alerts into incidents and records what that means for Slack: the incident's
 * thread, its summary falling behind, notices (resolved, reopened, merged) and pointers from later
 * alert messages. Runs inside the processor's transaction; if that fails, `reset` reloads memory.
 */
export type Origin =
  | { kind: 'slack'; channel: string; messageTs: string }
  | { kind: 'webhook'; notifyChannel: string | null };

export interface TrackerOptions {
  /** Queue a metric analysis when an incident opens (the Prometheus module is on). */
  analyze?: boolean;
  /** Queue a diagnosis when an incident opens. */
  diagnose?: boolean;
  /** A link to a message (for pointers and merge notices), when the workspace URL is known. */
  permalink?: (channel: string, ts: string) => string | null;
}

/** Resolved incidents stay in the correlator's memory this long, then only in the store. */
const KEEP_RESOLVED_MINUTES = 3;

export class IncidentTracker {
  correlator: Correlator;
  /** Messages already pointed at an incident in this event, so a grouped message gets one pointer. */
  private pointed = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly settings: CorrelationSettings,
    private readonly options: TrackerOptions = {},
  ) {
    this.correlator = this.restore();
  }

  /** Reloads the correlator from the store (after a failed transaction or on start). */
  reset(): void {
    this.correlator = this.restore();
  }

  beginEvent(): void {
    this.pointed = new Set();
  }

  track(stored: StoredAlert, pattern: AlertPattern, origin: Origin, at: Date): Observation {
    const observation = this.correlator.observe(
      {
        fingerprint: stored.fingerprint,
        alertname: stored.alertname,
        status: stored.status,
        severity: stored.severity,
        labels: stored.labels,
        startsAt: stored.startsAt,
        groupKey: stored.groupKey,
        environment: stored.environment,
      },
      at.getTime(),
    );
    const { incident, change, merged, reason } = observation;
    const incidents = this.store.incidents;
    incidents.upsert(incident);
    if (change === 'opened' && incident.status === 'resolved') {
      // Resolved before AALS ever saw it fire: kept for history, not announced.
      incidents.event(incident.id, 'opened', { fingerprint: stored.fingerprint, alreadyResolved: true });
    } else if (change === 'opened') {
      if (origin.kind === 'slack') incidents.setThread(incident.id, origin.channel, origin.messageTs);
      else incidents.setThread(incident.id, origin.notifyChannel, null);
      incidents.event(incident.id, 'opened', {
        fingerprint: stored.fingerprint,
        alertname: stored.alertname,
      });
      if (this.options.analyze) this.store.analyses.enqueue(incident.id, stored.fingerprint);
      if (this.options.diagnose) this.store.diagnoses.enqueue(incident.id, 'normal');
    }
    const alert = incident.alerts.get(stored.fingerprint);
    if (alert) incidents.upsertAlert(incident.id, alert, stored.id, pattern);
    if (change === 'joined')
      incidents.event(incident.id, 'joined', { fingerprint: stored.fingerprint, reason });
    for (const other of merged) this.recordMerge(other, incident, reason);
    if (change === 'resolved') this.notice(incident.id, (view) => resolvedNotice(view), 'resolved', {});
    if (change === 'reopened')
      this.notice(incident.id, (view) => reopenedNotice(view, reason), 'reopened', { reason });
    if (origin.kind === 'slack' && stored.status === 'firing' && change !== 'opened')
      this.point(incident, origin);
    for (const expired of this.correlator.drainExpired()) incidents.expire(expired.id);
    this.store.cooccurrence.save(this.correlator.drainLearned());
    return observation;
  }

  private recordMerge(from: Incident, into: Incident, reason: string): void {
    const incidents = this.store.incidents;
    incidents.merge(from.id, into.id);
    incidents.event(into.id, 'merged', { from: from.id, reason });
    const target = incidents.get(into.id);
    const link =
      target?.channel && target.threadTs
        ? (this.options.permalink?.(target.channel, target.threadTs) ?? null)
        : null;
    const away = mergedAwayNotice(from.id, into.id, reason, link);
    const source = incidents.get(from.id);
    if (source?.channel) {
      this.store.outbox.add({
        incidentId: from.id,
        kind: 'notice',
        channel: source.channel,
        threadTs: null,
        ...away,
      });
    }
    if (target?.channel) {
      this.store.outbox.add({
        incidentId: into.id,
        kind: 'merge',
        channel: target.channel,
        threadTs: null,
        ...mergedInNotice([from.id], into.id, reason),
      });
    }
  }

  /** A lifecycle notice in the incident's thread; a newer one replaces an unsent older one. */
  private notice(
    incidentId: number,
    render: (view: NonNullable<ReturnType<typeof loadIncidentView>>) => {
      text: string;
      blocks: Array<Record<string, unknown>>;
    },
    kind: string,
    details: Record<string, unknown>,
  ): void {
    const view = loadIncidentView(this.store, incidentId, this.correlator.topology);
    if (!view?.incident.channel) return;
    this.store.incidents.event(incidentId, kind, details);
    this.store.outbox.supersede(incidentId, 'notice');
    this.store.outbox.add({
      incidentId,
      kind: 'notice',
      channel: view.incident.channel,
      threadTs: null,
      ...render(view),
    });
  }

  private point(incident: Incident, origin: { channel: string; messageTs: string }): void {
    const row = this.store.incidents.get(incident.id);
    if (!row) return;
    if (row.channel === origin.channel && row.threadTs === origin.messageTs) return;
    const key = `${origin.channel}:${origin.messageTs}:${incident.id}`;
    if (this.pointed.has(key)) return;
    this.pointed.add(key);
    let first: IncidentAlert | undefined;
    for (const alert of incident.alerts.values())
      if (!first || alert.firstSeen < first.firstSeen) first = alert;
    const title = first
      ? `${first.alertname}${first.service ? ` on ${first.service}` : ''}`
      : `incident #${incident.id}`;
    const threadTs = row.threadTs ?? row.summaryTs;
    const link = row.channel && threadTs ? (this.options.permalink?.(row.channel, threadTs) ?? null) : null;
    this.store.outbox.add({
      incidentId: incident.id,
      kind: 'pointer',
      channel: origin.channel,
      threadTs: origin.messageTs,
      ...pointer(incident.id, title, link, incident.alerts.size),
    });
  }

  private restore(): Correlator {
    const cooccurrence = new CooccurrenceModel(DEFAULT_COOCCURRENCE);
    cooccurrence.load(this.store.cooccurrence.load(DEFAULT_COOCCURRENCE.maxPairs));
    const correlator = new Correlator(this.settings, {
      nextId: this.store.incidents.maxId() + 1,
      cooccurrence,
      resolved: {
        keepMinutes: KEEP_RESOLVED_MINUTES,
        withAlert: (fingerprint, since) => this.store.incidents.resolvedWith(fingerprint, new Date(since)),
      },
    });
    correlator.restore(this.store.incidents.loadActive(new Date(), this.settings.reopenMinutes * 60_000));
    return correlator;
  }
}
