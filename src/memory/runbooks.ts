import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { MemoryDocument } from './documents.js';
import { extractKnowledge } from './extract.js';

/**
 * Runbooks: Markdown files under one directory, with optional YAML front matter naming the alerts
 * and services they cover. Paths are resolved inside the directory only (no `..`, no symlinks out).
 */
export interface Runbook {
  document: MemoryDocument;
  /** Alert names from the front matter: a runbook naming the alert is always shown for it. */
  alerts: string[];
  mtimeMs: number;
}

const MAX_BYTES = 1024 * 1024;

/** `baseUrl`: where the same files are browsable (e.g. the repository's web view), for links. */
export function readRunbooks(dir: string, baseUrl?: string): Runbook[] {
  const root = resolve(dir);
  const runbooks: Runbook[] = [];
  const walk = (folder: string, depth: number) => {
    if (depth > 8) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink() || entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (entry.isFile() && /\.(md|markdown)$/i.test(entry.name)) {
        const runbook = readRunbook(root, path, baseUrl);
        if (runbook) runbooks.push(runbook);
      }
    }
  };
  walk(root, 0);
  return runbooks;
}

/** A path inside the runbook directory, or null when it would escape it. */
export function insideDirectory(root: string, path: string): string | null {
  const full = resolve(root, path);
  return full === root || full.startsWith(root + sep) ? full : null;
}

function readRunbook(root: string, path: string, baseUrl?: string): Runbook | null {
  const full = insideDirectory(root, path);
  if (!full) return null;
  const stat = statSync(full);
  if (stat.size > MAX_BYTES) return null;
  const text = readFileSync(full, 'utf8');
  const { meta, body } = frontMatter(text);
  const name = relative(root, full).split(sep).join('/');
  const heading = /^#\s+(.+)$/m.exec(body)?.[1]?.trim();
  const list = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.map(String)
      : typeof value === 'string'
        ? value.split(/\s*,\s*/).filter(Boolean)
        : [];
  const alerts = list(meta.alerts);
  const knowledge = extractKnowledge(body);
  const when = new Date(stat.mtimeMs).toISOString();
  return {
    alerts,
    mtimeMs: stat.mtimeMs,
    document: {
      id: `runbook:${name}`,
      source: 'runbook',
      title: typeof meta.title === 'string' ? meta.title : (heading ?? name),
      body,
      ...(typeof meta.url === 'string'
        ? { url: meta.url }
        : baseUrl
          ? { url: `${baseUrl.replace(/\/$/, '')}/${name.split('/').map(encodeURIComponent).join('/')}` }
          : {}),
      labels: list(meta.tags),
      services: list(meta.services),
      alertnames: alerts,
      ...(knowledge.resolution ? { resolution: knowledge.resolution } : {}),
      commands: knowledge.commands,
      createdAt: when,
      updatedAt: when,
    },
  };
}

function frontMatter(text: string): { meta: Record<string, unknown>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!match) return { meta: {}, body: text };
  try {
    const meta = parseYaml(match[1] ?? '');
    return {
      meta: meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {},
      body: text.slice(match[0].length),
    };
  } catch {
    return { meta: {}, body: text };
  }
}
