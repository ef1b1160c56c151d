import { maxRisk, type RiskAssessment, type RiskLevel } from '../domain/risk.js';
import { classifyScript } from './classifier.js';
import { type PolicyConfig, PolicyConfigSchema } from './config.js';
import { checkScript, type ScriptResult } from './grammar/check.js';
import { grammarRegistry } from './grammar/registry.js';
import { decide, type EnvironmentName, riskOf } from './policy.js';
import { canonicalCommand } from './serialize.js';
import { parseShell } from './shell-parser.js';
import { deny, EFFECT_ORDER, type Verdict } from './verdict.js';

/**
 * The entry point: command + environment (+ policy) → risk, decision, approvals and a reason.
 * Classification and policy are pure; only the parser is asynchronous (it loads WebAssembly once).
 *
 * Two passes over the parsed command. The allowlist grammar is the only way to READ_ONLY: a command
 * is read-only when every word of it matches a declared read-only form, and anything it does not
 * recognise waits for a human. The harm classifier (classifier.ts, rules/) never grants anything: it
 * only recognises what is destructive or hidden, to raise a command to CRITICAL or refuse it.
 */

export interface AssessOptions {
  policy?: PolicyConfig;
  /** environments.<env>.requiredApprovals; used where the matrix says `approval`. */
  requiredApprovals?: number;
}

/** Longer commands are refused: nobody reviews a 16 KB one-liner in a Slack button. */
const MAX_LENGTH = 16 * 1024;
/** Control characters (other than tab and newline), bidi overrides and zero-width characters hide text from reviewers. */
function hasInvisible(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a) || code === 0x7f) return true;
    if ((code >= 0x200b && code <= 0x200f) || (code >= 0x202a && code <= 0x202e)) return true;
    if ((code >= 0x2060 && code <= 0x2064) || (code >= 0x2066 && code <= 0x2069) || code === 0xfeff)
      return true;
  }
  return false;
}

const DEFAULT_APPROVALS: Record<EnvironmentName, number> = { development: 1, staging: 1, production: 2 };

export async function assessCommand(
  command: string,
  environment: EnvironmentName,
  options: AssessOptions = {},
): Promise<RiskAssessment> {
  const policy = options.policy ?? PolicyConfigSchema.parse({});
  const refused = (reason: string): RiskAssessment => ({
    risk: 'CRITICAL',
    decision: 'denied',
    approvals: 0,
    reason,
    environment,
    programs: [],
    findings: [reason],
  });
  if (command.trim() === '') return refused('the command is empty');
  if (command.length > MAX_LENGTH) return refused(`the command is longer than ${MAX_LENGTH} characters`);
  if (hasInvisible(command))
    return refused('the command contains control or invisible characters that hide what it does');
  // A line break can hide a second command from the parser (`ls⏎\rm -rf /` parses as one command
  // with odd words): AALS runs one-line commands only.
  if (/[\r\n]/.test(command))
    return refused('the command spans several lines: AALS runs one-line commands only');
  // Long runs of operators make the parser slow enough to stall AALS; no real command has them.
  if (/[|&;<>()]{64,}/.test(command)) return refused('the command is a long run of shell operators');
  const parsed = await parseShell(command);
  if (!parsed.ok) return refused(`${parsed.error}: nothing AALS cannot parse is run`);
  const harm = classifyScript(parsed.script, policy);
  const grammar = checkScript(
    parsed.script,
    grammarRegistry(policy.readOnlyCommands),
    { secretPaths: policy.secretPaths, internalHosts: policy.internalHosts },
    command,
  );
  // What the grammar proves read-only is read-only; for the rest the harm classifier says how bad it
  // is (destructive or hidden parts, constructs it refuses), never better than "needs a human".
  const raised =
    grammar.kind === 'read'
      ? []
      : harm.verdicts.filter((v) => v.deny || v.effect === 'destroy' || v.effect === 'hidden');
  const banned = harm.programs
    .filter((program) => policy.deniedPrograms.includes(program))
    .map((program) => deny('none', `${program} is on the policy's denied list`));
  const verdicts = [...banned, ...raised, grammarVerdict(grammar)];
  const assessment = conclude(
    verdicts,
    harm.programs,
    environment,
    policy,
    options.requiredApprovals ?? DEFAULT_APPROVALS[environment],
  );
  const canonical = canonicalCommand(parsed.script, grammar.kind === 'read' ? grammar.expand : undefined);
  return canonical ? { ...assessment, canonical: canonical.line, argv: canonical.argv } : assessment;
}

function grammarVerdict(result: ScriptResult): Verdict {
  if (result.kind === 'read') return { effect: 'read', reason: result.reason };
  if (result.kind === 'sensitive') return { effect: 'secret', reason: result.reason };
  return { effect: 'unknown', reason: `not proven read-only: ${result.reason}` };
}

function conclude(
  verdicts: Verdict[],
  programs: string[],
  environment: EnvironmentName,
  policy: PolicyConfig,
  requiredApprovals: number,
): RiskAssessment {
  let risk: RiskLevel = 'READ_ONLY';
  for (const verdict of verdicts) {
    if (verdict.effect !== 'none') risk = maxRisk(risk, riskOf(verdict.effect, environment));
  }
  const ordered = verdicts
    .map((v) => ({ ...v, reason: clip(v.reason) }))
    .sort((a, b) => weight(b) - weight(a));
  const findings = [...new Set(ordered.map((v) => v.reason))];
  const denial = ordered.find((v) => v.deny);
  if (denial) {
    const worstEffect = ordered.find(
      (v) => !v.deny && v.effect !== 'none' && v.effect !== 'read' && v.effect !== 'unknown',
    );
    const heavier =
      worstEffect && EFFECT_ORDER.indexOf(worstEffect.effect) > EFFECT_ORDER.indexOf(denial.effect);
    const reason = heavier ? `${denial.reason}; ${worstEffect.reason}` : denial.reason;
    return { risk, decision: 'denied', approvals: 0, reason, environment, programs, findings };
  }
  const { decision, approvals, explanation } = decide(risk, environment, policy, requiredApprovals);
  const main = ordered[0]?.reason ?? 'nothing to run';
  return { risk, decision, approvals, reason: `${main}; ${explanation}`, environment, programs, findings };
}

/** Reasons quote the command; a long one is cut so the thread line stays readable. */
function clip(reason: string): string {
  return reason.length > 200 ? `${reason.slice(0, 199)}…` : reason;
}

/** Denials first, then the most harmful effect. */
function weight(verdict: Verdict): number {
  return (verdict.deny ? 100 : 0) + EFFECT_ORDER.indexOf(verdict.effect);
}

/** Environment names as operators type them; anything else is treated as production. */
export function environmentName(value: string): EnvironmentName | null {
  const normal = value.trim().toLowerCase();
  if (normal === 'development' || normal === 'dev') return 'development';
  if (normal === 'staging' || normal === 'stage' || normal === 'stg') return 'staging';
  if (normal === 'production' || normal === 'prod') return 'production';
  return null;
}

interface PolicySource {
  policy: PolicyConfig;
  environments: Record<EnvironmentName, { requiredApprovals: number }>;
}

/**
 * What the diagnoser and the approval flow call: `assess(command, environment)` with the loaded
 * configuration's policy and approvers. An unknown environment is assessed as production.
 */
export function policyAssessor(
  config: PolicySource,
): (command: string, environment: string) => Promise<RiskAssessment> {
  const policy = config.policy;
  return async (command, environment) => {
    const env = environmentName(environment) ?? 'production';
    const assessment = await assessCommand(command, env, {
      policy,
      requiredApprovals: config.environments[env].requiredApprovals,
    });
    if (env === environmentName(environment)) return assessment;
    return {
      ...assessment,
      findings: [...assessment.findings, `unknown environment '${environment}': assessed as production`],
    };
  };
}
