/**
 * Sample alerts for the sandbox page, as Alertmanager's Slack notifier posts them with a template
 * that lists every label (what `aals parse` reads best). A sample may be several messages: an
 * outage shows up as more than one alert group.
 */
export interface SampleAlert {
  id: string;
  label: string;
  /** Incoming-webhook bodies, posted in order. */
  payloads: Array<Record<string, unknown>>;
}

const ALERTMANAGER = 'http://alertmanager.example:9093/#/alerts?receiver=team-alerts';

interface AlertSpec {
  alertname: string;
  summary: string;
  description: string;
  severity: 'critical' | 'warning' | 'info';
  labels: Record<string, string>;
  graph?: string;
}

/** One firing alert in the custom-label template (see tests/fixtures/alertmanager/slack-custom-labels). */
function firing(alert: AlertSpec): Record<string, unknown> {
  const labels = { alertname: alert.alertname, ...alert.labels, severity: alert.severity };
  const details = Object.keys(labels)
    .sort()
    .map((name) => `   • *${name}:* \`${labels[name as keyof typeof labels]}\``)
    .join('\n');
  const graph = alert.graph
    ? `*Graph:* <http://prometheus.example:9090/graph?g0.expr=${encodeURIComponent(alert.graph)}&amp;g0.tab=1|:chart_with_upwards_trend:>\n`
    : '';
  const group = [labels.alertname, alert.labels.cluster, alert.labels.service].filter(Boolean).join(' ');
  return {
    username: 'Alertmanager',
    attachments: [
      {
        title: '[FIRING:1] Monitoring Event Notification',
        title_link: ALERTMANAGER,
        text: `*Alert:* ${alert.summary} - \`${alert.severity}\`\n*Description:* ${alert.description}\n${graph}*Details:*\n${details}\n`,
        fallback: `[FIRING:1] ${group} (${Object.values(alert.labels).join(' ')} ${alert.severity}) | ${ALERTMANAGER}`,
        color: alert.severity === 'critical' ? 'danger' : 'warning',
        mrkdwn_in: ['fallback', 'pretext', 'text'],
      },
    ],
  };
}

export const SAMPLE_ALERTS: SampleAlert[] = [
  {
    id: 'disk-full-db',
    label: 'Disk almost full on db-1 (staging)',
    payloads: [
      firing({
        alertname: 'NodeFilesystemAlmostFull',
        summary: 'Filesystem /var on db-1 is 97% full',
        description:
          'Filesystem /var on db-1:9100 has 2.9% space left and is predicted to fill within 4 hours.',
        severity: 'critical',
        labels: {
          cluster: 'stg-tokyo',
          env: 'staging',
          instance: 'db-1:9100',
          job: 'node',
          mountpoint: '/var',
          service: 'postgres',
        },
        graph: 'node_filesystem_avail_bytes{instance="db-1:9100",mountpoint="/var"}',
      }),
    ],
  },
  {
    id: 'high-cpu',
    label: 'High CPU on web-1 (production)',
    payloads: [
      firing({
        alertname: 'HighCPUUsage',
        summary: 'High CPU usage on web-1:9100',
        description: 'CPU usage on web-1:9100 is 94.2% (above 80%) for more than 5 minutes.',
        severity: 'warning',
        labels: {
          cluster: 'prod-tokyo',
          env: 'production',
          instance: 'web-1:9100',
          job: 'node',
          service: 'checkout',
        },
        graph: '100 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100 > 80',
      }),
    ],
  },
  {
    id: 'postgres-down-checkout',
    label: 'Postgres down + checkout errors (production)',
    payloads: [
      firing({
        alertname: 'PostgresDown',
        summary: 'PostgreSQL on db-2 is down',
        description:
          'pg_up has been 0 on db-2:9187 for 2 minutes: the exporter cannot connect to PostgreSQL.',
        severity: 'critical',
        labels: {
          cluster: 'prod-tokyo',
          env: 'production',
          instance: 'db-2:9187',
          job: 'postgres',
          service: 'postgres',
        },
        graph: 'pg_up{instance="db-2:9187"} == 0',
      }),
      firing({
        alertname: 'HighErrorRate',
        summary: 'checkout 5xx ratio is 38%',
        description: 'checkout answers 38% of requests with 5xx (above 5%) for 3 minutes.',
        severity: 'critical',
        labels: {
          cluster: 'prod-tokyo',
          env: 'production',
          instance: 'checkout-1:8080',
          job: 'checkout',
          service: 'checkout',
        },
        graph:
          'sum(rate(http_requests_total{service="checkout",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout"}[5m])) > 0.05',
      }),
    ],
  },
];
