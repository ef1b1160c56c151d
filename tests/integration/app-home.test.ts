import { type Harness, startHarness } from '../support/harness.js';
import { waitUntil } from '../support/processes.js';
import { executorHost, type Sshd, startSshd } from '../support/sshd.js';

/**
 * The App Home and the permissions around commands, through the real Bolt app and the emulator:
 * opening the Home tab publishes open incidents, pending approvals (with working buttons), today's
 * LLM spend and noisy alerts; `/aals diagnose` and `/aals run` respect `permissions`; `/aals approve`
 * counts like the button.
 */
const APPROVERS = ['U0HOMEAP01', 'U0HOMEAP02'];
const REQUESTER = 'U0HOMEREQ1';

describe('App Home, permissions and /aals approve', () => {
  let sshd: Sshd;
  let h: Harness;

  beforeAll(async () => {
    sshd = await startSshd();
    h = await startHarness({
      transport: 'http',
      config: {
        permissions: { diagnose: [REQUESTER, ...APPROVERS], run: [REQUESTER] },
        environments: {
          staging: { approvers: APPROVERS },
          production: { approvers: APPROVERS, requiredApprovals: 2 },
        },
        slack: { channelEnvironments: { '#alerts': 'production' } },
        modules: {
          executor: {
            enabled: true,
            hosts: [executorHost(sshd, 'dev-9', 'development')],
          },
        },
      },
    });
    for (const id of [...APPROVERS, REQUESTER])
      h.slack.workspace.addUser({ id, name: id.toLowerCase(), realName: id, isBot: false });
  });
  afterAll(async () => {
    await h?.stop();
    await sshd?.stop();
  });

  test('permissions: outsiders cannot diagnose or request commands', async () => {
    const diagnose = await h.slack.slashCommand(
      '/aals',
      'diagnose disk full on db-01',
      'alerts',
      'U0STRANGER',
    );
    expect(String(diagnose.body?.text)).toContain('not allowed');
    const run = await h.slack.slashCommand('/aals', 'run dev-9 -- uptime', 'alerts', APPROVERS[0]);
    expect(String(run.body?.text)).toContain('not allowed');
  });

  test('a development host asked from a production channel is treated as production: no automatic change', async () => {
    const answer = await h.slack.slashCommand(
      '/aals',
      'run dev-9 -- touch /tmp/aals-home-marker',
      'alerts',
      REQUESTER,
    );
    expect(JSON.stringify(answer.body)).toContain('HIGH_RISK');
    expect(JSON.stringify(answer.body)).toContain('approval_approve');
    const id = h.aals.store.db.prepare('SELECT MAX(id) FROM approvals').pluck().get() as number;
    expect(h.aals.store.approvals.get(id)).toMatchObject({
      status: 'pending',
      environment: 'production',
      required: 2,
    });
  });

  test('the App Home lists what needs attention, and its Approve button works', async () => {
    h.postAlert({ text: '[FIRING:1] HighCPUUsage web-1 (production warning)' });
    await waitUntil(() => (h.aals.store.incidents.counts().open ?? 0) >= 1, 5000, 'an open incident');
    h.slack.openAppHome(APPROVERS[0]);
    const home = await h.slack.waitFor(
      () => h.slack.workspace.homeViews.get(APPROVERS[0] as string) ?? null,
      5000,
    );
    const text = JSON.stringify(home);
    expect(text).toContain('Open incidents (1)');
    expect(text).toContain('HighCPUUsage');
    expect(text).toContain('Commands waiting for approval (1)');
    expect(text).toContain('LLM today:');
    const id = h.aals.store.db.prepare('SELECT MAX(id) FROM approvals').pluck().get() as number;
    await h.slack.clickHomeButton(`approval_${id}/approval_approve`, APPROVERS[0]);
    await waitUntil(
      () => (h.aals.store.approvals.get(id)?.approvers.length ?? 0) === 1,
      5000,
      'the approval from the Home',
    );
    // /aals approve counts like the button: the second distinct approver runs it.
    const second = await h.slack.slashCommand('/aals', `approve #${id}`, 'alerts', APPROVERS[1]);
    expect(String(second.body?.text)).toContain('Approved (2/2)');
    await waitUntil(() => h.aals.store.approvals.get(id)?.status === 'executed', 10_000, 'the execution');
  });
});
