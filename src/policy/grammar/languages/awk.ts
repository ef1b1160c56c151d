/**
 * An awk program is read-only when, with its strings and regular expressions set aside, it runs no
 * command (`system`, `|`), reads no other file (`getline`, `ARGV`), prints no environment (`ENVIRON`),
 * loads nothing (gawk's `@include`/`@load`, indirect `@f()` calls) and redirects no `print` into a
 * file (`print > "f"`). Comparisons such as `$9 >= 500` and regex alternation `/ERROR|WARN/` are fine.
 */

const FORBIDDEN_WORDS = new Set(['system', 'getline', 'close', 'ENVIRON', 'ARGV', 'ARGC', 'PROCINFO']);
const MAX_LENGTH = 4096;

type Token = { kind: 'word' | 'number' | 'op' | 'literal'; text: string };

export function checkAwk(program: string): boolean {
  if (program.length > MAX_LENGTH || program.includes('\0')) return false;
  const tokens = tokenize(program);
  if (!tokens) return false;
  let printDepth: number | null = null;
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'word' && FORBIDDEN_WORDS.has(token.text)) return false;
    if (token.kind !== 'op' && token.kind !== 'word') continue;
    const text = token.text;
    if (text === '@' || text === '|' || text === '|&' || text === '`') return false;
    if (text === '(' || text === '[') depth++;
    else if (text === ')' || text === ']') depth--;
    else if (text === 'print' || text === 'printf') printDepth = depth;
    else if (text === ';' || text === '{' || text === '}' || text === '\n') printDepth = null;
    else if ((text === '>' || text === '>>') && printDepth !== null && depth <= printDepth) return false;
  }
  return true;
}

/** Strings and regex literals become opaque tokens; `/` is a regex where an operand is expected. */
function tokenize(source: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    if (char === ' ' || char === '\t') {
      i++;
      continue;
    }
    if (char === '#') return null; // a comment could hide the rest from a reviewer
    if (char === '"' || (char === '/' && expectsOperand(tokens.at(-1)))) {
      const end = closing(source, i);
      if (end === -1) return null;
      tokens.push({ kind: 'literal', text: source.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, i + 128));
    if (word) {
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
      continue;
    }
    const number = /^(\d+\.?\d*([eE][+-]?\d+)?|\.\d+)/.exec(source.slice(i, i + 64));
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const op =
      /^(\|\||\|&|>>|>=|<=|==|!=|&&|\+\+|--|\+=|-=|\*=|\/=|%=|\^=|\*\*|[-+*/%^!<>=~?:,;{}()[\]$|@`\n\\])/.exec(
        source.slice(i, i + 3),
      );
    if (!op) return null;
    if (op[0] === '\\') return null;
    tokens.push({ kind: 'op', text: op[0] });
    i += op[0].length;
  }
  return tokens;
}

function expectsOperand(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.kind === 'number' || previous.kind === 'literal') return false;
  if (previous.kind === 'word')
    return ['print', 'printf', 'return', 'in', 'if', 'while'].includes(previous.text);
  return ![')', ']', '$', '++', '--'].includes(previous.text);
}

/** Index of the quote or slash that closes the literal opened at `start` (backslash escapes skipped). */
function closing(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') i++;
    else if (char === '\n') return -1;
    else if (char === quote) return i;
  }
  return -1;
}
