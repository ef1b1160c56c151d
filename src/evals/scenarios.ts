import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Finding } from '../analyzers/prometheus/findings.js';
import { DEFAULT_CORRELATION } from '../correlation/types.js';
import type { DiagnosisInput } from '../diagnosis/evidence.js';
import { inputFromAlerts } from '../diagnosis/from-alerts.js';
import { type Alert, SEVERITIES } from '../domain/alert.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import { labelsFingerprint } from '../domain/fingerprint.js';
import type { DiagnosisToolbox } from '../llm/tools.js';
import type { Similar } from '../memory/service.js';

/**
 * Diagnosis evals as data: one folder per scenario with the incident (alerts, findings, similar
 * incidents), recorded tool outputs, recorded model turns, and the facts a good diagnosis must
 * contain. The same scenarios run offline (rules, and the recorded model through the real SDK
 * against the local fake) and live against a real model.
 */
const ScenarioAlert = z.object({
  alertname: z.string(),
  severity: z.enum(SEVERITIES).default('warning'),
  status: z.enum(['firing', 'resolved']).default('firing'),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  /** Minutes before the scenario's `now`. */
  startedMinutesAgo: z.number().default(10),
});

const Incident = z.object({
  description: z.string(),
  environment: z.enum(['development', 'staging', 'production']).default('production'),
  now: z.string().default('2026-11-20T10:00:00Z'),
  topology: z.record(z.string(), z.array(z.string())).default({}),
  alerts: z.array(ScenarioAlert).min(1),
  findings: z.array(z.record(z.string(), z.unknown())).default([]),
  similar: z
    .object({
      hits: z.array(z.record(z.string(), z.unknown())).default([]),
      runbooks: z.array(z.record(z.string(), z.unknown())).default([]),
    })
    .default({ hits: [], runbooks: [] }),
  question: z.string().optional(),
});

const RecordedTool = z.object({
  tool: z.enum(['query_prometheus', 'search_incidents', 'read_runbook']),
  /** The output is used when the call's input contains this text (first match wins). */
  match: z.string().default(''),
  output: z.string(),
});

/** One model turn: text and/or tool calls, as the model produced them. */
export const ModelTurn = z.object({
  text: z.string().optional(),
  tool_use: z.array(z.object({ name: z.string(), input: z.record(z.string(), z.unknown()) })).default([]),
});
export type ModelTurn = z.infer<typeof ModelTurn>;

const Expected = z.object({
  /** Every string must appear in the root-cause candidate (case-insensitive). */
  rootCause: z.array(z.string()).min(1),
  /** Every string (or one of its `|` alternatives) must appear somewhere in the LLM's diagnosis. */
  facts: z.array(z.string()).default([]),
  /** Commands matching these must never be runnable without a human (auto or notify). */
  neverRunnable: z.array(z.string()).default([]),
});

export interface Scenario {
  name: string;
  incident: z.infer<typeof Incident>;
  tools: Array<z.infer<typeof RecordedTool>>;
  model: ModelTurn[];
  expected: z.infer<typeof Expected>;
}

export function loadScenarios(dir: string): Scenario[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const read = (file: string) => parseYaml(readFileSync(join(dir, name, file), 'utf8')) as unknown;
      const optional = (file: string) => {
        try {
          return read(file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
          throw error;
        }
      };
      try {
        return {
          name,
          incident: Incident.parse(read('incident.yaml')),
          tools: z.array(RecordedTool).parse(optional('tools.yaml') ?? []),
          model: z.array(ModelTurn).parse(optional('model.yaml') ?? []),
          expected: Expected.parse(read('expected.yaml')),
        };
      } catch (error) {
        throw new Error(`eval scenario ${name}: ${(error as Error).message}`);
      }
    });
}

export function scenarioNow(scenario: Scenario): Date {
  return new Date(scenario.incident.now);
}

export function scenarioInput(scenario: Scenario): DiagnosisInput {
  const now = scenarioNow(scenario).getTime();
  const alerts: Alert[] = scenario.incident.alerts.map((a) => ({
    source: 'alertmanager_webhook',
    status: a.status,
    alertname: a.alertname,
    severity: a.severity,
    labels: { alertname: a.alertname, ...a.labels },
    annotations: a.annotations,
    startsAt: new Date(now - a.startedMinutesAgo * 60_000).toISOString(),
    endsAt: null,
    fingerprint: labelsFingerprint({ alertname: a.alertname, ...a.labels }),
    count: 1,
  }));
  return inputFromAlerts(
    alerts,
    { ...DEFAULT_CORRELATION, topology: scenario.incident.topology },
    {
      environment: scenario.incident.environment,
      findings: scenario.incident.findings.map((f) => shiftTimes(f, now)) as unknown as Finding[],
      similar: scenario.incident.similar as unknown as Similar,
      ...(scenario.incident.question ? { question: scenario.incident.question } : {}),
    },
  );
}

/** Finding times in scenario files are minutes relative to `now` (negative: before it). */
function shiftTimes(value: unknown, now: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shiftTimes(v, now));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        ['start', 'end', 'at', 'reachesAt', 't'].includes(key) && typeof v === 'number'
          ? now + v * 60_000
          : shiftTimes(v, now),
      ]),
    );
  }
  return value;
}

/** Lookup tools that answer from the scenario's recordings. */
export function recordedToolbox(scenario: Scenario): DiagnosisToolbox {
  const answer = (tool: string, input: string) =>
    scenario.tools.find((t) => t.tool === tool && input.toLowerCase().includes(t.match.toLowerCase()))
      ?.output ?? 'no data';
  return {
    queryPrometheus: async (query) => answer('query_prometheus', query),
    searchIncidents: async (query) => answer('search_incidents', query),
    readRunbook: async (id) => answer('read_runbook', id),
  };
}

export interface Score {
  rootCause: boolean;
  missingFacts: string[];
  runnableDangerous: string[];
}

export function score(scenario: Scenario, diagnosis: Diagnosis, checkFacts: boolean): Score {
  const candidate = (diagnosis.rootCause?.candidate ?? '').toLowerCase();
  const text = JSON.stringify(diagnosis).toLowerCase();
  return {
    rootCause: scenario.expected.rootCause.every((part) => candidate.includes(part.toLowerCase())),
    missingFacts: checkFacts
      ? scenario.expected.facts.filter(
          (fact) => !fact.split('|').some((alternative) => text.includes(alternative.trim().toLowerCase())),
        )
      : [],
    runnableDangerous: diagnosis.actions
      .filter(
        (a) =>
          (a.assessment.decision === 'auto' || a.assessment.decision === 'notify') &&
          scenario.expected.neverRunnable.some((pattern) => a.command.includes(pattern)),
      )
      .map((a) => a.command),
  };
}

export function passed(s: Score): boolean {
  return s.rootCause && s.missingFacts.length === 0 && s.runnableDangerous.length === 0;
}
