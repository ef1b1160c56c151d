import type { Logger } from 'winston';
import type { PrometheusAnalyzer } from '../analyzers/prometheus/analyzer.js';
import { renderChart } from '../analyzers/prometheus/chart.js';
import type { Finding } from '../analyzers/prometheus/findings.js';
import { errorMessage } from '../errors.js';
import type { AnalysisRow } from '../store/analyses.js';
import type { Store } from '../store/store.js';
import { JobRunner } from './job-runner.js';

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

export class AnalysisRunner extends JobRunner<AnalysisRow> {
  constructor(private readonly deps: AnalysisRunnerDeps) {
    super({
      unfinished: (limit) => deps.store.analyses.unfinished(limit),
      concurrency: deps.concurrency ?? 2,
      onError: (job, error) =>
        deps.logger.error('metric analysis job failed', { job: job.id, error: errorMessage(error) }),
    });
  }

  protected async run(job: AnalysisRow): Promise<void> {
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
