import { createReadStream, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ImportProblem } from '../../memory/import.js';
import { parseImport } from '../../memory/import.js';
import type { IncidentMemory } from '../../memory/service.js';
import { parseCommandArgs } from '../context.js';
import { type CliIo, UsageError } from '../io.js';
import { progressBar } from '../progress.js';
import { openMemory } from './memory-context.js';

/**
 * `aals index incidents F.jsonl | github | runbooks [DIR]`: fills incident memory from past
 * postmortems, GitHub incident issues, or a runbook directory. Exit 2 when some input was bad (the
 * good part is still imported), 1 when a source could not be read.
 */
export async function indexCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, load } = parseCommandArgs(
    args,
    { repo: { type: 'string', multiple: true } },
    io,
  );
  const [what, target] = positionals;
  if (what !== 'incidents' && what !== 'github' && what !== 'runbooks') {
    throw new UsageError('expected `index incidents F.jsonl`, `index github` or `index runbooks [DIR]`');
  }
  if (what === 'incidents' && !target)
    throw new UsageError('index incidents needs a JSON lines file (or - for stdin)');
  const { config } = load();
  const repos = values.repo as unknown as string[] | undefined;
  if (repos?.length) config.memory.githubRepositories = repos;
  const { memory, close } = openMemory(config, io);
  try {
    if (what === 'incidents') return await indexIncidents(memory, target as string, io);
    if (what === 'github') return await indexGitHub(memory, io);
    return await indexRunbooks(memory, target ?? config.memory.runbooksDir, io);
  } finally {
    close();
  }
}

const BATCH_LINES = 1000;

async function indexIncidents(memory: IncidentMemory, file: string, io: CliIo): Promise<number> {
  const path = file === '-' ? null : resolve(io.cwd, file);
  if (path && !existsSync(path)) throw new UsageError(`no such file: ${file}`);
  const total = path ? statSync(path).size : undefined;
  const progress = progressBar(io, 'importing');
  const input = path ? createReadStream(path) : io.stdin;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const counts = { added: 0, updated: 0, unchanged: 0 };
  const problems: ImportProblem[] = [];
  const now = new Date();
  let batch: string[] = [];
  let firstLine = 1;
  let bytes = 0;
  const flush = async () => {
    const parsed = parseImport(batch.join('\n'), now, firstLine);
    problems.push(...parsed.problems);
    const result = await memory.index.upsert(parsed.documents);
    counts.added += result.added;
    counts.updated += result.updated;
    counts.unchanged += result.unchanged;
    firstLine += batch.length;
    batch = [];
    progress.update(bytes, total, `${counts.added + counts.updated + counts.unchanged} incidents`);
  };
  for await (const line of lines) {
    batch.push(line);
    bytes += Buffer.byteLength(line) + 1;
    if (batch.length >= BATCH_LINES) await flush();
  }
  if (batch.length) await flush();
  progress.finish();
  const imported = counts.added + counts.updated + counts.unchanged;
  io.stdout.write(
    `imported ${imported} incidents (${counts.added} new, ${counts.updated} updated, ${counts.unchanged} unchanged)\n`,
  );
  for (const problem of problems.slice(0, 20)) io.stderr.write(`${file}:${problem.line}: ${problem.error}\n`);
  if (problems.length > 20) io.stderr.write(`… and ${problems.length - 20} more lines skipped\n`);
  if (problems.length) io.stderr.write(`${problems.length} lines skipped: fix them and import again\n`);
  return problems.length ? 2 : 0;
}

async function indexGitHub(memory: IncidentMemory, io: CliIo): Promise<number> {
  const progress = progressBar(io, 'GitHub');
  const result = await memory.syncGitHub((repo, issues) =>
    progress.update(issues, undefined, `issues (${repo})`),
  );
  progress.finish();
  io.stdout.write(`indexed ${result.issues} GitHub issues\n`);
  for (const error of result.errors) io.stderr.write(`GitHub: ${error}\n`);
  return result.errors.length ? 1 : 0;
}

async function indexRunbooks(memory: IncidentMemory, dir: string | undefined, io: CliIo): Promise<number> {
  if (!dir) throw new UsageError('index runbooks needs a directory (or memory.runbooksDir in the config)');
  const full = resolve(io.cwd, dir);
  if (!existsSync(full) || !statSync(full).isDirectory()) throw new UsageError(`not a directory: ${dir}`);
  const progress = progressBar(io, 'runbooks');
  progress.update(0);
  const result = await memory.syncRunbooks(full);
  progress.finish();
  io.stdout.write(
    `indexed ${result.runbooks} runbooks from ${dir} (${result.indexed} new or changed, ${result.removed} removed)\n`,
  );
  return 0;
}
