import { type CorrelationSettings, DEFAULT_CORRELATION } from '../../src/correlation/types.js';
import type { AlertStatus } from '../../src/domain/alert.js';
import { labelsFingerprint } from '../../src/domain/fingerprint.js';
import { silentLogger } from '../../src/observability/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import type { ChatPort, ChatPost } from '../../src/pipeline/chat-port.js';
import { Dispatcher, type DispatcherOptions } from '../../src/pipeline/dispatcher.js';
import { IncidentTracker, type Origin } from '../../src/pipeline/incident-tracker.js';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { ingestAlert } from '../../src/testing/ingest.js';

/** Records every call, answers with increasing ts, and fails the next calls when told to. */
class FakeChat implements ChatPort {
  readonly posts: Array<ChatPost & { ts: string; at: number }> = [];
  readonly postAttempts: ChatPost[] = [];
  readonly updates: Array<{ channel: string; ts: string; text: string; at: number }> = [];
  readonly finds: Array<{ channel: string; threadTs: string | undefined; marker: string }> = [];
  /** marker → ts that findPosted answers. */
  readonly found = new Map<string, string>();
  private readonly failures: Error[] = [];
  private next = 0;

  readonly uploads: Array<{ channel: string; threadTs: string | undefined; filename: string; size: number }> =
    [];

  async upload(file: { channel: string; threadTs?: string; data: Buffer; filename: string }): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.uploads.push({
      channel: file.channel,
      threadTs: file.threadTs,
      filename: file.filename,
      size: file.data.length,
    });
  }

  async findUpload(_channel: string, _threadTs: string | undefined, filename: string): Promise<boolean> {
    return this.uploads.some((u) => u.filename === filename);
  }

  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  async post(message: ChatPost): Promise<{ channel: string; ts: string }> {
    this.postAttempts.push(message);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const ts = `1.${String(++this.next).padStart(6, '0')}`;
    this.posts.push({ ...message, ts, at: Date.now() });
    return { channel: message.channel, ts };
  }

  async update(
    channel: string,
    ts: string,
    message: { text: string; blocks?: Array<Record<string, unknown>> },
  ): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.updates.push({ channel, ts, text: message.text, at: Date.now() });
  }

  async findPosted(channel: string, threadTs: string | undefined, marker: string): Promise<string | null> {
    this.finds.push({ channel, threadTs, marker });
    return this.found.get(marker) ?? null;
  }
}

const SETTINGS: CorrelationSettings = {
  ...DEFAULT_CORRELATION,
  topology: { checkout: ['orders-db', 'payments'], payments: ['orders-db'] },
};

let store: Store;
let tracker: IncidentTracker;
let chat: FakeChat;
let dispatchers: Dispatcher[];
/** Shifts the store's clock (what created_at / summary_updated_at say). */
let storeClockOffset: number;

beforeEach(() => {
  storeClockOffset = 0;
  store = new Store(openDatabase(':memory:'), { now: () => new Date(Date.now() + storeClockOffset) });
  tracker = new IncidentTracker(store, SETTINGS);
  chat = new FakeChat();
  dispatchers = [];
});

afterEach(async () => {
  for (const dispatcher of dispatchers) await dispatcher.stop();
  store.close();
});

function dispatcher(options: Partial<DispatcherOptions> = {}): Dispatcher {
  const created = new Dispatcher({
    store,
    chat,
    logger: silentLogger(),
    metrics: new Metrics({ defaultMetrics: false }),
    topology: () => tracker.correlator.topology,
    viewOptions: () => ({ now: new Date(), recurringWindowMinutes: 60, flappingWindowMinutes: 30 }),
    options,
  });
  dispatchers.push(created);
  return created;
}

const slack = (channel: string, messageTs: string): Origin => ({ kind: 'slack', channel, messageTs });

/** Stores one alert and correlates it, in one transaction, as the processor does. */
function ingest(
  alertname: string,
  labels: Record<string, string>,
  origin: Origin,
  status: AlertStatus = 'firing',
) {
  return ingestAlert(store, tracker, { alertname, labels, origin, status });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Dispatcher: summaries', () => {
  test("a new incident's summary is posted in the alert message's thread, with a marker", async () => {
    const observed = ingest('DatabaseDown', { service: 'orders-db' }, slack('C1', '1700000000.000100'));
    expect(observed.change).toBe('opened');
    await dispatcher().settled();

    expect(chat.posts).toHaveLength(1);
    const [post] = chat.posts;
    expect(post).toMatchObject({
      channel: 'C1',
      threadTs: '1700000000.000100',
      marker: `aals:incident:${observed.incident.id}:summary`,
      text: `Incident #${observed.incident.id}: DatabaseDown on orders-db (open)`,
    });
    expect(chat.finds).toEqual([]);
    expect(store.incidents.get(observed.incident.id)).toMatchObject({
      channel: 'C1',
      threadTs: '1700000000.000100',
      summaryTs: post?.ts,
      summaryAttempts: 1,
      postedVersion: 1,
      summaryVersion: 1,
      rootFingerprint: labelsFingerprint({ alertname: 'DatabaseDown', service: 'orders-db' }),
      rootReason: 'the only alert',
    });
  });

  test("a webhook incident's summary is posted top-level and becomes the incident's thread", async () => {
    const webhook: Origin = { kind: 'webhook', notifyChannel: 'C-alerts' };
    const observed = ingest('DatabaseDown', { service: 'orders-db' }, webhook);
    const d = dispatcher({ updateIntervalMs: 50 });
    await d.settled();
    expect(chat.posts).toHaveLength(1);
    const summary = chat.posts[0];
    expect(summary?.channel).toBe('C-alerts');
    expect(summary?.threadTs).toBeUndefined();
    expect(store.incidents.get(observed.incident.id)?.threadTs).toBe(summary?.ts);

    // Its lifecycle notices go into that thread.
    const gone = ingest('DatabaseDown', { service: 'orders-db' }, webhook, 'resolved');
    expect(gone.change).toBe('resolved');
    await d.settled();
    expect(chat.posts).toHaveLength(2);
    expect(chat.posts[1]).toMatchObject({
      channel: 'C-alerts',
      threadTs: summary?.ts,
      text: 'DatabaseDown resolved',
      marker: 'aals:outbox:1',
    });
    expect(store.outbox.counts()).toEqual({ 'notice.sent': 1 });
    // The summary itself is edited to say so.
    expect(chat.updates.map((u) => [u.channel, u.ts, u.text])).toEqual([
      ['C-alerts', summary?.ts, `Incident #${observed.incident.id}: DatabaseDown on orders-db (resolved)`],
    ]);
  });

  test('a webhook incident with no channel to notify posts nothing', async () => {
    ingest('DatabaseDown', { service: 'orders-db' }, { kind: 'webhook', notifyChannel: null });
    await dispatcher().settled();
    expect(chat.postAttempts).toEqual([]);
  });

  test('later alerts update the summary in place, at most once per updateIntervalMs', async () => {
    const interval = 200;
    const d = dispatcher({ updateIntervalMs: interval, postsPerSecond: 50, postBurst: 5 });
    const opened = ingest('DatabaseDown', { service: 'orders-db' }, slack('C1', '1700000000.000100'));
    await d.settled();
    const summary = chat.posts[0];
    expect(summary).toBeDefined();

    // Two more alerts arrive while the dispatcher runs: one edit covers both.
    expect(ingest('HighErrorRate', { service: 'checkout' }, slack('C1', '1700000000.000200')).change).toBe(
      'joined',
    );
    d.wake();
    await sleep(20);
    expect(ingest('HighLatency', { service: 'payments' }, slack('C1', '1700000000.000300')).change).toBe(
      'joined',
    );
    d.wake();
    await d.settled();
    expect(chat.updates).toHaveLength(1);
    const first = chat.updates[0];
    expect(first).toMatchObject({
      channel: 'C1',
      ts: summary?.ts,
      text: `Incident #${opened.incident.id}: DatabaseDown on orders-db (+2 alerts) (open)`,
    });
    expect((first?.at ?? 0) - (summary?.at ?? 0)).toBeGreaterThanOrEqual(interval - 20);

    ingest('UpstreamTimeouts', { service: 'checkout' }, slack('C1', '1700000000.000400'));
    await d.settled();
    expect(chat.updates).toHaveLength(2);
    expect(chat.updates[1]?.text).toContain('(+3 alerts)');
    expect((chat.updates[1]?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(interval - 20);

    const row = store.incidents.get(opened.incident.id);
    expect(row?.postedVersion).toBe(row?.summaryVersion);
    expect(row?.summaryVersion).toBe(4);
    // The later alert messages each got a pointer to the incident, in their own thread.
    expect(chat.posts.slice(1).map((p) => p.threadTs)).toEqual([
      '1700000000.000200',
      '1700000000.000300',
      '1700000000.000400',
    ]);
    expect(chat.posts.slice(1).every((p) => p.text === `Part of incident #${opened.incident.id}`)).toBe(true);
  });
});

describe('Dispatcher: merges', () => {
  test('a merge tells both threads and edits both summaries', async () => {
    // payments and checkout are three hops apart; orders-db is near both.
    tracker = new IncidentTracker(store, {
      ...DEFAULT_CORRELATION,
      topology: { checkout: ['orders-db'], payments: ['ledger'], ledger: ['orders-db'] },
    });
    const d = dispatcher({ updateIntervalMs: 50, postsPerSecond: 50, postBurst: 5 });
    const payments = ingest('HighErrorRate', { service: 'payments' }, slack('C1', '1700000000.000100'));
    const checkout = ingest('HighErrorRate', { service: 'checkout' }, slack('C1', '1700000000.000200'));
    expect([payments.incident.id, checkout.incident.id]).toEqual([1, 2]);
    await d.settled();
    expect(chat.posts.map((p) => p.marker)).toEqual(['aals:incident:1:summary', 'aals:incident:2:summary']);
    const summaries = chat.posts.map((p) => p.ts);

    const db = ingest('DatabaseDown', { service: 'orders-db' }, slack('C1', '1700000000.000300'));
    expect(db.incident.id).toBe(1);
    expect(db.merged.map((i) => i.id)).toEqual([2]);
    await d.settled();
    expect(chat.posts.slice(2).map((p) => [p.threadTs, p.text])).toEqual([
      ['1700000000.000200', 'Incident #2 merged into #1'],
      ['1700000000.000100', 'Incidents merged into #1'],
      ['1700000000.000300', 'Part of incident #1'],
    ]);
    const edits = new Map(chat.updates.map((u) => [u.ts, u.text]));
    expect(edits.get(summaries[0] as string)).toContain('(+2 alerts) (open)');
    expect(edits.get(summaries[1] as string)).toContain('(merged)');
    expect(store.incidents.get(2)).toMatchObject({ status: 'merged', mergedInto: 1 });
    expect(store.incidents.alertsOf(1)).toHaveLength(3);
  });
});

describe('Dispatcher: pacing and priorities', () => {
  test('posts to one channel are paced; another channel is not delayed', async () => {
    ingest('QueueBacklog', { service: 'alpha', instance: 'a:1' }, slack('C1', '1700000000.000100'));
    ingest('QueueBacklog', { service: 'beta', instance: 'b:1' }, slack('C1', '1700000000.000200'));
    ingest('QueueBacklog', { service: 'gamma', instance: 'c:1' }, slack('C2', '1700000000.000300'));
    expect(store.incidents.counts()).toEqual({ open: 3 });
    const started = Date.now();
    await dispatcher({ postsPerSecond: 2, postBurst: 1 }).settled();

    expect(chat.posts).toHaveLength(3);
    const c1 = chat.posts.filter((p) => p.channel === 'C1');
    const c2 = chat.posts.filter((p) => p.channel === 'C2');
    expect(c1.map((p) => p.threadTs)).toEqual(['1700000000.000100', '1700000000.000200']);
    expect((c1[1]?.at ?? 0) - (c1[0]?.at ?? 0)).toBeGreaterThanOrEqual(400);
    expect((c2[0]?.at ?? Number.POSITIVE_INFINITY) - started).toBeLessThan(200);
  });

  test('summaries go first, then notices, then pointers', async () => {
    // Written in the opposite order.
    store.outbox.add({
      incidentId: null,
      kind: 'pointer',
      channel: 'C1',
      threadTs: '1700000000.000900',
      text: 'a pointer',
    });
    store.outbox.add({
      incidentId: null,
      kind: 'notice',
      channel: 'C1',
      threadTs: '1700000000.000800',
      text: 'a notice',
    });
    ingest('DatabaseDown', { service: 'orders-db' }, slack('C1', '1700000000.000100'));
    await dispatcher({ postsPerSecond: 100, postBurst: 10 }).settled();
    expect(chat.posts.map((p) => [p.marker, p.threadTs])).toEqual([
      ['aals:incident:1:summary', '1700000000.000100'],
      ['aals:outbox:2', '1700000000.000800'],
      ['aals:outbox:1', '1700000000.000900'],
    ]);
  });

  test('a pointer older than pointerMaxAgeMs is dropped, a fresh one is posted', async () => {
    storeClockOffset = -60_000;
    const stale = store.outbox.add({
      incidentId: null,
      kind: 'pointer',
      channel: 'C1',
      threadTs: '1700000000.000100',
      text: 'stale',
    });
    storeClockOffset = 0;
    store.outbox.add({
      incidentId: null,
      kind: 'pointer',
      channel: 'C1',
      threadTs: '1700000000.000200',
      text: 'fresh',
    });
    await dispatcher({ pointerMaxAgeMs: 20_000 }).settled();
    expect(chat.postAttempts.map((p) => p.text)).toEqual(['fresh']);
    expect(store.outbox.counts()).toEqual({ 'pointer.dropped': 1, 'pointer.sent': 1 });
    expect(store.db.prepare('SELECT error FROM outbox WHERE id = ?').pluck().get(stale)).toMatch(/stale/);
  });
});

describe('Dispatcher: errors and recovery', () => {
  test('a transient error is retried; the retry first looks for the message', async () => {
    chat.failNext(new Error('An API error occurred: ratelimited'));
    const observed = ingest('DatabaseDown', { service: 'orders-db' }, slack('C1', '1700000000.000100'));
    const started = Date.now();
    await dispatcher().settled();
    expect(chat.postAttempts).toHaveLength(2);
    expect(chat.posts).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(chat.finds).toEqual([
      {
        channel: 'C1',
        threadTs: '1700000000.000100',
        marker: `aals:incident:${observed.incident.id}:summary`,
      },
    ]);
    expect(store.incidents.get(observed.incident.id)).toMatchObject({
      summaryTs: chat.posts[0]?.ts,
      summaryAttempts: 2,
    });
  });

  test('a permanent error gives up: a notice fails, a pointer is dropped', async () => {
    const notice = store.outbox.add({
      incidentId: null,
      kind: 'notice',
      channel: 'C-gone',
      threadTs: '1700000000.000100',
      text: 'a notice',
    });
    const pointer = store.outbox.add({
      incidentId: null,
      kind: 'pointer',
      channel: 'C-gone',
      threadTs: '1700000000.000200',
      text: 'a pointer',
    });
    chat.failNext(
      new Error('An API error occurred: channel_not_found'),
      new Error('An API error occurred: channel_not_found'),
    );
    await dispatcher().settled();
    expect(chat.postAttempts.map((p) => p.text)).toEqual(['a notice', 'a pointer']);
    expect(chat.posts).toEqual([]);
    const status = store.db.prepare('SELECT status, attempts, error FROM outbox WHERE id = ?');
    expect(status.get(notice)).toEqual({
      status: 'failed',
      attempts: 1,
      error: 'An API error occurred: channel_not_found',
    });
    expect(status.get(pointer)).toMatchObject({ status: 'dropped', attempts: 1 });
    expect(store.outbox.ready()).toEqual([]);
  });

  test('after a crash, a row left sending is looked up first and not posted again', async () => {
    const sent = store.outbox.add({
      incidentId: null,
      kind: 'notice',
      channel: 'C1',
      threadTs: '1700000000.000100',
      text: 'was sent',
    });
    const lost = store.outbox.add({
      incidentId: null,
      kind: 'notice',
      channel: 'C1',
      threadTs: '1700000000.000200',
      text: 'was lost',
    });
    store.outbox.markSending(sent);
    store.outbox.markSending(lost);
    chat.found.set(`aals:outbox:${sent}`, '9.000001');

    await dispatcher().settled();
    expect(chat.finds).toEqual([
      { channel: 'C1', threadTs: '1700000000.000100', marker: `aals:outbox:${sent}` },
      { channel: 'C1', threadTs: '1700000000.000200', marker: `aals:outbox:${lost}` },
    ]);
    expect(chat.posts.map((p) => p.text)).toEqual(['was lost']);
    const ts = store.db.prepare('SELECT status, ts FROM outbox WHERE id = ?');
    expect(ts.get(sent)).toEqual({ status: 'sent', ts: '9.000001' });
    expect(ts.get(lost)).toEqual({ status: 'sent', ts: chat.posts[0]?.ts });
  });

  test('after a crash mid-summary, the summary is looked up and not posted again', async () => {
    const observed = ingest('DatabaseDown', { service: 'orders-db' }, slack('C1', '1700000000.000100'));
    const id = observed.incident.id;
    // The previous process noted an attempt and died before recording the ts.
    store.incidents.noteSummaryAttempt(id);
    chat.found.set(`aals:incident:${id}:summary`, '9.000002');

    await dispatcher().settled();
    expect(chat.finds).toEqual([
      { channel: 'C1', threadTs: '1700000000.000100', marker: `aals:incident:${id}:summary` },
    ]);
    expect(chat.postAttempts).toEqual([]);
    expect(store.incidents.get(id)).toMatchObject({ summaryTs: '9.000002', threadTs: '1700000000.000100' });
  });
});

describe('Dispatcher: regressions', () => {
  test('a summary that cannot be posted (channel_not_found) is tried once, then given up', async () => {
    chat.failNext(new Error('An API error occurred: channel_not_found'));
    ingest('DatabaseDown', { service: 'orders-db' }, slack('C1', '1700000000.000100'));
    const d = dispatcher();
    await d.settled();
    expect(chat.postAttempts).toHaveLength(1);
    expect(store.incidents.summariesToPost().filter((i) => i.summaryAttempts < 5)).toHaveLength(0);
  });

  test('a notice for an incident whose summary was given up fails instead of waiting forever', async () => {
    const origin: Origin = { kind: 'webhook', notifyChannel: 'C9' };
    chat.failNext(new Error('An API error occurred: channel_not_found'));
    ingest('DatabaseDown', { service: 'orders-db' }, origin);
    const d = dispatcher();
    await d.settled();
    ingest('DatabaseDown', { service: 'orders-db' }, origin, 'resolved');
    d.wake();
    await d.settled();
    expect(store.outbox.counts()['notice.failed']).toBe(1);
  });

  test('a resolve does not drop a pending merge notice', () => {
    const db = ingest('DatabaseDown', { service: 'orders-db' }, slack('C1', '1.000001'));
    store.outbox.add({
      incidentId: db.incident.id,
      kind: 'merge',
      channel: 'C1',
      threadTs: null,
      text: 'merged',
      blocks: [],
    });
    ingest('DatabaseDown', { service: 'orders-db' }, slack('C1', '1.000002'), 'resolved');
    const kinds = store.outbox.ready().map((i) => i.kind);
    expect(kinds).toContain('merge');
    expect(kinds).toContain('notice');
  });
});
