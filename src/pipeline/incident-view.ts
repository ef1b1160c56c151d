import { rankRootCauses } from '../correlation/root-cause.js';
import type { Topology } from '../correlation/topology.js';
import type { Similar } from '../memory/service.js';
import type { IncidentView } from '../slack/views/incident-summary.js';
import type { Store } from '../store/store.js';

/** Everything the incident's summary shows, read from the store, with root causes ranked now. */
export function loadIncidentView(store: Store, id: number, topology: Topology): IncidentView | null {
  const incident = store.incidents.get(id);
  if (!incident) return null;
  const alerts = store.incidents.alertsOf(id);
  const mergedFrom = store.incidents.mergedInto(id);
  const analysis = store.analyses.latestFor(id);
  const similar = incident.similar ? (JSON.parse(incident.similar) as Similar) : null;
  const latest = store.diagnoses.latestFor(id);
  const diagnosis = latest?.result ? { result: latest.result, pending: false } : null;
  return {
    incident,
    alerts,
    roots: rankRootCauses({ alerts: new Map(alerts.map((a) => [a.fingerprint, a])) }, topology, 2),
    mergedFrom,
    analysis,
    similar,
    diagnosis,
    approvals: store.approvals.forIncident(id),
  };
}
