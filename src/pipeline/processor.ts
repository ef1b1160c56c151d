import type { Logger } from 'winston';
import { environmentOf } from '../config/derived.js';
import type { AalsConfig } from '../config/schema.js';
import type { Alert } from '../domain/alert.js';
import { errorMessage } from '../errors.js';
import type { AlertmanagerClient } from '../integrations/alertmanager/client.js';
import { resolveFromAlertmanager, resolveFromKnownGroup } from '../integrations/alertmanager/resolve.js';
import type { Metrics } from '../observability/metrics.js';
import { classifyPattern } from '../readers/patterns.js';
import { parsePayload } from '../readers/registry.js';
import type { RawEvent } from '../store/raw-events.js';
import type { Store } from '../store/store.js';
import type { IncidentTracker, Origin } from './incident-tracker.js';

/**
 * Turns one stored raw event into alerts and incident changes in a single SQLite transaction:
 * parse, (optionally) resolve label values through Alertmanager, store each alert, classify its
 * pattern, correlate it, and queue what Slack must be told. A crash before the commit leaves the
 * event pending and changes nothing; the dispatcher posts what was committed.
 */
export interface ProcessorDeps {
  config: AalsConfig;
  store: Store;
  tracker: IncidentTracker;
  logger: Logger;
  metrics: Metrics;
  alertmanager?: AlertmanagerClient | undefined;
  /** Channel ID → name, for channel-to-environment mapping. */
  channelName?: (id: string) => string | undefined;
  /** Where webhook alerts get their thread (a channel ID). */
  notifyChannel: () => string | null;
  /** Called after a commit that changed incidents, so Slack hears about it now. */
  onCommitted?: () => void;
}

export const MAX_ATTEMPTS = 5;

export class Processor {
  constructor(private readonly deps: ProcessorDeps) {}

  async process(id: number): Promise<void> {
    const { store } = this.deps;
    const event = store.rawEvents.get(id);
    if (!event || (event.status !== 'pending' && event.status !== 'processing')) return;
    if (event.attempts >= MAX_ATTEMPTS) {
      this.finish(
        event,
        'failed',
        `gave up after ${event.attempts} attempts: ${event.error ?? 'unknown error'}`,
      );
      return;
    }
    const claimed = store.rawEvents.claim(id) as RawEvent;
    const receivedAt = new Date(claimed.receivedAt);
    let alerts: Alert[];
    let parser: string | null;
    try {
      ({ alerts, parser } = parsePayload(JSON.parse(claimed.body), { receivedAt }));
    } catch (error) {
      this.finish(claimed, 'unparsed', errorMessage(error));
      return;
    }
    if (alerts.length === 0) {
      this.finish(claimed, 'ignored', 'no alert in this message');
      return;
    }
    const notes: string[] = [];
    alerts = await this.enrich(alerts, receivedAt, notes);
    try {
      this.commit(claimed, alerts, parser, notes, receivedAt);
    } catch (error) {
      // The transaction rolled back: memory must forget what it saw too.
      this.deps.tracker.reset();
      throw error;
    }
    for (const alert of alerts)
      this.deps.metrics.alertsParsed.inc({ source: alert.source, status: alert.status });
    this.deps.metrics.eventsProcessed.inc({ status: 'done' });
    this.deps.onCommitted?.();
  }

  private commit(
    event: RawEvent,
    alerts: Alert[],
    parser: string | null,
    notes: string[],
    receivedAt: Date,
  ): void {
    const { store, tracker, config } = this.deps;
    const origin = this.originOf(event);
    const patterns = config.patterns;
    const lookback = new Date(
      receivedAt.getTime() -
        Math.max(patterns.recurring.windowMinutes, patterns.flapping.windowMinutes) * 60_000,
    );
    store.transaction(() => {
      tracker.beginEvent();
      const incidents = new Set<number>();
      for (const alert of alerts) {
        const stored = store.alerts.insert(alert, {
          rawEventId: event.id,
          environment: environmentOf(config, alert.labels, this.channelOf(event)),
          channel: event.channel,
          messageTs: event.messageTs,
          receivedAt,
        });
        const history = store.alerts.historyBefore(stored, lookback);
        const pattern = classifyPattern(history, { status: alert.status, at: receivedAt }, patterns);
        incidents.add(tracker.track(stored, pattern, origin, receivedAt).incident.id);
      }
      for (const id of incidents) {
        for (const note of notes) store.incidents.event(id, 'note', { note });
      }
      store.rawEvents.setStatus(event.id, 'done');
      store.audit.append({
        actor: 'aals',
        action: 'alerts.read',
        subject: `raw_event:${event.id}`,
        details: {
          parser,
          incidents: [...incidents],
          alerts: alerts.map((a) => ({ fingerprint: a.fingerprint, status: a.status })),
          ...(notes.length ? { notes } : {}),
        },
      });
    });
    this.deps.logger.info('alerts read', { rawEventId: event.id, parser, alerts: alerts.length });
  }

  /**
   * Alertmanager's default Slack message names label values only: while firing, Alertmanager knows
   * the full alerts; once resolved, the alerts that fired in that group are resolved.
   */
  private async enrich(alerts: Alert[], receivedAt: Date, notes: string[]): Promise<Alert[]> {
    const client = this.deps.alertmanager;
    const enriched: Alert[] = [];
    for (const alert of alerts) {
      if (alert.status === 'resolved' && alert.groupKey?.startsWith('alertmanager-slack:')) {
        enriched.push(
          ...resolveFromKnownGroup(
            alert,
            this.deps.store.incidents.alertsInGroup(alert.groupKey),
            receivedAt,
          ),
        );
        continue;
      }
      if (!client) {
        enriched.push(alert);
        continue;
      }
      try {
        enriched.push(...(await resolveFromAlertmanager(alert, client, receivedAt)));
      } catch (error) {
        enriched.push(alert);
        const note = `Alertmanager unreachable, labels come from the message only (${errorMessage(error)})`;
        if (!notes.includes(note)) notes.push(note);
        this.deps.logger.warn('alertmanager lookup failed', { error: errorMessage(error) });
      }
    }
    return enriched;
  }

  private finish(event: RawEvent, status: 'ignored' | 'unparsed' | 'failed', error: string) {
    const { store, metrics, logger } = this.deps;
    store.rawEvents.setStatus(event.id, status, error);
    metrics.eventsProcessed.inc({ status });
    if (status !== 'ignored') {
      logger.warn(`event ${status}`, { rawEventId: event.id, kind: event.kind, error });
      store.audit.append({
        actor: 'aals',
        action: `event.${status}`,
        subject: `raw_event:${event.id}`,
        details: { error },
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
