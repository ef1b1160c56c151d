import { severityRank } from '../domain/alert.js';
import type { Topology } from './topology.js';
import type { Incident, IncidentAlert, RootCause } from './types.js';

/**
 * Ranks an incident's alerts as root-cause candidates. An alert explains another when the other's
 * service depends on its service (directly or not), or when it is a host-level alert (disk, memory,
 * node) on the other's host. Most explained first; then host-level before service-level; then
 * earliest start; then most severe. Pure.
 */
export function rankRootCauses(
  incident: Pick<Incident, 'alerts'>,
  topology: Topology,
  limit = 3,
): RootCause[] {
  const alerts = [...incident.alerts.values()];
  if (alerts.length === 0) return [];
  const earliest = Math.min(...alerts.map((a) => a.startsAt));
  const mostSevere = Math.min(...alerts.map((a) => severityRank(a.severity)));
  // One host runs several exporters (node :9100, postgres :9187): the host is the instance without its port.
  const byInstance = groupBy(alerts, (a) => hostOf(a.instance));
  const servicesOnInstance = new Map<string, Set<string>>();
  for (const [instance, group] of byInstance) {
    servicesOnInstance.set(
      instance,
      new Set(group.map((a) => a.service).filter((s): s is string => Boolean(s))),
    );
  }
  const incidentServices = new Set(alerts.map((a) => a.service).filter((s): s is string => Boolean(s)));

  /** Services and host alerts an alert explains. */
  const explained = (alert: IncidentAlert): { services: Set<string>; hostAlerts: number } => {
    const services = new Set<string>();
    let hostAlerts = 0;
    const roots = new Set<string>();
    if (alert.service) roots.add(alert.service);
    const host = hostOf(alert.instance);
    if (alert.hostLevel && host) {
      for (const service of servicesOnInstance.get(host) ?? []) {
        roots.add(service);
        services.add(service);
      }
      hostAlerts = (byInstance.get(host)?.length ?? 1) - 1;
    }
    for (const root of roots) {
      for (const dependent of topology.dependentsOf(root))
        if (incidentServices.has(dependent)) services.add(dependent);
    }
    if (alert.service) services.delete(alert.service);
    return { services, hostAlerts };
  };

  const ranked = alerts
    .map((alert) => {
      const { services, hostAlerts } = explained(alert);
      return { alert, services, hostAlerts, covers: services.size + hostAlerts };
    })
    .sort(
      (x, y) =>
        y.covers - x.covers ||
        Number(y.alert.hostLevel) - Number(x.alert.hostLevel) ||
        x.alert.startsAt - y.alert.startsAt ||
        severityRank(x.alert.severity) - severityRank(y.alert.severity) ||
        x.alert.firstSeen - y.alert.firstSeen ||
        x.alert.fingerprint.localeCompare(y.alert.fingerprint),
    );

  return ranked.slice(0, limit).map(({ alert, services, hostAlerts }) => ({
    fingerprint: alert.fingerprint,
    alertname: alert.alertname,
    service: alert.service,
    instance: alert.instance,
    reason: explain(alert, [...services], hostAlerts, alert.startsAt === earliest, alerts.length, mostSevere),
  }));
}

function explain(
  alert: IncidentAlert,
  services: string[],
  hostAlerts: number,
  first: boolean,
  total: number,
  mostSevere: number,
): string {
  const parts: string[] = [];
  if (alert.hostLevel && alert.instance && hostAlerts > 0) {
    const plural = hostAlerts === 1 ? '' : 's';
    parts.push(
      `${alert.alertname} on ${alert.instance} is a host-level cause of ${hostAlerts} other alert${plural} on that host`,
    );
  }
  if (services.length > 0) {
    const subject = alert.service ?? alert.instance ?? alert.alertname;
    parts.push(`${subject} is upstream of ${listOf(services.sort())}`);
  }
  if (first && total > 1) parts.push('fired first');
  if (parts.length > 0) return parts.join(', and ');
  if (total === 1) return 'the only alert';
  if (alert.hostLevel) {
    return `a host-level alert${alert.instance ? ` on ${alert.instance}` : ''}: host problems often cause service symptoms`;
  }
  if (severityRank(alert.severity) === mostSevere) {
    return `the most severe alert (${alert.severity}); nothing else explains the others`;
  }
  return 'nothing in the topology or hosts explains the others; ranked by start time and severity';
}

function listOf(items: string[]): string {
  if (items.length <= 3)
    return items.length > 1
      ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
      : (items[0] ?? '');
  return `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}

function groupBy<T>(items: T[], keyOf: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) continue;
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  return groups;
}

/** `db-1:9100` and `db-1:9187` are the same host; `[::1]:9100` keeps its brackets' content. */
export function hostOf(instance: string | null): string | null {
  if (!instance) return null;
  return instance.replace(/^\[([^\]]+)\](?::\d+)?$/, '$1').replace(/^([^:]+):\d+$/, '$1');
}
