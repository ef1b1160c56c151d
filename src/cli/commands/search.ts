import type { MemorySource } from '../../memory/documents.js';
import { parseCommandArgs } from '../context.js';
import { type CliIo, printJson, UsageError } from '../io.js';
import { openMemory } from './memory-context.js';

const SOURCES: MemorySource[] = ['import', 'github', 'aals', 'runbook'];

/** `aals search "TEXT" [--json] [--limit N] [--source a,b]`: the most similar past incidents, best first. */
export async function searchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, load } = parseCommandArgs(
    args,
    { json: { type: 'boolean' }, limit: { type: 'string', short: 'n' }, source: { type: 'string' } },
    io,
  );
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError('what should I search for? e.g. aals search "disk full on db-01"');
  const limit = Number(values.limit ?? 5);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError('--limit takes 1 to 100');
  const sources = values.source ? String(values.source).split(',') : undefined;
  const unknown = sources?.filter((s) => !SOURCES.includes(s as MemorySource));
  if (unknown?.length)
    throw new UsageError(`unknown --source ${unknown.join(', ')} (use ${SOURCES.join(', ')})`);
  const { config } = load();
  const { memory, close } = openMemory(config, io);
  try {
    const hits = await memory.index.search(query, {
      limit,
      ...(sources ? { sources: sources as MemorySource[] } : {}),
    });
    if (values.json) {
      printJson(
        io,
        hits.map((hit) => ({
          id: externalId(hit.id),
          title: hit.title,
          score: Number(hit.score.toFixed(6)),
          why: hit.why,
          source: hit.source,
          ...(hit.url ? { url: hit.url } : {}),
          ...(hit.resolution ? { resolution: hit.resolution } : {}),
        })),
      );
      return 0;
    }
    if (hits.length === 0) io.stdout.write(`nothing in incident memory matches "${query}"\n`);
    hits.forEach((hit, i) => {
      io.stdout.write(`${i + 1}. ${externalId(hit.id)}  ${hit.title}  (score ${hit.score.toFixed(4)})\n`);
      io.stdout.write(`   why: ${hit.why}\n`);
      if (hit.url) io.stdout.write(`   ${hit.url}\n`);
      if (hit.resolution)
        io.stdout.write(`   fixed by: ${hit.resolution.replace(/\s+/g, ' ').slice(0, 200)}\n`);
    });
    const stale = memory.index.staleCount();
    if (stale > 0)
      io.stderr.write(`note: ${stale} documents await re-embedding (AALS does this in the background)\n`);
    return 0;
  } finally {
    close();
  }
}

/** Imported incidents keep the id they were imported with; other sources keep their prefix. */
export function externalId(id: string): string {
  return id.startsWith('import:') ? id.slice('import:'.length) : id;
}
