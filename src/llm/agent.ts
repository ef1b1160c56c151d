import { z } from 'zod';
import { ModelDiagnosis } from '../domain/diagnosis.js';
import { dataText } from './prompts.js';
import {
  type ChatContent,
  type ChatMessage,
  type ChatProvider,
  type ChatResponse,
  LlmError,
  type Usage,
} from './provider.js';
import type { Redactor } from './redaction.js';
import type { CircuitBreaker } from './resilience.js';
import { withRetries } from './resilience.js';
import { type DiagnosisToolbox, PROPOSE, runLookup, SUBMIT, toolSpecs } from './tools.js';

/**
 * The diagnosis agent loop: the model reads the evidence, may call lookup tools for a bounded
 * number of steps before a deadline, and submits a diagnosis that must validate; an invalid one
 * gets exactly one retry with the validation error. It never throws for the model's or the
 * provider's failures: it returns why it stopped, and the caller falls back to the rules.
 */
export interface AgentDeps {
  provider: ChatProvider;
  toolbox: DiagnosisToolbox;
  redact: Redactor;
  breaker: CircuitBreaker;
  /** Records a call's usage; returns its cost in USD. */
  onUsage: (usage: Usage, model: string) => number;
  /** Null while budget remains; else why not (checked before every call). */
  budgetExceeded: () => string | null;
  /** What the policy says about a proposed command, told back to the model. */
  describeRisk: (command: string, host: string | null) => Promise<string>;
  retry?: { attempts: number; baseMs: number; maxMs: number };
}

export interface AgentTask {
  system: string;
  user: string;
  maxSteps: number;
  deadline: number;
  maxOutputTokens: number;
  /** Evidence ids the diagnosis may cite. */
  evidenceIds: Set<string>;
  cachePrefix: boolean;
}

export interface AgentTally {
  steps: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  model: string;
}

export type FailureKind = 'invalid' | 'budget' | 'timeout' | 'provider' | 'breaker';

export type AgentOutcome =
  | { status: 'ok'; diagnosis: ModelDiagnosis; proposed: ModelDiagnosis['actions']; tally: AgentTally }
  | { status: 'failed'; kind: FailureKind; reason: string; tally: AgentTally };

const Proposal = z.object({
  command: z.string().trim().min(1).max(500),
  host: z.string().trim().min(1).max(200).nullish(),
  purpose: z.string().trim().min(1).max(300),
});

export function emptyTally(model: string): AgentTally {
  return {
    steps: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    model,
  };
}

export async function runDiagnosisAgent(deps: AgentDeps, task: AgentTask): Promise<AgentOutcome> {
  const tools = toolSpecs(deps.toolbox);
  const messages: ChatMessage[] = [
    { role: 'user', content: [{ type: 'text', text: deps.redact(task.user) }] },
  ];
  const tally = emptyTally(deps.provider.model);
  const proposed: ModelDiagnosis['actions'] = [];
  let retried = false;
  const fail = (kind: FailureKind, reason: string): AgentOutcome => ({
    status: 'failed',
    kind,
    reason,
    tally,
  });

  while (true) {
    const budget = deps.budgetExceeded();
    if (budget) return fail('budget', budget);
    if (Date.now() >= task.deadline) return fail('timeout', 'the deadline passed before the model finished');
    let response: ChatResponse;
    try {
      response = await call(deps, task, messages, tools);
    } catch (error) {
      const llmError = error instanceof LlmError ? error : null;
      return fail(
        llmError?.kind === 'timeout' ? 'timeout' : 'provider',
        llmError ? `${llmError.kind}: ${llmError.message}` : String(error),
      );
    }
    tally.steps++;
    tally.model = response.model || tally.model;
    tally.inputTokens += response.usage.inputTokens;
    tally.outputTokens += response.usage.outputTokens;
    tally.cacheReadTokens += response.usage.cacheReadTokens;
    tally.cacheWriteTokens += response.usage.cacheWriteTokens;
    tally.costUsd += deps.onUsage(response.usage, response.model || deps.provider.model);
    messages.push({ role: 'assistant', content: response.content });

    const toolUses = response.content.filter(
      (c): c is Extract<ChatContent, { type: 'tool_use' }> => c.type === 'tool_use',
    );
    const submit = toolUses.find((use) => use.name === SUBMIT);
    const answer = submit ? submit.input : toolUses.length === 0 ? jsonInText(response) : undefined;
    if (answer !== undefined || toolUses.length === 0) {
      const checked = validate(answer, task.evidenceIds);
      if (checked.ok) return { status: 'ok', diagnosis: checked.value, proposed, tally };
      if (retried) return fail('invalid', `the model's diagnosis was invalid twice: ${checked.error}`);
      retried = true;
      const feedback = `Your diagnosis was not valid: ${checked.error}\nCall ${SUBMIT} again with a corrected diagnosis.`;
      messages.push({
        role: 'user',
        content: submit
          ? [
              ...otherResults(toolUses, submit.id),
              { type: 'tool_result', toolUseId: submit.id, content: feedback, isError: true },
            ]
          : [{ type: 'text', text: feedback }],
      });
      continue;
    }
    if (tally.steps >= task.maxSteps + (retried ? 1 : 0)) {
      return fail('invalid', `the model used all ${task.maxSteps} steps without submitting a diagnosis`);
    }
    const results = await Promise.all(
      toolUses.map(async (use): Promise<ChatContent> => {
        if (use.name === PROPOSE) return proposeResult(deps, use, proposed);
        const result = await runLookup(deps.toolbox, use.name, use.input);
        // Issues, runbooks and metrics are data, delimited like the evidence.
        const content = `<data>\n${dataText(deps.redact(result.content))}\n</data>`;
        return { type: 'tool_result', toolUseId: use.id, content, isError: result.isError };
      }),
    );
    // Current Claude models refuse a forced tool choice, so the last step is asked for in words.
    if (tally.steps + 1 >= task.maxSteps) {
      results.push({ type: 'text', text: `This is your last step: call ${SUBMIT} now with what you know.` });
    }
    messages.push({ role: 'user', content: results });
  }
}

async function call(
  deps: AgentDeps,
  task: AgentTask,
  messages: ChatMessage[],
  tools: ReturnType<typeof toolSpecs>,
): Promise<ChatResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(1, task.deadline - Date.now()));
  const retry = deps.retry ?? { attempts: 3, baseMs: 500, maxMs: 8000 };
  try {
    const response = await withRetries(
      () =>
        deps.provider.complete({
          model: deps.provider.model,
          system: task.system,
          messages,
          tools,
          toolChoice: 'auto',
          maxOutputTokens: task.maxOutputTokens,
          cachePrefix: task.cachePrefix,
          signal: controller.signal,
        }),
      { ...retry, deadline: task.deadline },
    );
    deps.breaker.succeeded();
    return response;
  } catch (error) {
    // A deadline is ours, not the provider's fault; everything else counts towards the breaker.
    if (!(error instanceof LlmError && error.kind === 'timeout')) deps.breaker.failed();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function proposeResult(
  deps: AgentDeps,
  use: Extract<ChatContent, { type: 'tool_use' }>,
  proposed: ModelDiagnosis['actions'],
): Promise<ChatContent> {
  const parsed = Proposal.safeParse(use.input);
  if (!parsed.success) {
    return { type: 'tool_result', toolUseId: use.id, content: z.prettifyError(parsed.error), isError: true };
  }
  const { command, host, purpose } = parsed.data;
  proposed.push({ command, host: host ?? null, purpose });
  const verdict = await deps.describeRisk(command, host ?? null);
  return {
    type: 'tool_result',
    toolUseId: use.id,
    content: `Recorded. AALS policy: ${verdict}`,
    isError: false,
  };
}

/** Tool calls made alongside an invalid submit still need a result, or the API rejects the turn. */
function otherResults(
  uses: Array<Extract<ChatContent, { type: 'tool_use' }>>,
  submitId: string,
): ChatContent[] {
  return uses
    .filter((use) => use.id !== submitId)
    .map((use) => ({
      type: 'tool_result',
      toolUseId: use.id,
      content: 'not run: submit the diagnosis first',
      isError: true,
    }));
}

/** A model without tool calling may answer with the JSON in its text (possibly in a ``` fence). */
function jsonInText(response: ChatResponse): unknown {
  const text = response.content
    .filter((c): c is Extract<ChatContent, { type: 'text' }> => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return { _unparseable: text.slice(start, Math.min(end + 1, start + 200)) };
  }
}

type Checked = { ok: true; value: ModelDiagnosis } | { ok: false; error: string };

function validate(answer: unknown, evidenceIds: Set<string>): Checked {
  if (answer === undefined) return { ok: false, error: `no diagnosis: call ${SUBMIT}` };
  if (answer && typeof answer === 'object' && '_unparseable' in answer) {
    return { ok: false, error: 'the JSON in your answer could not be parsed' };
  }
  const parsed = ModelDiagnosis.safeParse(answer);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) };
  const unknown = parsed.data.evidence.map((e) => e.ref).filter((ref) => !evidenceIds.has(ref));
  if (unknown.length > 0) {
    return {
      ok: false,
      error: `evidence ${unknown.join(', ')} does not exist; cite only ${[...evidenceIds].join(', ') || 'nothing'}`,
    };
  }
  return { ok: true, value: parsed.data };
}
