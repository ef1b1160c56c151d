import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderChart } from '../../analyzers/prometheus/chart.js';
import { AalsError, ErrorCode } from '../../errors.js';
import { createPrometheusAnalyzer } from '../../integrations/prometheus/analyzer-factory.js';
import { parsePayload } from '../../readers/registry.js';
import { findingLines } from '../../slack/views/findings.js';
import { parseCommandArgs } from '../context.js';
import { type CliIo, printJson, UsageError } from '../io.js';

/**
 * `aals analyze --alert F.json`: the metric findings for an alert (a normalized alert as `parse`
 * prints it, `{"alerts":[…]}`, or any payload `parse` accepts), from the configured Prometheus.
 */
export async function analyzeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, load } = parseCommandArgs(
    args,
    {
      alert: { type: 'string' },
      chart: { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean' },
    },
    io,
  );
  if (!values.alert) throw new UsageError('analyze needs --alert FILE.json');
  const { config } = load();
  const analyzer = createPrometheusAnalyzer(config);
  if (!analyzer)
    throw new UsageError('no Prometheus configured: set PROMETHEUS_URL or modules.prometheus.url');
  const alert = readAlert(resolve(io.cwd, values.alert as string));
  const now = values.now ? new Date(values.now as string) : new Date();
  if (Number.isNaN(now.getTime())) throw new UsageError('--now must be an ISO-8601 time');
  const analysis = await analyzer.analyze(alert, now);
  if (values.chart && analysis.chart[0]) {
    const first = analysis.chart[0];
    const anomaly = analysis.findings.find((f) => f.kind === 'anomaly' && f.series.query === first.ref.query);
    writeFileSync(
      resolve(io.cwd, values.chart as string),
      renderChart({
        title: first.ref.name,
        unit: first.ref.unit,
        series: analysis.chart.map((s) => ({ label: s.ref.labels.instance ?? s.ref.name, points: s.points })),
        span: anomaly?.kind === 'anomaly' ? { start: anomaly.start, end: anomaly.end } : undefined,
        alertAt: Date.parse(alert.startsAt),
        threshold: first.ref.threshold,
      }),
    );
  }
  if (values.json)
    printJson(io, {
      findings: analysis.findings,
      window: analysis.window,
      queries: analysis.queries,
      millis: analysis.millis,
    });
  else {
    io.stdout.write(`${alert.alertname}: ${analysis.queries} queries in ${analysis.millis} ms\n`);
    for (const line of findingLines(analysis.findings, now, 50)) io.stdout.write(`${plain(line)}\n`);
  }
  return analysis.findings.some((f) => f.kind === 'unreachable') ? 1 : 0;
}

function readAlert(path: string) {
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  const record = payload as Record<string, unknown>;
  const direct = typeof record.alertname === 'string' && record.labels && typeof record.startsAt === 'string';
  if (direct) {
    return {
      alertname: record.alertname as string,
      labels: record.labels as Record<string, string>,
      startsAt: record.startsAt as string,
      generatorURL: record.generatorURL as string | undefined,
    };
  }
  const candidates =
    Array.isArray(record.alerts) && !('version' in record) && !('groupKey' in record)
      ? (record.alerts as Array<Record<string, unknown>>)
      : null;
  const first =
    candidates?.[0] ??
    (() => {
      try {
        return parsePayload(payload, { receivedAt: new Date() }).alerts[0] as unknown as
          | Record<string, unknown>
          | undefined;
      } catch (error) {
        if (error instanceof AalsError && error.code === ErrorCode.BadInput)
          throw new UsageError(error.message);
        throw error;
      }
    })();
  if (!first) throw new UsageError('no alert found in the file');
  return {
    alertname: String(first.alertname),
    labels: (first.labels ?? {}) as Record<string, string>,
    startsAt: String(first.startsAt ?? new Date().toISOString()),
    generatorURL: first.generatorURL as string | undefined,
  };
}

/** Slack mrkdwn to terminal text. */
function plain(line: string): string {
  return line
    .replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1')
    .replace(/:[a-z_]+: /g, '')
    .replace(/\*/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
