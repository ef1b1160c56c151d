import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import winston from 'winston';
import { ConfigSchema } from '../../src/config/schema.js';
import { Diagnoser, type DiagnoserSettings } from '../../src/diagnosis/diagnoser.js';
import type { Diagnosis } from '../../src/domain/diagnosis.js';
import {
  loadScenarios,
  passed,
  recordedToolbox,
  type Scenario,
  type Score,
  scenarioInput,
  scenarioNow,
  score,
} from '../../src/evals/scenarios.js';
import { AnthropicProvider } from '../../src/llm/anthropic.js';
import { Budget } from '../../src/llm/budget.js';
import { promptRedactor } from '../../src/llm/redaction.js';
import { policyAssessor } from '../../src/policy/assessor.js';
import { Store } from '../../src/store/store.js';
import { type FakeAnthropic, reply, startFakeAnthropic } from '../../src/testing/fake-anthropic.js';

/**
 * The diagnosis evals, offline: every scenario through the rules (target: the right root cause in
 * at least 80 %), and through its recorded model answer replayed by the local Anthropic fake and
 * the real SDK (target: all pass — root cause, expected facts, nothing dangerous runnable).
 */
const scenarios = loadScenarios(dirname(fileURLToPath(import.meta.url)));
const config = ConfigSchema.parse({});
const assess = policyAssessor(config);
const settings: DiagnoserSettings = { ...config.modules.llm, cacheTtlMinutes: 0 };
const logger = winston.createLogger({ silent: true });

function diagnoser(
  store: Store,
  provider: AnthropicProvider | null,
  scenario: Scenario,
  language: 'en' | 'ja',
) {
  return new Diagnoser({
    provider,
    settings: { ...settings, language },
    budget: new Budget(store.llmUsage, config.modules.llm.budget),
    recordUsage: () => 0,
    assess,
    toolbox: recordedToolbox(scenario),
    redact: promptRedactor({ emails: false, ips: false }),
    logger,
  });
}

const languageOf = (scenario: Scenario) =>
  /[\u3040-\u30ff]/.test(scenario.incident.alerts[0]?.alertname ?? '') ? 'ja' : 'en';

describe('diagnosis evals', () => {
  let store: Store;
  let fake: FakeAnthropic;
  const rulesScores: Array<[string, Score]> = [];

  beforeAll(async () => {
    store = Store.open(':memory:');
    fake = await startFakeAnthropic({ apiKey: 'sk-ant-eval' });
  });
  afterAll(async () => {
    await fake.close();
    store.close();
    const right = rulesScores.filter(([, s]) => s.rootCause).length;
    process.stdout.write(
      `rules: right root cause in ${right}/${rulesScores.length} scenarios (${Math.round((100 * right) / Math.max(1, rulesScores.length))} %); wrong: ${rulesScores
        .filter(([, s]) => !s.rootCause)
        .map(([name]) => name)
        .join(', ')}\n`,
    );
  });

  test('there are at least 10 scenarios, each with recorded model turns', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
    for (const scenario of scenarios) expect(scenario.model.length).toBeGreaterThan(0);
  });

  test.each(scenarios.map((s) => [s.name, s] as const))('rules: %s', async (_name, scenario) => {
    const diagnosis = await diagnoser(store, null, scenario, languageOf(scenario)).diagnose(
      scenarioInput(scenario),
      {
        now: scenarioNow(scenario),
      },
    );
    expect(diagnosis.source).toBe('rules');
    const result = score(scenario, diagnosis, false);
    rulesScores.push([scenario.name, result]);
    expect(result.runnableDangerous).toEqual([]);
  });

  test('rules name the right root cause in at least 80 % of the scenarios', () => {
    expect(rulesScores).toHaveLength(scenarios.length);
    const right = rulesScores.filter(([, s]) => s.rootCause).length;
    expect(right / scenarios.length).toBeGreaterThanOrEqual(0.8);
  });

  test.each(scenarios.map((s) => [s.name, s] as const))('recorded LLM: %s', async (_name, scenario) => {
    fake.reset();
    fake.script(
      ...scenario.model.map((turn) =>
        reply.message([
          ...(turn.text ? [{ type: 'text' as const, text: turn.text }] : []),
          ...turn.tool_use.map((use) => ({ type: 'tool_use' as const, name: use.name, input: use.input })),
        ]),
      ),
    );
    const provider = new AnthropicProvider({
      apiKey: 'sk-ant-eval',
      baseURL: fake.url,
      model: 'claude-sonnet-5-5',
    });
    const diagnosis: Diagnosis = await diagnoser(store, provider, scenario, languageOf(scenario)).diagnose(
      scenarioInput(scenario),
      { now: scenarioNow(scenario) },
    );
    expect(diagnosis.notes).toEqual([]);
    expect(diagnosis.source).toBe('llm');
    const result = score(scenario, diagnosis, true);
    expect(result).toEqual({ rootCause: true, missingFacts: [], runnableDangerous: [] });
    expect(passed(result)).toBe(true);
    expect(fake.requests).toHaveLength(scenario.model.length);
  });
});
