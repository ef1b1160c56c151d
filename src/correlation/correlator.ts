import { CooccurrenceModel, type PairCount } from './cooccurrence.js';
import { hostOf } from './root-cause.js';
import { Topology } from './topology.js';
import type { CorrelationInput, CorrelationSettings, Incident, IncidentAlert, Observation } from './types.js';

/**
 * Online correlation of alerts into incidents. Each alert either updates the incident it already
 * belongs to, joins the most related recent incident (shared group, service, host, topology, learned
 * co-occurrence), or opens a new one; an alert related to several incidents merges them. Memory
 * holds only a sliding window: open incidents and recently resolved ones.
 */

/** Alert names that describe a host, not a service: their host's other alerts are their symptoms. */
const HOST_LEVEL =
  /disk|filesystem|inode|volume|memory|oom|swap|node|host|cpu|load|kernel|clock|ntp|instance.?down|target.?down|unreachable|network|nic/i;

/**
 * Where resolved incidents live once they leave memory: in a long storm memory then holds the open
 * incidents and the last few minutes' resolved ones, not `reopenMinutes` of them.
 */
export interface ResolvedIncidents {
  /** Minutes a resolved incident stays in memory (at most `reopenMinutes`). */
  keepMinutes: number;
  /** The incident resolved since `since` (ms) that holds the alert with this fingerprint. */
  withAlert(fingerprint: string, since: number): Incident | null;
}

interface Candidate {
  incident: Incident;
  score: number;
  reason: string;
  strong: boolean;
}

export class Correlator {
  readonly topology: Topology;
  readonly cooccurrence: CooccurrenceModel;
  private readonly incidents = new Map<number, Incident>();
  private readonly byFingerprint = new Map<string, number>();
  private readonly index = {
    groupKey: new Map<string, Set<number>>(),
    service: new Map<string, Set<number>>(),
    instance: new Map<string, Set<number>>(),
    identity: new Map<string, Set<number>>(),
    namespace: new Map<string, Set<number>>(),
  };
  private nextId: number;
  private lastSweep = Number.NEGATIVE_INFINITY;
  /** Co-occurrence pairs counted since the last drain (for the store to persist). */
  private learned: PairCount[] = [];
  /** Open incidents that went stale and left memory since the last drain. */
  private expired: Incident[] = [];

  /** How long a resolved incident stays in memory (it can reopen for `reopenMinutes`). */
  private readonly keepResolvedMs: number;
  private readonly resolved: ResolvedIncidents | undefined;

  constructor(
    readonly settings: CorrelationSettings,
    options: { nextId?: number; cooccurrence?: CooccurrenceModel; resolved?: ResolvedIncidents } = {},
  ) {
    this.topology = new Topology(settings.topology);
    this.cooccurrence = options.cooccurrence ?? new CooccurrenceModel();
    this.nextId = options.nextId ?? 1;
    this.resolved = options.resolved;
    this.keepResolvedMs =
      Math.min(options.resolved?.keepMinutes ?? settings.reopenMinutes, settings.reopenMinutes) * 60_000;
  }

  observe(input: CorrelationInput, at: number): Observation {
    if (at - this.lastSweep > 60_000) this.expired.push(...this.sweep(at).filter((i) => i.status === 'open'));
    if (this.resolved && !this.byFingerprint.has(input.fingerprint)) {
      const since = at - this.settings.reopenMinutes * 60_000;
      const incident = this.resolved.withAlert(input.fingerprint, since);
      if (incident) this.restore([incident]);
    }
    const alert = toIncidentAlert(input, at, this.settings);
    const knownId = this.byFingerprint.get(input.fingerprint);
    const known = knownId === undefined ? undefined : this.incidents.get(knownId);
    if (known) {
      const observed = this.update(known, alert, input, at);
      if (observed) return observed;
    }
    const candidates = this.candidates(alert, input, at);
    // Learn from this start only after using what was learned before: it must not vouch for itself.
    if (input.status === 'firing') this.learn(alert.identity, input.environment, at);
    const best = candidates[0];
    if (!best) {
      return {
        incident: this.open(alert, input, at),
        change: 'opened',
        merged: [],
        reason: 'no related incident',
      };
    }
    let target = best.incident;
    const merged: Incident[] = [];
    for (const other of candidates.slice(1)) {
      if (!other.strong || !best.strong) continue;
      // An alert without a cluster label must not bridge incidents of two clusters.
      if (![best.incident, ...merged].every((incident) => this.compatible(incident, other.incident)))
        continue;
      merged.push(other.incident);
    }
    if (merged.length > 0) {
      // Fold into the oldest incident, so its thread stays the incident's thread.
      const all = [target, ...merged].sort((a, b) => a.id - b.id);
      target = all[0] as Incident;
      for (const other of all.slice(1)) this.merge(other, target);
    }
    this.add(target, alert);
    target.lastActivity = at;
    if (input.status === 'firing') target.lastFiring = at;
    if (input.status === 'firing' && target.status === 'resolved') {
      target.status = 'open';
      target.resolvedAt = null;
    }
    return {
      incident: target,
      change: 'joined',
      merged: merged.length ? [...merged, best.incident].filter((i) => i !== target) : [],
      reason: best.reason,
    };
  }

  get(id: number): Incident | undefined {
    return this.incidents.get(id);
  }

  /** Incidents in memory (open and recently resolved). */
  active(): Incident[] {
    return [...this.incidents.values()];
  }

  /** Co-occurrence counts learned since the last call, for persistence. */
  drainLearned(): PairCount[] {
    const learned = this.learned;
    this.learned = [];
    return learned;
  }

  /** Open incidents that left memory for staleness since the last call (to mark them expired). */
  drainExpired(): Incident[] {
    const expired = this.expired;
    this.expired = [];
    return expired;
  }

  /** Puts incidents back in memory after a restart (from the store). */
  restore(incidents: Incident[]): void {
    for (const incident of incidents) {
      this.incidents.set(incident.id, incident);
      for (const alert of incident.alerts.values()) this.byFingerprint.set(alert.fingerprint, incident.id);
      this.indexIncident(incident);
      this.nextId = Math.max(this.nextId, incident.id + 1);
    }
  }

  /** Drops what the window no longer needs: resolved incidents past keeping, stale open ones. */
  sweep(now: number): Incident[] {
    this.lastSweep = now;
    const expired: Incident[] = [];
    for (const incident of this.incidents.values()) {
      const resolvedLongAgo =
        incident.status === 'resolved' && now - (incident.resolvedAt ?? 0) > this.keepResolvedMs;
      const stale =
        incident.status === 'open' && now - incident.lastActivity > this.settings.expireMinutes * 60_000;
      if (resolvedLongAgo || stale) expired.push(incident);
    }
    for (const incident of expired) this.forget(incident);
    for (const map of Object.values(this.index)) {
      for (const [key, ids] of map) {
        for (const id of ids) {
          // Only open incidents are candidates to join; a reopened one is indexed again.
          const incident = this.incidents.get(id);
          const candidate =
            incident?.status === 'open' && now - incident.lastFiring <= this.settings.windowMinutes * 60_000;
          if (!candidate) ids.delete(id);
        }
        if (ids.size === 0) map.delete(key);
      }
    }
    return expired;
  }

  private update(
    incident: Incident,
    alert: IncidentAlert,
    input: CorrelationInput,
    at: number,
  ): Observation | null {
    const existing = incident.alerts.get(alert.fingerprint) as IncidentAlert;
    if (input.status === 'resolved') {
      existing.status = 'resolved';
      existing.lastSeen = at;
      incident.lastActivity = at;
      let allResolved = true;
      for (const other of incident.alerts.values()) if (other.status !== 'resolved') allResolved = false;
      if (allResolved && incident.status === 'open') {
        incident.status = 'resolved';
        incident.resolvedAt = at;
        return { incident, change: 'resolved', merged: [], reason: 'all its alerts resolved' };
      }
      return { incident, change: 'updated', merged: [], reason: 'an alert resolved' };
    }
    if (incident.status === 'resolved') {
      if (at - (incident.resolvedAt ?? at) > this.settings.reopenMinutes * 60_000) {
        this.forget(incident);
        return null;
      }
      existing.status = 'firing';
      existing.lastSeen = at;
      existing.startsAt = alert.startsAt;
      incident.status = 'open';
      incident.resolvedAt = null;
      incident.lastActivity = at;
      incident.lastFiring = at;
      this.indexIncident(incident);
      return { incident, change: 'reopened', merged: [], reason: `${alert.alertname} fired again` };
    }
    const refired = existing.status === 'resolved';
    existing.status = 'firing';
    existing.lastSeen = at;
    incident.lastActivity = at;
    if (refired) {
      incident.lastFiring = at;
      this.indexIncident(incident);
    }
    return {
      incident,
      change: 'updated',
      merged: [],
      reason: refired ? `${alert.alertname} fired again` : 'repeat notification',
    };
  }

  private learn(identity: string, environment: string, at: number): void {
    const counted = this.cooccurrence.record(identity, environment, at);
    if (counted.length > 0) this.learned.push(...counted);
  }

  private candidates(alert: IncidentAlert, input: CorrelationInput, at: number): Candidate[] {
    const ids = new Set<number>();
    const collect = (map: Map<string, Set<number>>, key: string | null) => {
      if (key === null) return;
      for (const id of map.get(key) ?? []) ids.add(id);
    };
    collect(this.index.groupKey, alert.groupKey);
    collect(this.index.instance, hostOf(alert.instance));
    collect(this.index.namespace, namespaceKey(input.labels, alert.namespace));
    if (alert.service) {
      for (const service of this.topology.neighbourhood(alert.service, 2).keys())
        collect(this.index.service, service);
    }
    for (const partner of this.cooccurrence.partnersOf(alert.identity).keys())
      collect(this.index.identity, partner);

    const scored: Candidate[] = [];
    for (const id of ids) {
      const incident = this.incidents.get(id);
      if (incident?.status !== 'open') continue;
      const candidate = this.score(alert, input, incident, at);
      if (candidate && candidate.score >= this.settings.threshold) scored.push(candidate);
    }
    return scored.sort((a, b) => b.score - a.score || a.incident.id - b.incident.id);
  }

  /** How related the alert is to the incident, 0..1, with the strongest reason. */
  private score(
    alert: IncidentAlert,
    input: CorrelationInput,
    incident: Incident,
    at: number,
  ): Candidate | null {
    const window = this.settings.windowMinutes * 60_000;
    const gap = at - incident.lastFiring;
    if (gap > window) return null;
    if (incident.environment !== input.environment) return null;
    for (const label of this.settings.partitionLabels) {
      const value = input.labels[label];
      const theirs = incident.partition[label];
      if (value && theirs && value !== theirs) return null;
    }
    const components: Array<[number, string, boolean]> = [];
    if (alert.groupKey && incident.groupKeys.has(alert.groupKey))
      components.push([1, 'same notification group', true]);
    if (alert.service && incident.services.has(alert.service)) {
      components.push([0.85, `same service ${alert.service}`, true]);
    }
    const host = hostOf(alert.instance);
    if (host && incident.instances.has(host)) {
      components.push([0.85, `same host ${host}`, true]);
    }
    if (alert.service) {
      const near = this.nearestService(alert.service, incident);
      if (near) {
        const [service, hops] = near;
        const value = hops === 1 ? 0.75 : 0.6;
        const relation =
          hops > 1
            ? 'is two hops in the topology from'
            : this.topology.dependsOn(alert.service, service)
              ? 'depends on'
              : 'is a dependency of';
        components.push([value, `${alert.service} ${relation} ${service}`, true]);
      }
    }
    let learned = 0;
    let learnedWith = '';
    for (const [partner, count] of this.cooccurrence.partnersOf(alert.identity)) {
      if (count > learned && incident.identities.has(partner)) {
        learned = count;
        learnedWith = partner;
      }
    }
    if (learned > 0) {
      const value = Math.min(0.85, 0.45 + 0.1 * learned);
      components.push([
        value,
        `${alert.identity} has fired with ${learnedWith} ${learned} times before`,
        false,
      ]);
    }
    const namespace = namespaceKey(input.labels, alert.namespace);
    if (namespace && incident.namespaces.has(namespace))
      components.push([0.35, `same namespace ${alert.namespace}`, false]);
    if (components.length === 0) return null;
    components.sort((a, b) => b[0] - a[0]);
    const [top, reason, strong] = components[0] as [number, string, boolean];
    const support = components.slice(1).filter((c) => c[0] >= 0.3).length;
    const decay = gap <= window / 2 ? 1 : 1 - (0.3 * (gap - window / 2)) / (window / 2);
    return { incident, score: Math.min(1, top + 0.05 * support) * decay, reason, strong };
  }

  /** Incidents whose partition labels (cluster, region) do not contradict each other. */
  private compatible(a: Incident, b: Incident): boolean {
    return this.settings.partitionLabels.every(
      (label) => !a.partition[label] || !b.partition[label] || a.partition[label] === b.partition[label],
    );
  }

  private nearestService(service: string, incident: Incident): [string, number] | null {
    let best: [string, number] | null = null;
    const around = this.topology.neighbourhood(service, 2);
    for (const other of incident.services) {
      const hops = around.get(other);
      if (hops !== undefined && hops > 0 && (!best || hops < best[1])) best = [other, hops];
    }
    return best;
  }

  private open(alert: IncidentAlert, input: CorrelationInput, at: number): Incident {
    const incident: Incident = {
      id: this.nextId++,
      environment: input.environment,
      status: input.status === 'firing' ? 'open' : 'resolved',
      openedAt: at,
      lastActivity: at,
      lastFiring: at,
      resolvedAt: input.status === 'firing' ? null : at,
      alerts: new Map(),
      partition: {},
      services: new Set(),
      instances: new Set(),
      groupKeys: new Set(),
      identities: new Set(),
      namespaces: new Set(),
      mergedFrom: [],
    };
    for (const label of this.settings.partitionLabels) {
      const value = input.labels[label];
      if (value) incident.partition[label] = value;
    }
    this.incidents.set(incident.id, incident);
    this.add(incident, alert, input.labels);
    return incident;
  }

  private add(incident: Incident, alert: IncidentAlert, labels?: Record<string, string>): void {
    incident.alerts.set(alert.fingerprint, alert);
    this.byFingerprint.set(alert.fingerprint, incident.id);
    if (alert.service) incident.services.add(alert.service);
    const host = hostOf(alert.instance);
    if (host) incident.instances.add(host);
    if (alert.groupKey) incident.groupKeys.add(alert.groupKey);
    incident.identities.add(alert.identity);
    const namespace = labels ? namespaceKey(labels, alert.namespace) : null;
    if (namespace) incident.namespaces.add(namespace);
    if (labels) {
      for (const label of this.settings.partitionLabels) {
        if (labels[label] && !incident.partition[label]) incident.partition[label] = labels[label] as string;
      }
    }
    this.indexIncident(incident);
  }

  private merge(from: Incident, into: Incident): void {
    for (const alert of from.alerts.values()) this.add(into, alert);
    for (const service of from.services) into.services.add(service);
    for (const namespace of from.namespaces) into.namespaces.add(namespace);
    for (const [label, value] of Object.entries(from.partition)) into.partition[label] ??= value;
    into.mergedFrom.push(from.id, ...from.mergedFrom);
    into.openedAt = Math.min(into.openedAt, from.openedAt);
    into.lastActivity = Math.max(into.lastActivity, from.lastActivity);
    into.lastFiring = Math.max(into.lastFiring, from.lastFiring);
    this.incidents.delete(from.id);
    this.indexIncident(into);
  }

  private indexIncident(incident: Incident): void {
    const put = (map: Map<string, Set<number>>, key: string) => {
      let ids = map.get(key);
      if (!ids) {
        ids = new Set();
        map.set(key, ids);
      }
      ids.add(incident.id);
    };
    for (const key of incident.groupKeys) put(this.index.groupKey, key);
    for (const key of incident.services) put(this.index.service, key);
    for (const key of incident.instances) put(this.index.instance, key);
    for (const key of incident.identities) put(this.index.identity, key);
    for (const key of incident.namespaces) put(this.index.namespace, key);
  }

  private forget(incident: Incident): void {
    this.incidents.delete(incident.id);
    for (const fingerprint of incident.alerts.keys()) {
      if (this.byFingerprint.get(fingerprint) === incident.id) this.byFingerprint.delete(fingerprint);
    }
  }
}

function firstLabel(labels: Record<string, string>, names: string[]): string | null {
  for (const name of names) {
    const value = labels[name];
    if (value) return value;
  }
  return null;
}

function namespaceKey(labels: Record<string, string>, namespace: string | null): string | null {
  return namespace ? `${labels.cluster ?? ''}/${namespace}` : null;
}

export function toIncidentAlert(
  input: CorrelationInput,
  at: number,
  settings: CorrelationSettings,
): IncidentAlert {
  const service = firstLabel(input.labels, settings.serviceLabels);
  const instance = firstLabel(input.labels, settings.hostLabels);
  const startsAt = Date.parse(input.startsAt);
  return {
    fingerprint: input.fingerprint,
    alertname: input.alertname,
    service,
    instance,
    namespace: input.labels.namespace ?? null,
    severity: input.severity,
    status: input.status,
    startsAt: Number.isNaN(startsAt) ? at : startsAt,
    firstSeen: at,
    lastSeen: at,
    groupKey: input.groupKey ?? null,
    identity: `${input.alertname}|${service ?? ''}`,
    hostLevel: Boolean(instance) && HOST_LEVEL.test(input.alertname) && !service,
  };
}
