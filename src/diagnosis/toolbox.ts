import { formatNumber } from '../analyzers/prometheus/chart.js';
import type { PrometheusClient, Series } from '../integrations/prometheus/client.js';
import type { DiagnosisToolbox } from '../llm/tools.js';
import type { MemoryIndex } from '../memory/index.js';

/**
 * The agent's lookup tools over AALS's own integrations. Results are summaries, not raw data:
 * a range query comes back as one line per series (first, min, max, last), at most 20 series.
 */
const MAX_SERIES = 20;

export function diagnosisToolbox(deps: {
  prometheus: PrometheusClient | null;
  memory: MemoryIndex | null;
}): DiagnosisToolbox {
  const toolbox: DiagnosisToolbox = {};
  const { prometheus, memory } = deps;
  if (prometheus) {
    toolbox.queryPrometheus = async (query, minutes) => {
      const end = new Date();
      const start = new Date(end.getTime() - minutes * 60_000);
      const result = await prometheus.queryRange(
        query,
        start,
        end,
        Math.max(15, Math.round((minutes * 60) / 60)),
      );
      if (result.status === 'error') {
        return `query failed${result.httpStatus ? ` (HTTP ${result.httpStatus})` : ''}: ${result.error}`;
      }
      return summarizeSeries(result.value, minutes);
    };
  }
  if (memory) {
    toolbox.searchIncidents = async (query) => {
      const hits = await memory.search(query, { limit: 5 });
      if (hits.length === 0) return 'no match';
      return hits
        .map(
          (h) =>
            `${h.id}: "${h.title}" (${h.source}, ${h.createdAt.slice(0, 10)}, score ${h.score.toFixed(2)})${h.resolution ? ` fixed by: ${h.resolution.slice(0, 300)}` : ''}`,
        )
        .join('\n');
    };
    toolbox.readRunbook = async (id) => {
      const doc = memory.read(id) ?? memory.read(`runbook:${id}`);
      return doc ? `${doc.title}\n\n${doc.body}` : `no runbook or incident with id ${id}`;
    };
  }
  return toolbox;
}

export function summarizeSeries(series: Series[], minutes: number): string {
  if (series.length === 0) return `no data in the last ${minutes} min`;
  const lines = series.slice(0, MAX_SERIES).map((s) => {
    const values = s.points.map((p) => p.v).filter(Number.isFinite);
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    if (values.length === 0) return `{${labels}} no samples`;
    return `{${labels}} first ${formatNumber(values[0] as number)} min ${formatNumber(Math.min(...values))} max ${formatNumber(Math.max(...values))} last ${formatNumber(values.at(-1) as number)} (${values.length} points over ${minutes} min)`;
  });
  if (series.length > MAX_SERIES) lines.push(`…and ${series.length - MAX_SERIES} more series`);
  return lines.join('\n');
}
