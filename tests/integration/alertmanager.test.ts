import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Alert } from '../../src/domain/alert.js';
import type { EmulatedMessage } from '../../src/slack/emulator/workspace.js';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { type Harness, startHarness } from '../support/harness.js';
import { freePort } from '../support/processes.js';

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
  receiver: all
  group_by: [alertname, cluster, service]
  group_wait: 0s
  group_interval: 100ms
  repeat_interval: 1h
receivers:
  - name: all
    slack_configs:
      - api_url: ${h.slack.incomingWebhookUrl('alerts')}
        channel: '#alerts'
        send_resolved: true
      - api_url: ${h.slack.incomingWebhookUrl('alerts-labels')}
        channel: '#alerts-labels'
        send_resolved: true${labelsTemplate}
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

describe('real Alertmanager → AALS', () => {
  let h: Harness;
  let am: RunningAlertmanager;
  const started = minutesAgo(12);
  const firing = [cpu('checkout-node-1:9100', started), cpu('checkout-node-2:9100', started), disk(started)];
  const fromAlertmanager = (channel: string) =>
    h.slack.messages(channel).filter((m) => m.username === 'Alertmanager' && !m.thread_ts);
  const titleOf = (m: EmulatedMessage) => (m.attachments?.[0] as { title?: string } | undefined)?.title ?? '';

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

  test('firing: every notification is read and answered in its thread', async () => {
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
    const [cpuFromDefault] = parseWithCli(cpuMessage);
    expect(cpuFromDefault).toMatchObject({
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

    // Every Slack notification got a threaded reply from AALS.
    for (const message of [...defaults, ...labelled]) {
      const channel = h.slack.workspace.channels.get(message.channel)?.name as string;
      const [reply] = await h.waitForReplies(message.ts, 1, channel);
      expect(JSON.stringify(reply?.blocks)).toContain('is *firing*');
    }

    // With ALERTMANAGER_URL set, the default template's label values were resolved to full alerts.
    await h.aals.inbox.idle();
    const stored = h.aals.store.alerts
      .recent(50)
      .filter((a) => a.source === 'alertmanager' && a.channel === cpuMessage.channel);
    const storedCpu = stored.filter((a) => a.alertname === 'HighCPUUsage');
    expect(storedCpu.map((a) => a.labels.instance).sort()).toEqual([
      'checkout-node-1:9100',
      'checkout-node-2:9100',
    ]);
    expect(storedCpu.map((a) => a.fingerprint).sort()).toEqual(
      [amFingerprints.get('checkout-node-1:9100'), amFingerprints.get('checkout-node-2:9100')].sort(),
    );
  }, 30_000);

  test('webhook: full labels and fingerprints, one thread per group in the notify channel', async () => {
    await h.slack.waitFor(
      () => (h.slack.messages('alerts-webhook').filter((m) => !m.thread_ts).length >= 2 ? true : null),
      15000,
    );
    const webhooks = h.aals.store.rawEvents.recent(100).filter((e) => e.kind === 'alertmanager_webhook');
    expect(webhooks.length).toBeGreaterThanOrEqual(2);
    const alerts = webhooks.flatMap((e) => parseWithCli(JSON.parse(e.body)));
    const active = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as Array<{ fingerprint: string }>;
    expect(new Set(alerts.map((a) => a.fingerprint))).toEqual(new Set(active.map((a) => a.fingerprint)));
    for (const alert of alerts) {
      expect(alert.source).toBe('alertmanager_webhook');
      expect(Object.keys(alert.labels).sort()).toEqual(
        alert.alertname === 'DiskFull'
          ? ['alertname', 'cluster', 'env', 'instance', 'service', 'severity']
          : ['alertname', 'cluster', 'env', 'instance', 'job', 'service', 'severity'],
      );
      expect(alert.startsAt).toBe(started);
    }
  }, 30_000);

  test('resolved: Alertmanager RESOLVED notifications are answered in the firing threads', async () => {
    const now = new Date().toISOString();
    await am.postAlerts(firing.map((a) => ({ ...a, endsAt: now })));
    const resolvedIn = (channel: string) =>
      h.slack
        .messages(channel)
        .filter((m) => m.username === 'Alertmanager' && titleOf(m).startsWith('[RESOLVED]'));
    await h.slack.waitFor(
      () => (resolvedIn('alerts').length >= 2 && resolvedIn('alerts-labels').length >= 2 ? true : null),
      15000,
    );
    for (const message of resolvedIn('alerts')) expect(parseWithCli(message)[0]?.status).toBe('resolved');

    for (const channel of ['alerts', 'alerts-labels', 'alerts-webhook']) {
      const roots = h.slack
        .messages(channel)
        .filter(
          (m) => !m.thread_ts && (m.username === 'Alertmanager' ? titleOf(m).startsWith('[FIRING') : true),
        );
      for (const root of roots) {
        const replies = await h.slack.waitFor(() => {
          const found = h.slack
            .replies(channel, root.ts)
            .filter((m) => /resolved after/.test(JSON.stringify(m.blocks)));
          return found.length ? found : null;
        }, 10000);
        expect(JSON.stringify(replies[0]?.blocks)).toMatch(/resolved after \*\d+ (s|m)\*/);
      }
    }
    // The RESOLVED messages themselves get no reply of their own: the answer went to the firing thread.
    await h.aals.inbox.idle();
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
