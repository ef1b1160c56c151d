import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** AALS's own Prometheus metrics, served on /metrics. One registry per running instance. */
export class Metrics {
  readonly registry = new Registry();
  readonly eventsReceived = new Counter({
    name: 'aals_events_received_total',
    help: 'Payloads received, by kind (slack_event, alertmanager_webhook, …) and whether they were new.',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly alertsParsed = new Counter({
    name: 'aals_alerts_parsed_total',
    help: 'Normalized alerts read, by source and status.',
    labelNames: ['source', 'status'] as const,
    registers: [this.registry],
  });
  readonly eventsProcessed = new Counter({
    name: 'aals_events_processed_total',
    help: 'Received events by final status (done, ignored, unparsed, failed).',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly replyLatency = new Histogram({
    name: 'aals_reply_latency_seconds',
    help: 'From receiving a notification to its first reply being posted.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly slackApiErrors = new Counter({
    name: 'aals_slack_api_errors_total',
    help: 'Slack Web API calls that failed after retries, by method and error.',
    labelNames: ['method', 'error'] as const,
    registers: [this.registry],
  });
  readonly inboxBacklog = new Gauge({
    name: 'aals_inbox_backlog',
    help: 'Received events not yet fully processed.',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'aals_' });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
