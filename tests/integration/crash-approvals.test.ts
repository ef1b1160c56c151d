import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SlackEmulator } from '../../src/slack/emulator/emulator.js';
import type { ApiResponse } from '../../src/slack/emulator/web-api.js';
import { Store } from '../../src/store/store.js';
import { botEnv } from '../../src/testing/bot-env.js';
import { withStore } from '../../src/testing/store-access.js';
import { freePort, type Spawned, spawnProcess, waitForHttp, waitUntil } from '../support/processes.js';
import { executorHost, type Sshd, startSshd } from '../support/sshd.js';
import { tempDir } from '../support/temp.js';

/**
 * kill -9 of the real AALS process at each stage of the approval state machine — between two
 * approvals, while an approved command runs over SSH, after it ran but before Slack had its
 * result — then a restart: nothing runs twice, nothing is reported twice, the audit chain verifies.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const APPROVERS = ['U0CRASHAP1', 'U0CRASHAP2'];
const REQUESTER = 'U0CRASHREQ';

describe('kill -9 in the approval state machine', () => {
  let sshd: Sshd;
  let slack: SlackEmulator;
  let port: number;
  const data = tempDir('aals-crash-approvals-');

  beforeAll(async () => {
    // `sleep` is read-only: it runs without approval only as a host's readOnlyUser.
    sshd = await startSshd({ readOnlyUser: true });
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
        modules: {
          executor: {
            enabled: true,
            hosts: [executorHost(sshd, 'db-1', 'production', {}, { readOnlyUser: true })],
          },
        },
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
    return inStore(
      (store) =>
        store.db.prepare('SELECT id, status FROM approvals ORDER BY id DESC LIMIT 1').get() as
          | { status: string; id: number }
          | undefined,
    );
  }

  const inStore = <T>(read: (store: Store) => T): T => withStore(join(data.path, 'data'), read);

  const audited = (action: string, id: number) =>
    inStore((s) => s.audit.tail(500).filter((r) => r.action === action && r.subject === `approval:${id}`));

  /** Resolves when the bot calls `method` (matching `match`); that call is never answered. */
  function holdApiCall(method: string, match: (args: Record<string, unknown>) => boolean): Promise<void> {
    return new Promise((reached) => {
      slack.beforeApiCall = async (call): Promise<ApiResponse | undefined> => {
        if (call.method !== method || !match(call.params)) return undefined;
        slack.beforeApiCall = undefined;
        reached();
        return new Promise<never>(() => undefined);
      };
    });
  }

  async function restart(bot: Spawned): Promise<Spawned> {
    await bot.stop('SIGKILL');
    const next = startBot();
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15_000, next.child);
    return next;
  }

  const channelTexts = () => slack.messages('alerts').map((m) => m.text);

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

  test('killed between the first and the second approval: the vote survives, the command runs once', async () => {
    const marker = join(data.path, 'touched-once');
    const command = `touch ${marker}`;
    let bot = startBot();
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15_000, bot.child);
      await slack.slashCommand('/aals', `run db-1 -- ${command}`, 'alerts', REQUESTER);
      const id = request()?.id as number;
      const posted = await slack.waitFor(
        () => slack.messages('alerts').find((m) => m.text.startsWith(`Command request #${id}`)) ?? null,
        10_000,
      );
      // The bot dies as soon as the first vote is in the database (pending, 1 of 2).
      const click = slack.clickButton('alerts', posted.ts, `approval_${id}/approval_approve`, APPROVERS[0]);
      await waitUntil(
        () => inStore((st) => st.approvals.get(id)?.approvers.length) === 1,
        10_000,
        'the vote',
      );
      bot = await restart(bot);
      await click;
      expect(inStore((s) => s.approvals.get(id)?.approvers)).toEqual([APPROVERS[0]]);
      expect(request()?.status).toBe('pending');

      // The same approver clicking again (Slack showed them an error) does not count twice…
      await slack.clickButton('alerts', posted.ts, `approval_${id}/approval_approve`, APPROVERS[0]);
      expect(request()?.status).toBe('pending');
      // …the second approver's vote runs it.
      await slack.clickButton('alerts', posted.ts, `approval_${id}/approval_approve`, APPROVERS[1]);
      await waitUntil(() => request()?.status === 'executed', 10_000, 'the command to run');
      await slack.waitFor(() => channelTexts().find((t) => t.startsWith(`Ran: ${command}`)) ?? null, 10_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect(existsSync(marker)).toBe(true);
      expect(audited('command.started', id)).toHaveLength(1);
      expect(audited('approval.approved', id).map((r) => r.actor)).toEqual(APPROVERS);
      expect(audited('approval.granted', id)).toHaveLength(1);
      expect(audited('approval.refused', id).map((r) => r.actor)).toEqual([APPROVERS[0]]);
      expect(channelTexts().filter((t) => t.startsWith(`Ran: ${command}`))).toHaveLength(1);
      expect(inStore((s) => s.audit.verify().ok)).toBe(true);
    } finally {
      await bot.stop();
    }
  });

  test.each([
    ['before Slack received the result', false],
    ['after Slack posted the result but before AALS recorded it', true],
  ])(
    'killed after the command ran, %s: the result is posted once, the command is not run again',
    async (_name, slackPosted) => {
      // mkdir fails when run a second time: a rerun would show up as a second, failed result.
      const made = join(data.path, `made-${slackPosted}`);
      const command = `mkdir ${made}`;
      let bot = startBot();
      try {
        await waitForHttp(`http://127.0.0.1:${port}/healthz`, 15_000, bot.child);
        const reported = new Promise<void>((reached) => {
          if (slackPosted) {
            slack.afterApiCall = async (call) => {
              if (call.method !== 'chat.postMessage' || !String(call.params.text ?? '').includes(command))
                return;
              if (!String(call.params.text).match(/^(Ran|Failed):/)) return;
              slack.afterApiCall = undefined;
              reached();
              await new Promise<never>(() => undefined);
            };
          } else {
            void holdApiCall(
              'chat.postMessage',
              (args) => /^(Ran|Failed):/.test(String(args.text ?? '')) && String(args.text).includes(command),
            ).then(reached);
          }
        });
        await slack.slashCommand('/aals', `run db-1 -- ${command}`, 'alerts', REQUESTER);
        const id = request()?.id as number;
        const posted = await slack.waitFor(
          () => slack.messages('alerts').find((m) => m.text.startsWith(`Command request #${id}`)) ?? null,
          10_000,
        );
        for (const approver of APPROVERS)
          await slack.clickButton('alerts', posted.ts, `approval_${id}/approval_approve`, approver);
        await reported;
        expect(request()?.status).toMatch(/^(executed|failed)$/);
        bot = await restart(bot);
        const results = () => channelTexts().filter((t) => /^(Ran|Failed):/.test(t) && t.includes(command));
        await slack.waitFor(() => (results().length > 0 ? true : null), 10_000);
        await new Promise((r) => setTimeout(r, 1500)); // a duplicate would show up by now
        expect(results()).toHaveLength(1);
        expect(audited('command.started', id)).toHaveLength(1);
        expect(audited('command.executed', id)).toHaveLength(1);
        expect(results()[0]).toMatch(/^Ran:/);
        expect(existsSync(made)).toBe(true);
        expect(inStore((s) => s.audit.verify().ok)).toBe(true);
      } finally {
        slack.afterApiCall = undefined;
        slack.beforeApiCall = undefined;
        await bot.stop();
      }
    },
  );
});
