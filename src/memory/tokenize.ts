import { buildMatcher, type GlossaryMatcher } from './glossary.js';

/**
 * Text → search tokens, shared by the full-text index and the offline embeddings:
 * - Latin words and identifiers (`db-01`, `checkout`, `NodeFilesystemAlmostFull` also split at case
 *   changes into `node filesystem almost full`);
 * - CJK runs as overlapping character bigrams (Japanese has no spaces);
 * - concept tokens (`zcdisk`) from the bilingual glossary, so Japanese and English meet.
 */
export interface Tokens {
  words: string[];
  cjk: string[];
  concepts: string[];
}

const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々]+/gu;
const HIRAGANA_PAIR = /^[\p{Script=Hiragana}ー]{2}$/u;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}_.:/-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;
const STOP = new Set(
  'a an and are as at be been but by for from has have in is it its of on or that the this to was were will with we our after before then when which'.split(
    ' ',
  ),
);

let matcher: GlossaryMatcher | undefined;

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** `NodeFilesystemAlmostFull` → node filesystem almost full; `max_connections` → max connections. */
function splitIdentifier(word: string): string[] {
  return word
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_.:/-]+/)
    .filter((w) => w.length > 1);
}

export function tokenize(text: string): Tokens {
  matcher ??= buildMatcher();
  const original = text.normalize('NFKC');
  const normalized = original.toLowerCase();
  const words: string[] = [];
  const latinText = original.replace(CJK_RUN, ' ');
  for (const match of latinText.matchAll(WORD)) {
    const raw = match[0];
    const word = raw.toLowerCase();
    if (!STOP.has(word)) words.push(word);
    const parts = splitIdentifier(raw);
    if (parts.length > 1) for (const part of parts) if (!STOP.has(part)) words.push(part);
  }
  const cjk: string[] = [];
  for (const match of normalized.matchAll(CJK_RUN)) {
    const run = match[0];
    if (run.length === 1) cjk.push(run);
    for (let i = 0; i + 2 <= run.length; i++) {
      const bigram = run.slice(i, i + 2);
      // Kana-only pairs are mostly grammar (して, ている): they match every Japanese text alike.
      if (HIRAGANA_PAIR.test(bigram)) continue;
      cjk.push(bigram);
    }
  }
  const concepts = matcher.concepts(`${normalized} ${words.join(' ')}`, words);
  return { words, cjk, concepts };
}

/** The tokens as one string for the FTS5 column: concepts become single words (`zcdisk`). */
export function ftsText(tokens: Tokens): string {
  return [...tokens.words, ...tokens.cjk, ...tokens.concepts.map((c) => `zc${c}`)].join(' ');
}
