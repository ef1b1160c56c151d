import { fileURLToPath } from 'node:url';
import winston from 'winston';
import { loadConfig } from '../config/load.js';
import { createDiagnoser } from '../diagnosis/factory.js';
import { errorMessage } from '../errors.js';
import { policyAssessor } from '../policy/assessor.js';
import { Store } from '../store/store.js';
import { loadScenarios, passed, recordedToolbox, scenarioInput, scenarioNow, score } from './scenarios.js';

/**
 * `npm run eval`: the diagnosis eval scenarios against the configured live model (needs
 * ANTHROPIC_API_KEY or an OpenAI-compatible server; never run in CI). Tools answer from the
 * recordings, so only the model varies. Prints per-scenario results, pass rate, cost and latency.
 */
async function main(): Promise<number> {
  const { config } = loadConfig({ env: process.env });
  const dir = fileURLToPath(new URL('../../tests/evals/', import.meta.url));
  const scenarios = loadScenarios(dir);
  const store = Store.open(':memory:');
  const logger = winston.createLogger({ silent: true });
  let passes = 0;
  let cost = 0;
  const latencies: number[] = [];
  for (const scenario of scenarios) {
    const ja = /[\u3040-\u30ff]/.test(scenario.incident.alerts[0]?.alertname ?? '');
    const llm = {
      ...config.modules.llm,
      cacheTtlMinutes: 0,
      language: ja ? ('ja' as const) : ('en' as const),
    };
    const diagnoser = createDiagnoser({ ...config, modules: { ...config.modules, llm } }, store, {
      logger,
      prometheus: null,
      memory: null,
      assess: policyAssessor(config),
      // Lookups answer from the recordings; only the model is live.
      toolbox: recordedToolbox(scenario),
    });
    if (!diagnoser.usesLlm) {
      process.stderr.write('no LLM configured: set ANTHROPIC_API_KEY (or OPENAI_BASE_URL)\n');
      return 2;
    }
    const started = Date.now();
    const diagnosis = await diagnoser.diagnose(scenarioInput(scenario), { now: scenarioNow(scenario) });
    const millis = Date.now() - started;
    latencies.push(millis);
    cost += diagnosis.usage?.costUsd ?? 0;
    const result = score(scenario, diagnosis, true);
    if (passed(result)) passes++;
    process.stdout.write(
      `${passed(result) ? 'PASS' : 'FAIL'} ${scenario.name}  ${millis} ms  $${(diagnosis.usage?.costUsd ?? 0).toFixed(4)}  root cause: ${diagnosis.rootCause?.candidate ?? '-'}${result.missingFacts.length ? `  missing: ${result.missingFacts.join(', ')}` : ''}${diagnosis.notes.length ? `  notes: ${diagnosis.notes.join(' ')}` : ''}\n`,
    );
    diagnoser.close();
  }
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  process.stdout.write(
    `\npass rate ${passes}/${scenarios.length} (${Math.round((100 * passes) / scenarios.length)} %) · cost $${cost.toFixed(4)} · latency p50 ${p(0.5)} ms, p95 ${p(0.95)} ms\n`,
  );
  store.close();
  return passes === scenarios.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${errorMessage(error)}\n`);
    process.exit(1);
  },
);
