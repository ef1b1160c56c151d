import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatedMessage } from '../../src/slack/emulator/workspace.js';
import { Store } from '../../src/store/store.js';
import { type FakeAnthropic, reply, startFakeAnthropic } from '../../src/testing/fake-anthropic.js';
import { type Harness, startHarness } from '../support/harness.js';
import { waitUntil } from '../support/processes.js';
import { executorHost, type Sshd, startSshd } from '../support/sshd.js';
import { tempDir } from '../support/temp.js';

/**
 * Commands from a diagnosis, run over SSH only as the policy allows: the real Bolt app against the
 * Slack emulator (real block-action payloads), a real sshd on loopback with keys made for the test
 * and two logins (the main user, and a read-only user every host but db-5 declares), the real
 * Anthropic SDK against the local fake proposing the commands, real SQLite.
 */
const KEY = `sk-ant-${'approvals'.repeat(3)}`;
const APPROVERS = ['U0APPROV01', 'U0APPROV02', 'U0APPROV03'];
const OUTSIDER = 'U0OUTSIDE1';

function diskAlert(host: string, env: string) {
  return {
    username: 'Alertmanager',
    attachments: [
      {
        title: '[FIRING:1] Monitoring Event Notification',
        fallback: `[FIRING:1] NodeFilesystemAlmostFull ${host}`,
        color: 'danger',
        text: `*Alert:* Filesystem /var on ${host} is 97% full - \`critical\`\n*Details:*\n • *alertname:* \`NodeFilesystemAlmostFull\`\n • *instance:* \`${host}:9100\`\n • *env:* \`${env}\`\n • *mountpoint:* \`/var\`\n • *severity:* \`critical\`\n`,
      },
    ],
  };
}

function proposing(host: string, actions: Array<{ command: string; purpose: string }>) {
  return reply.toolUse('submit_diagnosis', {
    summary: `/var on ${host} is filling up.`,
    rootCause: {
      candidate: `NodeFilesystemAlmostFull on ${host}`,
      confidence: 0.8,
      reasoning: 'Usage at 97%.',
    },
    evidence: [{ ref: 'A1', note: '97% full' }],
    actions: actions.map((a) => ({ ...a, host })),
    nextChecks: [],
  });
}

const text = (m: EmulatedMessage | undefined) => JSON.stringify(m?.blocks ?? []);

describe('approvals and the SSH executor in Slack', () => {
  let sshd: Sshd;
  let fake: FakeAnthropic;
  let h: Harness;
  const data = tempDir('aals-approvals-');
  const markers = tempDir('aals-markers-');

  beforeAll(async () => {
    sshd = await startSshd({ readOnlyUser: true });
    fake = await startFakeAnthropic({ apiKey: KEY });
    const host = (name: string, environment: 'development' | 'staging' | 'production', readOnlyUser = true) =>
      executorHost(sshd, name, environment, { instance: `${name}:9100` }, { readOnlyUser });
    h = await startHarness({
      transport: 'http',
      dataDir: data.path,
      config: {
        modules: {
          llm: { provider: 'anthropic', anthropicApiKey: KEY, anthropicBaseUrl: fake.url },
          executor: {
            enabled: true,
            // One sshd stands in for several production hosts: each test gets its own incident.
            hosts: [
              ...['db-1', 'db-2', 'db-3', 'db-4', 'db-6'].map((n) => host(n, 'production')),
              host('db-5', 'production', false),
              host('dev-1', 'development'),
            ],
          },
        },
        environments: {
          development: { approvers: [] },
          staging: { approvers: APPROVERS },
          production: { approvers: APPROVERS, requiredApprovals: 2 },
        },
      },
      app: { llmRetry: { attempts: 2, baseMs: 10, maxMs: 50 }, evidenceWaitMs: 100 },
    });
    for (const id of [...APPROVERS, OUTSIDER])
      h.slack.workspace.addUser({ id, name: id.toLowerCase(), realName: id, isBot: false });
  });
  afterAll(async () => {
    await h?.stop();
    await fake?.close();
    await sshd?.stop();
    data.cleanup();
    markers.cleanup();
  });

  /** Posts the alert with the model proposing `actions`; resolves with the thread's summary once the requests exist. */
  async function incidentWith(
    host: string,
    env: string,
    actions: Array<{ command: string; purpose: string }>,
  ) {
    fake.script(proposing(host, actions));
    const message = h.postAlert(diskAlert(host, env));
    await h.waitForReplies(message.ts);
    await waitUntil(
      () =>
        h.aals.store.db
          .prepare('SELECT COUNT(*) FROM approvals WHERE command = ?')
          .pluck()
          .get(actions[0]?.command) === 1,
      10_000,
      'the requests',
    );
    return message;
  }

  const summaryOf = (message: EmulatedMessage) => h.botReplies(message.ts)[0] as EmulatedMessage;
  const requestFor = (command: string) =>
    h.aals.store.db
      .prepare('SELECT id FROM approvals WHERE command = ? ORDER BY id DESC')
      .pluck()
      .get(command) as number;

  test('a read-only command runs by itself and its output lands in the thread', async () => {
    const message = await incidentWith('db-1', 'production', [{ command: 'uname -s', purpose: 'which OS' }]);
    const result = await h.slack.waitFor(
      () => h.botReplies(message.ts).find((m) => m.text.startsWith('Ran: uname -s')) ?? null,
      10_000,
    );
    expect(text(result)).toContain('Linux');
    expect(text(result)).toContain('read-only: ran without approval');
    const audit = h.aals.store.audit.tail(100).filter((r) => r.action === 'command.executed');
    // The proposed text and the canonical line that ran, as the read-only identity.
    expect(audit.at(-1)?.details).toMatchObject({
      host: 'db-1',
      exitCode: 0,
      command: 'uname -s',
      canonical: "'uname' '-s'",
      runAs: 'read-only',
      user: sshd.readOnlyUser?.user,
    });
    expect(String((audit.at(-1)?.details as { outputSha256?: string } | undefined)?.outputSha256)).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });

  test('a read-only command runs as the host readOnlyUser; on a host without one it waits for approval, then runs as the main user', async () => {
    const auto = await incidentWith('db-6', 'production', [{ command: 'id -un', purpose: 'who runs it' }]);
    const ran = await h.slack.waitFor(
      () => h.botReplies(auto.ts).find((m) => m.text.startsWith('Ran: id -un')) ?? null,
      10_000,
    );
    expect(text(ran)).toContain(`${sshd.readOnlyUser?.user}\\n`);

    const message = await incidentWith('db-5', 'production', [{ command: 'whoami', purpose: 'who runs it' }]);
    const id = requestFor('whoami');
    expect(h.aals.store.approvals.get(id)).toMatchObject({
      status: 'pending',
      risk: 'READ_ONLY',
      required: 2,
      reason: expect.stringContaining('db-5 has no readOnlyUser: read-only commands need an approval'),
    });
    const summary = await h.slack.waitFor(
      () => (text(summaryOf(message)).includes(`Approve #${id}`) ? summaryOf(message) : null),
      5000,
    );
    expect(text(summary)).toContain('db-5 has no readOnlyUser: read-only commands need an approval');
    for (const approver of APPROVERS.slice(0, 2)) {
      await h.slack.clickButton('alerts', summary.ts, `approval_${id}/approval_approve`, approver);
    }
    const result = await h.slack.waitFor(
      () => h.botReplies(message.ts).find((m) => m.text.startsWith('Ran: whoami')) ?? null,
      10_000,
    );
    expect(text(result)).toContain(`${sshd.user}\\n`);
    const executed = h.aals.store.audit
      .tail(100)
      .find((r) => r.action === 'command.executed' && r.subject === `approval:${id}`);
    expect(executed?.details).toMatchObject({ runAs: 'main', user: sshd.user, canonical: "'whoami'" });
  });

  test('output over the cap: the message is cut and says so; the whole output is attached as a file', async () => {
    const answer = await h.slack.slashCommand('/aals', 'run dev-1 -- seq 1 40000', 'alerts', OUTSIDER);
    expect(answer.body?.response_type).toBe('in_channel');
    const result = await h.slack.waitFor(
      () => h.slack.messages('alerts').find((m) => m.text.startsWith('Ran: seq 1 40000')) ?? null,
      10_000,
    );
    expect(text(result)).toContain('output truncated');
    const id = requestFor('seq 1 40000');
    const file = await h.slack.waitFor(
      () =>
        h.slack.messages('alerts').find((m) => JSON.stringify(m).includes(`aals-command-${id}-output.txt`)) ??
        null,
      10_000,
    );
    expect(file).toBeDefined();
    const full = h.aals.store.approvals.fullOutput(id)?.toString('utf8') ?? '';
    expect(full.split('\n').filter(Boolean)).toHaveLength(40000);
  });

  test('production needs two distinct approvers: self-repeat, outsiders and the 1st click do not run it; the 2nd does, once', async () => {
    const marker = join(markers.path, 'approved');
    const command = `touch ${marker}`;
    const message = await incidentWith('db-2', 'production', [{ command, purpose: 'mark' }]);
    const id = requestFor(command);
    const summary = await h.slack.waitFor(
      () => (text(summaryOf(message)).includes(`Approve #${id}`) ? summaryOf(message) : null),
      5000,
    );
    const click = (user: string) =>
      h.slack.clickButton('alerts', summary.ts, `approval_${id}/approval_approve`, user);
    const ephemeral = (user: string) => () =>
      h.slack
        .messages('alerts')
        .filter((m) => m.ephemeralTo === user)
        .at(-1)?.text ?? '';

    await click(OUTSIDER);
    await waitUntil(
      () => ephemeral(OUTSIDER)().includes('Only the production approvers'),
      5000,
      'the refusal',
    );
    expect(
      h.aals.store.audit.tail(50).some((r) => r.action === 'approval.refused' && r.actor === OUTSIDER),
    ).toBe(true);
    await click(APPROVERS[0] as string);
    await waitUntil(
      () => ephemeral(APPROVERS[0] as string)().includes('Approved (1/2)'),
      5000,
      'the first approval',
    );
    await click(APPROVERS[0] as string);
    await waitUntil(
      () => ephemeral(APPROVERS[0] as string)().includes('already approved'),
      5000,
      'the repeat refusal',
    );
    expect(existsSync(marker)).toBe(false);
    // Two approvers race for the second approval: exactly one execution.
    await Promise.all([click(APPROVERS[1] as string), click(APPROVERS[2] as string)]);
    await waitUntil(() => h.aals.store.approvals.get(id)?.status === 'executed', 10_000, 'the execution');
    expect(existsSync(marker)).toBe(true);
    await h.aals.execution?.idle();
    const started = h.aals.store.audit
      .tail(200)
      .filter((r) => r.action === 'command.started' && r.subject === `approval:${id}`);
    expect(started).toHaveLength(1);
    const result = await h.slack.waitFor(
      () => h.botReplies(message.ts).find((m) => m.text.startsWith(`Ran: ${command}`)) ?? null,
      5000,
    );
    expect(text(result)).toMatch(/approved by <@U0APPROV01>, <@U0APPROV0[23]>/);
    expect(h.aals.store.approvals.get(id)?.approvers).toHaveLength(2);
  });

  test('reject asks for a reason, and the command never runs', async () => {
    const marker = join(markers.path, 'rejected');
    const command = `touch ${marker}`;
    const message = await incidentWith('db-3', 'production', [{ command, purpose: 'mark' }]);
    const id = requestFor(command);
    const summary = await h.slack.waitFor(
      () => (text(summaryOf(message)).includes(`Reject #${id}`) ? summaryOf(message) : null),
      5000,
    );
    await h.slack.clickButton('alerts', summary.ts, `approval_${id}/approval_reject`, APPROVERS[0]);
    const view = await h.slack.waitFor(
      () => [...h.slack.views.values()].find((v) => v.view.callback_id === 'approval_reject_modal') ?? null,
      5000,
    );
    await h.slack.submitView(view.id, { reason: { text: 'not during the sale' } }, APPROVERS[0]);
    await waitUntil(() => h.aals.store.approvals.get(id)?.status === 'rejected', 5000, 'the rejection');
    expect(h.aals.store.approvals.get(id)?.reason).toContain('not during the sale');
    await h.slack.waitFor(
      () => (text(summaryOf(message)).includes('not during the sale') ? true : null),
      5000,
    );
    expect(existsSync(marker)).toBe(false);
  });

  test('an expired request cannot be approved', async () => {
    const command = `touch ${join(markers.path, 'expired')}`;
    await incidentWith('db-4', 'production', [{ command, purpose: 'mark' }]);
    const id = requestFor(command);
    h.aals.store.db
      .prepare('UPDATE approvals SET expires_at = ? WHERE id = ?')
      .run(new Date(Date.now() - 1000).toISOString(), id);
    const answer = await h.aals.approvals?.approve(id, APPROVERS[0] as string);
    expect(answer?.message).toContain('expired');
    expect(h.aals.store.approvals.get(id)?.status).toBe('expired');
    expect(h.aals.store.audit.tail(50).map((r) => r.action)).toContain('approval.expired');
  });

  test('/aals run: the requester cannot approve their own request; development changes wait for one approval', async () => {
    const command = `touch ${join(markers.path, 'requested')}`;
    const answer = await h.slack.slashCommand('/aals', `run db-1 -- ${command}`, 'alerts', APPROVERS[0]);
    expect(answer.body?.response_type).toBe('in_channel');
    const id = requestFor(command);
    const request = await h.slack.waitFor(
      () => h.slack.messages('alerts').find((m) => m.text.startsWith(`Command request #${id}`)) ?? null,
      5000,
    );
    await h.slack.clickButton('alerts', request.ts, `approval_${id}/approval_approve`, APPROVERS[0]);
    await waitUntil(
      () =>
        (
          h.slack
            .messages('alerts')
            .filter((m) => m.ephemeralTo === APPROVERS[0])
            .at(-1)?.text ?? ''
        ).includes('someone else has to approve'),
      5000,
      'the self-approval refusal',
    );
    expect(h.aals.store.approvals.get(id)?.approvers).toEqual([]);
    const dev = `touch ${join(markers.path, 'dev')}`;
    await h.slack.slashCommand('/aals', `run dev-1 -- ${dev}`, 'alerts', OUTSIDER);
    const devId = requestFor(dev);
    const devRequest = await h.slack.waitFor(
      () => h.slack.messages('alerts').find((m) => m.text.startsWith(`Command request #${devId}`)) ?? null,
      5000,
    );
    // Nothing the policy cannot prove read-only runs before a person agrees, in any environment.
    expect(existsSync(join(markers.path, 'dev'))).toBe(false);
    expect(h.aals.store.approvals.get(devId)?.status).toBe('pending');
    await h.slack.clickButton('alerts', devRequest.ts, `approval_${devId}/approval_approve`, APPROVERS[0]);
    await waitUntil(() => existsSync(join(markers.path, 'dev')), 10_000, 'the development command');
    await waitUntil(
      () => h.slack.messages('alerts').some((m) => m.text.startsWith(`Ran: ${dev}`)),
      5000,
      'its report',
    );
    const destructive = await h.slack.slashCommand(
      '/aals',
      'run dev-1 -- rm -rf /var/lib',
      'alerts',
      OUTSIDER,
    );
    expect(JSON.stringify(destructive.body)).toContain('CRITICAL');
    expect(JSON.stringify(destructive.body)).not.toContain('approval_approve');
  });

  test('a crash after approval and before execution: the restart runs it once; one left running is reported, not rerun', async () => {
    const command = `touch ${join(markers.path, 'after-restart')}`;
    const answer = await h.aals.approvals?.request(OUTSIDER, 'C0000000', 'db-1', command);
    const id = answer?.request?.id as number;
    const stranded = `touch ${join(markers.path, 'stranded')}`;
    const second = await h.aals.approvals?.request(OUTSIDER, 'C0000000', 'db-1', stranded);
    const strandedId = second?.request?.id as number;
    await h.aals.stop();
    // As a crash would leave them: one approved by two people but not started, one started but not finished.
    const store = Store.open(data.path);
    for (const user of APPROVERS.slice(0, 2)) store.approvals.vote(id, user);
    store.db.prepare("UPDATE approvals SET status = 'approved' WHERE id = ?").run(id);
    store.db.prepare("UPDATE approvals SET status = 'executing' WHERE id = ?").run(strandedId);
    store.close();
    await h.restart();
    await waitUntil(
      () => h.aals.store.approvals.get(id)?.status === 'executed',
      10_000,
      'the approved command',
    );
    expect(existsSync(join(markers.path, 'after-restart'))).toBe(true);
    expect(h.aals.store.approvals.get(strandedId)?.status).toBe('interrupted');
    expect(existsSync(join(markers.path, 'stranded'))).toBe(false);
  });
});
