import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/**
 * Prompt templates are versioned files in `prompts/` (front matter `version: N`, `{{name}}`
 * variables), so a prompt change is a reviewed diff and the version goes into the cache key and
 * the diagnosis' author line. Untrusted text only ever enters through `dataText`.
 */
export interface Template {
  name: string;
  version: number;
  body: string;
}

const PROMPTS_DIR = new URL('../../prompts/', import.meta.url);
const loaded = new Map<string, Template>();

export function loadTemplate(name: string): Template {
  const cached = loaded.get(name);
  if (cached) return cached;
  const raw = readFileSync(new URL(`${name}.md`, PROMPTS_DIR), 'utf8');
  const match = /^---\n([\s\S]*?)\n---\n/.exec(raw);
  const meta = match ? (parseYaml(match[1] ?? '') as { version?: unknown }) : {};
  const version = typeof meta.version === 'number' ? meta.version : 0;
  const template = { name, version, body: match ? raw.slice(match[0].length) : raw };
  loaded.set(name, template);
  return template;
}

/** Fills `{{name}}`; a variable the caller forgot is an error, not an empty string in a prompt. */
export function render(template: Template, variables: Record<string, string | number>): string {
  return template.body.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = variables[key];
    if (value === undefined) throw new Error(`prompt ${template.name} needs {{${key}}}`);
    return String(value);
  });
}

/** Untrusted text cannot close or open the data delimiters the system prompt relies on. */
export function dataText(text: string): string {
  return text.replace(/<\s*(\/?)\s*(data|system|instructions?)\b/gi, '‹$1$2');
}
