import { type Harness, startHarness } from '../support/harness.js';
import { buildScenarios, type Scenarios } from '../support/metric-scenarios.js';
import { freePort, waitUntil } from '../support/processes.js';
import { type RunningPrometheus, startPrometheus } from '../support/prometheus.js';

/**
 * The whole path with real Prometheus: an alert arrives, its incident's first reply goes out at
 * once, then the metric analysis updates the summary in place and its chart lands in the thread.
 */
function webhook(alertAt: number, instance: string) {
  return {
    version: '4',
    groupKey: `{}:{alertname="HighCPUUsage", instance="${instance}"}`,
    status: 'firing',
    receiver: 'aals',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighCPUUsage', instance, severity: 'warning' },
        annotations: { summary: `CPU above 90% on ${instance}` },
        startsAt: new Date(alertAt).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: `fp-${instance}`,
      },
    ],
  };
}

describe('metric analysis in the incident thread', () => {
  let prometheus: RunningPrometheus;
  let scenarios: Scenarios;

  beforeAll(async () => {
    scenarios = buildScenarios(Date.now());
    prometheus = await startPrometheus(scenarios.history, scenarios.types);
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
  });

  async function post(h: Harness, instance: string) {
    const response = await fetch(`${h.aals.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(webhook(scenarios.alertAt, instance)),
    });
    expect(response.status).toBe(200);
  }

  test('the summary gains the findings and the chart is uploaded into the thread', async () => {
    const h = await startHarness({
      transport: 'http',
      config: { modules: { prometheus: { url: prometheus.url } } },
    });
    try {
      await post(h, 'web-1:9100');
      await waitUntil(
        () => Boolean(h.aals.store.incidents.recent(1)[0]?.summaryTs),
        10_000,
        'the first reply',
      );
      const [incident] = h.aals.store.incidents.recent(1);
      await h.aals.analysis?.idle();
      await h.settled([]);
      const summary = h.slack.workspace.find(incident?.channel as string, incident?.summaryTs as string);
      const rendered = JSON.stringify(summary?.blocks);
      expect(rendered).toContain('*Metrics* (Prometheus');
      expect(rendered).toMatch(/CPU usage\*? \(web-1:9100\): unusual from/);
      expect(rendered).toContain('changed together');
      const files = h.slack.replies('alerts', incident?.summaryTs as string).flatMap((m) => m.files ?? []);
      expect(files).toHaveLength(1);
      expect(files[0]?.mimetype).toBe('image/png');
      expect(files[0]?.size).toBeGreaterThan(10_000);
      expect(files[0]?.title).toBe('CPU usage · web-1:9100');
    } finally {
      await h.stop();
    }
  }, 30_000);

  test('Prometheus unreachable: the thread says so and the incident is still answered', async () => {
    const port = await freePort();
    const h = await startHarness({
      transport: 'http',
      config: { modules: { prometheus: { url: `http://127.0.0.1:${port}`, timeoutMs: 300 } } },
    });
    try {
      await post(h, 'web-2:9100');
      await waitUntil(
        () => Boolean(h.aals.store.incidents.recent(1)[0]?.summaryTs),
        10_000,
        'the first reply',
      );
      await h.aals.analysis?.idle();
      await h.settled([]);
      const [incident] = h.aals.store.incidents.recent(1);
      const summary = h.slack.workspace.find(incident?.channel as string, incident?.summaryTs as string);
      const rendered = JSON.stringify(summary?.blocks);
      expect(rendered).toContain('HighCPUUsage');
      expect(rendered).toMatch(/Prometheus unreachable: Prometheus unreachable at http:\/\/127\.0\.0\.1/);
      expect(
        h.slack.replies('alerts', incident?.summaryTs as string).flatMap((m) => m.files ?? []),
      ).toHaveLength(0);
    } finally {
      await h.stop();
    }
  }, 30_000);

  test('with the Prometheus module off, nothing is analyzed and nothing says so', async () => {
    const h = await startHarness({ transport: 'http' });
    try {
      await post(h, 'web-3:9100');
      await waitUntil(
        () => Boolean(h.aals.store.incidents.recent(1)[0]?.summaryTs),
        10_000,
        'the first reply',
      );
      expect(h.aals.analysis).toBeUndefined();
      const [incident] = h.aals.store.incidents.recent(1);
      const summary = h.slack.workspace.find(incident?.channel as string, incident?.summaryTs as string);
      expect(JSON.stringify(summary?.blocks)).not.toContain('Metrics');
    } finally {
      await h.stop();
    }
  });
});
