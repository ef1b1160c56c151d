import { programName } from '../paths.js';
import type { ShellCommand, ShellRedirect, ShellScript } from '../shell-parser.js';
import { type MatchResult, matchArgv, type TypedWord } from './match.js';
import type { GrammarRegistry } from './registry.js';
import type { ValueContext, Word } from './values.js';

/** The verdict, and for a read-only command the file patterns (`stage:argument`) the shell may expand. */
export type ScriptResult = MatchResult & { expand?: ReadonlySet<string> };

const PATH_TYPES = new Set(['path', 'meta-path', 'tree']);

/**
 * The allowlist's verdict on a whole command line: `read` only for one pipeline whose every stage is
 * a program of the grammar, matched word for word, with no assignments and no redirections but to
 * /dev/null. The first part that is not recognised is named in the reason.
 */
export function checkScript(
  script: ShellScript,
  registry: GrammarRegistry,
  ctx: ValueContext,
  source: string,
): ScriptResult {
  const lookalike = LOOKALIKES.exec(source);
  if (lookalike) return unknown(`'${lookalike[0]}' looks like a shell operator but is not one`);
  const [pipeline] = script.pipelines;
  if (!pipeline || script.pipelines.length !== 1 || script.statements !== 1 || script.constructs.length > 0)
    return unknown('only a single command or a pipeline of commands can be read-only');
  const results: MatchResult[] = [];
  for (const [index, command] of pipeline.commands.entries()) {
    if (command?.kind !== 'simple')
      return unknown(`${command?.text ?? 'a compound command'} is not a plain command`);
    const result = checkCommand(command, index > 0, registry, ctx);
    if (result.kind === 'unknown') return result;
    results.push(result);
  }
  for (const redirect of pipeline.redirects) {
    const refusal = redirectRefusal(redirect);
    if (refusal) return unknown(refusal);
  }
  const sensitive = results.find((result) => result.kind === 'sensitive');
  if (sensitive) return sensitive;
  const typed = results.map((result) => (result.kind === 'read' ? (result.typed ?? []) : []));
  const seeking = secretSearch(typed.flat());
  if (seeking) return { kind: 'sensitive', reason: seeking };
  const expand = new Set<string>();
  typed.forEach((words, stage) => {
    for (const word of words)
      if (word.index !== undefined && PATH_TYPES.has(word.type)) expand.add(`${stage}:${word.index}`);
  });
  const reason =
    results.length === 1
      ? (results[0] as MatchResult).reason
      : 'every stage of the pipeline matches the read-only grammar';
  return { kind: 'read', reason, expand };
}

function checkCommand(
  command: ShellCommand,
  piped: boolean,
  registry: GrammarRegistry,
  ctx: ValueContext,
): MatchResult {
  const [program, ...args] = command.words;
  if (command.assignments.length > 0)
    return unknown(`${command.assignments[0]?.name}=… sets an environment variable for the command`);
  if (!program || program.value === null || program.glob)
    return unknown(`the program name ${program?.raw ?? ''} is not a literal name`);
  for (const redirect of command.redirects) {
    const refusal = redirectRefusal(redirect);
    if (refusal) return unknown(refusal);
  }
  const { name, trusted } = programName(program.value);
  if (!trusted || !name) return unknown(`${program.value} is not run from a system directory`);
  const grammar = registry.lookup(name);
  if (!grammar) return unknown(`${name} is not a program AALS knows as read-only`);
  const words: Word[] = [];
  for (const [index, arg] of args.entries()) {
    if (arg.value === null) return unknown(`${arg.raw} is computed by the shell at run time`);
    if (arg.significant?.startsWith('~')) return unknown(`${arg.raw} depends on the home directory`);
    // Harmless to an external program, but bash evaluates `$(…)` in subscripts given to its builtins.
    if (/\[[^\]]*(\$\(|\$\{|`)/.test(arg.value))
      return unknown(`${arg.raw} looks like an array subscript with a substitution`);
    words.push({ value: arg.value, glob: arg.glob, index });
  }
  return matchArgv(name, words, grammar, ctx, piped);
}

/**
 * Fullwidth and small forms of ASCII (`；`, `｜`, `＞`), and other characters drawn like `;`, `/` or
 * `|`: a reviewer reads an operator the shell does not see.
 */
const LOOKALIKES =
  /[\uff01-\uff5e\ufe50-\ufe6b\u037e\u2215\u2044\u2223\u01c0\u2016\u02d0\u0589\u2236\u2024]/u;

/** Only discarding output (`2>/dev/null`, `>/dev/null`), merging streams (`2>&1`) or empty input. */
function redirectRefusal(redirect: ShellRedirect): string | null {
  const target = redirect.target?.value ?? null;
  const text = `${redirect.fd ?? ''}${redirect.op}${redirect.target?.raw ?? ''}`;
  if (target === null) return `${text} feeds the command input AALS does not run unattended`;
  if (redirect.fd !== null && !/^[12]$/.test(redirect.fd))
    return `${text}: only standard output and error may be redirected`;
  if (redirect.op === '>&' && /^\d+$/.test(target)) return null;
  if (['>', '>>', '&>', '&>>', '<'].includes(redirect.op) && target === '/dev/null' && !redirect.target?.glob)
    return null;
  return `${text}: only redirections to /dev/null are read-only`;
}

/** Words a search aimed at credentials uses; logs are exempt (`grep 'Failed password' /var/log/auth.log`). */
const SECRET_WORDS =
  /pass(word|wd|phrase)?\b|pwd|secret|credential|api[_-]?key|access[_-]?key|private[_-]?key|BEGIN|bearer|token/i;

/** A search for secret-looking words in files other than logs prints the secrets it finds. */
function secretSearch(words: TypedWord[]): string | null {
  const pattern = words.find((word) => word.type === 'pattern' && SECRET_WORDS.test(word.value));
  if (!pattern) return null;
  const file = words.find(
    (word) =>
      (word.type === 'path' || word.type === 'tree') &&
      !/^\/var\/log\/./.test(word.value) &&
      word.value !== '-',
  );
  return file ? `searching ${file.value} for '${pattern.value}' prints the credentials it finds` : null;
}

function unknown(reason: string): MatchResult {
  return { kind: 'unknown', reason };
}
