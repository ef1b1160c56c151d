import type { EmulatedMessage } from '../../src/slack/emulator/workspace.js';
import {
  type AnthropicRecordedRequest,
  type FakeAnthropic,
  reply,
  startFakeAnthropic,
} from '../../src/testing/fake-anthropic.js';
import { type Harness, startHarness } from '../support/harness.js';
import { waitUntil } from '../support/processes.js';
import { tempDir } from '../support/temp.js';

/**
 * The diagnosis in Slack, end to end: the real Bolt app against the Slack emulator, the real
 * Anthropic SDK against the local fake, real SQLite. The thread gets the rules diagnosis at once;
 * the LLM's replaces it when it arrives; budgets, `/aals status`, `/aals diagnose #N --deep`,
 * `/aals diagnose <text>` and a restart in the middle of a diagnosis.
 */
const KEY = `sk-ant-${'integration'.repeat(3)}`;

function diskAlert(instance: string) {
  return {
    username: 'Alertmanager',
    attachments: [
      {
        title: '[FIRING:1] Monitoring Event Notification',
        fallback: `[FIRING:1] NodeFilesystemAlmostFull ${instance}`,
        color: 'danger',
        text: `*Alert:* Filesystem /var on ${instance} is 97% full - \`critical\`\n*Details:*\n • *alertname:* \`NodeFilesystemAlmostFull\`\n • *instance:* \`${instance}:9100\`\n • *mountpoint:* \`/var\`\n • *severity:* \`critical\`\n`,
      },
    ],
  };
}

function submitFor(instance: string) {
  return reply.toolUse('submit_diagnosis', {
    summary: `/var on ${instance} is filling with application logs.`,
    rootCause: {
      candidate: `NodeFilesystemAlmostFull on ${instance}`,
      confidence: 0.8,
      reasoning: 'Logs grew 4x since the last deploy.',
    },
    evidence: [{ ref: 'A1', note: '97% full' }],
    actions: [
      {
        command: 'du -xh --max-depth=2 /var | sort -h | tail -20',
        host: instance,
        purpose: 'largest directories',
      },
      { command: 'systemctl restart rsyslog', host: instance, purpose: 'reopen log files' },
    ],
    nextChecks: ['log rotation'],
  });
}

const summaryText = (m: EmulatedMessage | undefined) => JSON.stringify(m?.blocks ?? []);

describe('diagnosis in Slack', () => {
  let fake: FakeAnthropic;
  let h: Harness;
  const data = tempDir('aals-diagnosis-');

  async function start(llm: Record<string, unknown> = {}) {
    h = await startHarness({
      transport: 'http',
      dataDir: data.path,
      config: {
        modules: { llm: { provider: 'anthropic', anthropicApiKey: KEY, anthropicBaseUrl: fake.url, ...llm } },
      },
      app: { llmRetry: { attempts: 2, baseMs: 10, maxMs: 50 }, evidenceWaitMs: 300 },
    });
  }

  beforeAll(async () => {
    fake = await startFakeAnthropic({ apiKey: KEY });
  });
  afterAll(async () => {
    await h?.stop();
    await fake.close();
    data.cleanup();
  });

  test('the first reply does not wait for the LLM; its diagnosis replaces the rules one when it arrives', async () => {
    await start();
    fake.script(reply.delayed(1500, submitFor('db-1')));
    const posted = Date.now();
    const message = h.postAlert(diskAlert('db-1'));
    const [first] = await h.waitForReplies(message.ts);
    const firstReplyMs = Date.now() - posted;
    expect(firstReplyMs).toBeLessThan(1500);
    expect(fake.pending).toBeGreaterThanOrEqual(0);
    // The rules diagnosis shows while the model is still thinking.
    const interim = await h.slack.waitFor(() => {
      const summary = h.botReplies(message.ts)[0];
      return summaryText(summary).includes('LLM diagnosis in progress') ? summary : null;
    }, 5000);
    expect(summaryText(interim)).toContain('rules, no LLM');
    expect(summaryText(interim)).toContain('NodeFilesystemAlmostFull on db-1');
    // Then the model's.
    const final = await h.slack.waitFor(() => {
      const summary = h.botReplies(message.ts)[0];
      return summaryText(summary).includes('anthropic claude-sonnet-5-5') ? summary : null;
    }, 8000);
    const text = summaryText(final);
    expect(first?.ts).toBe(final?.ts);
    expect(text).toContain('filling with application logs');
    expect(text).not.toContain('LLM diagnosis in progress');
    expect(text).toContain('READ_ONLY');
    // A restart of a service in the default (development) environment: waits for one approval.
    expect(text).toContain('MEDIUM_RISK');
    expect(text).toContain('needs 1 approval');
    const audit = h.aals.store.audit.tail(50).map((r) => r.action);
    expect(audit).toContain('diagnosis.done');
  });

  test('/aals status shows what the LLM cost today', async () => {
    const status = await h.slack.slashCommand('/aals', 'status');
    const text = String(status.body?.text);
    expect(text).toMatch(
      /LLM: anthropic claude-sonnet-5-5 · spend today \*\$0\.\d{4}\* of \$5\.00 \(1 calls/,
    );
  });

  test('/aals diagnose #N --deep diagnoses the incident again with the deep settings', async () => {
    const incident = h.aals.store.incidents.recent?.(1)?.[0]?.id ?? 1;
    fake.script(submitFor('db-1'));
    const answer = await h.slack.slashCommand('/aals', `diagnose #${incident} --deep`);
    expect(String(answer.body?.text)).toContain(`Diagnosing incident #${incident} in depth`);
    await waitUntil(() => fake.requests.length >= 2, 5000, 'the deep diagnosis to ask the model');
    await h.aals.diagnosisRunner.idle();
    expect(h.aals.store.audit.tail(50).map((r) => r.action)).toContain('diagnosis.requested');
    const unknown = await h.slack.slashCommand('/aals', 'diagnose #9999');
    expect(String(unknown.body?.text)).toContain('There is no incident #9999');
  });

  test('/aals diagnose <text> answers with the rules at once and follows up with the LLM', async () => {
    fake.script(submitFor('web-9'));
    const before = h.slack.messages('alerts').length;
    const answer = await h.slack.slashCommand('/aals', 'diagnose NodeFilesystemAlmostFull on web-9');
    expect(answer.body?.response_type).toBe('in_channel');
    expect(JSON.stringify(answer.body?.blocks)).toContain('rules, no LLM');
    const followUp = await h.slack.waitFor(() => {
      const found = h.slack
        .messages('alerts')
        .slice(before)
        .find((m) => JSON.stringify(m.blocks).includes('anthropic claude'));
      return found ?? null;
    }, 5000);
    expect(JSON.stringify(followUp.blocks)).toContain('web-9');
  });

  test('a budget used up mid-incident: the thread says so and gets the rules diagnosis', async () => {
    await h.stop();
    await start({ budget: { dailyUsd: 0.000001 } });
    const message = h.postAlert(diskAlert('db-2'));
    await h.waitForReplies(message.ts);
    const summary = await h.slack.waitFor(() => {
      const s = h.botReplies(message.ts)[0];
      return summaryText(s).includes('budget') ? s : null;
    }, 5000);
    expect(summaryText(summary)).toMatch(/daily LLM budget of \$0\.0+ is used up/);
    expect(summaryText(summary)).toContain('rules, no LLM');
  });

  test('a restart in the middle of a diagnosis diagnoses again after the restart', async () => {
    await h.stop();
    await start();
    fake.reset();
    fake.handle(() => reply.delayed(10_000, submitFor('db-3')));
    const message = h.postAlert(diskAlert('db-3'));
    await h.waitForReplies(message.ts);
    await waitUntil(() => fake.requests.length >= 1, 5000, 'the model to be asked');
    const running = fake.requests.length;
    fake.handle(() => submitFor('db-3'));
    await h.restart(); // the job is left running in SQLite and picked up again
    const final = await h.slack.waitFor(() => {
      const s = h.botReplies(message.ts)[0];
      return summaryText(s).includes('anthropic claude-sonnet-5-5') ? s : null;
    }, 10_000);
    expect(summaryText(final)).toContain('NodeFilesystemAlmostFull on db-3');
    expect(fake.requests.length).toBeGreaterThan(running);
    expect((fake.requests.at(-1) as AnthropicRecordedRequest).body.messages.length).toBeGreaterThan(0);
  });
});
