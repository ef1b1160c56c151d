import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SlackEmulator } from '../../src/slack/emulator/emulator.js';
import type { Store } from '../../src/store/store.js';
import { botEnv } from '../../src/testing/bot-env.js';
import { type FakeAnthropic, reply, startFakeAnthropic } from '../../src/testing/fake-anthropic.js';
import { withStore } from '../../src/testing/store-access.js';
import { freePort, type Spawned, spawnProcess, waitForHttp, waitUntil } from '../support/processes.js';
import { tempDir } from '../support/temp.js';

/**
 * kill -9 of the real AALS process while the two slow stages of the pipeline are in flight — the
 * Prometheus analysis and the LLM diagnosis — then a restart: the job left behind in SQLite runs
 * again, the same thread gets its result, and nothing is posted twice.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const KEY = ['sk', 'ant', 'crash'.repeat(6)].join('-');

const diskAlert = (instance: string) => ({
  username: 'Alertmanager',
  attachments: [
    {
      title: '[FIRING:1] Monitoring Event Notification',
      fallback: `[FIRING:1] NodeFilesystemAlmostFull ${instance}`,
      color: 'danger',
      text: `*Alert:* Filesystem /var on ${instance} is 97% full - \`critical\`\n*Details:*\n • *alertname:* \`NodeFilesystemAlmostFull\`\n • *instance:* \`${instance}:9100\`\n • *severity:* \`critical\`\n`,
    },
  ],
});

const submitFor = (instance: string) =>
  reply.toolUse('submit_diagnosis', {
    summary: `/var on ${instance} is filling with rotated logs nobody deletes.`,
    rootCause: { candidate: `NodeFilesystemAlmostFull on ${instance}`, confidence: 0.8, reasoning: 'A1' },
    evidence: [{ ref: 'A1', note: '97% full' }],
    actions: [{ command: 'df -h /var', host: instance, purpose: 'confirm' }],
    nextChecks: ['log rotation'],
  });

/** A Prometheus that holds every request while `holding`, and otherwise answers "no data". */
async function startPrometheus() {
  const state = { holding: true, requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    if (state.holding) return; // never answered
    res.setHeader('content-type', 'application/json');
    const path = req.url ?? '';
    const data = path.startsWith('/api/v1/rules')
      ? { groups: [] }
      : path.startsWith('/api/v1/series')
        ? []
        : { resultType: 'matrix', result: [] };
    res.end(JSON.stringify({ status: 'success', data }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('kill -9 during the analysis and the diagnosis', () => {
  let slack: SlackEmulator;
  let fake: FakeAnthropic;
  let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
  let port: number;
  const data = tempDir('aals-crash-stages-');

  beforeAll(async () => {
    slack = new SlackEmulator({ retryDelaysMs: [] });
    await slack.start();
    fake = await startFakeAnthropic({ apiKey: KEY });
    prometheus = await startPrometheus();
    port = await freePort();
    slack.transport = { type: 'http', requestUrl: `http://127.0.0.1:${port}/slack/events` };
  });
  afterAll(async () => {
    await slack.stop();
    await fake.close();
    await prometheus.close();
    data.cleanup();
  });

  const startBot = (): Spawned =>
    spawnProcess(
      'node',
      [join(ROOT, 'dist', 'main.js')],
      botEnv(slack, port, data.path, {
        AALS_LOG_LEVEL: 'error',
        ANTHROPIC_API_KEY: KEY,
        ANTHROPIC_BASE_URL: fake.url,
        PROMETHEUS_URL: prometheus.url,
      }),
    );

  const inStore = <T>(read: (store: Store) => T): T => withStore(data.path, read);

  const summaryOf = (ts: string) => slack.replies('alerts', ts).filter((m) => m.bot_id === slack.app.botId);

  test('killed while Prometheus and the model are both still answering: after the restart both finish, in the same thread, once', async () => {
    // The model holds its first answer for a minute (longer than the test); the next comes at once.
    fake.script(reply.delayed(60_000, submitFor('db-3')), submitFor('db-3'));
    let bot = startBot();
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15_000, bot.child);
      const alert = slack.postWebhookMessage('alerts', diskAlert('db-3'));
      const [summary] = await slack.waitFor(
        () => (summaryOf(alert.ts).length > 0 ? summaryOf(alert.ts) : null),
        10_000,
      );
      await waitUntil(
        () => prometheus.state.requests > 0 && fake.requests.length > 0,
        10_000,
        'both to be asked',
      );
      expect(inStore((s) => s.db.prepare('SELECT status FROM analyses').all())).toEqual([
        { status: 'running' },
      ]);
      expect(inStore((s) => s.db.prepare('SELECT status FROM diagnoses').all())).toEqual([
        { status: 'running' },
      ]);

      await bot.stop('SIGKILL');
      prometheus.state.holding = false;
      bot = startBot();
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15_000, bot.child);

      const text = () => JSON.stringify(summaryOf(alert.ts)[0]?.blocks ?? []);
      await slack.waitFor(
        () => text().includes('rotated logs nobody deletes') && text().includes('queries returned no data'),
        20_000,
      );
      await new Promise((r) => setTimeout(r, 1000)); // a duplicate would show up by now
      expect(summaryOf(alert.ts).map((m) => m.ts)).toEqual([summary?.ts]);
      expect(fake.requests).toHaveLength(2);
      expect(inStore((s) => s.db.prepare('SELECT status FROM analyses').all())).toEqual([{ status: 'done' }]);
      expect(inStore((s) => s.db.prepare('SELECT status FROM diagnoses').all())).toEqual([
        { status: 'done' },
      ]);
      expect(inStore((s) => s.audit.verify().ok)).toBe(true);
    } finally {
      await bot.stop();
    }
  }, 60_000);
});
