import { resolve } from 'node:path';
import winston from 'winston';
import { environmentOf } from '../../config/derived.js';
import { createDiagnoser } from '../../diagnosis/factory.js';
import { alertFromText, inputFromAlerts } from '../../diagnosis/from-alerts.js';
import { diagnosisText } from '../../diagnosis/plain-text.js';
import {
  createPrometheusAnalyzer,
  createPrometheusClient,
} from '../../integrations/prometheus/analyzer-factory.js';
import { policyAssessor } from '../../policy/assessor.js';
import { parseSlackMessage } from '../../readers/registry.js';
import { Store } from '../../store/store.js';
import { readAlertsFile } from '../alert-file.js';
import { parseCommandArgs } from '../context.js';
import { type CliIo, printJson, UsageError } from '../io.js';
import { openMemory } from './memory-context.js';

/**
 * `aals diagnose [--alert F.json] [TEXT] [--deep] [--json]`: the diagnosis the thread would get,
 * with the same evidence (Prometheus when configured, incident memory), the same provider,
 * budget and policy — without Slack.
 */
export async function diagnoseCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, load } = parseCommandArgs(
    args,
    { alert: { type: 'string' }, deep: { type: 'boolean' }, json: { type: 'boolean' } },
    io,
  );
  const text = positionals.join(' ').trim();
  if (!values.alert && !text) {
    throw new UsageError(
      'diagnose needs --alert FILE.json or the alert text, e.g. aals diagnose "DiskFull on db-1"',
    );
  }
  const { config } = load();
  const parsed = values.alert
    ? readAlertsFile(resolve(io.cwd, String(values.alert)))
    : parseSlackMessage({ text }, { receivedAt: new Date() }).alerts;
  const alerts = parsed.length > 0 ? parsed : [alertFromText(text, new Date())];
  const root = alerts[0];
  const environment = root ? environmentOf(config, root.labels) : config.environment;
  const logger = winston.createLogger({ silent: true });
  const store = Store.open(resolve(io.cwd, config.storage.dataDir));
  const { memory, close } = openMemory(config, io);
  try {
    const analyzer = createPrometheusAnalyzer(config);
    const analysis =
      analyzer && root
        ? await analyzer.analyze(
            {
              alertname: root.alertname,
              labels: root.labels,
              generatorURL: root.generatorURL,
              startsAt: root.startsAt,
            },
            new Date(),
          )
        : null;
    const query = [root?.alertname, root?.annotations.summary, root?.annotations.description, text]
      .filter(Boolean)
      .join(' ');
    const similar = await memory.similar(query, { ...(root ? { alertname: root.alertname } : {}) });
    const input = inputFromAlerts(alerts, config.correlation, {
      environment,
      findings: analysis?.findings ?? null,
      similar,
      ...(text && (values.alert || parsed.length === 0) ? { question: text } : {}),
    });
    const diagnoser = createDiagnoser(config, store, {
      logger,
      prometheus: analyzer ? createPrometheusClient(config) : null,
      memory: memory.index,
      assess: policyAssessor(config),
    });
    const diagnosis = await diagnoser.diagnose(input, { mode: values.deep ? 'deep' : 'normal' });
    diagnoser.close();
    if (values.json) printJson(io, diagnosis);
    else io.stdout.write(diagnosisText(diagnosis));
    return 0;
  } finally {
    close();
    store.close();
  }
}
