import { exprFromGeneratorUrl, fillTemplate, splitThreshold } from '../../integrations/prometheus/promql.js';

/**
 * Which PromQL to run for an alert: its own expression (from the generatorURL, else the alerting
 * rule of the same name), the configured templates whose `match` fits the alert's labels, and
 * built-in golden signals for a service and node metrics for an instance. Pure.
 */
export interface QuerySpec {
  name: string;
  expr: string;
  /** 'alert': the alert's own expression; 'signal': context around it. */
  role: 'alert' | 'signal';
  unit?: string | undefined;
  /** A ceiling the series may grow into (disk 100 %): forecast when it will be reached. */
  limit?: number | undefined;
  /** The alert's threshold, split off its expression (drawn on the chart). */
  threshold?: number | undefined;
}

export interface QueryTemplate {
  /** Label name → regular expression the label's value must match (all must match). */
  match: Record<string, string>;
  queries: Array<{ name: string; expr: string; unit?: string | undefined; limit?: number | undefined }>;
}

const NOT_VIRTUAL_FS = 'fstype!~"tmpfs|overlay|squashfs|nsfs"';

export const BUILTIN_TEMPLATES: QueryTemplate[] = [
  {
    match: { instance: '.+' },
    queries: [
      {
        name: 'CPU usage',
        expr: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle", instance={{instance}}}[5m])))',
        unit: '%',
        limit: 100,
      },
      {
        name: 'memory used',
        expr: '100 * (1 - node_memory_MemAvailable_bytes{instance={{instance}}} / node_memory_MemTotal_bytes{instance={{instance}}})',
        unit: '%',
        limit: 100,
      },
      {
        name: 'disk used',
        expr: `100 * (1 - node_filesystem_avail_bytes{instance={{instance}}, ${NOT_VIRTUAL_FS}} / node_filesystem_size_bytes{instance={{instance}}, ${NOT_VIRTUAL_FS}})`,
        unit: '%',
        limit: 100,
      },
      {
        name: 'network received',
        expr: 'sum by (instance) (rate(node_network_receive_bytes_total{instance={{instance}}, device!="lo"}[5m]))',
        unit: 'B/s',
      },
    ],
  },
  {
    match: { service: '.+' },
    queries: [
      {
        name: 'p99 latency',
        expr: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service={{service}}}[5m])))',
        unit: 's',
      },
      { name: 'traffic', expr: 'sum(rate(http_requests_total{service={{service}}}[5m]))', unit: 'req/s' },
      {
        name: 'error ratio',
        expr: 'sum(rate(http_requests_total{service={{service}}, code=~"5.."}[5m])) / sum(rate(http_requests_total{service={{service}}}[5m]))',
      },
    ],
  },
];

export function templateMatches(template: QueryTemplate, labels: Record<string, string>): boolean {
  return Object.entries(template.match).every(([name, pattern]) => {
    const value = labels[name];
    if (value === undefined) return false;
    try {
      return new RegExp(`^(?:${pattern})$`).test(value);
    } catch {
      return false;
    }
  });
}

export function planQueries(
  alert: { alertname: string; labels: Record<string, string>; generatorURL?: string | undefined },
  ruleExpr: string | null,
  templates: QueryTemplate[],
  builtins: boolean,
): QuerySpec[] {
  const specs: QuerySpec[] = [];
  const own = exprFromGeneratorUrl(alert.generatorURL) ?? ruleExpr;
  if (own) {
    const { expr, threshold } = splitThreshold(own);
    specs.push({ name: alert.alertname, expr, role: 'alert', ...(threshold !== null ? { threshold } : {}) });
  }
  const labels = { alertname: alert.alertname, ...alert.labels };
  for (const template of [...templates, ...(builtins ? BUILTIN_TEMPLATES : [])]) {
    if (!templateMatches(template, labels)) continue;
    for (const query of template.queries) {
      const expr = fillTemplate(query.expr, labels);
      if (!expr || specs.some((s) => s.expr === expr)) continue;
      specs.push({ name: query.name, expr, role: 'signal', unit: query.unit, limit: query.limit });
    }
  }
  return specs;
}
