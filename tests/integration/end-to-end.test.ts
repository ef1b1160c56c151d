import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../src/correlation/storm.js';
import { parseImport } from '../../src/memory/import.js';
import type { EmulatedMessage } from '../../src/slack/emulator/workspace.js';
import {
  type AnthropicReply,
  type FakeAnthropic,
  reply,
  startFakeAnthropic,
} from '../../src/testing/fake-anthropic.js';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { type Harness, startHarness } from '../support/harness.js';
import { freePort, requireBinary, type Spawned, spawnProcess, waitUntil } from '../support/processes.js';
import { type HistorySample, type RunningPrometheus, startPrometheus } from '../support/prometheus.js';
import { executorHost, type Sshd, startSshd } from '../support/sshd.js';
import { tempDir } from '../support/temp.js';

/**
 * Every real part at once (issue 8): the real `prometheus` binary with six hours of backfilled
 * history and a live exporter evaluates an alerting rule → the real `prometheus-alertmanager`
 * posts to the Slack emulator's incoming webhook with its default template → AALS (the real Bolt
 * app, real SQLite) answers in the thread with the Prometheus findings, the chart, a similar past
 * incident from memory and a diagnosis, first by the rules and then by the LLM (the real Anthropic
 * SDK against the local fake) → two production approvers click Approve → the real `sshd` runs the
 * command, which stops the process that caused the load → its output lands in the thread → the
 * exporter reports normal load, the rule resolves, Alertmanager says so and AALS marks the incident
 * resolved → "Resolved — how?" records the fix → the same alert firing again later opens a new
 * incident whose thread shows the learned resolution first among similar incidents.
 *
 * The runaway job is a real `sleep` process; the command that stops it is `pkill -e -F <pidfile>`
 * (HIGH_RISK: production needs two approvals) and the exporter's node_load1 follows whether it is
 * alive. Nothing sleeps for a fixed time: every stage waits for the state it expects.
 */
const KEY = `sk-ant-${'endtoend'.repeat(3)}`;
const APPROVERS = ['U0APPROV01', 'U0APPROV02'];
const INSTANCE = 'e2e-1:9100';
const HOST = 'e2e-1';
const SERIES = { instance: INSTANCE, job: 'node' };
const LOAD_LINE = `node_load1{instance="${INSTANCE}",job="node"}`;
const LOAD_HIGH = 7.6;
const LOAD_NORMAL = 0.7;
const SLEEP_BIN = '/bin/sleep';
const PKILL_BIN = '/usr/bin/pkill';
const STEP = 30_000;
const MIN = 60_000;

/** The alerting rule Prometheus evaluates every second. */
const RULES = `groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: HighLoad
        expr: node_load1{job="node"} > 4
        labels:
          severity: warning
          service: checkout
          env: production
        annotations:
          summary: 'Load average above 4 on {{ $labels.instance }}'
          description: 'node_load1 on {{ $labels.instance }} has been above 4'
`;

/**
 * Six hours of node metrics for e2e-1, every 30 s up to 2 min ago: load about 0.7 and CPU mostly
 * idle, until a runaway job pushed the load to about 7.5 and CPU to nearly 100 % 15 minutes ago.
 */
function runawayHistory(now: number): HistorySample[] {
  const random = mulberry32(11);
  const noise = (scale: number) => (random() - 0.5) * 2 * scale;
  const runawaySince = now - 15 * MIN;
  const history: HistorySample[] = [];
  let idle = 0;
  for (let t = now - 6 * 60 * MIN; t <= now - 2 * MIN; t += STEP) {
    const running = t >= runawaySince;
    idle += (STEP / 1000) * (running ? 0.03 : 0.7 + noise(0.03));
    history.push({
      name: 'node_cpu_seconds_total',
      labels: { ...SERIES, cpu: '0', mode: 'idle' },
      t,
      v: idle,
    });
    history.push({
      name: 'node_load1',
      labels: SERIES,
      t,
      v: running ? LOAD_HIGH + noise(0.3) : LOAD_NORMAL + noise(0.15),
    });
  }
  return history;
}

/** A past incident with the same alert on the same service, imported from a postmortem. */
const PAST = {
  id: 'PM-311',
  title: 'HighLoad on checkout nodes: report job stuck retrying',
  body: 'HighLoad fired on checkout-node-2 with node_load1 at 9.\nRoot cause: the nightly report job retried a failed export forever.\nResolution: killed the job and gave its export a timeout.',
  labels: ['service:checkout'],
  createdAt: '2026-03-01T02:00:00Z',
};

function alertmanagerConfig(h: Harness): string {
  return `
route:
  receiver: slack
  group_by: [alertname, instance]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: slack
    slack_configs:
      - api_url: ${h.slack.incomingWebhookUrl('alerts')}
        channel: '#alerts'
        send_resolved: true
`;
}

/** The model's diagnosis: the runaway job, stopped by the command given. */
function diagnosis(command: string, summary: string) {
  return reply.toolUse('submit_diagnosis', {
    summary,
    rootCause: {
      candidate: `runaway report job on ${HOST}`,
      confidence: 0.8,
      reasoning: 'node_load1 rose to 7.5 with CPU idle near 0 and nothing else changed.',
    },
    evidence: [{ ref: 'A1', note: 'HighLoad firing' }],
    // The model names the alert's instance; AALS maps it to the inventory host.
    actions: [{ command, host: INSTANCE, purpose: 'stop the runaway report job' }],
    nextChecks: ['why the report job did not finish'],
  });
}

const blocksOf = (m: EmulatedMessage | undefined) => JSON.stringify(m?.blocks ?? []);
const titleOf = (m: EmulatedMessage) => (m.attachments?.[0] as { title?: string } | undefined)?.title ?? '';

describe('end to end with every real part', () => {
  let sshd: Sshd;
  let fake: FakeAnthropic;
  let h: Harness;
  let am: RunningAlertmanager;
  let prometheus: RunningPrometheus;
  let promPort: number;
  const runaways: Spawned[] = [];
  const work = tempDir('aals-e2e-');
  const pidFile = join(work.path, 'report-job.pid');
  const command = `pkill -e -F ${pidFile}`;
  const timings: Array<[string, number]> = [];

  /** The runaway job: a real process whose pid is in the pidfile; the exporter's load follows it. */
  function startRunaway(): Spawned {
    const job = spawnProcess(SLEEP_BIN, ['600']);
    writeFileSync(pidFile, `${job.child.pid}\n`);
    job.child.once('exit', () => prometheus?.setLive({ [LOAD_LINE]: LOAD_NORMAL }));
    runaways.push(job);
    return job;
  }

  /** Runs one stage, timing it and naming it in any failure. */
  async function stage<T>(name: string, body: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await body();
    } catch (error) {
      const failure = error as Error;
      failure.message = `stage "${name}" failed: ${failure.message}`;
      throw failure;
    } finally {
      timings.push([name, Date.now() - started]);
    }
  }

  beforeAll(async () => {
    const started = Date.now();
    // The command runs over SSH on this machine: its programs must be here (fail, never skip).
    requireBinary(SLEEP_BIN, 'coreutils');
    requireBinary(PKILL_BIN, 'procps');
    [sshd, fake] = await Promise.all([startSshd(), startFakeAnthropic({ apiKey: KEY })]);
    // Alertmanager and Prometheus get their ports first: AALS is told both URLs before they start.
    const amPort = await freePort();
    promPort = await freePort();
    h = await startHarness({
      transport: 'http',
      config: {
        modules: {
          alertmanager: { url: `http://127.0.0.1:${amPort}` },
          prometheus: { url: `http://127.0.0.1:${promPort}` },
          llm: { provider: 'anthropic', anthropicApiKey: KEY, anthropicBaseUrl: fake.url },
          executor: {
            enabled: true,
            hosts: [executorHost(sshd, HOST, 'production', { instance: INSTANCE })],
          },
        },
        environments: {
          staging: { approvers: APPROVERS },
          production: { approvers: APPROVERS, requiredApprovals: 2 },
        },
        // The same alert firing again after it resolved is a new incident (as it would be a day
        // later), not the old one reopened.
        correlation: { reopenMinutes: 0 },
      },
      app: { llmRetry: { attempts: 2, baseMs: 10, maxMs: 50 }, evidenceWaitMs: 15_000 },
    });
    for (const id of APPROVERS)
      h.slack.workspace.addUser({ id, name: id.toLowerCase(), realName: id, isBot: false });
    const { documents } = parseImport(JSON.stringify(PAST), new Date());
    await h.aals.memory.index.upsert(documents);
    am = await startAlertmanager(alertmanagerConfig(h), amPort);
    timings.push(['setup: sshd, fake LLM, AALS + Slack emulator, Alertmanager', Date.now() - started]);
  }, 60_000);

  afterAll(async () => {
    for (const job of runaways) await job.stop('SIGKILL');
    await prometheus?.stop();
    await am?.stop();
    await h?.stop();
    await fake?.close();
    await sshd?.stop();
    work.cleanup();
    if (timings.length > 0)
      console.log(
        `end-to-end stage timings:\n${timings.map(([n, ms]) => `  ${String(ms).padStart(6)} ms  ${n}`).join('\n')}`,
      );
  });

  const fromAlertmanager = () =>
    h.slack.messages('alerts').filter((m) => m.username === 'Alertmanager' && !m.thread_ts);
  const firingMessages = () => fromAlertmanager().filter((m) => titleOf(m).startsWith('[FIRING:1] HighLoad'));
  const summaryOf = (message: EmulatedMessage) => h.botReplies(message.ts)[0];
  const waitForSummary = (message: EmulatedMessage, what: string, test: (text: string) => boolean) =>
    h.slack
      .waitFor(() => {
        const summary = summaryOf(message);
        return summary && test(blocksOf(summary)) ? summary : null;
      }, 15_000)
      .catch(() => {
        throw new Error(
          `the incident summary never showed ${what}; it reads:\n${blocksOf(summaryOf(message))}`,
        );
      });
  const approvalId = (incidentId: number) =>
    h.aals.store.db
      .prepare('SELECT id FROM approvals WHERE incident_id = ? AND command = ? ORDER BY id DESC')
      .pluck()
      .get(incidentId, command) as number | undefined;
  const lastEphemeral = (user: string) =>
    h.slack
      .messages('alerts')
      .filter((m) => m.ephemeralTo === user)
      .at(-1)?.text ?? '';

  test('alert → thread with evidence and diagnosis → approve → sshd → resolved → learned for next time', async () => {
    // The model is held until the test lets it answer, so the rules diagnosis can be seen first.
    let answer: (reply: AnthropicReply) => void = () => undefined;
    const held = new Promise<AnthropicReply>((resolve) => {
      answer = resolve;
    });
    fake.script(() => held);
    const runaway = startRunaway();

    await stage('Prometheus starts: 6 h backfilled, live exporter, alerting rule', async () => {
      prometheus = await startPrometheus(
        runawayHistory(Date.now()),
        { node_cpu_seconds_total: 'counter' },
        { port: promPort, rules: RULES, alertmanagerUrl: am.url },
      );
      prometheus.setLive({ [LOAD_LINE]: LOAD_HIGH });
    });

    const message = await stage('the rule fires → Alertmanager posts to #alerts', async () => {
      await waitUntil(() => firingMessages().length > 0, 20_000, "Alertmanager's FIRING message in #alerts");
      const rules = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as {
        data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
      };
      expect(rules.data.alerts).toEqual([
        expect.objectContaining({ state: 'firing', labels: expect.objectContaining({ instance: INSTANCE }) }),
      ]);
      return firingMessages()[0] as EmulatedMessage;
    });
    expect(titleOf(message)).toContain('HighLoad');
    expect(titleOf(message)).toContain(INSTANCE);

    const incidentId = await stage('AALS answers in the thread: rules diagnosis before the LLM', async () => {
      await h.waitForReplies(message.ts, 1, 'alerts', 10_000);
      const summary = await waitForSummary(
        message,
        'the rules diagnosis while the LLM thinks',
        (text) => text.includes('rules, no LLM') && text.includes('LLM diagnosis in progress'),
      );
      expect(blocksOf(summary)).toContain('HighLoad');
      await waitUntil(
        () => h.aals.store.incidents.recent(1)[0]?.summaryTs === summary?.ts,
        5000,
        'the incident to record its summary message',
      );
      const [incident] = h.aals.store.incidents.recent(1);
      // Alertmanager's default template has label values only; AALS asked Alertmanager for the rest.
      const stored = h.aals.store.alerts.recent(5).find((a) => a.alertname === 'HighLoad');
      expect(stored?.labels).toMatchObject({ instance: INSTANCE, service: 'checkout', env: 'production' });
      expect(incident?.environment).toBe('production');
      return incident?.id as number;
    });

    await stage('Prometheus findings, the chart and a similar past incident in the thread', async () => {
      const summary = await waitForSummary(
        message,
        'the Prometheus findings and the similar incident',
        (text) => text.includes('*Metrics* (Prometheus') && text.includes('Similar past incidents'),
      );
      const text = blocksOf(summary);
      expect(text).toMatch(/HighLoad\*? \(e2e-1:9100\): unusual from/);
      expect(text).toContain(PAST.title);
      expect(text).toContain('same alert HighLoad');
      const chart = await h.slack.waitFor(
        () => h.slack.replies('alerts', message.ts).flatMap((m) => m.files ?? [])[0],
        10_000,
      );
      expect(chart.mimetype).toBe('image/png');
      expect(chart.title).toBe(`HighLoad · ${INSTANCE}`);
      // The model is asked only once the evidence is in, and is shown it.
      await waitUntil(() => fake.requests.length >= 1, 15_000, 'AALS to ask the LLM');
      const asked = JSON.stringify(fake.requests[0]?.body);
      expect(asked).toContain('node_load1');
      expect(asked).toContain(PAST.title);
    });

    const id = await stage(
      "the LLM's diagnosis replaces the rules one, with the command to approve",
      async () => {
        answer(diagnosis(command, `A runaway report job on ${HOST} keeps the load at 7.5.`));
        const summary = await waitForSummary(
          message,
          "the LLM's diagnosis and an Approve button",
          (text) => text.includes('anthropic claude') && /Approve #\d+/.test(text),
        );
        const text = blocksOf(summary);
        expect(text).toContain('runaway report job');
        expect(text).not.toContain('LLM diagnosis in progress');
        expect(text).toContain('HIGH_RISK');
        const approval = approvalId(incidentId);
        expect(approval).toBeDefined();
        expect(h.aals.store.approvals.get(approval as number)).toMatchObject({
          status: 'pending',
          host: HOST,
        });
        return approval as number;
      },
    );

    await stage('two production approvers click Approve; the real sshd runs the command', async () => {
      const summary = summaryOf(message) as EmulatedMessage;
      const click = (user: string) =>
        h.slack.clickButton('alerts', summary.ts, `approval_${id}/approval_approve`, user);
      expect((await click(APPROVERS[0] as string)).status).toBe(200);
      await waitUntil(
        () => lastEphemeral(APPROVERS[0] as string).includes('Approved (1/2)'),
        5000,
        'the first approval to be acknowledged',
      );
      expect(runaway.child.exitCode === null && runaway.child.signalCode === null).toBe(true);
      expect((await click(APPROVERS[1] as string)).status).toBe(200);
      await waitUntil(() => h.aals.store.approvals.get(id)?.status === 'executed', 15_000, 'the execution');
      await waitUntil(() => runaway.child.signalCode === 'SIGTERM', 5000, 'the runaway job to be stopped');
    });

    await stage('the output is in the thread and the execution is audited', async () => {
      const result = await h.slack.waitFor(
        () => h.botReplies(message.ts).find((m) => m.text.startsWith(`Ran: ${command}`)),
        10_000,
      );
      // procps-ng's `pkill -e -F` leaves the process name out of its echo: " killed (pid N)".
      expect(blocksOf(result)).toContain(`killed (pid ${runaway.child.pid})`);
      expect(blocksOf(result)).toMatch(/approved by <@U0APPROV01>, <@U0APPROV02>/);
      const executed = h.aals.store.audit
        .tail(200)
        .filter((r) => r.action === 'command.executed' && r.subject === `approval:${id}`);
      expect(executed).toHaveLength(1);
      expect(executed[0]?.details).toMatchObject({ host: HOST, exitCode: 0 });
    });

    await stage('the load drops, the rule resolves, Alertmanager and AALS say so', async () => {
      const resolved = await h.slack.waitFor(
        () => fromAlertmanager().find((m) => titleOf(m).startsWith('[RESOLVED] HighLoad')),
        20_000,
      );
      expect(resolved).toBeDefined();
      await waitUntil(
        () => h.aals.store.incidents.get(incidentId)?.status === 'resolved',
        10_000,
        `incident #${incidentId} to be resolved`,
      );
      const notice = await h.slack.waitFor(
        () => h.botReplies(message.ts).find((m) => /resolved after/.test(blocksOf(m))),
        10_000,
      );
      expect(blocksOf(notice)).toMatch(/resolved after \*\d+ (s|m)\*/);
    });

    const fix = `Root cause: the nightly report job looped and kept the load at 7.5. Resolution: stopped it with \`${command}\` (two approvals); load back under 1 within seconds.`;
    await stage('"Resolved — how?" records the fix in the thread and in incident memory', async () => {
      const summary = summaryOf(message) as EmulatedMessage;
      expect((await h.slack.clickButton('alerts', summary.ts, 'incident_resolution')).status).toBe(200);
      const view = await h.slack.waitFor(
        () =>
          [...h.slack.views.values()].find((v) => v.view.callback_id === 'incident_resolution_modal') ?? null,
        5000,
      );
      expect((await h.slack.submitView(view.id, { resolution: { text: fix } })).status).toBe(200);
      const notice = await h.slack.waitFor(
        () => h.botReplies(message.ts).find((m) => m.text.includes('recorded how incident')),
        5000,
      );
      expect(notice.text).toContain('nightly report job');
      await waitForSummary(message, 'the resolution', (text) => text.includes('Resolved by:'));
      expect(h.aals.store.audit.tail(100).some((r) => r.action === 'incident.resolution')).toBe(true);
      // Remembered: the incident's memory document carries the fix and the command that ran.
      const deadline = Date.now() + 10_000;
      const learned = async () =>
        (await h.aals.memory.index.search('HighLoad checkout report job', { limit: 5 })).find(
          (hit) => hit.id === `aals:incident:${incidentId}` && hit.resolution?.includes('pkill'),
        );
      while (!(await learned())) {
        if (Date.now() > deadline)
          throw new Error(`incident #${incidentId} was not remembered with its resolution within 10 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    });

    await stage('the same alert fires again: the learned resolution comes first', async () => {
      fake.script(
        diagnosis(command, `The report job on ${HOST} is running away again, as in incident #${incidentId}.`),
      );
      startRunaway();
      prometheus.setLive({ [LOAD_LINE]: LOAD_HIGH });
      const again = await h.slack.waitFor(() => firingMessages()[1], 20_000);
      await h.waitForReplies(again.ts, 1, 'alerts', 10_000);
      const summary = await waitForSummary(again, 'similar incidents', (text) =>
        text.includes('Similar past incidents'),
      );
      await waitUntil(
        () => h.aals.store.incidents.recent(1)[0]?.summaryTs === summary?.ts,
        5000,
        'the new incident to record its summary message',
      );
      expect(h.aals.store.incidents.recent(1)[0]?.id).not.toBe(incidentId);
      const similar = (
        ((summary?.blocks ?? []) as Array<{ text?: { text?: string } }>).find((b) =>
          b.text?.text?.startsWith('*Similar past incidents:*'),
        )?.text?.text ?? ''
      ).split('\n');
      expect(similar[1]).toMatch(/^1\. .*\(AALS incident, /);
      expect(similar[1]).toContain(`Incident #${incidentId}: HighLoad on checkout`);
      expect(similar.slice(1).join('\n')).toMatch(/^1\. [^\n]*\n\s+_Fixed by:_ [^\n]*pkill/);
      expect(similar.join('\n')).toMatch(/\n2\. .*HighLoad on checkout nodes: report job stuck retrying/);
      // The model is shown the learned fix too.
      await waitUntil(
        () =>
          fake.requests.slice(1).some((r) => JSON.stringify(r.body).includes('nightly report job looped')),
        15_000,
        'AALS to show the LLM the learned resolution for the new incident',
      );
    });
  }, 90_000);
});
