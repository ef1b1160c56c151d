import type { MemoryIndex } from './index.js';

/**
 * Retrieval quality on a labelled set: recall@k (the share of each query's relevant incidents found
 * in the top k, averaged) and MRR (1 / rank of the first relevant incident, 0 if not in the top 10).
 */
export interface LabelledQuery {
  id: string;
  query: string;
  /** Document ids that answer it. */
  relevant: string[];
  kind?: string;
  lang?: string;
  split?: string;
}

export interface QueryResult {
  id: string;
  kind: string | undefined;
  /** 1-based rank of the first relevant document; null when not in the top 10. */
  firstRelevant: number | null;
  recall: number;
}

export interface RetrievalScore {
  queries: number;
  recallAtK: number;
  mrr: number;
  results: QueryResult[];
}

const DEPTH = 10;

export async function evaluateRetrieval(
  index: MemoryIndex,
  queries: LabelledQuery[],
  options: { k?: number; mode?: 'hybrid' | 'bm25' } = {},
): Promise<RetrievalScore> {
  const k = options.k ?? 5;
  const results: QueryResult[] = [];
  for (const query of queries) {
    const hits = await index.search(query.query, { limit: DEPTH, mode: options.mode ?? 'hybrid' });
    const ranked = hits.map((h) => h.id);
    const relevant = new Set(query.relevant);
    const position = ranked.findIndex((id) => relevant.has(id));
    const found = ranked.slice(0, k).filter((id) => relevant.has(id)).length;
    results.push({
      id: query.id,
      kind: query.kind,
      firstRelevant: position >= 0 ? position + 1 : null,
      recall: relevant.size ? found / relevant.size : 0,
    });
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / (values.length || 1);
  return {
    queries: results.length,
    recallAtK: mean(results.map((r) => r.recall)),
    mrr: mean(results.map((r) => (r.firstRelevant ? 1 / r.firstRelevant : 0))),
    results,
  };
}
