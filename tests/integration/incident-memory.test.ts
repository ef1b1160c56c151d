import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseImport } from '../../src/memory/import.js';
import type { EmulatedMessage } from '../../src/slack/emulator/workspace.js';
import { type Harness, startHarness } from '../support/harness.js';
import { tempDir } from '../support/temp.js';

/**
 * Incident memory in Slack, end to end: the real Bolt app and SQLite against the Slack emulator.
 * Past incidents and a runbook are in memory; an alert's thread shows the similar ones with why they
 * matched; 👍/👎 reorder what the next incident is shown; "Resolved — how?" records the fix, which
 * the next search (and `/aals history`) finds.
 */
const PAST = [
  {
    id: 'PM-101',
    title: 'HighCPUUsage on checkout: log compression cron pegged every core',
    body: 'HighCPUUsage fired on checkout-node-3. A log compression cron job ran gzip on all cores at 02:00.\nRoot cause: the logrotate compress cron was missing nice.\nResolution: added `nice -n 19` to the cron job and moved it to 04:00.',
    labels: ['service:checkout'],
    createdAt: '2026-06-01T02:00:00Z',
  },
  {
    id: 'PM-102',
    title: 'checkout CPU saturated: JVM full GC storm after catalog growth',
    body: 'HighCPUUsage on checkout nodes; GC logs showed back-to-back full GCs.\nRoot cause: heap too small after the catalog doubled.\nResolution: raised -Xmx to 6g and enabled G1.',
    labels: ['service:checkout'],
    createdAt: '2026-05-01T02:00:00Z',
  },
  {
    id: 'PM-201',
    title: 'Kafka consumer lag on clickstream: hot partition',
    body: 'KafkaConsumerLag on clickstream, one partition behind. Fixed by re-keying.',
    labels: ['service:clickstream'],
    createdAt: '2026-04-01T02:00:00Z',
  },
];

const RUNBOOK = `---
title: High CPU on a node
alerts: [HighCPUUsage]
services: checkout
---
# High CPU
Check \`top -o %CPU\` and recent cron jobs.

## 日本語
CPU 使用率が高い場合は cron ジョブを確認する。
`;

/** An Alertmanager message with the custom labels template, its own cluster so each is its own incident. */
function cpuAlert(cluster: string) {
  return {
    username: 'Alertmanager',
    attachments: [
      {
        title: '[FIRING:1] Monitoring Event Notification',
        fallback: `[FIRING:1] HighCPUUsage ${cluster} checkout`,
        color: 'danger',
        text: `*Alert:* CPU usage above 90% on checkout - \`warning\`\n*Details:*\n • *alertname:* \`HighCPUUsage\`\n • *cluster:* \`${cluster}\`\n • *instance:* \`checkout-node-3:9100\`\n • *service:* \`checkout\`\n • *severity:* \`warning\`\n`,
      },
    ],
  };
}

const SECOND_USER = { id: 'U0SRE0002', name: 'sre2', realName: 'Second SRE', isBot: false };

describe('incident memory in Slack', () => {
  let h: Harness;
  const runbooks = tempDir('aals-runbooks-');

  beforeAll(async () => {
    mkdirSync(join(runbooks.path, 'compute'));
    writeFileSync(join(runbooks.path, 'compute', 'high-cpu.md'), RUNBOOK);
    h = await startHarness({
      transport: 'http',
      config: {
        memory: { runbooksDir: runbooks.path, runbooksUrl: 'https://git.example.com/runbooks/blob/main' },
      },
    });
    h.slack.workspace.addUser(SECOND_USER);
    const { documents } = parseImport(PAST.map((p) => JSON.stringify(p)).join('\n'), new Date());
    await h.aals.memory.index.upsert(documents);
    await h.aals.memory.syncRunbooks();
  });
  afterAll(async () => {
    await h.stop();
    runbooks.cleanup();
  });

  /** Posts the alert and returns its thread's summary once memory has filled it in. */
  async function summaryFor(
    cluster: string,
  ): Promise<{ message: EmulatedMessage; summary: EmulatedMessage }> {
    const message = h.postAlert(cpuAlert(cluster));
    await h.waitForReplies(message.ts);
    await h.settled();
    await h.aals.memoryRunner.idle();
    await h.aals.dispatcher.settled();
    const summary = await h.slack.waitFor(() => {
      const first = h.botReplies(message.ts)[0];
      return first && JSON.stringify(first.blocks).includes('Similar past incidents') ? first : null;
    });
    return { message, summary };
  }

  const titlesIn = (summary: EmulatedMessage) => {
    const text = JSON.stringify(summary.blocks);
    return PAST.map((p) => ({ id: p.id, at: text.indexOf(p.title.slice(0, 30)) }))
      .filter((p) => p.at >= 0)
      .sort((a, b) => a.at - b.at)
      .map((p) => p.id);
  };

  test('the thread shows similar past incidents with why they matched, and the runbook for the alert', async () => {
    const { summary } = await summaryFor('c-1');
    const text = JSON.stringify(summary.blocks);
    expect(titlesIn(summary).slice(0, 2).sort()).toEqual(['PM-101', 'PM-102']);
    expect(text).toContain('same alert HighCPUUsage');
    expect(text).toContain('same service checkout');
    expect(text).toContain('Fixed by:');
    expect(text).toContain('Runbook:');
    expect(text).toContain('https://git.example.com/runbooks/blob/main/compute/high-cpu.md');
    expect(text).toContain('memory_vote_up_1');
    expect(text).toContain('Resolved — how?');
  });

  test('👍/👎 on suggestions change the order the next incident is shown, and are audited', async () => {
    const first = await summaryFor('c-2');
    const before = titlesIn(first.summary);
    expect(before.length).toBeGreaterThanOrEqual(2);
    const [top, second] = before as [string, string];
    // Two people say the top suggestion did not help and the second one did.
    for (const user of ['U0HUMAN01', SECOND_USER.id]) {
      expect((await h.slack.clickButton('alerts', first.summary.ts, 'memory_vote_down_1', user)).status).toBe(
        200,
      );
      expect((await h.slack.clickButton('alerts', first.summary.ts, 'memory_vote_up_2', user)).status).toBe(
        200,
      );
    }
    await h.slack.waitFor(
      () =>
        h.slack
          .messages('alerts')
          .some((m) => m.ephemeralTo === SECOND_USER.id && m.text.startsWith('Thanks')) || null,
    );
    expect(h.aals.memory.index.votes(`import:${top}`)).toEqual({ helpful: 0, unhelpful: 2 });
    expect(h.aals.memory.index.votes(`import:${second}`)).toEqual({ helpful: 2, unhelpful: 0 });
    const actions = h.aals.store.audit.tail(20).map((r) => `${r.action} ${r.subject}`);
    expect(actions).toContain(`memory.unhelpful import:${top}`);
    expect(actions).toContain(`memory.helpful import:${second}`);

    const history = await h.slack.slashCommand('/aals', 'history checkout cpu saturated');
    expect(history.body?.text).toContain('👍 2 👎 0');
    expect(history.body?.text).toContain('👍 0 👎 2');

    const next = await summaryFor('c-3');
    expect(titlesIn(next.summary).slice(0, 2)).toEqual([second, top]);
    expect(JSON.stringify(next.summary.blocks)).toContain('marked helpful 2×');
  });

  test('"Resolved — how?" records the resolution in the thread, in memory and in /aals history', async () => {
    const { message, summary } = await summaryFor('c-4');
    const incidentId = h.aals.store.incidents.maxId();
    expect(incidentId).toBeDefined();
    expect((await h.slack.clickButton('alerts', summary.ts, 'incident_resolution')).status).toBe(200);
    const view = await h.slack.waitFor(() => [...h.slack.views.values()].at(-1) ?? null);
    expect(view.view.callback_id).toBe('incident_resolution_modal');

    const empty = await h.slack.submitView(view.id, { resolution: { text: '   ' } });
    expect(empty.body).toMatchObject({ response_action: 'errors' });

    // The modal was closed by nothing; open it again and save a real answer.
    await h.slack.clickButton('alerts', summary.ts, 'incident_resolution');
    const reopened = await h.slack.waitFor(
      () => [...h.slack.views.values()].find((v) => v.id !== view.id) ?? null,
    );
    const fix =
      'Root cause: the nightly reindex job pinned all cores. Resolution: throttled it with `ionice -c3 nice -n 19 reindex` and moved it to 05:00. password=' +
      'hunter2hunter2';
    const saved = await h.slack.submitView(reopened.id, { resolution: { text: fix } });
    expect(saved.status).toBe(200);

    const notice = await h.slack.waitFor(
      () => h.botReplies(message.ts).find((m) => m.text.includes('recorded how incident')) ?? null,
    );
    expect(notice.text).toContain('nightly reindex job');
    expect(notice.text).not.toContain('hunter2hunter2');
    await h.aals.dispatcher.settled();
    const updated = h.slack.workspace.find(summary.channel as string, summary.ts);
    expect(JSON.stringify(updated?.blocks)).toContain('Resolved by:');

    await h.slack.waitFor(() => (h.aals.memory.index.count('aals') > 0 ? true : null));
    const [hit] = await h.aals.memory.index.search('reindex job pinned all cores', { limit: 1 });
    expect(hit?.id).toBe(`aals:incident:${incidentId}`);
    expect(hit?.resolution).toContain('ionice');

    const history = await h.slack.slashCommand('/aals', 'history nightly reindex cpu');
    expect(history.body?.response_type).toBe('ephemeral');
    expect(history.body?.text).toContain(`Incident #${incidentId}`);
    expect(history.body?.text).toContain('Fixed by:');
    expect(h.aals.store.audit.tail(30).some((r) => r.action === 'incident.resolution')).toBe(true);
  });

  test('👍/👎 on the diagnosis are recorded against the incident', async () => {
    const { summary } = await summaryFor('c-5');
    const incidentId = h.aals.store.incidents.maxId();
    expect((await h.slack.clickButton('alerts', summary.ts, 'diagnosis_vote_down')).status).toBe(200);
    await h.slack.waitFor(
      () => h.aals.store.audit.tail(10).find((r) => r.action === 'diagnosis.unhelpful') ?? null,
    );
    expect(h.aals.memory.index.votes(`aals:incident:${incidentId}`)).toEqual({ helpful: 0, unhelpful: 1 });
  });

  test('/aals history with nothing to look for explains how to use it', async () => {
    const reply = await h.slack.slashCommand('/aals', 'history');
    expect(reply.body?.text).toContain('history disk full on db-01');
  });

  test('/aals status counts what incident memory holds', async () => {
    const reply = await h.slack.slashCommand('/aals', 'status');
    expect(reply.body?.text).toMatch(
      /Incident memory: \*\d+\* documents \(aals \d+, github 0, import 3, runbook 1\)/,
    );
  });
});
