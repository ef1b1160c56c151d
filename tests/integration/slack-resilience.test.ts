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
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      transport: 'socket',
      config: {
        patterns: {
          recurring: { count: 3, windowMinutes: 60 },
          flapping: { transitions: 4, windowMinutes: 60 },
        },
      },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  test('an alert that fires and resolves repeatedly is called recurring, then flapping', async () => {
    const firing = fixture('alertmanager/slack-custom-labels/firing-single.json');
    const resolved = fixture('alertmanager/slack-custom-labels/resolved-single.json');
    const summaries: string[] = [];
    for (let round = 0; round < 3; round++) {
      const message = h.postAlert(firing);
      const [reply] = await h.waitForReplies(message.ts);
      summaries.push(JSON.stringify(reply?.blocks));
      h.postAlert(resolved);
      await h.slack.waitFor(() => (h.slack.replies('alerts', message.ts).length >= 2 ? true : null));
    }
    expect(summaries[0]).toContain('first time AALS has seen it fire');
    expect(summaries[1]).not.toContain('recurring');
    expect(summaries[2]).toContain('*recurring*: fired 3 times');
    expect(summaries[2]).toContain('*flapping*: 4 state changes');
  });

  test('a repeat notification of a firing alert is called a repeat', async () => {
    const message = h.postAlert(fixture('alertmanager/slack-custom-labels/firing-grouped.json'));
    await h.waitForReplies(message.ts);
    const again = h.postAlert(fixture('alertmanager/slack-custom-labels/firing-grouped.json'));
    const [reply] = await h.waitForReplies(again.ts);
    expect(JSON.stringify(reply?.blocks)).toContain('repeat notification: already firing');
  });
});
