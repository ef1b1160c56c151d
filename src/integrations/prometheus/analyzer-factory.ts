import { scoreSeries } from '../../analyzers/anomaly/detector.js';
import { DEFAULT_ANALYZER, PrometheusAnalyzer } from '../../analyzers/prometheus/analyzer.js';
import { isModuleEnabled } from '../../config/derived.js';
import type { AalsConfig } from '../../config/schema.js';
import { PrometheusClient } from './client.js';

/** The Prometheus client from `modules.prometheus`. */
export function createPrometheusClient(
  config: AalsConfig,
  url = config.modules.prometheus.url,
): PrometheusClient | null {
  const settings = config.modules.prometheus;
  if (!url) return null;
  return new PrometheusClient({
    url,
    timeoutMs: settings.timeoutMs,
    bearerToken: settings.bearerToken,
    basicAuth: settings.basicAuth,
    tls: settings.tls,
  });
}

/** The analyzer, or null when the Prometheus module is off. */
export function createPrometheusAnalyzer(config: AalsConfig): PrometheusAnalyzer | null {
  if (!isModuleEnabled(config, 'prometheus')) return null;
  const client = createPrometheusClient(config);
  if (!client) return null;
  const settings = config.modules.prometheus;
  return new PrometheusAnalyzer(
    client,
    {
      ...DEFAULT_ANALYZER,
      windowMinutes: settings.windowMinutes,
      deadlineMs: settings.deadlineMs,
      relatedSeries: settings.relatedSeries,
      builtins: settings.builtinQueries,
      templates: settings.templates,
    },
    (values, timestamps) => scoreSeries(values, timestamps),
  );
}
