import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { HashedEmbedding } from '../memory/embeddings.js';
import { evaluateRetrieval, type LabelledQuery } from '../memory/evaluate.js';
import { parseImport } from '../memory/import.js';
import { MemoryIndex } from '../memory/index.js';
import { DATABASE_FILE, openDatabase } from '../store/database.js';
import { syntheticIncidents, syntheticQueries } from './incident-corpus.js';
import { ms, stats } from './stats.js';

/**
 * Incident memory: retrieval quality on the labelled set (hybrid vs plain BM25 over the same index,
 * default offline embeddings), and scale — index build time, top-5 query latency and memory for
 * 100,000 incidents in a real SQLite file.
 */
export const RETRIEVAL_SET = fileURLToPath(new URL('../../tests/fixtures/retrieval', import.meta.url));

export function loadRetrievalSet(dir = RETRIEVAL_SET): {
  incidents: string;
  queries: LabelledQuery[];
} {
  const queries = readFileSync(join(dir, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledQuery)
    .map((q) => ({ ...q, relevant: q.relevant.map((id) => `import:${id}`) }));
  return { incidents: readFileSync(join(dir, 'incidents.jsonl'), 'utf8'), queries };
}

export async function retrievalBenchmark(print: (line: string) => void): Promise<void> {
  if (!existsSync(RETRIEVAL_SET)) {
    print(`retrieval: skipped, ${RETRIEVAL_SET} does not exist`);
    return;
  }
  const { incidents, queries } = loadRetrievalSet();
  const db = openDatabase(':memory:');
  const index = new MemoryIndex(db, new HashedEmbedding());
  const { documents } = parseImport(incidents, new Date());
  await index.upsert(documents);
  for (const [split, subset] of [
    ['all', queries],
    ['dev', queries.filter((q) => q.split === 'dev')],
    ['test', queries.filter((q) => q.split === 'test')],
  ] as const) {
    const hybrid = await evaluateRetrieval(index, subset, { mode: 'hybrid' });
    const bm25 = await evaluateRetrieval(index, subset, { mode: 'bm25' });
    print(
      `retrieval (${documents.length} incidents, ${subset.length} queries, ${split}): hybrid recall@5 ${hybrid.recallAtK.toFixed(3)} MRR ${hybrid.mrr.toFixed(3)} · plain BM25 recall@5 ${bm25.recallAtK.toFixed(3)} MRR ${bm25.mrr.toFixed(3)} · MRR gain ${(hybrid.mrr - bm25.mrr).toFixed(3)}`,
    );
    if (split === 'all') {
      const kinds = [...new Set(subset.map((q) => q.kind ?? '-'))];
      const byKind = kinds.map((kind) => {
        const rows = hybrid.results.filter((r) => (r.kind ?? '-') === kind);
        const mrr =
          rows.reduce((sum, r) => sum + (r.firstRelevant ? 1 / r.firstRelevant : 0), 0) / rows.length;
        return `${kind} ${mrr.toFixed(2)}`;
      });
      print(`   hybrid MRR by kind: ${byKind.join(', ')}`);
    }
  }
  db.close();
}

export async function memoryScaleBenchmark(print: (line: string) => void, count = 100_000): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'aals-memory-bench-'));
  try {
    const db = openDatabase(dir);
    const index = new MemoryIndex(db, new HashedEmbedding());
    const documents = syntheticIncidents(count);
    const started = performance.now();
    for (let i = 0; i < documents.length; i += 5000) await index.upsert(documents.slice(i, i + 5000));
    const buildSeconds = (performance.now() - started) / 1000;
    const queries = syntheticQueries(220);
    const samples: number[] = [];
    for (const [i, query] of queries.entries()) {
      const t = performance.now();
      await index.search(query, {
        limit: 5,
        context: { alertname: 'HighErrorRate', services: ['checkout'] },
      });
      if (i >= 20) samples.push(performance.now() - t);
    }
    const latency = stats(samples);
    global.gc?.();
    const memory = process.memoryUsage();
    const fileMiB = statSync(join(dir, DATABASE_FILE)).size / 2 ** 20;
    print(
      `incident memory at ${count.toLocaleString('en-US')} incidents: index build ${buildSeconds.toFixed(1)} s (${Math.round(count / buildSeconds).toLocaleString('en-US')}/s); top-5 query p50 ${ms(latency.p50)} p95 ${ms(latency.p95)} max ${ms(latency.max)} (${latency.count} queries); SQLite file ${fileMiB.toFixed(0)} MiB; rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB (the 100,000 source documents included)`,
    );
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
