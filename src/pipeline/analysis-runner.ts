import type { Logger } from 'winston';
import type { PrometheusAnalyzer } from '../analyzers/prometheus/analyzer.js';
import { renderChart } from '../analyzers/prometheus/chart.js';
import type { Finding } from '../analyzers/prometheus/findings.js';
import { errorMessage } from '../errors.js';
import type { AnalysisRow } from '../store/analyses.js';
import type { Store } from '../store/store.js';

/**
 * Runs the metric analysis of each newly opened incident in the background (the first reply never
 * waits for it), stores the findings, marks the incident summary as behind so it shows them, and
 * queues the chart for its thread. Unfinished analyses are picked up again after a restart.
 */
export interface AnalysisRunnerDeps {
  store: Store;
  analyzer: PrometheusAnalyzer;
  logger: Logger;
  /** Called after an analysis is stored, so Slack hears about it. */
  onStored: () => void;
  concurrency?: number;
}

const MAX_ATTEMPTS = 3;

export class AnalysisRunner {
  private running = 0;
  private stopped = false;
  private readonly inFlight = new Set<number>();
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly deps: AnalysisRunnerDeps) {}

  wake(): void {
    if (this.stopped) return;
    const limit = this.deps.concurrency ?? 2;
    for (const job of this.deps.store.analyses.unfinished(limit * 2)) {
      if (this.running >= limit) break;
      if (this.inFlight.has(job.id)) continue;
      this.inFlight.add(job.id);
      this.running++;
      this.run(job).finally(() => {
        this.running--;
        this.inFlight.delete(job.id);
        this.wake();
      });
    }
    this.settleIfIdle();
  }

  /** Resolves idle() waiters once nothing runs and nothing waits to run. */
  private settleIfIdle(): void {
    if (this.running === 0 && (this.stopped || this.deps.store.analyses.unfinished(1).length === 0)) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  idle(): Promise<void> {
    if (this.running === 0 && this.deps.store.analyses.unfinished(1).length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.wake();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const deadline = Date.now() + 5000;
    while (this.running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  private async run(job: AnalysisRow): Promise<void> {
    const { store, analyzer, logger } = this.deps;
    if (job.attempts >= MAX_ATTEMPTS) {
      this.failed(job, `gave up after ${job.attempts} attempts`);
      return;
    }
    store.analyses.start(job.id);
    const alert = store.incidents.alertsOf(job.incidentId).find((a) => a.fingerprint === job.fingerprint);
    if (!alert) {
      this.failed(job, 'the alert is no longer part of the incident');
      return;
    }
    try {
      const startsAt = new Date(alert.startsAt).toISOString();
      const analysis = await analyzer.analyze(
        { alertname: alert.alertname, labels: alert.labels, generatorURL: alert.generatorURL, startsAt },
        new Date(),
      );
      const chart = this.chart(analysis.findings, analysis.chart, alert.startsAt);
      store.transaction(() => {
        store.analyses.finish(job.id, analysis.findings, chart, analysis.millis);
        store.incidents.bumpSummary(job.incidentId);
        const incident = store.incidents.get(job.incidentId);
        if (chart && incident?.channel) {
          const first = analysis.chart[0];
          store.outbox.add({
            incidentId: job.incidentId,
            kind: 'chart',
            channel: incident.channel,
            threadTs: null,
            text: first
              ? `${first.ref.name}${first.ref.labels.instance ? ` · ${first.ref.labels.instance}` : ''}`
              : 'metrics',
            analysisId: job.id,
          });
        }
      });
      logger.info('metric analysis done', {
        incident: job.incidentId,
        findings: analysis.findings.length,
        millis: analysis.millis,
      });
    } catch (error) {
      logger.warn('metric analysis failed', { incident: job.incidentId, error: errorMessage(error) });
      this.failed(job, errorMessage(error));
      return;
    }
    this.deps.onStored();
  }

  /** A failure the summary shows ("analysis failed: …"). */
  private failed(job: AnalysisRow, error: string): void {
    const { store } = this.deps;
    store.transaction(() => {
      store.analyses.fail(job.id, error);
      store.incidents.bumpSummary(job.incidentId);
    });
    this.deps.onStored();
  }

  private chart(
    findings: Finding[],
    series: Awaited<ReturnType<PrometheusAnalyzer['analyze']>>['chart'],
    alertAt: number,
  ) {
    const first = series[0];
    if (!first) return null;
    const anomaly = findings.find(
      (f) =>
        f.kind === 'anomaly' &&
        f.series.query === first.ref.query &&
        JSON.stringify(f.series.labels) === JSON.stringify(first.ref.labels),
    );
    try {
      return renderChart({
        title: `${first.ref.name}${first.ref.labels.instance ? ` · ${first.ref.labels.instance}` : ''}`,
        unit: first.ref.unit,
        series: series.map((s) => ({
          label: s.ref.labels.instance ?? s.ref.labels.mountpoint ?? s.ref.name,
          points: s.points,
        })),
        span: anomaly?.kind === 'anomaly' ? { start: anomaly.start, end: anomaly.end } : undefined,
        alertAt,
        threshold: first.ref.threshold,
      });
    } catch (error) {
      this.deps.logger.warn('chart could not be rendered', { error: errorMessage(error) });
      return null;
    }
  }
}
