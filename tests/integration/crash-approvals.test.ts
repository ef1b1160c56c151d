import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SlackEmulator } from '../../src/slack/emulator/emulator.js';
import { Store } from '../../src/store/store.js';
import { botEnv } from '../../src/testing/bot-env.js';
import { freePort, type Spawned, spawnProcess, waitForHttp, waitUntil } from '../support/processes.js';
import { executorHost, type Sshd, startSshd } from '../support/sshd.js';
import { tempDir } from '../support/temp.js';

/**
 * kill -9 of the real AALS process while an approved command runs over SSH, then a restart: the
 * command is reported as interrupted and never run a second time; the audit chain still verifies.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const APPROVERS = ['U0CRASHAP1', 'U0CRASHAP2'];
const REQUESTER = 'U0CRASHREQ';

describe('kill -9 in the middle of a command', () => {
  let sshd: Sshd;
  let slack: SlackEmulator;
  let port: number;
  const data = tempDir('aals-crash-approvals-');

  beforeAll(async () => {
    sshd = await startSshd();
    slack = new SlackEmulator({ retryDelaysMs: [] });
    await slack.start();
    for (const id of [...APPROVERS, REQUESTER])
      slack.workspace.addUser({ id, name: id.toLowerCase(), realName: id, isBot: false });
    port = await freePort();
    slack.transport = { type: 'http', requestUrl: `http://127.0.0.1:${port}/slack/events` };
    writeFileSync(
      join(data.path, 'aals.config.yaml'),
      stringify({
        environments: {
          staging: { approvers: APPROVERS },
          production: { approvers: APPROVERS, requiredApprovals: 2 },
        },
        modules: { executor: { enabled: true, hosts: [executorHost(sshd, 'db-1', 'production')] } },
      }),
    );
  });
  afterAll(async () => {
    await slack.stop();
    await sshd.stop();
    data.cleanup();
  });

  function startBot(): Spawned {
    return spawnProcess(
      'node',
      [join(ROOT, 'dist', 'main.js')],
      botEnv(slack, port, join(data.path, 'data'), {
        AALS_CONFIG: join(data.path, 'aals.config.yaml'),
        AALS_LOG_LEVEL: 'warn',
      }),
    );
  }

  /** The request as the bot's database has it (read through a second connection, WAL allows it). */
  function request(): { status: string; id: number } | undefined {
    const store = Store.open(join(data.path, 'data'));
    try {
      return store.db.prepare('SELECT id, status FROM approvals ORDER BY id DESC LIMIT 1').get() as
        | { status: string; id: number }
        | undefined;
    } finally {
      store.close();
    }
  }

  test('a command running when the bot dies is reported as interrupted and never run again', async () => {
    let bot = startBot();
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15_000, bot.child);
    const answer = await slack.slashCommand('/aals', 'run db-1 -- sleep 3', 'alerts', REQUESTER);
    expect(answer.status).toBe(200);
    // `sleep` only reads: the policy lets it run at once (approved → executing, like any approval).
    expect(JSON.stringify(answer.body)).toContain('READ_ONLY');
    await waitUntil(() => request()?.status === 'executing', 10_000, 'the command to start');
    await bot.stop('SIGKILL');

    bot = startBot();
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15_000, bot.child);
      await waitUntil(() => request()?.status === 'interrupted', 10_000, 'the interruption to be recorded');
      await slack.waitFor(
        () => slack.messages('alerts').find((m) => m.text.startsWith('Interrupted: sleep 3')) ?? null,
        10_000,
      );
      // Longer than the command would take: it must not have been started again.
      await new Promise((r) => setTimeout(r, 3500));
      expect(request()?.status).toBe('interrupted');
      const store = Store.open(join(data.path, 'data'));
      try {
        const starts = store.audit.tail(100).filter((r) => r.action === 'command.started');
        expect(starts).toHaveLength(1);
        expect(store.audit.verify().ok).toBe(true);
      } finally {
        store.close();
      }
    } finally {
      await bot.stop();
    }
  });
});
