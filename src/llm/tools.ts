import { z } from 'zod';
import { ModelDiagnosis } from '../domain/diagnosis.js';
import { errorMessage } from '../errors.js';
import type { ToolSpec } from './provider.js';

/**
 * The tools the diagnosis agent may call. Lookups are optional (offered only when the integration
 * is there); `propose_command` and `submit_diagnosis` are always offered. Every result is capped,
 * so one huge query result cannot eat the context or the budget.
 */
export interface DiagnosisToolbox {
  queryPrometheus?: (query: string, minutes: number) => Promise<string>;
  searchIncidents?: (query: string) => Promise<string>;
  readRunbook?: (id: string) => Promise<string>;
}

export const SUBMIT = 'submit_diagnosis';
export const PROPOSE = 'propose_command';
export const MAX_TOOL_RESULT_CHARS = 4000;

const submitSchema = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(ModelDiagnosis, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return schema;
})();

export function toolSpecs(toolbox: DiagnosisToolbox): ToolSpec[] {
  const specs: ToolSpec[] = [];
  if (toolbox.queryPrometheus) {
    specs.push({
      name: 'query_prometheus',
      description:
        'Run a PromQL range query over the last `minutes` (default 60) and get each series summarized (first, min, max, last). Use it to confirm or rule out a cause.',
      inputSchema: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'PromQL expression' },
          minutes: { type: 'integer', minimum: 5, maximum: 1440 },
        },
        required: ['query'],
      },
    });
  }
  if (toolbox.searchIncidents) {
    specs.push({
      name: 'search_incidents',
      description:
        'Search past incidents, postmortems and runbooks by text; returns the best matches with how they were fixed.',
      inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    });
  }
  if (toolbox.readRunbook) {
    specs.push({
      name: 'read_runbook',
      description: 'Read a runbook or past incident by its id (as given in the evidence or search results).',
      inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    });
  }
  specs.push({
    name: PROPOSE,
    description:
      'Propose one shell command to run on a host named by the alerts. AALS answers with its own risk classification; nothing runs without the policy and, where needed, human approval.',
    inputSchema: {
      type: 'object',
      properties: {
        command: { type: 'string' },
        host: { type: 'string' },
        purpose: { type: 'string' },
      },
      required: ['command', 'purpose'],
    },
  });
  specs.push({
    name: SUBMIT,
    description: 'Submit the final diagnosis. Call exactly once, at the end.',
    inputSchema: submitSchema,
  });
  return specs;
}

/** Keeps the head and the tail of a long result and says how much was cut. */
export function capResult(text: string, max = MAX_TOOL_RESULT_CHARS): string {
  if (text.length <= max) return text;
  const tail = Math.floor(max / 5);
  const head = max - tail - 80;
  return `${text.slice(0, head)}\n… [${text.length - head - tail} characters cut] …\n${text.slice(-tail)}`;
}

const QueryInput = z.object({
  query: z.string().min(1).max(2000),
  minutes: z.number().int().min(5).max(1440).optional(),
});
const TextInput = z.object({ query: z.string().min(1).max(2000) });
const IdInput = z.object({ id: z.string().min(1).max(300) });

/** Runs a lookup tool; errors become results the model can read, never exceptions. */
export async function runLookup(
  toolbox: DiagnosisToolbox,
  name: string,
  input: unknown,
): Promise<{ content: string; isError: boolean }> {
  try {
    if (name === 'query_prometheus' && toolbox.queryPrometheus) {
      const args = QueryInput.parse(input);
      return {
        content: capResult(await toolbox.queryPrometheus(args.query, args.minutes ?? 60)),
        isError: false,
      };
    }
    if (name === 'search_incidents' && toolbox.searchIncidents) {
      return {
        content: capResult(await toolbox.searchIncidents(TextInput.parse(input).query)),
        isError: false,
      };
    }
    if (name === 'read_runbook' && toolbox.readRunbook) {
      return { content: capResult(await toolbox.readRunbook(IdInput.parse(input).id)), isError: false };
    }
    return { content: `unknown tool ${name}`, isError: true };
  } catch (error) {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : errorMessage(error);
    return { content: `tool ${name} failed: ${capResult(message, 1000)}`, isError: true };
  }
}
