import { fixture } from '../support/fixtures.js';
import { type Harness, startHarness } from '../support/harness.js';

/** Slack rate limits and recurring / flapping alerts through the real Bolt app. */
describe('Slack answering 429', () => {
  let h: Harness;
  beforeAll(async () => {
    // One message per second per channel with no burst: the second reply must wait for Retry-After.
    h = await startHarness({ transport: 'http', emulator: { rateLimit: { perSecond: 1, burst: 1 } } });
  });
  afterAll(async () => {
    await h.stop();
  });

  test('replies are retried after Retry-After and none is lost', async () => {
    const first = h.postAlert({ text: 'FIRING: queue backlog on worker-1' });
    const second = h.postAlert({ text: 'FIRING: queue backlog on worker-2' });
    await h.waitForReplies(first.ts);
    await h.waitForReplies(second.ts, 1, 'alerts', 8000);
    const limited = h.slack.apiCalls.filter((c) => c.method === 'chat.postMessage');
    expect(limited.length).toBeGreaterThan(2);
    await h.aals.inbox.idle();
    expect(h.aals.store.rawEvents.countByStatus().failed ?? 0).toBe(0);
  }, 20_000);
});

describe('recurring and flapping alerts', () => {
  const firing = fixture('alertmanager/slack-custom-labels/firing-single.json');
  const resolved = fixture('alertmanager/slack-custom-labels/resolved-single.json');
  const patterns = {
    recurring: { count: 3, windowMinutes: 60 },
    flapping: { transitions: 4, windowMinutes: 60 },
  };

  test('an incident that resolves and fires again is reopened, and its summary says recurring, then flapping', async () => {
    const h = await startHarness({ transport: 'socket', config: { patterns } });
    try {
      const first = h.postAlert(firing);
      const [summary] = await h.waitForReplies(first.ts);
      expect(JSON.stringify(summary?.blocks)).toContain('first time AALS has seen it fire');
      for (let round = 0; round < 3; round++) {
        h.postAlert(resolved);
        await h.settled();
        if (round < 2) {
          const again = h.postAlert(firing);
          await h.settled();
          // The later message only points at the incident's thread.
          expect(JSON.stringify(h.botReplies(again.ts))).toContain('Part of');
        }
      }
      const thread = h.botReplies(first.ts);
      const updated = h.slack.workspace.find(first.channel, summary?.ts as string);
      expect(JSON.stringify(updated?.blocks)).toContain('*recurring*: fired 3 times');
      expect(JSON.stringify(updated?.blocks)).toContain('*flapping*: 5 state changes');
      const notices = thread.slice(1).map((m) => JSON.stringify(m.blocks));
      expect(notices.some((n) => n.includes('reopened'))).toBe(true);
      expect(notices.at(-1)).toContain('resolved after');
      expect(h.aals.store.incidents.counts()).toEqual({ resolved: 1 });
    } finally {
      await h.stop();
    }
  }, 30_000);

  test('with reopening off, each firing is a new incident whose summary says how often it fired', async () => {
    const h = await startHarness({
      transport: 'socket',
      config: { patterns, correlation: { reopenMinutes: 0 } },
    });
    try {
      const summaries: string[] = [];
      for (let round = 0; round < 3; round++) {
        const message = h.postAlert(firing);
        const [reply] = await h.waitForReplies(message.ts);
        summaries.push(JSON.stringify(reply?.blocks));
        h.postAlert(resolved);
        await h.settled();
      }
      expect(summaries[0]).toContain('first time AALS has seen it fire');
      expect(summaries[1]).not.toContain('recurring');
      expect(summaries[2]).toContain('*recurring*: fired 3 times');
      expect(summaries[2]).toContain('*flapping*: 4 state changes');
      expect(h.aals.store.incidents.counts()).toEqual({ resolved: 3 });
    } finally {
      await h.stop();
    }
  }, 30_000);

  test('a repeat notification of a firing alert points at its incident and the summary calls it a repeat', async () => {
    const h = await startHarness({ transport: 'http' });
    try {
      const message = h.postAlert(fixture('alertmanager/slack-custom-labels/firing-grouped.json'));
      const [summary] = await h.waitForReplies(message.ts);
      const again = h.postAlert(fixture('alertmanager/slack-custom-labels/firing-grouped.json'));
      const [reply] = await h.waitForReplies(again.ts);
      expect(JSON.stringify(reply?.blocks)).toMatch(/Part of <[^|]+\|incident #1>/);
      await h.settled();
      const updated = h.slack.workspace.find(message.channel, summary?.ts as string);
      expect(JSON.stringify(updated?.blocks)).toContain('repeat notification: already firing');
    } finally {
      await h.stop();
    }
  });
});
