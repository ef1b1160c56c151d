import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HashedEmbedding } from '../../src/memory/embeddings.js';
import { evaluateRetrieval, type LabelledQuery, type RetrievalScore } from '../../src/memory/evaluate.js';
import { parseImport } from '../../src/memory/import.js';
import { MemoryIndex } from '../../src/memory/index.js';
import { type Db, openDatabase } from '../../src/store/database.js';

/**
 * Retrieval quality on the labelled set in tests/fixtures/retrieval (all 71 queries over 72
 * incidents, default offline embeddings). Guards against regressions; it tunes nothing.
 */
const SET = join(process.cwd(), 'tests', 'fixtures', 'retrieval');

function readQueries(): LabelledQuery[] {
  return readFileSync(join(SET, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledQuery)
    .map((q) => ({ ...q, relevant: q.relevant.map((id) => `import:${id}`) }));
}

let db: Db;
let queries: LabelledQuery[];
let hybrid: RetrievalScore;
let bm25: RetrievalScore;

beforeAll(async () => {
  db = openDatabase(':memory:');
  const index = new MemoryIndex(db, new HashedEmbedding());
  const { documents, problems } = parseImport(
    readFileSync(join(SET, 'incidents.jsonl'), 'utf8'),
    new Date('2025-12-01T00:00:00.000Z'),
  );
  expect(problems).toEqual([]);
  expect(await index.upsert(documents)).toEqual({ added: 72, updated: 0, unchanged: 0 });
  queries = readQueries();
  hybrid = await evaluateRetrieval(index, queries, { k: 5, mode: 'hybrid' });
  bm25 = await evaluateRetrieval(index, queries, { k: 5, mode: 'bm25' });
}, 60_000);

afterAll(() => {
  db?.close();
});

test('the labelled set is complete: every relevant id is an indexed incident', () => {
  expect(queries).toHaveLength(71);
  const incidents = new Set(
    readFileSync(join(SET, 'incidents.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => `import:${(JSON.parse(line) as { id: string }).id}`),
  );
  const missing = queries.flatMap((q) => q.relevant).filter((id) => !incidents.has(id));
  expect(missing).toEqual([]);
  expect(hybrid.queries).toBe(71);
});

test('hybrid recall@5 ≥ 0.95', () => {
  expect(hybrid.recallAtK).toBeGreaterThanOrEqual(0.95);
});

test('hybrid MRR ≥ 0.85', () => {
  expect(hybrid.mrr).toBeGreaterThanOrEqual(0.85);
});

test('hybrid MRR beats plain BM25 MRR by at least 0.1', () => {
  // On failure jest prints both: Expected ≥ (BM25 MRR + 0.1), Received (hybrid MRR).
  expect(hybrid.mrr).toBeGreaterThanOrEqual(bm25.mrr + 0.1);
});

test('cross-language queries: hybrid finds the answer in the top 5 for nearly all', () => {
  const cross = hybrid.results.filter((r) => r.kind === 'cross-language');
  expect(cross).toHaveLength(16);
  const found = cross.filter((r) => r.firstRelevant !== null && r.firstRelevant <= 5).length;
  expect(found).toBeGreaterThanOrEqual(15);
  const bm25Found = bm25.results.filter(
    (r) => r.kind === 'cross-language' && r.firstRelevant !== null && r.firstRelevant <= 5,
  ).length;
  expect(found).toBeGreaterThan(bm25Found);
});
