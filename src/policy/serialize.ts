import type { ShellRedirect, ShellScript, ShellWord } from './shell-parser.js';

/**
 * What AALS sends to the host: the parsed command re-serialized with every word in single quotes, so
 * the remote shell runs exactly the argv the policy checked. Only an unquoted `*` or `?` the policy
 * accepted as a file pattern stays unquoted. Anything beyond one pipeline of simple commands with
 * literal words has no canonical form, and AALS does not run it.
 */
export interface CanonicalCommand {
  /** Each pipeline stage's argv as checked. */
  argv: string[][];
  line: string;
}

/**
 * `expand` names the words (`stage:argument`, arguments counted after the program) that the policy
 * accepted as file patterns; every other word is quoted whole, so a `?` in a URL stays a `?`.
 */
export function canonicalCommand(
  script: ShellScript,
  expand: ReadonlySet<string> = new Set(),
): CanonicalCommand | null {
  const [pipeline, ...others] = script.pipelines;
  if (!pipeline || others.length > 0 || script.constructs.length > 0 || script.statements !== 1) return null;
  const argv: string[][] = [];
  const stages: string[] = [];
  for (const [index, command] of pipeline.commands.entries()) {
    if (command?.kind !== 'simple' || command.words.length === 0) return null;
    const words: string[] = [];
    for (const { name, value } of command.assignments) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || value.value === null || value.glob) return null;
      words.push(`${name}=${quote(value.value)}`);
    }
    const values: string[] = [];
    for (const [position, word] of command.words.entries()) {
      const text = serializeWord(word, position > 0 && expand.has(`${index}:${position - 1}`));
      if (text === null) return null;
      words.push(text);
      values.push(word.value as string);
    }
    const redirects = [
      ...command.redirects,
      ...(index === pipeline.commands.length - 1 ? pipeline.redirects : []),
    ];
    for (const redirect of redirects) {
      const text = serializeRedirect(redirect);
      if (text === null) return null;
      words.push(text);
    }
    argv.push(values);
    stages.push(words.join(' '));
  }
  if (pipeline.redirects.length > 0 && pipeline.commands.length > 1) return null;
  return { argv, line: stages.join(' | ') };
}

/** `'…'` with `'` written as `'\''`: nothing inside single quotes is special to any POSIX shell. */
export function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function serializeWord(word: ShellWord, pattern: boolean): string | null {
  if (word.value === null) return null;
  if (!word.glob || !pattern) return quote(word.value);
  const significant = word.significant;
  if (significant === undefined || significant.length !== word.value.length) return null;
  let out = '';
  let literal = '';
  for (let i = 0; i < word.value.length; i++) {
    const mark = significant[i];
    if (mark === '*' || mark === '?') {
      if (literal) out += quote(literal);
      literal = '';
      out += mark;
    } else if (mark === '[' || mark === ']' || mark === '~') return null;
    else literal += word.value[i];
  }
  return literal ? out + quote(literal) : out;
}

function serializeRedirect(redirect: ShellRedirect): string | null {
  const target = redirect.target?.value;
  if (target === null || target === undefined || redirect.target?.glob) return null;
  if (!/^(>|>>|<|&>|&>>|>&|<&)$/.test(redirect.op)) return null;
  const fd = redirect.fd ?? '';
  if (!/^\d?$/.test(fd)) return null;
  const duplicate = (redirect.op === '>&' || redirect.op === '<&') && /^(\d+|-)$/.test(target);
  // `&>` is bash: the remote /bin/sh (dash) would read `cmd &>f` as `cmd &` then `>f`.
  if (redirect.op === '&>' || redirect.op === '&>>') return `${redirect.op.slice(1)}${quote(target)} 2>&1`;
  return `${fd}${redirect.op}${duplicate ? target : quote(target)}`;
}
