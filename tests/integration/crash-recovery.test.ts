import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SlackEmulator } from '../../src/slack/emulator/emulator.js';
import type { ApiResponse } from '../../src/slack/emulator/web-api.js';
import { Store } from '../../src/store/store.js';
import { botEnv } from '../../src/testing/bot-env.js';
import { fixture } from '../support/fixtures.js';
import { freePort, type Spawned, spawnProcess, waitForHttp } from '../support/processes.js';
import { tempDir } from '../support/temp.js';

/**
 * kill -9 of the real AALS process between receiving an alert and replying to it, then a restart:
 * the alert must be neither lost nor answered twice, and the audit chain must still verify.
 */
const ROOT = join(import.meta.dirname, '..', '..');

describe('kill -9 between receiving and replying', () => {
  let slack: SlackEmulator;
  let port: number;

  beforeEach(async () => {
    slack = new SlackEmulator({ retryDelaysMs: [] });
    await slack.start();
    port = await freePort();
    slack.transport = { type: 'http', requestUrl: `http://127.0.0.1:${port}/slack/events` };
  });
  afterEach(async () => {
    await slack.stop();
  });

  function startBot(dataDir: string): Spawned {
    return spawnProcess(
      'node',
      [join(ROOT, 'dist', 'main.js')],
      botEnv(slack, port, dataDir, { AALS_LOG_LEVEL: 'warn' }),
    );
  }

  const botReplies = (ts: string) => slack.replies('alerts', ts).filter((m) => m.bot_id === slack.app.botId);

  /** Holds the first chat.postMessage until the test kills the bot; `afterSlackPosted` decides whether Slack saw it. */
  function holdFirstReply(afterSlackPosted: boolean): Promise<void> {
    return new Promise((reached) => {
      const hold = () => new Promise<never>(() => reached());
      if (afterSlackPosted) {
        slack.afterApiCall = async (request) => {
          if (request.method === 'chat.postMessage') {
            slack.afterApiCall = undefined;
            await hold();
          }
        };
      } else {
        slack.beforeApiCall = async (request): Promise<ApiResponse | undefined> => {
          if (request.method !== 'chat.postMessage') return undefined;
          slack.beforeApiCall = undefined;
          return hold();
        };
      }
    });
  }

  test.each([
    ['before Slack received the reply', false],
    ['after Slack posted the reply but before AALS recorded it', true],
  ])(
    'killed %s: one reply after restart',
    async (_name, afterSlackPosted) => {
      const data = tempDir();
      try {
        let bot = startBot(data.path);
        await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15000, bot.child);
        const held = holdFirstReply(afterSlackPosted);
        const alert = slack.postWebhookMessage(
          'alerts',
          fixture('alertmanager/slack-custom-labels/firing-grouped.json'),
        );
        await held;
        await bot.stop('SIGKILL');
        expect(botReplies(alert.ts)).toHaveLength(afterSlackPosted ? 1 : 0);

        bot = startBot(data.path);
        await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15000, bot.child);
        await slack.waitFor(() => (botReplies(alert.ts).length >= 1 ? true : null), 10000);
        // Give a duplicate every chance to appear before counting.
        await new Promise((r) => setTimeout(r, 500));
        await bot.stop('SIGTERM');
        expect(botReplies(alert.ts)).toHaveLength(1);

        const store = Store.open(data.path);
        try {
          const events = store.rawEvents.recent(10).filter((e) => e.messageTs === alert.ts);
          expect(events).toHaveLength(1);
          expect(events[0]?.status).toBe('done');
          expect(events[0]?.attempts).toBe(1);
          expect(store.alerts.byRawEvent(events[0]?.id as number)).toHaveLength(2);
          // The incident's summary went out once: the restart found it (or posted it) by its marker.
          const [incident] = store.incidents.recent(1);
          expect(incident?.summaryTs).toBe(botReplies(alert.ts)[0]?.ts);
          expect(incident?.summaryAttempts).toBe(2);
          expect(store.audit.verify().ok).toBe(true);
        } finally {
          store.close();
        }
        const verify = spawnSync('node', [join(ROOT, 'bin', 'aals.js'), 'audit', 'verify'], {
          env: { PATH: process.env.PATH, AALS_DATA_DIR: data.path },
          cwd: data.path,
          encoding: 'utf8',
        });
        expect(verify.status).toBe(0);
        expect(verify.stdout).toMatch(/audit chain intact: \d+ records/);
      } finally {
        data.cleanup();
      }
    },
    60_000,
  );
});
