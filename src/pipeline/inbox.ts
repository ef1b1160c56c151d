import type { Logger } from 'winston';
import { errorMessage } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { NewRawEvent, RawEvent } from '../store/raw-events.js';
import type { Store } from '../store/store.js';
import type { Processor } from './processor.js';

/**
 * The durable front door: `accept` stores a payload (deduplicated) before anything else happens,
 * then schedules it. Events of one lane (a channel) run in arrival order, so a RESOLVED message
 * never overtakes its FIRING one; lanes run in parallel. Transient failures retry with backoff;
 * on start, `recover` picks up whatever a previous run left unfinished.
 */
export interface InboxOptions {
  retryDelaysMs?: number[];
}

export class Inbox {
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly turns = new Turns();
  private readonly idleWaiters: Array<() => void> = [];
  private inFlight = 0;
  private stopped = false;
  private readonly retryDelaysMs: number[];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly processor: Processor,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    options: InboxOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? [500, 2000, 5000, 15000];
  }

  /** Stores the payload and schedules it; returns null for a duplicate (same dedup key). */
  accept(event: NewRawEvent): RawEvent | null {
    const stored = this.store.rawEvents.insert(event);
    this.metrics.eventsReceived.inc({ kind: event.kind, outcome: stored ? 'new' : 'duplicate' });
    if (stored && stored.status === 'pending') this.schedule(stored);
    return stored;
  }

  /** Schedules every event a previous run did not finish. */
  recover(): number {
    const unfinished = this.store.rawEvents.unfinished();
    for (const event of unfinished) this.schedule(event);
    if (unfinished.length > 0) this.logger.info('recovering unfinished events', { count: unfinished.length });
    return unfinished.length;
  }

  /** Resolves when nothing is queued or running (for tests, benchmarks and shutdown). */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.lanes.values()]);
  }

  get backlog(): number {
    return this.inFlight;
  }

  private schedule(event: RawEvent, attempt = 0): void {
    if (this.stopped) return;
    const lane = event.channel ?? event.kind;
    this.inFlight++;
    this.metrics.inboxBacklog.set(this.inFlight);
    const previous = this.lanes.get(lane) ?? Promise.resolve();
    // A lane never stops on a failure: the next event of the channel runs whatever happened before.
    const next = previous
      .catch(() => undefined)
      .then(() => this.turns.take())
      .then(() => this.run(event, attempt));
    this.lanes.set(lane, next);
    next
      .catch((error) => this.logger.error('inbox lane failed', { error: errorMessage(error) }))
      .finally(() => {
        if (this.lanes.get(lane) === next) this.lanes.delete(lane);
      });
  }

  private async run(event: RawEvent, attempt: number): Promise<void> {
    try {
      if (!this.stopped) await this.processor.process(event.id);
    } catch (error) {
      const delay = this.retryDelaysMs[attempt];
      if (delay !== undefined && !this.stopped) {
        this.logger.warn('event processing will be retried', {
          rawEventId: event.id,
          attempt,
          delay,
          error: errorMessage(error),
        });
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.schedule(event, attempt + 1);
        }, delay);
        this.timers.add(timer);
      } else {
        this.logger.error('event processing failed', { rawEventId: event.id, error: errorMessage(error) });
        try {
          this.store.rawEvents.setStatus(event.id, 'failed', errorMessage(error));
        } catch (storeError) {
          // The store cannot even record the failure (disk still full): the event stays in
          // `processing` and the next start picks it up again.
          this.logger.error('could not record the failed event', {
            rawEventId: event.id,
            error: errorMessage(storeError),
          });
        }
      }
    } finally {
      this.inFlight--;
      this.metrics.inboxBacklog.set(this.inFlight);
      if (this.inFlight === 0 && this.timers.size === 0) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
      }
    }
  }
}

/**
 * One event per turn of the event loop, whichever lane it is from: a backlog in several channels
 * must not hold up acks, timers and replies for one event per lane at a time.
 */
class Turns {
  private readonly waiting: Array<() => void> = [];
  private armed = false;

  take(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.arm();
    });
  }

  private arm(): void {
    if (this.armed) return;
    this.armed = true;
    setImmediate(() => {
      this.armed = false;
      this.waiting.shift()?.();
      if (this.waiting.length > 0) this.arm();
    });
  }
}
