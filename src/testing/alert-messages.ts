/**
 * An alert as a popular Alertmanager Slack template posts it: the alert line, then every label
 * listed. Firing or resolved; used by the storm and soak benchmarks and the crash tests.
 */
export function labelledSlackAlert(
  labels: Record<string, string> & { alertname: string; instance: string },
  status: 'firing' | 'resolved' = 'firing',
): Record<string, unknown> {
  const state = status === 'firing' ? 'FIRING:1' : 'RESOLVED';
  const severity = labels.severity ?? 'warning';
  const details = Object.entries(labels)
    .map(([k, v]) => `   • *${k}:* \`${v}\``)
    .join('\n');
  return {
    username: 'Alertmanager',
    attachments: [
      {
        title: `[${state}] Monitoring Event Notification`,
        title_link: 'http://alertmanager.example:9093/#/alerts?receiver=slack',
        fallback: `[${state}] ${labels.alertname} ${labels.service ?? ''} (${labels.instance} ${severity})`,
        color: status === 'firing' ? 'danger' : 'good',
        text: `*Alert:* ${labels.alertname} on ${labels.instance} - \`${severity}\`\n*Details:*\n${details}\n`,
      },
    ],
  };
}
