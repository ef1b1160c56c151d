import type { Logger } from 'winston';
import type { Diagnosis, DiagnosisUsage, ModelDiagnosis, ProposedAction } from '../domain/diagnosis.js';
import type { RiskAssessment } from '../domain/risk.js';
import { errorMessage } from '../errors.js';
import { type AgentOutcome, emptyTally, runDiagnosisAgent } from '../llm/agent.js';
import type { Budget } from '../llm/budget.js';
import { AnswerCache, cacheKey } from '../llm/cache.js';
import { dataText, loadTemplate, render } from '../llm/prompts.js';
import type { ChatProvider, Usage } from '../llm/provider.js';
import { type Redactor, redactStrings } from '../llm/redaction.js';
import { CircuitBreaker } from '../llm/resilience.js';
import { type DiagnosisToolbox, toolSpecs } from '../llm/tools.js';
import { buildEvidence, type DiagnosisInput, type EvidenceItem } from './evidence.js';
import { HINT_COMMANDS } from './hints.js';
import { hostOf, type Language, rulesDiagnosis } from './rules.js';

/**
 * Turns an incident's evidence into the diagnosis the thread shows. The rules diagnosis is always
 * available at once; the LLM one is tried when a provider is configured, the circuit is closed,
 * the budget has room and the answer is not cached, and falls back to the rules with a note that
 * says why. Every proposed command is classified by the risk policy here, whoever proposed it, and
 * everything that will be posted is redacted.
 */
export type DiagnosisMode = 'normal' | 'deep';

export interface DiagnoserSettings {
  language: Language;
  timeoutSeconds: number;
  maxSteps: number;
  deepTimeoutSeconds: number;
  deepMaxSteps: number;
  maxOutputTokens: number;
  cacheTtlMinutes: number;
  breakerFailures: number;
  breakerCooldownSeconds: number;
}

export interface DiagnoserDeps {
  provider: ChatProvider | null;
  settings: DiagnoserSettings;
  budget: Budget;
  /** Stores one call's usage and returns its cost in USD. */
  recordUsage: (incidentId: number | null, usage: Usage, model: string) => number;
  assess: (command: string, environment: string) => Promise<RiskAssessment>;
  toolbox: DiagnosisToolbox;
  redact: Redactor;
  logger: Logger;
  retry?: { attempts: number; baseMs: number; maxMs: number };
}

export interface DiagnoseOptions {
  mode?: DiagnosisMode;
  /** Skip the model even when one is configured (the instant first answer). */
  rulesOnly?: boolean;
  /** The time evidence is described against ("started 12 min ago"); now by default. */
  now?: Date;
}

export class Diagnoser {
  private readonly cache: AnswerCache<Diagnosis>;
  private readonly assessed = new Map<string, RiskAssessment>();
  readonly breaker: CircuitBreaker;

  constructor(private readonly deps: DiagnoserDeps) {
    this.cache = new AnswerCache(deps.settings.cacheTtlMinutes);
    this.breaker = new CircuitBreaker(
      deps.settings.breakerFailures,
      deps.settings.breakerCooldownSeconds * 1000,
    );
  }

  get usesLlm(): boolean {
    return this.deps.provider !== null;
  }

  /** "anthropic claude-sonnet-5-5" or "rules". */
  get author(): string {
    const provider = this.deps.provider;
    return provider ? `${provider.name} ${provider.model}` : 'rules';
  }

  async diagnose(input: DiagnosisInput, options: DiagnoseOptions = {}): Promise<Diagnosis> {
    const started = Date.now();
    const now = options.now ?? new Date();
    const evidence = buildEvidence(input, now);
    const language = this.deps.settings.language;
    const rules = () => rulesDiagnosis(input, evidence, language);
    const provider = this.deps.provider;
    if (!provider || options.rulesOnly) return this.finish(input, rules(), byRules(started));

    const closedAt = this.breaker.openedUntil();
    if (closedAt !== null) {
      const note = `The LLM provider failed ${this.breaker.consecutiveFailures} times in a row; AALS uses the rules until ${new Date(closedAt).toISOString().slice(11, 16)} UTC.`;
      return this.finish(input, rules(), byRules(started, [note]));
    }
    const exceeded = this.deps.budget.exceeded(input.incidentId);
    if (exceeded) {
      return this.finish(input, rules(), byRules(started, [`LLM not used: ${exceeded}. Rules diagnosis.`]));
    }
    const mode = options.mode ?? 'normal';
    const key = this.cacheKey(input, mode, provider);
    const hit = this.cache.get(key);
    if (hit) {
      const minutes = Math.max(0, Math.round((Date.now() - hit.storedAt) / 60_000));
      return {
        ...hit.value,
        cached: true,
        notes: [...hit.value.notes, `Same inputs were diagnosed ${minutes} min ago; reused at no cost.`],
        usage: hit.value.usage && { ...hit.value.usage, costUsd: 0 },
        millis: Date.now() - started,
        createdAt: new Date().toISOString(),
      };
    }

    const outcome = await this.runAgent(input, evidence, mode, provider, now);
    const usage = usageOf(outcome);
    if (outcome.status === 'ok') {
      const actions = mergeActions(outcome.diagnosis.actions, outcome.proposed);
      const diagnosis = await this.finish(
        input,
        { ...outcome.diagnosis, actions },
        { author: this.author, notes: [], usage, started },
      );
      this.cache.set(key, diagnosis);
      return diagnosis;
    }
    this.deps.logger.warn('LLM diagnosis failed; using the rules', {
      incident: input.incidentId,
      kind: outcome.kind,
      reason: outcome.reason,
    });
    return this.finish(input, rules(), byRules(started, [fallbackNote(outcome)], usage));
  }

  /**
   * The rules diagnosis, synchronously, for rendering a summary without waiting: commands whose
   * policy verdict is not known yet are left out and listed in `unassessed` (call `assess` on them,
   * then render again).
   */
  rulesNow(input: DiagnosisInput, now = new Date()): { diagnosis: Diagnosis; unassessed: string[] } {
    const draft = rulesDiagnosis(input, buildEvidence(input, now), this.deps.settings.language);
    const unassessed = draft.actions
      .map((a) => a.command)
      .filter((command) => !this.assessed.has(assessmentKey(command, input.environment)));
    return { diagnosis: this.compose(input, draft, byRules(now.getTime())), unassessed };
  }

  /** The policy's verdict, remembered (commands repeat across incidents; the policy is fixed at start). */
  async assess(command: string, environment: string): Promise<RiskAssessment> {
    const key = assessmentKey(command, environment);
    const known = this.assessed.get(key);
    if (known) return known;
    const assessment = await this.deps.assess(command, environment);
    if (this.assessed.size >= MAX_ASSESSED) this.assessed.clear();
    this.assessed.set(key, assessment);
    return assessment;
  }

  /** Classifies the rules' own commands ahead, so summaries can show them at once. */
  async warm(environments: readonly string[]): Promise<void> {
    await Promise.all(
      environments.flatMap((env) => HINT_COMMANDS.map((command) => this.assess(command, env))),
    );
  }

  close(): void {
    this.cache.close();
  }

  private async runAgent(
    input: DiagnosisInput,
    evidence: EvidenceItem[],
    mode: DiagnosisMode,
    provider: ChatProvider,
    now: Date,
  ): Promise<AgentOutcome> {
    const settings = this.deps.settings;
    const deep = mode === 'deep';
    const maxSteps = deep ? settings.deepMaxSteps : settings.maxSteps;
    const seconds = deep ? settings.deepTimeoutSeconds : settings.timeoutSeconds;
    try {
      return await runDiagnosisAgent(
        {
          provider,
          toolbox: this.deps.toolbox,
          redact: this.deps.redact,
          breaker: this.breaker,
          onUsage: (usage, model) => this.deps.recordUsage(input.incidentId, usage, model),
          budgetExceeded: () => this.deps.budget.exceeded(input.incidentId),
          describeRisk: async (command) => {
            const verdict = await this.assess(command, input.environment);
            return `${verdict.risk}, ${verdict.decision}: ${verdict.reason}`;
          },
          ...(this.deps.retry ? { retry: this.deps.retry } : {}),
        },
        {
          system: render(loadTemplate(`diagnosis.system.${settings.language}`), { maxSteps }),
          user: userPrompt(input, evidence, mode, this.deps.toolbox, now),
          maxSteps,
          deadline: Date.now() + seconds * 1000,
          maxOutputTokens: settings.maxOutputTokens,
          evidenceIds: new Set(evidence.map((e) => e.id)),
          cachePrefix: provider.name === 'anthropic',
        },
      );
    } catch (error) {
      // A bug in a tool or the loop must not cost the incident its diagnosis.
      return {
        status: 'failed',
        kind: 'provider',
        reason: errorMessage(error),
        tally: emptyTally(provider.model),
      };
    }
  }

  /** Classifies every command with the policy and redacts everything that will be posted. */
  private async finish(input: DiagnosisInput, draft: ModelDiagnosis, how: Provenance): Promise<Diagnosis> {
    await Promise.all(draft.actions.map((a) => this.assess(a.command, input.environment)));
    return this.compose(input, draft, how);
  }

  /** Builds the diagnosis from classified commands only (those without a verdict are left out). */
  private compose(input: DiagnosisInput, draft: ModelDiagnosis, how: Provenance): Diagnosis {
    const defaultHost = input.alerts[0] ? hostOf(input.alerts[0]) : null;
    const actions: ProposedAction[] = [];
    for (const action of draft.actions) {
      const assessment = this.assessed.get(assessmentKey(action.command, input.environment));
      if (!assessment) continue;
      actions.push({
        command: action.command,
        host: action.host ?? defaultHost,
        purpose: action.purpose,
        assessment,
      });
    }
    const diagnosis: Diagnosis = {
      source: how.author === 'rules' ? 'rules' : 'llm',
      author: how.author,
      language: this.deps.settings.language,
      summary: draft.summary,
      rootCause: draft.rootCause,
      evidence: draft.evidence,
      actions,
      nextChecks: draft.nextChecks,
      notes: how.notes,
      usage: how.usage,
      cached: false,
      millis: Date.now() - how.started,
      createdAt: new Date().toISOString(),
    };
    return redactStrings(diagnosis, this.deps.redact);
  }

  /** The same alerts, findings and question give the same key, whatever the times and values. */
  private cacheKey(input: DiagnosisInput, mode: DiagnosisMode, provider: ChatProvider): string {
    const settings = this.deps.settings;
    return cacheKey({
      prompt: [
        loadTemplate(`diagnosis.system.${settings.language}`).version,
        loadTemplate('diagnosis.user').version,
      ],
      model: `${provider.name}:${provider.model}`,
      mode,
      environment: input.environment,
      question: input.question?.trim().toLowerCase() ?? null,
      alerts: input.alerts
        .map((a) => ({ name: a.alertname, status: a.status, severity: a.severity, labels: a.labels }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      roots: input.roots.map((r) => r.fingerprint),
      findings: (input.findings ?? []).map((f) => [f.kind, 'series' in f ? f.series.name : null]).sort(),
      analysisFailed: input.analysisError !== null,
      similar: (input.similar?.hits ?? []).map((h) => h.id),
      runbooks: (input.similar?.runbooks ?? []).map((h) => h.id),
    });
  }
}

function userPrompt(
  input: DiagnosisInput,
  evidence: EvidenceItem[],
  mode: DiagnosisMode,
  toolbox: DiagnosisToolbox,
  now: Date,
): string {
  const hosts = [...new Set(input.alerts.map(hostOf).filter((h): h is string => h !== null))];
  return render(loadTemplate('diagnosis.user'), {
    incident: input.incidentId === null ? '(not yet an incident)' : `#${input.incidentId}`,
    environment: input.environment,
    now: now.toISOString().slice(0, 16).replace('T', ' '),
    mode,
    question: input.question
      ? `The engineer asked (untrusted data):\n<data>\n${dataText(input.question.slice(0, 2000))}\n</data>\n`
      : '',
    evidence: evidence.map((e) => `${e.id} [${e.kind}] ${dataText(e.text)}`).join('\n') || '(none)',
    hosts: hosts.length ? dataText(hosts.slice(0, 20).join(', ')) : '(none)',
    tools: toolSpecs(toolbox)
      .map((t) => t.name)
      .join(', '),
  });
}

/** The model's own commands, then those it proposed through the tool, without repeats. */
function mergeActions(
  actions: ModelDiagnosis['actions'],
  proposed: ModelDiagnosis['actions'],
): ModelDiagnosis['actions'] {
  const seen = new Set(actions.map((a) => a.command));
  return [...actions, ...proposed.filter((p) => !seen.has(p.command))].slice(0, 8);
}

function usageOf(outcome: AgentOutcome): DiagnosisUsage | null {
  const t = outcome.tally;
  if (t.steps === 0) return null;
  return {
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cacheReadTokens: t.cacheReadTokens,
    cacheWriteTokens: t.cacheWriteTokens,
    costUsd: t.costUsd,
    steps: t.steps,
  };
}

function fallbackNote(outcome: Extract<AgentOutcome, { status: 'failed' }>): string {
  switch (outcome.kind) {
    case 'budget':
      return `LLM stopped: ${outcome.reason}. Rules diagnosis.`;
    case 'timeout':
      return `The LLM did not answer in time (${outcome.reason}). Rules diagnosis.`;
    case 'invalid':
      return `The LLM's answer was unusable (${outcome.reason.slice(0, 300)}). Rules diagnosis.`;
    default:
      return `The LLM provider failed (${outcome.reason.slice(0, 300)}). Rules diagnosis.`;
  }
}

const MAX_ASSESSED = 10_000;

/** Who wrote a diagnosis, what to say about it, what it cost, and when the work started. */
interface Provenance {
  author: string;
  notes: string[];
  usage: DiagnosisUsage | null;
  started: number;
}

function byRules(started: number, notes: string[] = [], usage: DiagnosisUsage | null = null): Provenance {
  return { author: 'rules', notes, usage, started };
}

function assessmentKey(command: string, environment: string): string {
  return `${environment}\u0000${command}`;
}
