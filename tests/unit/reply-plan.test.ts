import { labelsFingerprint } from '../../src/domain/fingerprint.js';
import { type Origin, type PlanItem, type PlannedPost, planReplies } from '../../src/pipeline/reply-plan.js';
import type { AlertPattern } from '../../src/readers/patterns.js';
import { BLOCK_KIT_LIMITS, blockKitViolation } from '../../src/slack/block-kit-limits.js';
import {
  alertSummary,
  resolvedNotice,
  type SummaryOptions,
  whereOf,
} from '../../src/slack/views/alert-summary.js';
import type { StoredAlert } from '../../src/store/alerts.js';
import type { AlertThread } from '../../src/store/threads.js';

const NOW = new Date('2024-06-10T12:00:00.000Z');
const OPTIONS: SummaryOptions = { now: NOW, recurringWindowMinutes: 1440, flappingWindowMinutes: 60 };
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

const FIRST_PATTERN: AlertPattern = {
  duplicate: false,
  recurring: false,
  flapping: false,
  firings: 1,
  transitions: 0,
  firstSeen: NOW,
};

let nextId = 1;
function stored(overrides: Partial<StoredAlert> = {}, labels: Record<string, string> = {}): StoredAlert {
  const alertname = overrides.alertname ?? 'HighCPUUsage';
  const allLabels = { alertname, instance: 'web-1:9100', ...labels };
  return {
    id: nextId++,
    rawEventId: 1,
    receivedAt: NOW.toISOString(),
    environment: 'production',
    channel: 'C0ALERTS',
    messageTs: '1718020000.000100',
    source: 'alertmanager_webhook',
    status: 'firing',
    alertname,
    severity: 'critical',
    labels: allLabels,
    annotations: { summary: `${alertname} on web-1` },
    startsAt: minutesAgo(12),
    endsAt: null,
    fingerprint: labelsFingerprint(allLabels),
    count: 1,
    ...overrides,
  };
}

function thread(overrides: Partial<AlertThread> = {}): AlertThread {
  return {
    key: 'webhook:fp:x',
    channel: 'C0NOTIFY',
    threadTs: '1718019000.000200',
    status: 'firing',
    firingSince: minutesAgo(30),
    resolvedAt: null,
    ...overrides,
  };
}

function item(
  alert: StoredAlert,
  existing: AlertThread | null = null,
  pattern: AlertPattern = FIRST_PATTERN,
): PlanItem {
  return {
    alert,
    pattern,
    keys: [`scope:fp:${alert.fingerprint}`],
    thread: existing,
    ...(existing ? { firingSince: existing.firingSince } : {}),
  };
}

const slackOrigin: Origin = { kind: 'slack', channel: 'C0ALERTS', messageTs: '1718020000.000100' };
const webhookOrigin: Origin = { kind: 'webhook', notifyChannel: 'C0NOTIFY' };

const sectionTexts = (post: PlannedPost | undefined) =>
  (post?.blocks ?? []).map((b) => (b.text as { text?: string } | undefined)?.text ?? '').join('\n');

describe('planReplies', () => {
  test('slack origin, firing: one post in the message’s own thread', () => {
    const alert = stored();
    const posts = planReplies(slackOrigin, [item(alert)], OPTIONS);
    expect(posts).toHaveLength(1);
    const [post] = posts;
    expect(post).toMatchObject({ part: 0, channel: 'C0ALERTS', threadTs: '1718020000.000100' });
    expect(post?.opensThreadFor).toBeUndefined();
    expect(post?.text).toBe('Firing: HighCPUUsage (critical)');
    expect(sectionTexts(post)).toContain('*HighCPUUsage* is *firing*');
    expect(sectionTexts(post)).toContain('(12 m ago)');
    expect(blockKitViolation(post?.blocks)).toBeNull();
  });

  test('slack origin, resolved with a firing thread: a resolved notice in that thread', () => {
    const firingThread = thread({
      channel: 'C0ALERTS',
      threadTs: '1718019000.000300',
      firingSince: minutesAgo(42),
    });
    const alert = stored({ status: 'resolved', endsAt: NOW.toISOString() });
    const posts = planReplies(slackOrigin, [item(alert, firingThread)], OPTIONS);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ part: 0, channel: 'C0ALERTS', threadTs: '1718019000.000300' });
    expect(posts[0]?.text).toBe('HighCPUUsage resolved');
    expect(sectionTexts(posts[0])).toContain('*HighCPUUsage* resolved after *42 m*');
  });

  test('slack origin, resolved with no firing thread: summarized in the message’s own thread', () => {
    const alert = stored({ status: 'resolved', endsAt: NOW.toISOString() });
    const posts = planReplies(slackOrigin, [item(alert, thread({ status: 'resolved' }))], OPTIONS);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ channel: 'C0ALERTS', threadTs: '1718020000.000100' });
    expect(posts[0]?.text).toBe('Resolved: HighCPUUsage (critical)');
  });

  test('webhook origin, firing: a top-level post that opens the thread for the alert keys', () => {
    const alert = stored({ startsAt: minutesAgo(3) });
    const posts = planReplies(webhookOrigin, [item(alert)], OPTIONS);
    expect(posts).toHaveLength(1);
    const [post] = posts;
    expect(post?.channel).toBe('C0NOTIFY');
    expect(post?.threadTs).toBeUndefined();
    expect(post?.opensThreadFor).toEqual([
      { keys: [`scope:fp:${alert.fingerprint}`], firingSince: minutesAgo(3) },
    ]);
  });

  test('webhook origin without a notify channel posts nothing for new alerts', () => {
    expect(planReplies({ kind: 'webhook', notifyChannel: null }, [item(stored())], OPTIONS)).toEqual([]);
  });

  test('webhook origin, repeat firing with an open thread: a reply in that thread, no new thread', () => {
    const open = thread({ threadTs: '1718019000.000400', firingSince: minutesAgo(90) });
    const repeat = stored();
    const posts = planReplies(
      webhookOrigin,
      [item(repeat, open, { ...FIRST_PATTERN, duplicate: true })],
      OPTIONS,
    );
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ channel: 'C0NOTIFY', threadTs: '1718019000.000400' });
    expect(posts[0]?.opensThreadFor).toBeUndefined();
    expect(sectionTexts(posts[0])).toContain('repeat notification: already firing');
    expect(sectionTexts(posts[0])).toContain('(1 h 30 m ago)');
  });

  test('webhook origin, mixed: new alerts top-level, repeats in their thread, resolved in theirs; parts numbered', () => {
    const openA = thread({ channel: 'C0NOTIFY', threadTs: '111.000001' });
    const openB = thread({ channel: 'C0NOTIFY', threadTs: '222.000002', firingSince: minutesAgo(20) });
    const fresh = stored({ alertname: 'DiskFull' });
    const repeat = stored({ alertname: 'HighCPUUsage' });
    const resolved = stored({ alertname: 'HighMemory', status: 'resolved', endsAt: NOW.toISOString() });
    const posts = planReplies(
      webhookOrigin,
      [item(fresh), item(repeat, openA), item(resolved, openB)],
      OPTIONS,
    );
    expect(posts.map((p) => [p.part, p.channel, p.threadTs ?? null])).toEqual([
      [0, 'C0NOTIFY', null],
      [1, 'C0NOTIFY', '111.000001'],
      [2, 'C0NOTIFY', '222.000002'],
    ]);
    expect(posts[0]?.text).toBe('Firing: DiskFull (critical)');
    expect(posts[1]?.text).toBe('Firing: HighCPUUsage (critical)');
    expect(sectionTexts(posts[2])).toContain('*HighMemory* resolved after *20 m*');
  });

  test('alerts of one thread are answered in one post', () => {
    const open = thread({ threadTs: '333.000003' });
    const a = stored({ alertname: 'A', status: 'resolved', endsAt: NOW.toISOString() });
    const b = stored({ alertname: 'B', status: 'resolved', endsAt: NOW.toISOString() });
    const posts = planReplies(webhookOrigin, [item(a, open), item(b, open)], OPTIONS);
    expect(posts).toHaveLength(1);
    expect(sectionTexts(posts[0])).toMatch(/\*A\* resolved after[\s\S]*\*B\* resolved after/);
  });

  test('the same facts give the same plan', () => {
    const items = [item(stored({ id: 7 })), item(stored({ id: 8, status: 'resolved' }), thread())];
    expect(planReplies(webhookOrigin, items, OPTIONS)).toEqual(planReplies(webhookOrigin, items, OPTIONS));
  });

  test('100 alerts in one notification stay within Block Kit limits and say how many more', () => {
    const items = Array.from({ length: 100 }, (_, i) =>
      item(
        stored(
          { alertname: `Alert${i}`, annotations: { summary: 'x'.repeat(2000) } },
          {
            service: `svc-${i}`,
            namespace: 'payments',
            pod: `pod-${'p'.repeat(200)}`,
            cluster: 'prod-tokyo',
          },
        ),
      ),
    );
    const posts = planReplies(slackOrigin, items, OPTIONS);
    expect(posts).toHaveLength(1);
    const blocks = posts[0]?.blocks ?? [];
    expect(blockKitViolation(blocks)).toBeNull();
    expect(blocks).toHaveLength(11);
    expect(JSON.stringify(blocks.at(-1))).toContain('…and 90 more');
    expect(posts[0]?.text).toBe('Firing: Alert0 and 99 more (critical)');
    for (const block of blocks.slice(0, 10)) {
      expect(((block.text as { text: string }).text ?? '').length).toBeLessThanOrEqual(
        BLOCK_KIT_LIMITS.sectionText,
      );
    }
  });

  test('100 resolved alerts in one thread stay within limits', () => {
    const open = thread();
    const items = Array.from({ length: 100 }, (_, i) =>
      item(stored({ alertname: `Resolved${i}`, status: 'resolved', endsAt: NOW.toISOString() }), open),
    );
    const posts = planReplies(webhookOrigin, items, OPTIONS);
    expect(posts).toHaveLength(1);
    expect(blockKitViolation(posts[0]?.blocks)).toBeNull();
    expect(sectionTexts(posts[0])).toContain('…and 80 more resolved');
  });
});

describe('alert summary escaping', () => {
  const hostile = stored(
    {
      alertname: 'Disk <!channel> full <@U123>',
      annotations: {
        summary: 'wake up <!here> <!everyone> <@U024BE7LH> <https://evil.example|click> & more',
      },
    },
    { service: '<!channel>', pod: 'a`b<@U123>' },
  );

  test('mentions and links in alert text are escaped in the blocks', () => {
    const { blocks } = alertSummary([item(hostile)], OPTIONS);
    const rendered = JSON.stringify(blocks);
    for (const raw of [
      '<!channel>',
      '<!here>',
      '<!everyone>',
      '<@U123>',
      '<@U024BE7LH>',
      '<https://evil.example',
    ]) {
      expect(rendered).not.toContain(raw);
    }
    expect(rendered).toContain('&lt;!channel&gt;');
    expect(rendered).toContain('&lt;@U123&gt;');
    expect(rendered).toContain('&amp; more');
  });

  test('the notification text (what Slack shows in notifications) is escaped too', () => {
    const resolved = { ...hostile, status: 'resolved' as const, endsAt: NOW.toISOString() };
    for (const text of [
      alertSummary([item(hostile)], OPTIONS).text,
      resolvedNotice([item(resolved)], NOW).text,
    ]) {
      expect(text).not.toContain('<!channel>');
      expect(text).toContain('&lt;!channel&gt;');
    }
  });

  test('mentions are escaped in the resolved notice blocks', () => {
    const resolved = { ...hostile, status: 'resolved' as const, endsAt: NOW.toISOString() };
    const rendered = JSON.stringify(resolvedNotice([item(resolved)], NOW).blocks);
    expect(rendered).not.toContain('<!channel>');
    expect(rendered).not.toContain('<@U123>');
    expect(rendered).toContain('&lt;!channel&gt;');
  });

  test('whereOf quotes label values as code that a backtick cannot break out of', () => {
    expect(whereOf({ service: 'checkout', pod: 'a`b<x>', region: 'ap-northeast-1' })).toBe(
      "service `checkout`, pod `a'b&lt;x&gt;`, region `ap-northeast-1`",
    );
    expect(whereOf({ alertname: 'X' })).toBe('');
  });
});

describe('alert summary content', () => {
  test('shows severity, environment, where, summary, pattern and links', () => {
    const alert = stored(
      {
        generatorURL: 'http://prom:9090/graph?g0.expr=up',
        url: 'http://am:9093/#/alerts',
        count: 3,
        severity: 'warning',
      },
      { namespace: 'payments' },
    );
    const pattern: AlertPattern = {
      ...FIRST_PATTERN,
      recurring: true,
      flapping: true,
      firings: 4,
      transitions: 6,
    };
    const text = sectionTexts({
      part: 0,
      channel: 'C',
      text: '',
      blocks: alertSummary([item(alert, null, pattern)], OPTIONS).blocks,
    });
    expect(text).toContain(
      ':large_yellow_circle: *HighCPUUsage* is *firing* · severity *warning* · production · 3 alerts',
    );
    expect(text).toContain('*Where:* namespace `payments`, instance `web-1:9100`');
    expect(text).toContain('*Summary:* HighCPUUsage on web-1');
    expect(text).toContain('*flapping*: 6 state changes in 1 h');
    expect(text).toContain('*recurring*: fired 4 times in 1 d');
    expect(text).toContain('<http://prom:9090/graph?g0.expr=up|graph> · <http://am:9093/#/alerts|source>');
  });

  test('a first firing says so', () => {
    const text = JSON.stringify(alertSummary([item(stored())], OPTIONS).blocks);
    expect(text).toContain('first time AALS has seen it fire');
  });
});
