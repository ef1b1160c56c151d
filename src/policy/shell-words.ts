/**
 * Quote removal for the literal pieces of a shell word, as bash does it. The parser says where the
 * quotes are; these functions turn each piece into the text the program would receive.
 */

export interface Piece {
  /** The text after quote removal. */
  value: string;
  /** The same length as `value` for unquoted text: the characters that keep a special meaning
   * (glob, brace, tilde); quoted or escaped characters are replaced by a space. */
  significant: string;
}

/** An unquoted word: `\x` is x, `\<newline>` disappears, everything else is itself. */
export function unquotedPiece(raw: string): Piece {
  let value = '';
  let significant = '';
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i] as string;
    if (char === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1] as string;
      i++;
      if (next === '\n') continue;
      value += next;
      significant += ' ';
      continue;
    }
    value += char;
    significant += char;
  }
  return { value, significant };
}

/** The inside of "…": a backslash escapes only $ ` " \ and newline. */
export function doubleQuotedPiece(inner: string): Piece {
  let value = '';
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i] as string;
    const next = inner[i + 1];
    if (char === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
      i++;
      if (next !== '\n') value += next;
      continue;
    }
    value += char;
  }
  return { value, significant: ' '.repeat(value.length) };
}

export function singleQuotedPiece(inner: string): Piece {
  return { value: inner, significant: ' '.repeat(inner.length) };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Numeric escapes of $'…': octal \NNN, hex \xHH, unicode \uHHHH and \UHHHHHHHH. */
const NUMERIC_ESCAPES: { pattern: RegExp; radix: number; mask?: number }[] = [
  { pattern: /^[0-7]{1,3}/, radix: 8, mask: 0xff },
  { pattern: /^x([0-9a-fA-F]{1,2})/, radix: 16 },
  { pattern: /^u([0-9a-fA-F]{1,4})/, radix: 16 },
  { pattern: /^U([0-9a-fA-F]{1,8})/, radix: 16 },
];

function numericEscape(rest: string): { text: string; length: number } | null {
  for (const { pattern, radix, mask } of NUMERIC_ESCAPES) {
    const match = rest.match(pattern);
    if (!match) continue;
    const code = Number.parseInt(match[1] ?? match[0], radix) & (mask ?? 0x1fffff);
    return { text: code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd', length: match[0].length };
  }
  return null;
}

/** The inside of $'…' (ANSI-C quoting), decoded so `$'\x72m'` is seen as `rm`. */
export function ansiCPiece(inner: string): Piece {
  let value = '';
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i] as string;
    if (char !== '\\' || i + 1 >= inner.length) {
      value += char;
      continue;
    }
    const next = inner[i + 1] as string;
    const simple = SIMPLE_ESCAPES[next];
    const numeric = simple === undefined ? numericEscape(inner.slice(i + 1)) : null;
    if (simple !== undefined) {
      value += simple;
      i++;
    } else if (numeric) {
      value += numeric.text;
      i += numeric.length;
    } else if (next === 'c' && i + 2 < inner.length) {
      value += String.fromCharCode(inner.charCodeAt(i + 2) & 0x1f);
      i += 2;
    } else {
      value += `\\${next}`;
      i++;
    }
  }
  return { value, significant: ' '.repeat(value.length) };
}

/**
 * Unquoted `{a,b}` or `{1..3}` becomes several words in bash, so the argument list is not what it
 * looks like. A linear scan (innermost braces), not a regex, so long input cannot make it slow.
 */
export function hasBraceExpansion(significant: string): boolean {
  let open = -1;
  for (let i = 0; i < significant.length; i++) {
    const char = significant[i];
    if (char === '{') open = i;
    else if (char === '}' && open !== -1) {
      const inner = significant.slice(open + 1, i);
      if (inner.includes(',') || inner.includes('..')) return true;
      open = -1;
    }
  }
  return false;
}

/** Unquoted `*`, `?` or `[…]` is a pattern the shell replaces with matching file names. */
export function hasGlob(significant: string): boolean {
  if (/[*?]/.test(significant)) return true;
  const bracket = significant.indexOf('[');
  return bracket !== -1 && significant.indexOf(']', bracket + 1) !== -1;
}
