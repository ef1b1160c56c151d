import type { Severity } from '../domain/alert.js';
import { labelsFingerprint } from '../domain/fingerprint.js';
import type { CorrelationInput } from './types.js';

/**
 * A seeded, deterministic generator of labelled alert storms: cascades through a generated service
 * topology, host-level incidents, isolated alerts, two clusters failing at once, staging and
 * production interleaved, resolves and re-fires. Each alert notification carries its true incident
 * and whether it is that incident's root cause, for evaluating the correlator.
 */
export interface StormOptions {
  seed: number;
  /** How many incidents to generate (isolated alerts count as incidents). */
  incidents: number;
  /** Over how long they start. */
  durationMinutes: number;
  services?: number;
  hosts?: number;
}

export interface LabelledAlert {
  at: number;
  alert: CorrelationInput;
  truth: { incident: string; root: boolean };
}

export interface Scenario {
  seed: number;
  topology: Record<string, string[]>;
  alerts: LabelledAlert[];
  /** True incident → fingerprints of its root-cause alerts. */
  roots: Map<string, Set<string>>;
  kinds: Map<string, string>;
}

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'checkout',
  'payments',
  'orders',
  'cart',
  'catalog',
  'search',
  'auth',
  'users',
  'billing',
  'shipping',
  'inventory',
  'pricing',
  'reviews',
  'ads',
  'email',
  'notify',
  'ledger',
  'fraud',
  'recommend',
  'media',
];
const LAYERS = ['edge', 'api', 'svc', 'db'] as const;
const SYMPTOMS: Array<[string, Severity]> = [
  ['HighErrorRate', 'critical'],
  ['HighLatency', 'warning'],
  ['UpstreamTimeouts', 'warning'],
  ['ProbeFailure', 'critical'],
  ['SaturatedWorkers', 'warning'],
  ['QueueBacklog', 'warning'],
];
const ROOT_ALERTS: Record<(typeof LAYERS)[number], Array<[string, Severity]>> = {
  edge: [['HighErrorRate', 'critical']],
  api: [
    ['PodCrashLooping', 'critical'],
    ['HighErrorRate', 'critical'],
  ],
  svc: [
    ['PodCrashLooping', 'critical'],
    ['DeploymentReplicasMismatch', 'warning'],
    ['HighErrorRate', 'critical'],
  ],
  db: [
    ['DatabaseDown', 'critical'],
    ['ReplicationBroken', 'critical'],
    ['ConnectionsExhausted', 'critical'],
  ],
};
/** Chance that a dependent at each depth shows symptoms. */
const SPREAD = [1, 0.85, 0.6, 0.4];
const HOST_ALERTS: Array<[string, Severity]> = [
  ['NodeFilesystemAlmostFull', 'critical'],
  ['NodeMemoryPressure', 'warning'],
  ['NodeDown', 'critical'],
];
const PLACES = [
  { environment: 'production', env: 'production', cluster: 'prod-tokyo' },
  { environment: 'production', env: 'production', cluster: 'prod-osaka' },
  { environment: 'staging', env: 'staging', cluster: 'stg-tokyo' },
] as const;
type Place = (typeof PLACES)[number];

interface Service {
  name: string;
  layer: number;
  hosts: string[];
}

export function generateStorm(options: StormOptions): Scenario {
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);

  // Topology: four layers; each service depends on one to three services in the layers below.
  const serviceCount = options.services ?? 28;
  const hostCount = options.hosts ?? Math.ceil(serviceCount * 0.8);
  const hosts = Array.from({ length: hostCount }, (_, i) => `node-${String(i + 1).padStart(2, '0')}:9100`);
  const services: Service[] = [];
  const used = new Set<string>();
  for (let i = 0; i < serviceCount; i++) {
    const layer = i < serviceCount * 0.15 ? 0 : i < serviceCount * 0.45 ? 1 : i < serviceCount * 0.8 ? 2 : 3;
    let name = `${pick(WORDS)}-${LAYERS[layer]}`;
    while (used.has(name)) name = `${pick(WORDS)}-${LAYERS[layer]}-${Math.floor(random() * 90 + 10)}`;
    used.add(name);
    const own = Array.from({ length: layer === 3 ? 1 : 1 + Math.floor(random() * 2) }, () => pick(hosts));
    services.push({ name, layer, hosts: [...new Set(own)] });
  }
  const topology: Record<string, string[]> = {};
  for (const service of services) {
    const below = services.filter((s) => s.layer > service.layer);
    if (below.length === 0) continue;
    const count = 1 + Math.floor(random() * 3);
    topology[service.name] = [...new Set(Array.from({ length: count }, () => pick(below).name))];
  }
  const byName = new Map(services.map((s) => [s.name, s]));
  const dependents = new Map<string, string[]>();
  for (const [service, deps] of Object.entries(topology)) {
    for (const dep of deps) dependents.set(dep, [...(dependents.get(dep) ?? []), service]);
  }

  const alerts: LabelledAlert[] = [];
  const roots = new Map<string, Set<string>>();
  const kinds = new Map<string, string>();
  const start = Date.UTC(2026, 0, 5, 9, 0, 0) + Math.floor(random() * 1000) * 60_000;

  const emit = (
    incident: string,
    root: boolean,
    at: number,
    place: Place,
    alertname: string,
    severity: Severity,
    extra: Record<string, string>,
    endAt: number | null,
  ) => {
    const labels = { alertname, env: place.env, cluster: place.cluster, severity, ...extra };
    const fingerprint = labelsFingerprint(labels);
    const startsAt = new Date(at).toISOString();
    const alert: CorrelationInput = {
      fingerprint,
      alertname,
      status: 'firing',
      severity,
      labels,
      startsAt,
      environment: place.environment,
    };
    alerts.push({ at, alert, truth: { incident, root } });
    if (root) roots.get(incident)?.add(fingerprint);
    if (endAt !== null) {
      const resolvedAt = Math.max(endAt, at + 60_000);
      alerts.push({ at: resolvedAt, alert: { ...alert, status: 'resolved' }, truth: { incident, root } });
    }
    return alert;
  };

  const cascade = (incident: string, at: number, place: Place, rootService: Service, end: number | null) => {
    const [rootName, rootSeverity] = pick(ROOT_ALERTS[LAYERS[rootService.layer] as keyof typeof ROOT_ALERTS]);
    // Usually the cause fires first; sometimes its own alert lags behind the symptoms.
    const rootAt = random() < 0.85 ? at : at + between(30_000, 150_000);
    emit(
      incident,
      true,
      rootAt,
      place,
      rootName,
      rootSeverity,
      { service: rootService.name, instance: pick(rootService.hosts) },
      end,
    );
    let frontier = [rootService.name];
    for (let depth = 1; depth <= 3 && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const name of frontier) {
        for (const dependent of dependents.get(name) ?? []) {
          if (random() > (SPREAD[depth] ?? 0)) continue;
          next.push(dependent);
          const service = byName.get(dependent) as Service;
          const count = 1 + Math.floor(random() * 3);
          for (let i = 0; i < count; i++) {
            const [name, severity] = pick(SYMPTOMS);
            const when = at + depth * between(15_000, 90_000) + between(0, 20_000);
            emit(
              incident,
              false,
              when,
              place,
              name,
              severity,
              { service: dependent, instance: pick(service.hosts) },
              end === null ? null : end + between(0, 120_000),
            );
          }
        }
      }
      frontier = [...new Set(next)];
    }
  };

  const hostIncident = (incident: string, at: number, place: Place, end: number | null) => {
    const host = pick(hosts);
    const [name, severity] = pick(HOST_ALERTS);
    emit(incident, true, at, place, name, severity, { instance: host, job: 'node' }, end);
    for (const service of services.filter((s) => s.hosts.includes(host))) {
      const [symptom, symptomSeverity] = pick(SYMPTOMS);
      emit(
        incident,
        false,
        at + between(20_000, 150_000),
        place,
        symptom,
        symptomSeverity,
        { service: service.name, instance: host },
        end === null ? null : end + between(0, 60_000),
      );
    }
  };

  let t = start;
  const gap = (options.durationMinutes * 60_000) / Math.max(1, options.incidents);
  for (let n = 0; n < options.incidents; n++) {
    t += gap * (0.4 + random() * 1.2);
    const kind = random();
    const id = `inc-${n}`;
    const firstOfIncident = alerts.length;
    // Every incident resolves (an alert that never resolves is still the same firing alert, not a new one).
    const duration = (random() < 0.8 ? between(4, 25) : between(25, 120)) * 60_000;
    const end: number | null = t + duration;
    const place = pick(PLACES);
    roots.set(id, new Set());
    if (kind < 0.45) {
      kinds.set(id, 'cascade');
      cascade(id, t, place, pick(services.filter((s) => s.layer >= 1)), end);
    } else if (kind < 0.6) {
      kinds.set(id, 'host');
      hostIncident(id, t, place, end);
    } else if (kind < 0.75) {
      kinds.set(id, 'isolated');
      const service = pick(services);
      const [name, severity] = pick(SYMPTOMS);
      emit(id, true, t, place, name, severity, { service: service.name, instance: pick(service.hosts) }, end);
    } else if (kind < 0.88) {
      // The same failure in two production clusters at once: two incidents.
      kinds.set(id, 'two-clusters');
      const twin = `${id}-b`;
      roots.set(twin, new Set());
      kinds.set(twin, 'two-clusters');
      const root = pick(services.filter((s) => s.layer >= 2));
      cascade(id, t, PLACES[0], root, end);
      cascade(twin, t + between(0, 40_000), PLACES[1], root, end === null ? null : end + between(0, 60_000));
    } else {
      // Staging and production failing at the same time: two incidents.
      kinds.set(id, 'staging-and-production');
      const twin = `${id}-stg`;
      roots.set(twin, new Set());
      kinds.set(twin, 'staging-and-production');
      const root = pick(services.filter((s) => s.layer >= 1));
      cascade(id, t, PLACES[0], root, end);
      cascade(twin, t + between(0, 60_000), PLACES[2], root, end === null ? null : end + between(0, 60_000));
    }
    // Re-fires: one alert of a resolved incident fires again shortly after (the same incident, reopened).
    if (random() < 0.3) {
      const own = alerts
        .slice(firstOfIncident)
        .filter((a) => a.truth.incident === id && a.alert.status === 'firing');
      const again = own[Math.floor(random() * own.length)];
      if (again) {
        const refireAt = end + between(180_000, 600_000);
        alerts.push({
          at: refireAt,
          alert: { ...again.alert, startsAt: new Date(refireAt).toISOString() },
          truth: again.truth,
        });
        alerts.push({
          at: refireAt + between(60_000, 300_000),
          alert: { ...again.alert, status: 'resolved' },
          truth: again.truth,
        });
      }
    }
  }
  alerts.sort((a, b) => a.at - b.at);
  return { seed: options.seed, topology, alerts, roots, kinds };
}
