/**
 * A sed script is read-only when it is a `;`-separated list of commands from a closed set: print,
 * delete, quit, line numbers, hold space, `s///` with the flags g, p, i, I, m, M and a count, and `y`.
 * GNU sed's `e` (execute), `w`/`W` (write), `r`/`R` (read another file), `s///e` and `s///w` are not in
 * it, nor anything this reader does not know (labels, a/i/c text, unusual delimiters).
 */

const SIMPLE = new Set(['p', 'P', 'd', 'D', 'q', 'Q', '=', 'l', 'n', 'N', 'g', 'G', 'h', 'H', 'x', '{', '}']);
const MAX_LENGTH = 2048;

export function checkSed(script: string): boolean {
  if (script.length > MAX_LENGTH || /[\0\n]/.test(script)) return false;
  let i = 0;
  const skipBlanks = () => {
    while (script[i] === ' ' || script[i] === '\t' || script[i] === ';') i++;
  };
  skipBlanks();
  while (i < script.length) {
    i = address(script, i);
    if (i === -1) return false;
    if (script[i] === ',') {
      i = address(script, i + 1, true);
      if (i === -1) return false;
    }
    while (script[i] === ' ') i++;
    if (script[i] === '!') i++;
    while (script[i] === ' ') i++;
    const command = script[i];
    if (command === undefined) return false;
    if (command === 's' || command === 'y') {
      i = substitution(script, i + 1, command);
      if (i === -1) return false;
    } else if (command === '{') {
      i++;
      skipBlanks();
      continue;
    } else if (SIMPLE.has(command)) {
      i++;
      // q/Q take an exit code; l a line length.
      if (command === 'q' || command === 'Q' || command === 'l') while (/[0-9 ]/.test(script[i] ?? '')) i++;
    } else return false;
    while (script[i] === ' ') i++;
    if (i < script.length && script[i] !== ';' && script[i] !== '}') return false;
    skipBlanks();
  }
  return true;
}

/** A line number, `$`, `/regex/` (with I/M), `first~step` or, after a comma, `+N`/`~N`. */
function address(script: string, start: number, second = false): number {
  let i = start;
  const number = /^(\d+(~\d+)?|\$)/.exec(script.slice(i));
  if (second && /^[+~]\d+/.test(script.slice(i)))
    return i + (/^[+~]\d+/.exec(script.slice(i))?.[0].length ?? 0);
  if (number) return i + number[0].length;
  if (script[i] === '/') {
    const end = delimited(script, i + 1, '/');
    if (end === -1) return -1;
    i = end + 1;
    while (script[i] === 'I' || script[i] === 'M') i++;
    return i;
  }
  return second ? -1 : start;
}

/** `s/re/replacement/flags` or `y/abc/xyz/`, with `/`, `|`, `#`, `:`, `,` or `@` as the delimiter. */
function substitution(script: string, start: number, command: string): number {
  const delimiter = script[start];
  if (delimiter === undefined || !'/|#:,@'.includes(delimiter)) return -1;
  let i = delimited(script, start + 1, delimiter);
  if (i === -1) return -1;
  i = delimited(script, i + 1, delimiter);
  if (i === -1) return -1;
  i++;
  if (command === 'y') return i;
  while (i < script.length && /[gpiImM0-9]/.test(script[i] as string)) i++;
  return i;
}

/** Index of the unescaped delimiter ending the part that starts at `start`, or -1. */
function delimited(script: string, start: number, delimiter: string): number {
  for (let i = start; i < script.length; i++) {
    if (script[i] === '\\') i++;
    else if (script[i] === delimiter) return i;
  }
  return -1;
}
