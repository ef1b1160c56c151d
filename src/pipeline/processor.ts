import type { Logger } from 'winston';
import { environmentOf } from '../config/derived.js';
import type { AalsConfig } from '../config/schema.js';
import type { Alert } from '../domain/alert.js';
import { AalsError, errorMessage } from '../errors.js';
import type { AlertmanagerClient } from '../integrations/alertmanager/client.js';
import { resolveFromAlertmanager } from '../integrations/alertmanager/resolve.js';
import type { Metrics } from '../observability/metrics.js';
import { classifyPattern } from '../readers/patterns.js';
import { parsePayload } from '../readers/registry.js';
import type { RawEvent } from '../store/raw-events.js';
import type { Store } from '../store/store.js';
import { threadKeys } from '../store/threads.js';
import type { ChatPort } from './chat-port.js';
import { type Origin, type PlanItem, type PlannedPost, planReplies } from './reply-plan.js';

/**
 * Turns one stored raw event into alerts and replies, in two steps that each survive a crash:
 * 1. analyze (one SQLite transaction): parse, store alerts, compute patterns, update threads and
 *    save the reply plan; a crash before the commit leaves the event pending, after it 'replying';
 * 2. deliver: post each planned message once, recording it; after a crash the marker stored with
 *    every message tells whether it already reached Slack, so nothing is posted twice.
 */
export interface ProcessorDeps {
  config: AalsConfig;
  store: Store;
  chat: ChatPort;
  logger: Logger;
  metrics: Metrics;
  alertmanager?: AlertmanagerClient | undefined;
  /** Channel ID → name, for channel-to-environment mapping. */
  channelName?: (id: string) => string | undefined;
  /** Where webhook alerts get their thread (a channel ID). */
  notifyChannel: () => string | null;
  now?: () => Date;
}

/** Errors that retrying cannot fix: the event is marked failed instead of retried. */
const PERMANENT_SLACK_ERRORS =
  /channel_not_found|not_in_channel|invalid_blocks|msg_too_long|is_archived|invalid_auth|account_inactive|missing_scope/;

export const MAX_ATTEMPTS = 5;

export class TransientError extends Error {}

export class Processor {
  private readonly now: () => Date;

  constructor(private readonly deps: ProcessorDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Processes an event from wherever it stopped. Throws TransientError when it should be retried. */
  async process(id: number): Promise<void> {
    const { store } = this.deps;
    let event = store.rawEvents.get(id);
    if (!event || !['pending', 'processing', 'replying'].includes(event.status)) return;
    if (event.attempts >= MAX_ATTEMPTS) {
      this.finish(
        event,
        'failed',
        `gave up after ${event.attempts} attempts: ${event.error ?? 'unknown error'}`,
      );
      return;
    }
    const resuming = event.status === 'replying' || event.attempts > 0;
    if (event.status !== 'replying') {
      event = store.rawEvents.claim(id) as RawEvent;
      const analyzed = await this.analyze(event);
      if (!analyzed) return;
      event = analyzed;
    } else {
      event = store.rawEvents.claim(id) as RawEvent;
      store.rawEvents.setStatus(id, 'replying');
    }
    await this.deliver(event, resuming);
  }

  private async analyze(event: RawEvent): Promise<RawEvent | null> {
    const { store, logger, metrics } = this.deps;
    const receivedAt = new Date(event.receivedAt);
    let alerts: Alert[];
    let parser: string | null;
    try {
      ({ alerts, parser } = parsePayload(JSON.parse(event.body), { receivedAt }));
    } catch (error) {
      this.finish(event, 'unparsed', errorMessage(error));
      return null;
    }
    if (alerts.length === 0) {
      this.finish(event, 'ignored', 'no alert in this message');
      return null;
    }
    const notes: string[] = [];
    alerts = await this.enrich(alerts, receivedAt, notes);
    for (const alert of alerts) metrics.alertsParsed.inc({ source: alert.source, status: alert.status });

    const origin = this.originOf(event);
    const patterns = this.deps.config.patterns;
    const lookback = new Date(
      receivedAt.getTime() -
        Math.max(patterns.recurring.windowMinutes, patterns.flapping.windowMinutes) * 60_000,
    );
    store.transaction(() => {
      const items: PlanItem[] = alerts.map((alert) => {
        const stored = store.alerts.insert(alert, {
          rawEventId: event.id,
          environment: environmentOf(this.deps.config, alert.labels, this.channelOf(event)),
          channel: event.channel,
          messageTs: event.messageTs,
          receivedAt,
        });
        const history = store.alerts.historyBefore(stored, lookback);
        const pattern = classifyPattern(history, { status: alert.status, at: receivedAt }, patterns);
        const keys = threadKeys(alert, origin.kind === 'slack' ? origin.channel : 'webhook');
        const thread = store.threads.find(keys);
        const firingSince = thread?.status === 'firing' ? thread.firingSince : undefined;
        return { alert: stored, pattern, keys, thread, ...(firingSince ? { firingSince } : {}) };
      });
      const plan = planReplies(origin, items, {
        now: this.now(),
        recurringWindowMinutes: patterns.recurring.windowMinutes,
        flappingWindowMinutes: patterns.flapping.windowMinutes,
      });
      if (notes.length > 0 && plan[0]) {
        plan[0].blocks.push({ type: 'context', elements: notes.map((text) => ({ type: 'mrkdwn', text })) });
      }
      this.updateThreads(origin, items);
      store.rawEvents.savePlan(event.id, JSON.stringify(plan));
      store.audit.append({
        actor: 'aals',
        action: 'alerts.read',
        subject: `raw_event:${event.id}`,
        details: {
          parser,
          alerts: items.map((i) => ({ fingerprint: i.alert.fingerprint, status: i.alert.status })),
        },
      });
    });
    logger.info('alerts read', { rawEventId: event.id, parser, alerts: alerts.length });
    return store.rawEvents.get(event.id);
  }

  /** Alertmanager's default Slack message names label values only; Alertmanager knows the rest. */
  private async enrich(alerts: Alert[], receivedAt: Date, notes: string[]): Promise<Alert[]> {
    const client = this.deps.alertmanager;
    if (!client) return alerts;
    const enriched: Alert[] = [];
    for (const alert of alerts) {
      try {
        enriched.push(...(await resolveFromAlertmanager(alert, client, receivedAt)));
      } catch (error) {
        enriched.push(alert);
        const note = `:warning: Alertmanager unreachable, labels come from the message only (${errorMessage(error)})`;
        if (!notes.includes(note)) notes.push(note);
        this.deps.logger.warn('alertmanager lookup failed', { error: errorMessage(error) });
      }
    }
    return enriched;
  }

  private updateThreads(origin: Origin, items: PlanItem[]): void {
    const { threads } = this.deps.store;
    for (const item of items) {
      const { alert, keys, thread } = item;
      if (alert.status === 'resolved') {
        if (thread?.status === 'firing') threads.resolve(keys, alert.endsAt ?? alert.receivedAt);
      } else if (origin.kind === 'slack' && thread?.status !== 'firing') {
        threads.open(keys, origin.channel, origin.messageTs, alert.startsAt);
      }
    }
  }

  private async deliver(event: RawEvent, resuming: boolean): Promise<void> {
    const { store, chat, metrics } = this.deps;
    const plan: PlannedPost[] = JSON.parse(event.plan ?? '[]');
    let firstTs: string | null = null;
    for (const post of plan) {
      const marker = `aals:${event.id}:${post.part}`;
      let ts = store.replies.posted(event.id, post.part)?.ts ?? null;
      if (!ts && resuming)
        ts = await this.safely(() => chat.findPosted(post.channel, post.threadTs, marker), event);
      if (!ts) {
        const result = await this.safely(
          () =>
            chat.post({
              channel: post.channel,
              text: post.text,
              blocks: post.blocks,
              ...(post.threadTs ? { threadTs: post.threadTs } : {}),
              marker,
            }),
          event,
        );
        if (!result) return;
        ts = result.ts;
        if (post.part === 0) metrics.replyLatency.observe((Date.now() - Date.parse(event.receivedAt)) / 1000);
      }
      if (!ts) return;
      store.transaction(() => {
        store.replies.record(event.id, post.part, post.channel, ts as string);
        for (const opened of post.opensThreadFor ?? []) {
          store.threads.open(opened.keys, post.channel, ts as string, opened.firingSince);
        }
      });
      firstTs ??= ts;
    }
    this.finish(event, 'done', null, firstTs);
  }

  /** Runs a Slack call; a permanent error fails the event, a transient one asks for a retry. */
  private async safely<T>(call: () => Promise<T>, event: RawEvent): Promise<T | null> {
    try {
      return await call();
    } catch (error) {
      const message = errorMessage(error);
      this.deps.metrics.slackApiErrors.inc({
        method: 'chat',
        error: /(\w+)$/.exec(message)?.[1] ?? 'unknown',
      });
      if (PERMANENT_SLACK_ERRORS.test(message)) {
        this.finish(event, 'failed', message);
        return null;
      }
      this.deps.store.rawEvents.setStatus(event.id, 'replying', { error: message });
      throw new TransientError(message);
    }
  }

  private finish(
    event: RawEvent,
    status: 'done' | 'ignored' | 'unparsed' | 'failed',
    error: string | null,
    replyTs?: string | null,
  ) {
    const { store, metrics, logger } = this.deps;
    store.rawEvents.setStatus(event.id, status, { error, replyTs: replyTs ?? null });
    metrics.eventsProcessed.inc({ status });
    if (status === 'failed' || status === 'unparsed') {
      logger.warn(`event ${status}`, { rawEventId: event.id, kind: event.kind, error });
      store.audit.append({
        actor: 'aals',
        action: `event.${status}`,
        subject: `raw_event:${event.id}`,
        details: { error },
      });
    } else if (status === 'done') {
      store.audit.append({
        actor: 'aals',
        action: 'reply.posted',
        subject: `raw_event:${event.id}`,
        details: { ts: replyTs },
      });
    }
  }

  private originOf(event: RawEvent): Origin {
    if (event.kind === 'slack_event' && event.channel && event.messageTs) {
      return { kind: 'slack', channel: event.channel, messageTs: event.messageTs };
    }
    return { kind: 'webhook', notifyChannel: this.deps.notifyChannel() };
  }

  private channelOf(event: RawEvent): { id?: string; name?: string } | undefined {
    if (!event.channel) return undefined;
    const name = this.deps.channelName?.(event.channel);
    return name ? { id: event.channel, name } : { id: event.channel };
  }
}

export function isTransient(error: unknown): boolean {
  return (
    error instanceof TransientError ||
    (error instanceof AalsError && error.code === 'AALS_INTEGRATION_UNAVAILABLE')
  );
}
