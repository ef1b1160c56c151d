import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Alert } from '../../src/domain/alert.js';
import type { EmulatedMessage } from '../../src/slack/emulator/workspace.js';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { type Harness, startHarness } from '../support/harness.js';
import { freePort, waitUntil } from '../support/processes.js';

/**
 * The real prometheus-alertmanager binary notifies Slack (the emulator's incoming webhook) with its
 * default template and a popular custom one, and AALS's webhook directly. AALS must read every one
 * of those payloads, answer in thread, and follow up in the same thread when they resolve.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const WEBHOOK_TOKEN = 'am-webhook-test-token';

function alertmanagerConfig(h: Harness): string {
  const labelsTemplate = `
        title: '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] Monitoring Event Notification'
        text: >-
          {{ range .Alerts -}}
          *Alert:* {{ .Annotations.summary }} - \`{{ .Labels.severity }}\`

          *Description:* {{ .Annotations.description }}

          *Details:*
            {{ range .Labels.SortedPairs }} • *{{ .Name }}:* \`{{ .Value }}\`
            {{ end }}
          {{ end }}`;
  return `
route:
  receiver: slack
  group_by: [alertname, cluster, service]
  group_wait: 0s
  group_interval: 100ms
  repeat_interval: 1h
  routes:
    - matchers: ['via="webhook"']
      receiver: aals
receivers:
  - name: slack
    slack_configs:
      - api_url: ${h.slack.incomingWebhookUrl('alerts')}
        channel: '#alerts'
        send_resolved: true
      - api_url: ${h.slack.incomingWebhookUrl('alerts-labels')}
        channel: '#alerts-labels'
        send_resolved: true${labelsTemplate}
  - name: aals
    webhook_configs:
      - url: ${h.aals.url}/webhooks/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${WEBHOOK_TOKEN}
`;
}

function parseWithCli(payload: unknown): Alert[] {
  const result = spawnSync('node', [join(ROOT, 'bin', 'aals.js'), 'parse'], {
    input: JSON.stringify(payload),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`aals parse exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout).alerts;
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
const cpu = (instance: string, startsAt: string) => ({
  labels: {
    alertname: 'HighCPUUsage',
    cluster: 'prod-tokyo',
    service: 'checkout',
    env: 'production',
    job: 'node',
    severity: 'warning',
    instance,
  },
  annotations: {
    summary: `High CPU usage on ${instance}`,
    description: `CPU on ${instance} above 80% for 5 minutes`,
  },
  startsAt,
  generatorURL: 'http://prometheus.example:9090/graph?g0.expr=node_cpu&g0.tab=1',
});
const disk = (startsAt: string) => ({
  labels: {
    alertname: 'DiskFull',
    cluster: 'prod-tokyo',
    service: 'orders-db',
    env: 'production',
    severity: 'critical',
    instance: 'db-1:9100',
  },
  annotations: { summary: 'Disk /var/lib/postgresql on db-1 is 97% full' },
  startsAt,
});

const viaWebhook = (alert: ReturnType<typeof cpu>, service: string) => ({
  ...alert,
  labels: { ...alert.labels, service, instance: `${service}-1:9100`, via: 'webhook' },
});

describe('real Alertmanager → AALS', () => {
  let h: Harness;
  let am: RunningAlertmanager;
  const started = minutesAgo(12);
  const firing = [cpu('checkout-node-1:9100', started), cpu('checkout-node-2:9100', started), disk(started)];
  const webhookOnly = [viaWebhook(cpu('x', started), 'search'), viaWebhook(cpu('x', started), 'billing')];
  const fromAlertmanager = (channel: string) =>
    h.slack.messages(channel).filter((m) => m.username === 'Alertmanager' && !m.thread_ts);
  const titleOf = (m: EmulatedMessage) => (m.attachments?.[0] as { title?: string } | undefined)?.title ?? '';
  const isSummary = (m: EmulatedMessage) =>
    /is \*firing\*|Incident #\d+/.test(JSON.stringify(m.blocks)) && !/Part of/.test(JSON.stringify(m.blocks));

  beforeAll(async () => {
    // Alertmanager's port is chosen first so AALS can be told ALERTMANAGER_URL before either starts.
    const amPort = await freePort();
    h = await startHarness({
      transport: 'http',
      config: {
        slack: { alertChannels: ['#alerts', '#alerts-labels'], notifyChannel: '#alerts-webhook' },
        intake: { alertmanager: { bearerToken: WEBHOOK_TOKEN } },
        modules: { alertmanager: { url: `http://127.0.0.1:${amPort}` } },
      },
      emulator: { channels: ['alerts', 'alerts-labels', 'alerts-webhook', 'general'] },
    });
    am = await startAlertmanager(alertmanagerConfig(h), amPort);
  }, 60_000);

  afterAll(async () => {
    await am?.stop();
    await h?.stop();
  });

  test('firing: every notification is read, one thread per incident, the rest point to it', async () => {
    await am.postAlerts(firing);
    const defaults = await h.slack.waitFor(
      () => (fromAlertmanager('alerts').length >= 2 ? fromAlertmanager('alerts') : null),
      15000,
    );
    const labelled = await h.slack.waitFor(
      () => (fromAlertmanager('alerts-labels').length >= 2 ? fromAlertmanager('alerts-labels') : null),
      15000,
    );

    // Default template: status, alert name and count from label values alone.
    const cpuMessage = defaults.find((m) => titleOf(m).includes('HighCPUUsage')) as EmulatedMessage;
    expect(titleOf(cpuMessage)).toBe('[FIRING:2] HighCPUUsage prod-tokyo checkout (production node warning)');
    expect(parseWithCli(cpuMessage)[0]).toMatchObject({
      source: 'alertmanager',
      status: 'firing',
      alertname: 'HighCPUUsage',
      count: 2,
      severity: 'warning',
    });
    const diskMessage = defaults.find((m) => titleOf(m).includes('DiskFull')) as EmulatedMessage;
    expect(parseWithCli(diskMessage)[0]).toMatchObject({
      status: 'firing',
      alertname: 'DiskFull',
      count: 1,
      severity: 'critical',
    });

    // Custom template listing labels: full labels and Alertmanager's own fingerprints.
    const active = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as Array<{
      fingerprint: string;
      labels: Record<string, string>;
    }>;
    const amFingerprints = new Map(active.map((a) => [a.labels.instance, a.fingerprint]));
    const custom = labelled.flatMap((m) => parseWithCli(m));
    expect(custom).toHaveLength(3);
    for (const alert of custom) {
      expect(alert.fingerprint).toBe(amFingerprints.get(alert.labels.instance as string));
      expect(alert.labels).toMatchObject({ cluster: 'prod-tokyo', env: 'production' });
    }

    // Every notification got exactly one reply: its incident's summary, or a pointer to it.
    await h.settled();
    const messages = [...defaults, ...labelled];
    const replies = messages.map((m) => h.botReplies(m.ts, h.slack.workspace.channels.get(m.channel)?.name));
    for (const thread of replies) expect(thread.length).toBeGreaterThanOrEqual(1);
    const summaries = replies.flat().filter(isSummary);
    const incidents = h.aals.store.incidents.recent(10).filter((i) => i.status === 'open');
    expect(incidents).toHaveLength(2);
    expect(summaries).toHaveLength(2);
    expect(replies.flat().filter((m) => /Part of/.test(JSON.stringify(m.blocks)))).toHaveLength(
      messages.length - 2,
    );

    // With ALERTMANAGER_URL set, the default template's label values were resolved to full alerts.
    const stored = h.aals.store.alerts
      .recent(50)
      .filter(
        (a) =>
          a.source === 'alertmanager' && a.channel === cpuMessage.channel && a.alertname === 'HighCPUUsage',
      );
    expect(stored.map((a) => a.labels.instance).sort()).toEqual([
      'checkout-node-1:9100',
      'checkout-node-2:9100',
    ]);
    expect(stored.map((a) => a.fingerprint).sort()).toEqual(
      [amFingerprints.get('checkout-node-1:9100'), amFingerprints.get('checkout-node-2:9100')].sort(),
    );
  }, 30_000);

  test('webhook: full labels and fingerprints, a thread per incident in the notify channel', async () => {
    await am.postAlerts(webhookOnly);
    await h.slack.waitFor(
      () => (h.slack.messages('alerts-webhook').filter((m) => !m.thread_ts).length >= 2 ? true : null),
      15000,
    );
    const webhooks = h.aals.store.rawEvents.recent(100).filter((e) => e.kind === 'alertmanager_webhook');
    expect(webhooks.length).toBeGreaterThanOrEqual(2);
    const alerts = webhooks.flatMap((e) => parseWithCli(JSON.parse(e.body)));
    const active = (await (
      await fetch(`${am.url}/api/v2/alerts?filter=via%3D%22webhook%22`)
    ).json()) as Array<{ fingerprint: string }>;
    expect(new Set(alerts.map((a) => a.fingerprint))).toEqual(new Set(active.map((a) => a.fingerprint)));
    for (const alert of alerts) {
      expect(alert.source).toBe('alertmanager_webhook');
      expect(Object.keys(alert.labels).sort()).toEqual([
        'alertname',
        'cluster',
        'env',
        'instance',
        'job',
        'service',
        'severity',
        'via',
      ]);
      expect(alert.startsAt).toBe(started);
    }
  }, 30_000);

  test('resolved: every incident thread says how long it lasted; RESOLVED messages get no reply', async () => {
    const now = new Date().toISOString();
    await am.postAlerts([...firing, ...webhookOnly].map((a) => ({ ...a, endsAt: now })));
    const resolvedIn = (channel: string) =>
      h.slack
        .messages(channel)
        .filter((m) => m.username === 'Alertmanager' && titleOf(m).startsWith('[RESOLVED]'));
    await h.slack.waitFor(
      () => (resolvedIn('alerts').length >= 2 && resolvedIn('alerts-labels').length >= 2 ? true : null),
      15000,
    );
    for (const message of resolvedIn('alerts')) expect(parseWithCli(message)[0]?.status).toBe('resolved');
    await h.slack.waitFor(() => (h.aals.store.incidents.counts().resolved === 4 ? true : null), 10000);
    await h.settled();
    for (const incident of h.aals.store.incidents.recent(10)) {
      const channel = h.slack.workspace.channels.get(incident.channel as string)?.name as string;
      const notices = h
        .botReplies(incident.threadTs as string, channel)
        .filter((m) => /resolved after/.test(JSON.stringify(m.blocks)));
      expect(notices).toHaveLength(1);
      expect(JSON.stringify(notices[0]?.blocks)).toMatch(/resolved after \*\d+ (s|m)\*/);
    }
    for (const message of resolvedIn('alerts')) expect(h.slack.replies('alerts', message.ts)).toHaveLength(0);
  }, 30_000);

  test('the webhook refuses requests without the bearer token', async () => {
    const response = await fetch(`${h.aals.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: '4', alerts: [] }),
    });
    expect(response.status).toBe(401);
  });
});

describe('real Alertmanager firing a cascade', () => {
  const topology = {
    'api-gateway': ['checkout', 'payments'],
    checkout: ['orders-db', 'payments'],
    payments: ['orders-db'],
  };
  const alert = (
    alertname: string,
    service: string,
    instance: string,
    severity: string,
    minutes: number,
  ) => ({
    labels: { alertname, service, instance, severity, cluster: 'prod-tokyo', env: 'production' },
    annotations: { summary: `${alertname} on ${service}` },
    startsAt: minutesAgo(minutes),
  });
  const cascade = [
    alert('HighErrorRate', 'checkout', 'checkout-1:8080', 'critical', 4),
    alert('HighErrorRate', 'checkout', 'checkout-2:8080', 'critical', 4),
    alert('HighLatency', 'payments', 'payments-1:8080', 'warning', 3),
    alert('HighErrorRate', 'api-gateway', 'gw-1:8080', 'critical', 2),
    alert('UpstreamTimeouts', 'api-gateway', 'gw-1:8080', 'warning', 2),
    alert('DatabaseDown', 'orders-db', 'db-1:5432', 'critical', 5),
  ];

  test('one incident thread whose summary is updated in place, root cause named, 429s handled', async () => {
    // Slack at its strictest: one message a second per channel, no burst. Alertmanager's default
    // template names label values only, so AALS asks Alertmanager for the services (ALERTMANAGER_URL).
    const amPort = await freePort();
    const h = await startHarness({
      transport: 'socket',
      config: { correlation: { topology }, modules: { alertmanager: { url: `http://127.0.0.1:${amPort}` } } },
      emulator: { rateLimit: { perSecond: 1, burst: 1 } },
    });
    const am = await startAlertmanager(
      `
route:
  receiver: slack
  group_by: [alertname, service]
  group_wait: 0s
  group_interval: 100ms
  repeat_interval: 1h
receivers:
  - name: slack
    slack_configs:
      - api_url: ${h.slack.incomingWebhookUrl('alerts')}
        channel: '#alerts'
        send_resolved: true
`,
      amPort,
    );
    try {
      // The first wave opens the incident; the second arrives after its summary is posted.
      await am.postAlerts(cascade.slice(0, 2));
      await waitUntil(() => Boolean(h.aals.store.incidents.recent(1)[0]?.summaryTs), 10_000, 'the summary');
      await am.postAlerts(cascade.slice(2));
      const notifications = () => h.slack.messages('alerts').filter((m) => m.username === 'Alertmanager');
      await h.slack.waitFor(() => (notifications().length >= 5 ? true : null), 15000);
      await h.slack.waitFor(() => (h.aals.store.alerts.count() >= 6 ? true : null), 10000);
      await h.settled();

      const incidents = h.aals.store.incidents.recent(10);
      expect(incidents).toHaveLength(1);
      const [incident] = incidents;
      const summaries = notifications()
        .flatMap((m) => h.botReplies(m.ts))
        .filter((m) => !/Part of/.test(JSON.stringify(m.blocks)));
      expect(summaries).toHaveLength(1);
      for (const message of notifications()) expect(h.botReplies(message.ts).length).toBeLessThanOrEqual(1);

      const summary = h.slack.workspace.find(incident?.channel as string, incident?.summaryTs as string);
      const rendered = JSON.stringify(summary?.blocks);
      expect(rendered).toContain('*6 alerts*');
      expect(rendered).toContain('*Likely root cause:* DatabaseDown');
      expect(rendered).toContain('orders-db is upstream of api-gateway, checkout and payments');
      expect(summary?.edited).toBeDefined();
      expect(h.slack.apiCalls.filter((c) => c.method === 'chat.update').length).toBeGreaterThan(0);
      expect(incident?.rootFingerprint).toBe(
        h.aals.store.alerts.recent(10).find((a) => a.alertname === 'DatabaseDown')?.fingerprint,
      );

      // Slack answered 429 along the way; nothing was lost or given up.
      const counts = h.aals.store.outbox.counts();
      expect(Object.keys(counts).filter((k) => k.endsWith('.failed'))).toEqual([]);
      expect(await (await fetch(`${h.aals.url}/metrics`)).text()).not.toMatch(
        /aals_slack_api_errors_total\{[^}]*\} [1-9]/,
      );
    } finally {
      await am.stop();
      await h.stop();
    }
  }, 60_000);
});
