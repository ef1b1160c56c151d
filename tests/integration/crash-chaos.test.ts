import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SlackEmulator } from '../../src/slack/emulator/emulator.js';
import type { EmulatedMessage } from '../../src/slack/emulator/workspace.js';
import type { Store } from '../../src/store/store.js';
import { labelledSlackAlert } from '../../src/testing/alert-messages.js';
import { botEnv } from '../../src/testing/bot-env.js';
import { withStore } from '../../src/testing/store-access.js';
import { freePort, type Spawned, spawnProcess, waitForHttp, waitUntil } from '../support/processes.js';
import { tempDir } from '../support/temp.js';

/**
 * kill -9 of the real AALS process at whatever stage each alert happens to be in — receiving,
 * storing, correlating, posting or editing the summary — three times during a stream of alerts,
 * with Slack redelivering what was not acknowledged. Afterwards every alert is stored once, each
 * incident has one thread, no message was posted twice, and the audit chain verifies.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const INCIDENTS = 6;
const PER_INCIDENT = 10;

const alertMessage = (incident: number, n: number) =>
  labelledSlackAlert({
    alertname: n % 2 ? 'HighErrorRate' : 'HighLatency',
    cluster: `chaos-${incident}`,
    service: `svc-${incident}`,
    instance: `svc-${incident}-${n}:8080`,
    severity: 'critical',
  });

describe('kill -9 at random pipeline stages during a stream of alerts', () => {
  let slack: SlackEmulator;
  let port: number;
  const data = tempDir('aals-crash-chaos-');

  beforeAll(async () => {
    // Slack retries an unacknowledged event (here sooner than Slack's 1 min / 5 min, to keep the test short).
    slack = new SlackEmulator({ retryDelaysMs: [500, 1000, 2000, 4000, 8000], deliveryTimeoutMs: 3000 });
    await slack.start();
    port = await freePort();
    slack.transport = { type: 'http', requestUrl: `http://127.0.0.1:${port}/slack/events` };
  });
  afterAll(async () => {
    await slack.stop();
    data.cleanup();
  });

  const startBot = (): Spawned =>
    spawnProcess(
      'node',
      [join(ROOT, 'dist', 'main.js')],
      botEnv(slack, port, data.path, { AALS_LOG_LEVEL: 'error' }),
    );

  const inStore = <T>(read: (store: Store) => T): T => withStore(data.path, read);

  test('every alert stored once, one thread per incident, nothing posted twice, audit chain intact', async () => {
    let bot = startBot();
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15_000, bot.child);

    // Alerts go out every 40 ms, incident after incident, while the bot is killed and restarted.
    const posted: EmulatedMessage[] = [];
    const stream = (async () => {
      for (let k = 0; k < INCIDENTS; k++) {
        for (let n = 0; n < PER_INCIDENT; n++) {
          posted.push(slack.postWebhookMessage('alerts', alertMessage(k, n)));
          await new Promise((r) => setTimeout(r, 40));
        }
      }
    })();

    const kills: string[] = [];
    const killAndRestart = async (when: string) => {
      await bot.stop('SIGKILL');
      kills.push(`${when} (after ${posted.length} alerts)`);
      bot = startBot();
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15_000, bot.child);
    };
    // 1: as soon as the first summary reaches Slack (mid-pipeline for the alerts right behind it).
    await slack.waitFor(() => slack.messages('alerts').some((m) => m.bot_id === slack.app.botId), 10_000);
    await killAndRestart('first summary posted');
    // 2 and 3: at fixed points while alerts and redeliveries keep arriving.
    await new Promise((r) => setTimeout(r, 250));
    await killAndRestart('250 ms after the first restart');
    await new Promise((r) => setTimeout(r, 600));
    await killAndRestart('600 ms after the second restart');
    await stream;

    // Slack's redeliveries and the bot's recovery of unfinished events settle.
    const total = INCIDENTS * PER_INCIDENT;
    await waitUntil(
      () =>
        inStore((s) => s.rawEvents.countByStatus().done ?? 0) === total &&
        inStore(
          (s) => s.incidents.recent(100).filter((i) => i.status !== 'merged' && !i.summaryTs).length,
        ) === 0,
      60_000,
      `all ${total} alerts processed and every incident answered (kills: ${kills.join('; ')})`,
    );
    await new Promise((r) => setTimeout(r, 1500)); // let any duplicate show itself before counting
    await bot.stop('SIGTERM');

    expect(kills).toHaveLength(3);
    const events = inStore((s) => s.rawEvents.recent(1000));
    expect(events).toHaveLength(total);
    expect(new Set(events.map((e) => e.messageTs))).toEqual(new Set(posted.map((m) => m.ts)));
    expect(events.every((e) => e.status === 'done')).toBe(true);
    expect(inStore((s) => s.db.prepare('SELECT COUNT(*) AS n FROM alerts').get()) as { n: number }).toEqual({
      n: total,
    });

    const incidents = inStore((s) => s.incidents.recent(100)).filter((i) => i.status !== 'merged');
    expect(incidents).toHaveLength(INCIDENTS);

    // Every bot message carries its idempotency marker: none may appear twice.
    const botMessages = slack.messages('alerts').filter((m) => m.bot_id === slack.app.botId);
    const markers = botMessages
      .map((m) => (m.metadata as { event_payload?: { marker?: string } } | undefined)?.event_payload?.marker)
      .filter((m): m is string => Boolean(m));
    expect(markers.length).toBeGreaterThanOrEqual(INCIDENTS);
    expect(markers.length).toBe(new Set(markers).size);
    const summaries = markers.filter((m) => /^aals:incident:\d+:summary$/.test(m));
    expect(summaries).toHaveLength(INCIDENTS);
    expect(new Set(incidents.map((i) => i.summaryTs)).size).toBe(INCIDENTS);

    expect(inStore((s) => s.audit.verify().ok)).toBe(true);
    const verify = spawnSync('node', [join(ROOT, 'bin', 'aals.js'), 'audit', 'verify'], {
      env: { PATH: process.env.PATH, AALS_DATA_DIR: data.path },
      cwd: data.path,
      encoding: 'utf8',
    });
    expect(verify.status).toBe(0);
  }, 120_000);
});
