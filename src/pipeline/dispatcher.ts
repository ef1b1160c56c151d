import type { Logger } from 'winston';
import type { Topology } from '../correlation/topology.js';
import { errorMessage } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { type IncidentView, incidentSummary, type ViewOptions } from '../slack/views/incident-summary.js';
import type { IncidentRow } from '../store/incidents.js';
import type { OutboxEntry, OutboxItem } from '../store/outbox.js';
import type { Store } from '../store/store.js';
import { RateLimiter } from '../util/rate-limiter.js';
import type { ChatPort } from './chat-port.js';
import { loadIncidentView } from './incident-view.js';

/**
 * Tells Slack what the store says, at a pace Slack accepts. Per channel, chat.postMessage is paced
 * by a token bucket below Slack's ~1 message/s; what goes first: the summary of a new incident,
 * then notices, then pointers (dropped when stale or when the channel is busy). Summaries are
 * updated in place at most every `updateIntervalMs` per incident, so a storm becomes a few edits.
 * Every post carries a marker; after a crash, anything that may have been sent is looked up first.
 */
export interface DispatcherOptions {
  postsPerSecond: number;
  postBurst: number;
  updateIntervalMs: number;
  /** chat.update budget for the workspace (Slack's Tier 3 is about 50 a minute). */
  updatesPerMinute: number;
  pointerMaxAgeMs: number;
  maxInFlight: number;
}

export const DEFAULT_DISPATCH: DispatcherOptions = {
  postsPerSecond: 1,
  postBurst: 2,
  updateIntervalMs: 3000,
  updatesPerMinute: 40,
  pointerMaxAgeMs: 20_000,
  maxInFlight: 4,
};

export interface DispatcherDeps {
  store: Store;
  chat: ChatPort;
  logger: Logger;
  metrics: Metrics;
  topology: () => Topology;
  viewOptions: () => ViewOptions;
  /** Adds what the stored view lacks before rendering (the live rules diagnosis). */
  decorate?: (view: IncidentView) => IncidentView;
  options?: Partial<DispatcherOptions>;
}

const PERMANENT =
  /channel_not_found|not_in_channel|invalid_blocks|msg_too_long|is_archived|invalid_auth|account_inactive|missing_scope|message_not_found|cant_update_message|thread_not_found/;
const MAX_ATTEMPTS = 5;
/** Wakes within this long are coalesced; more when a pass is slow (a backlog), so passes stay a small share of the CPU. */
const WAKE_COALESCE_MS = 10;
const MAX_WAKE_COALESCE_MS = 50;
/** How many outbox rows one pass looks at (notices come first; older pointers wait or go stale). */
const OUTBOX_BATCH = 100;
/** How many summaries behind their incident one pass looks at. */
const UPDATE_BATCH = 50;

export class Dispatcher {
  private readonly options: DispatcherOptions;
  private readonly posts: RateLimiter;
  private readonly updates: RateLimiter;
  private readonly busyChannels = new Set<string>();
  private readonly busyIncidents = new Set<number>();
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private pumping = false;
  private again = false;
  private readonly retryAt = new Map<string, number>();
  private staleSweptAt = 0;
  private coalesceMs = WAKE_COALESCE_MS;
  private readonly settledWaiters: Array<() => void> = [];

  constructor(private readonly deps: DispatcherDeps) {
    this.options = { ...DEFAULT_DISPATCH, ...deps.options };
    this.posts = new RateLimiter(this.options.postsPerSecond, this.options.postBurst);
    this.updates = new RateLimiter(
      this.options.updatesPerMinute / 60,
      Math.max(1, Math.floor(this.options.updatesPerMinute / 4)),
    );
  }

  /** Something changed in the store: look for work soon (wakes within a few ms are coalesced). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (this.wakeAt <= Date.now() + this.coalesceMs) return;
    this.arm(Date.now() + this.coalesceMs);
  }

  /** Resolves once everything the store holds has been told to Slack (for tests and benchmarks). */
  settled(): Promise<void> {
    return new Promise((resolve) => {
      this.settledWaiters.push(resolve);
      this.wake();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const deadline = Date.now() + 5000;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  private pump(): void {
    if (this.stopped) return;
    this.pumping = true;
    const started = performance.now();
    try {
      do {
        this.again = false;
        this.schedule();
      } while (this.again);
    } catch (error) {
      this.deps.logger.error('dispatcher failed', { error: errorMessage(error) });
    } finally {
      this.pumping = false;
      const elapsed = performance.now() - started;
      this.coalesceMs = Math.min(MAX_WAKE_COALESCE_MS, Math.max(WAKE_COALESCE_MS, 4 * elapsed));
    }
  }

  /** Starts whatever may start now and sets a timer for the earliest thing that has to wait. */
  private schedule(): void {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    let pending = 0;
    const { store } = this.deps;

    const toPost = store.incidents.summariesToPost().filter((i) => i.summaryAttempts < MAX_ATTEMPTS);
    for (const incident of toPost) {
      pending++;
      const channel = incident.channel as string;
      const wait = this.blocked(`summary:${incident.id}`, channel, now);
      if (wait > 0) {
        next = Math.min(next, now + wait);
        continue;
      }
      this.launch(channel, incident.id, () => this.postSummary(incident));
    }

    // A write: once a second is enough for an age measured in seconds.
    if (now - this.staleSweptAt >= 1000) {
      this.staleSweptAt = now;
      store.outbox.dropStalePointers(new Date(now - this.options.pointerMaxAgeMs));
    }
    const busyWithMore = new Set(toPost.map((i) => i.channel));
    for (const entry of store.outbox.ready(OUTBOX_BATCH)) {
      pending++;
      if (entry.kind !== 'pointer') busyWithMore.add(entry.channel);
      else if (busyWithMore.has(entry.channel)) continue;
      const thread = threadOf(entry);
      if (thread === undefined) {
        // Waiting for the incident's summary to become its thread, unless that will never happen.
        if (entry.incidentSummaryAttempts === null || entry.incidentSummaryAttempts >= MAX_ATTEMPTS) {
          store.outbox.markFailed(entry.id, 'the incident has no thread');
          pending--;
        }
        continue;
      }
      // Pointers leave a token for summaries and notices, so a new incident is answered at once.
      const wait = this.blocked(`outbox:${entry.id}`, entry.channel, now, entry.kind === 'pointer' ? 1 : 0);
      if (wait > 0) {
        next = Math.min(next, now + wait);
        continue;
      }
      this.launch(entry.channel, entry.incidentId, () => this.postItem(entry.id, thread));
    }

    // Out of edits for now (Slack's budget): one row says whether anything waits, and when to look again.
    const updateWait = this.updates.wait('update');
    const behind = store.incidents.summariesToUpdate(updateWait > 0 ? 1 : UPDATE_BATCH);
    if (updateWait > 0 && behind.length > 0) {
      pending++;
      next = Math.min(next, now + updateWait);
    }
    for (const incident of updateWait > 0 ? [] : behind) {
      pending++;
      if (this.busyIncidents.has(incident.id)) continue;
      if (this.inFlight >= this.options.maxInFlight) break;
      const dueAt = Date.parse(incident.summaryUpdatedAt ?? '1970-01-01') + this.options.updateIntervalMs;
      const retry = this.retryAt.get(`update:${incident.id}`) ?? 0;
      if (dueAt > now || retry > now) {
        next = Math.min(next, Math.max(dueAt, retry));
        continue;
      }
      const wait = this.updates.take('update');
      if (wait > 0) {
        next = Math.min(next, now + wait);
        continue;
      }
      this.launch(null, incident.id, () => this.updateSummary(incident));
    }

    if (Number.isFinite(next)) this.arm(next);
    if (pending === 0 && this.inFlight === 0) for (const resolve of this.settledWaiters.splice(0)) resolve();
  }

  /** Milliseconds before a post to `channel` may start (0: it may start now, and a token was taken). */
  private blocked(key: string, channel: string, now: number, reserve = 0): number {
    if (this.busyChannels.has(channel) || this.inFlight >= this.options.maxInFlight)
      return Number.POSITIVE_INFINITY;
    const retry = this.retryAt.get(key) ?? 0;
    if (retry > now) return retry - now;
    return this.posts.take(channel, reserve);
  }

  private launch(channel: string | null, incidentId: number | null, work: () => Promise<void>): void {
    this.inFlight++;
    if (channel) this.busyChannels.add(channel);
    if (incidentId !== null) this.busyIncidents.add(incidentId);
    work()
      .catch((error: unknown) => this.deps.logger.error('dispatch failed', { error: errorMessage(error) }))
      .finally(() => {
        this.inFlight--;
        if (channel) this.busyChannels.delete(channel);
        if (incidentId !== null) this.busyIncidents.delete(incidentId);
        this.wake();
      });
  }

  private arm(at: number): void {
    if (at >= this.wakeAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - Date.now()),
    );
  }

  private view(incidentId: number): IncidentView | null {
    const view = loadIncidentView(this.deps.store, incidentId, this.deps.topology());
    return view && this.deps.decorate ? this.deps.decorate(view) : view;
  }

  private async postSummary(incident: IncidentRow): Promise<void> {
    const { store, chat, metrics } = this.deps;
    const view = this.view(incident.id);
    if (!view) return;
    const marker = `aals:incident:${incident.id}:summary`;
    const channel = incident.channel as string;
    const threadTs = incident.threadTs ?? undefined;
    store.incidents.noteSummaryAttempt(incident.id);
    const done = await this.attempt(
      `summary:${incident.id}`,
      incident.summaryAttempts,
      async () => {
        const existing =
          incident.summaryAttempts > 0 ? await chat.findPosted(channel, threadTs, marker) : null;
        const ts =
          existing ??
          (
            await chat.post({
              channel,
              ...incidentSummary(view, this.deps.viewOptions()),
              ...(threadTs ? { threadTs } : {}),
              marker,
            })
          ).ts;
        store.incidents.summaryPosted(incident.id, ts, view.incident.summaryVersion, threadTs ?? ts);
        if (view.roots[0])
          store.incidents.setRootCause(incident.id, view.roots[0].fingerprint, view.roots[0].reason);
        if (!existing) metrics.replyLatency.observe((Date.now() - Date.parse(incident.openedAt)) / 1000);
      },
      () => store.incidents.abandonSummary(incident.id),
    );
    if (done === 'failed')
      this.deps.logger.warn('incident summary could not be posted', { incident: incident.id });
  }

  private async updateSummary(incident: IncidentRow): Promise<void> {
    const { store, chat } = this.deps;
    const view = this.view(incident.id);
    if (!view || !incident.summaryTs || !incident.channel) return;
    const summaryChannel = incident.channel;
    await this.attempt(
      `update:${incident.id}`,
      0,
      async () => {
        await chat.update(
          summaryChannel,
          incident.summaryTs as string,
          incidentSummary(view, this.deps.viewOptions()),
        );
        store.incidents.summaryUpdated(incident.id, view.incident.summaryVersion);
        if (view.roots[0])
          store.incidents.setRootCause(incident.id, view.roots[0].fingerprint, view.roots[0].reason);
      },
      () => store.incidents.summaryUpdated(incident.id, view.incident.summaryVersion),
    );
  }

  private async postItem(id: number, threadTs: string | null): Promise<void> {
    const { store, chat } = this.deps;
    const item = store.outbox.get(id);
    if (!item) return;
    const marker = `aals:outbox:${item.id}`;
    const mayHaveBeenSent = item.status === 'sending' || item.attempts > 0;
    store.outbox.markSending(item.id);
    const outcome = await this.attempt(
      `outbox:${item.id}`,
      item.attempts,
      async () => {
        if (item.kind === 'chart' || item.kind === 'output') {
          await this.uploadFile(item, threadTs, mayHaveBeenSent);
          store.outbox.markSent(item.id, '');
          return;
        }
        const existing = mayHaveBeenSent
          ? await chat.findPosted(item.channel, threadTs ?? undefined, marker)
          : null;
        const ts =
          existing ??
          (
            await chat.post({
              channel: item.channel,
              text: item.text,
              ...(item.blocks ? { blocks: item.blocks } : {}),
              ...(threadTs ? { threadTs } : {}),
              marker,
            })
          ).ts;
        store.outbox.markSent(item.id, ts);
      },
      (error) =>
        item.droppable ? store.outbox.markDropped(item.id, error) : store.outbox.markFailed(item.id, error),
    );
    if (outcome === 'retry') store.outbox.release(item.id, 'will retry');
  }

  /**
   * A chart, or a command's full output. The file name is the marker: after a crash, an upload
   * already in the thread is not repeated.
   */
  private async uploadFile(
    item: OutboxItem,
    threadTs: string | null,
    mayHaveBeenSent: boolean,
  ): Promise<void> {
    const { store, chat } = this.deps;
    const chart = item.kind === 'chart';
    const data = chart
      ? item.analysisId === null
        ? null
        : store.analyses.chart(item.analysisId)
      : item.approvalId === null
        ? null
        : store.approvals.fullOutput(item.approvalId);
    if (!data) return;
    const filename = chart
      ? `aals-incident-${item.incidentId}-chart-${item.id}.png`
      : `aals-command-${item.approvalId}-output.txt`;
    if (mayHaveBeenSent && (await chat.findUpload(item.channel, threadTs ?? undefined, filename))) return;
    await chat.upload({
      channel: item.channel,
      ...(threadTs ? { threadTs } : {}),
      data,
      filename,
      title: item.text,
    });
  }

  /**
   * Runs a Slack call. Permanent errors call `giveUp`; transient ones are retried with backoff
   * (up to MAX_ATTEMPTS, then `giveUp`).
   */
  private async attempt(
    key: string,
    attempts: number,
    call: () => Promise<void>,
    giveUp?: (error: string) => void,
  ): Promise<'done' | 'retry' | 'failed'> {
    try {
      await call();
      this.retryAt.delete(key);
      return 'done';
    } catch (error) {
      const message = errorMessage(error);
      this.deps.metrics.slackApiErrors.inc({
        method: key.split(':')[0] as string,
        error: /(\w+)$/.exec(message)?.[1] ?? 'unknown',
      });
      if (PERMANENT.test(message) || attempts + 1 >= MAX_ATTEMPTS) {
        this.deps.logger.warn('slack call failed for good', { key, error: message });
        giveUp?.(message);
        this.retryAt.delete(key);
        return 'failed';
      }
      this.deps.logger.warn('slack call failed, will retry', { key, error: message });
      this.retryAt.set(key, Date.now() + 1000 * 2 ** attempts);
      return 'retry';
    }
  }
}

/** Where an outbox item goes: its own thread, or its incident's; undefined while that is unknown. */
function threadOf(entry: OutboxEntry): string | null | undefined {
  if (entry.threadTs) return entry.threadTs;
  if (entry.incidentId === null) return null;
  return entry.incidentThreadTs ?? undefined;
}
