import type { Topology } from '../correlation/topology.js';
import { loadIncidentView } from '../pipeline/incident-view.js';
import { incidentTitle } from '../slack/views/incident-summary.js';
import type { ApprovalRow } from '../store/approvals.js';
import type { SpendTotals } from '../store/llm-usage.js';
import type { Store } from '../store/store.js';

/** What the App Home shows, read from the store: what needs attention now. */
export interface HomeData {
  openIncidents: Array<{
    id: number;
    title: string;
    environment: string;
    openedAt: string;
    channel: string | null;
    threadTs: string | null;
  }>;
  pendingApprovals: ApprovalRow[];
  spendToday: SpendTotals;
  llm: string;
  noisy: Array<{ alertname: string; firings: number }>;
  flapping: Array<{ alertname: string; transitions: number }>;
}

export function homeData(store: Store, topology: Topology, llm: string, now: Date): HomeData {
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  const open = store.db
    .prepare(`SELECT id FROM incidents WHERE status = 'open' ORDER BY last_activity DESC LIMIT 10`)
    .pluck()
    .all() as number[];
  const openIncidents = open.flatMap((id) => {
    const view = loadIncidentView(store, id, topology);
    if (!view) return [];
    const { incident } = view;
    return [
      {
        id,
        title: incidentTitle(view),
        environment: incident.environment,
        openedAt: incident.openedAt,
        channel: incident.channel,
        threadTs: incident.threadTs ?? incident.summaryTs,
      },
    ];
  });
  const pending = store.db
    .prepare(`SELECT id FROM approvals WHERE status = 'pending' ORDER BY id LIMIT 10`)
    .pluck()
    .all() as number[];
  const flapping = store.db
    .prepare(
      `SELECT alertname, MAX(json_extract(pattern, '$.transitions')) AS transitions FROM incident_alerts
         WHERE json_extract(pattern, '$.flapping') = 1 AND last_seen >= ? GROUP BY alertname ORDER BY transitions DESC LIMIT 5`,
    )
    .all(dayAgo.toISOString()) as Array<{ alertname: string; transitions: number }>;
  return {
    openIncidents,
    pendingApprovals: pending
      .map((id) => store.approvals.get(id))
      .filter((a): a is ApprovalRow => a !== null),
    spendToday: store.llmUsage.today(),
    llm,
    noisy: store.alerts.noisiest(dayAgo, 5).map(({ alertname, firings }) => ({ alertname, firings })),
    flapping,
  };
}
