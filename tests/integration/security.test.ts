import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Harness, startHarness } from '../support/harness.js';
import { waitUntil } from '../support/processes.js';

/**
 * Hostile alert text through the whole app: URLs in an alert are never fetched (only configured
 * endpoints are called — no SSRF), and secrets in an alert never reach Slack.
 */
function listen(handler: (path: string) => { status: number; body: string }) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const answer = handler(req.url ?? '');
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  return new Promise<{ url: string; hits: string[]; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        hits,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

describe('hostile alert text', () => {
  let h: Harness;
  let canary: Awaited<ReturnType<typeof listen>>;
  let prometheus: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    canary = await listen(() => ({ status: 200, body: '{}' }));
    // A configured Prometheus that knows nothing: the analysis runs and finds no data.
    prometheus = await listen(() => ({
      status: 200,
      body: '{"status":"success","data":{"resultType":"matrix","result":[]}}',
    }));
    h = await startHarness({
      transport: 'http',
      config: { modules: { prometheus: { url: prometheus.url, deadlineMs: 3000 } } },
    });
  });
  afterAll(async () => {
    await h.stop();
    await canary.close();
    await prometheus.close();
  });

  test('URLs in an alert (graph link, runbook, dashboard, text) are never requested; only the configured Prometheus is', async () => {
    const token = `xox${'b'}-1234567890-0987654321-abcdefABCDEF`;
    const message = h.postAlert({
      username: 'Alertmanager',
      attachments: [
        {
          title: '[FIRING:1] Monitoring Event Notification',
          title_link: `${canary.url}/alertmanager`,
          fallback: '[FIRING:1] HighCPUUsage web-1',
          color: 'danger',
          text: `*Alert:* CPU high, see ${canary.url}/dashboard and <${canary.url}/runbook|runbook> - \`warning\`\n*Graph:* <${canary.url}/graph?g0.expr=up%7Binstance%3D%22web-1%3A9100%22%7D|:chart_with_upwards_trend:>\n*Details:*\n • *alertname:* \`HighCPUUsage\`\n • *instance:* \`web-1:9100\`\n • *runbook_url:* \`${canary.url}/runbook.md\`\n • *token:* \`${token}\`\n • *severity:* \`warning\`\n`,
        },
      ],
    });
    await h.waitForReplies(message.ts);
    await h.settled();
    await h.aals.analysis?.idle();
    await h.aals.memoryRunner.idle();
    await h.aals.diagnosisRunner.idle();
    await waitUntil(() => prometheus.hits.length > 0, 5000, 'the configured Prometheus to be asked');
    await h.aals.dispatcher.settled();
    expect(canary.hits).toEqual([]);
    const posted = JSON.stringify(h.botReplies(message.ts));
    expect(posted).not.toContain(token);
    // The alert was read with all its labels (so the token had a way in); the store keeps the raw
    // data on purpose (nothing is lost), the edges — Slack, logs, prompts — redact.
    const stored = h.aals.store.alerts.recent(5).find((a) => a.alertname === 'HighCPUUsage');
    expect(stored?.labels.token).toBe(token);
    expect(JSON.stringify(h.logs)).not.toContain(token);
  });
});
