import { z } from 'zod';
import type { MemoryDocument } from './documents.js';
import { extractKnowledge } from './extract.js';

/**
 * `aals index incidents F.jsonl`: past incidents or postmortems from other tools, one JSON object
 * per line `{"id","title","body","labels"?,"resolution"?,"createdAt"?}`. Re-importing an id updates it.
 */
const ImportedIncident = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string().min(1),
  body: z.string().default(''),
  labels: z.array(z.string()).default([]),
  resolution: z.string().optional(),
  createdAt: z.string().optional(),
  url: z.string().optional(),
  services: z.array(z.string()).optional(),
  alertnames: z.array(z.string()).optional(),
});

export interface ImportProblem {
  line: number;
  error: string;
}

/** CamelCase words that look like alert names (HighCPUUsage, KubePodCrashLooping). */
export function alertnamesIn(text: string): string[] {
  return [
    ...new Set([...text.matchAll(/\b[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*){1,}\b/g)].map((m) => m[0])),
  ].slice(0, 10);
}

/** `firstLine`: the line number of the text's first line, when a file is read in pieces. */
export function parseImport(
  text: string,
  now: Date,
  firstLine = 1,
): { documents: MemoryDocument[]; problems: ImportProblem[] } {
  const documents: MemoryDocument[] = [];
  const problems: ImportProblem[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push({ line: index + firstLine, error: `not valid JSON: ${(error as Error).message}` });
      return;
    }
    const parsed = ImportedIncident.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({
        line: index + firstLine,
        error: `${issue?.path.join('.') || 'value'}: ${issue?.message}`,
      });
      return;
    }
    const item = parsed.data;
    const knowledge = extractKnowledge(item.body);
    const created =
      item.createdAt && !Number.isNaN(Date.parse(item.createdAt))
        ? new Date(item.createdAt).toISOString()
        : now.toISOString();
    const services =
      item.services ?? item.labels.filter((l) => l.startsWith('service:')).map((l) => l.slice(8));
    const resolution = item.resolution ?? knowledge.resolution;
    documents.push({
      id: `import:${item.id}`,
      source: 'import',
      title: item.title,
      body: item.body,
      ...(item.url ? { url: item.url } : {}),
      labels: item.labels,
      services,
      alertnames: item.alertnames ?? alertnamesIn(`${item.title}\n${item.body}`),
      ...(knowledge.rootCause ? { rootCause: knowledge.rootCause } : {}),
      ...(resolution ? { resolution } : {}),
      commands: knowledge.commands,
      createdAt: created,
      updatedAt: now.toISOString(),
    });
  });
  return { documents, problems };
}
