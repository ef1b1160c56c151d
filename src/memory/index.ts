import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { redactText } from '../observability/redact.js';
import { type Db, statementCache } from '../store/database.js';
import type { MemoryDocument, MemorySource, SearchContext, SearchHit } from './documents.js';
import type { EmbeddingProvider } from './embeddings.js';
import { ftsText, normalize, type Tokens, tokenize } from './tokenize.js';

/**
 * Incident memory: SQLite FTS5 (BM25 over words, CJK bigrams and glossary concepts; a trigram index
 * for substrings) and sqlite-vec embeddings, fused by normalized score, then boosted by the alert's
 * name and services, by 👍/👎 feedback, and by recency.
 */
export interface SearchOptions {
  limit?: number;
  context?: SearchContext;
  sources?: MemorySource[];
  /**
   * `bm25`: plain full-text ranking of the query's own words (no glossary expansion, trigram,
   * vectors or boosts) — the baseline the retrieval benchmark compares against.
   */
  mode?: 'hybrid' | 'bm25';
}

interface DocRow {
  rowid: number;
  id: string;
  source: MemorySource;
  title: string;
  body: string;
  url: string | null;
  labels: string;
  services: string;
  alertnames: string;
  root_cause: string | null;
  resolution: string | null;
  commands: string;
  created_at: string;
  updated_at: string;
  helpful: number;
  unhelpful: number;
}

/** What ranking needs of a candidate (not its text). */
type RankRow = Pick<
  DocRow,
  'rowid' | 'source' | 'services' | 'alertnames' | 'labels' | 'created_at' | 'helpful' | 'unhelpful'
>;

/** A channel's candidates, best first; higher score is better. */
interface Scored {
  rowid: number;
  score: number;
}

const CANDIDATES = 100;
/**
 * Channel weights, tuned on the dev half of tests/fixtures/retrieval (the test half only reports).
 * Scores are fused, not ranks: a channel sure of its first answer should be heard (reciprocal-rank
 * fusion scored 0.955 MRR there, normalized-score fusion 0.970).
 */
const WEIGHTS = { bm25: 1, trigram: 0.5, vector: 0.9 };
/** Glossary concepts count twice in the query: they are what carries meaning across languages. */
const CONCEPT_REPEAT = 2;
/**
 * FTS5 scores every row that matches any query term, so a query of common words costs the whole
 * index. Terms are taken rarest first until their postings reach this budget (the three rarest
 * always): the common terms left out carry almost no weight in BM25 anyway.
 */
const POSTINGS_BUDGET = 12_000;
const MIN_TERMS = 3;

export class MemoryIndex {
  private readonly sql: (sql: string) => Statement;
  /** Document frequency per term, for the postings budget; cleared whenever the index changes. */
  private readonly frequencies = new Map<string, number>();

  constructor(
    private readonly db: Db,
    readonly provider: EmbeddingProvider,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sql = statementCache(db);
    this.ensureVectorTable();
  }

  /** Adds or updates documents; unchanged ones (same content hash and embedding provider) are skipped. */
  async upsert(incoming: MemoryDocument[]): Promise<{ added: number; updated: number; unchanged: number }> {
    const counts = { added: 0, updated: 0, unchanged: 0 };
    // What is stored is shown in Slack and sent to the LLM: secrets in postmortems never get in.
    const docs = incoming.map(redactDocument);
    const batchSize = 500;
    for (let i = 0; i < docs.length; i += batchSize) {
      const batch = docs.slice(i, i + batchSize);
      const changed = batch.filter((doc) => {
        const existing = this.sql('SELECT content_hash, embedded_with FROM memory_docs WHERE id = ?').get(
          doc.id,
        ) as { content_hash: string; embedded_with: string | null } | undefined;
        const same =
          existing?.content_hash === contentHash(doc) && existing.embedded_with === this.provider.id;
        if (same) counts.unchanged++;
        return !same;
      });
      if (changed.length === 0) continue;
      const vectors = await this.provider.embed(changed.map(embeddingText));
      this.db.transaction(() => {
        changed.forEach((doc, j) => {
          const existed = this.write(doc, vectors[j] as Float32Array);
          if (existed) counts.updated++;
          else counts.added++;
        });
      })();
      this.frequencies.clear();
    }
    return counts;
  }

  remove(id: string): boolean {
    const row = this.sql('SELECT rowid FROM memory_docs WHERE id = ?').get(id) as
      | { rowid: number }
      | undefined;
    if (!row) return false;
    this.db.transaction(() => {
      this.unindex(row.rowid);
      this.sql('DELETE FROM memory_docs WHERE rowid = ?').run(row.rowid);
    })();
    this.frequencies.clear();
    return true;
  }

  count(source?: MemorySource): number {
    return Number(
      source
        ? this.sql('SELECT COUNT(*) FROM memory_docs WHERE source = ?').pluck().get(source)
        : this.sql('SELECT COUNT(*) FROM memory_docs').pluck().get(),
    );
  }

  /** A document's title and text, for reading one runbook or incident in full. */
  read(id: string): { title: string; body: string; url: string | null } | null {
    const row = this.sql('SELECT title, body, url FROM memory_docs WHERE id = ?').get(id) as
      | { title: string; body: string; url: string | null }
      | undefined;
    return row ?? null;
  }

  idsOf(source: MemorySource): string[] {
    return this.sql('SELECT id FROM memory_docs WHERE source = ?').pluck().all(source) as string[];
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const limit = options.limit ?? 5;
    const tokens = tokenize(query);
    const plain = options.mode === 'bm25';
    const sources = options.sources ?? null;
    const rankings: Array<[Scored[], number]> = [[this.bm25(tokens, !plain, sources), WEIGHTS.bm25]];
    if (!plain) {
      rankings.push([this.trigram(query, sources), WEIGHTS.trigram]);
      const [vector] = await this.provider.embed([query]);
      const candidates = [...new Set(rankings.flatMap(([ranking]) => ranking.map((c) => c.rowid)))];
      rankings.push([this.nearest(vector as Float32Array, candidates, sources), WEIGHTS.vector]);
    }
    // Each channel's scores relative to its best candidate, weighted and summed.
    const fused = new Map<number, number>();
    for (const [ranking, weight] of rankings) {
      const top = ranking[0]?.score || 1;
      for (const { rowid, score } of ranking) {
        fused.set(rowid, (fused.get(rowid) ?? 0) + (weight * Math.max(0, score)) / top);
      }
    }
    const context = options.context ?? {};
    const ranked = (
      this.sql(
        `SELECT rowid, source, services, alertnames, labels, created_at, helpful, unhelpful FROM memory_docs
         WHERE rowid IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify([...fused.keys()])) as RankRow[]
    )
      .filter((row) => !options.sources || options.sources.includes(row.source))
      .map((row) => {
        const { boost, reasons } = this.boosts(row, context, plain);
        return { rowid: row.rowid, score: (fused.get(row.rowid) ?? 0) * boost, reasons };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
    return ranked.map(({ rowid, score, reasons }) => {
      const row = this.sql('SELECT * FROM memory_docs WHERE rowid = ?').get(rowid) as DocRow;
      return {
        id: row.id,
        source: row.source,
        title: row.title,
        ...(row.url ? { url: row.url } : {}),
        ...(row.resolution ? { resolution: row.resolution } : {}),
        score,
        why: explain(tokens, row, reasons, context),
        helpful: row.helpful,
        unhelpful: row.unhelpful,
        createdAt: row.created_at,
      };
    });
  }

  /**
   * 👍 (+1) or 👎 (−1) from one person on one suggestion; voting again replaces their vote. A vote
   * for a document not indexed yet (an incident still open) counts once it is.
   */
  vote(docId: string, userId: string, vote: 1 | -1, incidentId: number | null = null): void {
    this.db.transaction(() => {
      this.sql(
        `INSERT INTO memory_feedback (doc_id, incident_id, user_id, vote, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(doc_id, incident_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at`,
        // 0 stands for "no incident": NULLs never conflict in a UNIQUE index.
      ).run(docId, incidentId ?? 0, userId, vote, this.now().toISOString());
      this.refreshVotes(docId);
    })();
  }

  /** 👍/👎 counts on a document (zero for one not indexed yet). */
  votes(docId: string): { helpful: number; unhelpful: number } {
    const row = this.sql(
      `SELECT COALESCE(SUM(vote > 0), 0) AS helpful, COALESCE(SUM(vote < 0), 0) AS unhelpful
       FROM memory_feedback WHERE doc_id = ?`,
    ).get(docId) as { helpful: number; unhelpful: number };
    return { helpful: Number(row.helpful), unhelpful: Number(row.unhelpful) };
  }

  private refreshVotes(docId: string): void {
    this.sql(
      `UPDATE memory_docs SET
         helpful = (SELECT COUNT(*) FROM memory_feedback WHERE doc_id = @id AND vote > 0),
         unhelpful = (SELECT COUNT(*) FROM memory_feedback WHERE doc_id = @id AND vote < 0)
       WHERE id = @id`,
    ).run({ id: docId });
  }

  /** Documents whose vectors came from another provider (after a provider or dimension change). */
  staleCount(): number {
    return Number(
      this.sql('SELECT COUNT(*) FROM memory_docs WHERE embedded_with IS NOT ?').pluck().get(this.provider.id),
    );
  }

  /** Re-embeds stale documents in batches, reporting progress; safe to interrupt and resume. */
  async reembed(onProgress?: (done: number, total: number) => void): Promise<number> {
    const total = this.staleCount();
    let done = 0;
    for (;;) {
      const rows = this.sql('SELECT * FROM memory_docs WHERE embedded_with IS NOT ? LIMIT 200').all(
        this.provider.id,
      ) as DocRow[];
      if (rows.length === 0) break;
      const vectors = await this.provider.embed(rows.map((row) => embeddingText(toDocument(row))));
      this.db.transaction(() => {
        rows.forEach((row, i) => {
          this.storeVector(row.rowid, vectors[i] as Float32Array);
        });
      })();
      done += rows.length;
      onProgress?.(done, total);
    }
    return done;
  }

  private write(doc: MemoryDocument, vector: Float32Array): boolean {
    const existing = this.sql('SELECT rowid FROM memory_docs WHERE id = ?').get(doc.id) as
      | { rowid: number }
      | undefined;
    const values = {
      id: doc.id,
      source: doc.source,
      title: doc.title,
      body: doc.body,
      url: doc.url ?? null,
      labels: JSON.stringify(doc.labels),
      services: JSON.stringify(doc.services),
      alertnames: JSON.stringify(doc.alertnames),
      rootCause: doc.rootCause ?? null,
      resolution: doc.resolution ?? null,
      commands: JSON.stringify(doc.commands),
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      hash: contentHash(doc),
    };
    let rowid: number;
    if (existing) {
      rowid = existing.rowid;
      this.sql(
        `UPDATE memory_docs SET source = @source, title = @title, body = @body, url = @url, labels = @labels,
           services = @services, alertnames = @alertnames, root_cause = @rootCause, resolution = @resolution,
           commands = @commands, created_at = @createdAt, updated_at = @updatedAt, content_hash = @hash
         WHERE rowid = @rowid`,
      ).run({ ...values, rowid });
      this.unindex(rowid);
    } else {
      rowid = Number(
        this.sql(
          `INSERT INTO memory_docs (id, source, title, body, url, labels, services, alertnames, root_cause, resolution,
             commands, created_at, updated_at, content_hash)
           VALUES (@id, @source, @title, @body, @url, @labels, @services, @alertnames, @rootCause, @resolution,
             @commands, @createdAt, @updatedAt, @hash)`,
        ).run(values).lastInsertRowid,
      );
    }
    this.sql('INSERT INTO memory_fts (rowid, tokens) VALUES (?, ?)').run(
      rowid,
      ftsText(tokenize(embeddingText(doc))),
    );
    this.sql('INSERT INTO memory_tri (rowid, text) VALUES (?, ?)').run(rowid, keyText(doc));
    this.storeVector(rowid, vector);
    this.refreshVotes(doc.id);
    return Boolean(existing);
  }

  /** Removes a document from the full-text indexes and the nearest-neighbour index. */
  private unindex(rowid: number): void {
    this.sql('DELETE FROM memory_fts WHERE rowid = ?').run(rowid);
    this.sql('DELETE FROM memory_tri WHERE rowid = ?').run(rowid);
    if (!this.provider.lexical) this.sql('DELETE FROM memory_vec WHERE rowid = ?').run(BigInt(rowid));
  }

  private storeVector(rowid: number, vector: Float32Array): void {
    this.sql('UPDATE memory_docs SET embedding = ?, embedded_with = ? WHERE rowid = ?').run(
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
      this.provider.id,
      rowid,
    );
    if (!this.provider.lexical) {
      this.sql('DELETE FROM memory_vec WHERE rowid = ?').run(BigInt(rowid));
      this.sql('INSERT INTO memory_vec (rowid, embedding) VALUES (?, ?)').run(BigInt(rowid), vector);
    }
  }

  private bm25(tokens: Tokens, expand: boolean, sources: MemorySource[] | null): Scored[] {
    const concepts = expand ? tokens.concepts.map((c) => `zc${c}`) : [];
    const surface = [...new Set([...tokens.words, ...tokens.cjk])].filter((t) => t.length > 0);
    // Plain mode is the benchmark's baseline: every term, as FTS5 would rank them.
    const kept = expand ? this.withinBudget([...concepts, ...surface]) : new Set(surface);
    const terms = [
      ...Array.from({ length: CONCEPT_REPEAT }, () => concepts.filter((c) => kept.has(c))).flat(),
      ...surface.filter((t) => kept.has(t)),
    ].slice(0, 96);
    if (terms.length === 0) return [];
    const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
    return this.matching('memory_fts', match, sources);
  }

  /** The best full-text matches in one FTS5 table, only among documents of the given sources. */
  private matching(
    table: 'memory_fts' | 'memory_tri',
    match: string,
    sources: MemorySource[] | null,
  ): Scored[] {
    if (!sources) {
      return this.sql(
        `SELECT rowid, -bm25(${table}) AS score FROM ${table} WHERE ${table} MATCH ? ORDER BY bm25(${table}) LIMIT ?`,
      ).all(match, CANDIDATES) as Scored[];
    }
    return this.sql(
      `SELECT ${table}.rowid AS rowid, -bm25(${table}) AS score FROM ${table}
       JOIN memory_docs ON memory_docs.rowid = ${table}.rowid
       WHERE ${table} MATCH ? AND memory_docs.source IN (SELECT value FROM json_each(?))
       ORDER BY bm25(${table}) LIMIT ?`,
    ).all(match, JSON.stringify(sources), CANDIDATES) as Scored[];
  }

  private ofSources(rowids: number[], sources: MemorySource[]): Set<number> {
    return new Set(
      this.sql(
        `SELECT rowid FROM memory_docs WHERE rowid IN (SELECT value FROM json_each(?))
         AND source IN (SELECT value FROM json_each(?))`,
      )
        .pluck()
        .all(JSON.stringify(rowids), JSON.stringify(sources)) as number[],
    );
  }

  /** The rarest terms whose postings fit the budget (terms in no document are dropped). */
  private withinBudget(terms: string[]): Set<string> {
    const rated = [...new Set(terms)]
      .map((term) => ({ term, frequency: this.frequency(term) }))
      .filter((t) => t.frequency > 0)
      .sort((a, b) => a.frequency - b.frequency);
    const kept = new Set<string>();
    let postings = 0;
    for (const { term, frequency } of rated) {
      if (kept.size >= MIN_TERMS && postings + frequency > POSTINGS_BUDGET) break;
      kept.add(term);
      postings += frequency;
    }
    return kept;
  }

  /**
   * Query pieces whose trigram postings fit the budget, rarest first: a piece costs the postings of
   * all its trigrams, and one with a trigram in no document cannot match.
   */
  private affordablePieces(pieces: string[]): string[] {
    const lookup = this.sql('SELECT doc FROM memory_tri_vocab WHERE term = ?').pluck();
    const costed = pieces.slice(0, 24).map((piece) => {
      let cost = 0;
      for (let i = 0; i + 3 <= piece.length; i++) {
        const gram = piece.slice(i, i + 3);
        const key = `tri:${gram}`;
        let frequency = this.frequencies.get(key);
        if (frequency === undefined) {
          frequency = Number(lookup.get(gram) ?? 0);
          this.frequencies.set(key, frequency);
        }
        if (frequency === 0) return { piece, cost: Number.POSITIVE_INFINITY };
        cost += frequency;
      }
      return { piece, cost };
    });
    const kept: string[] = [];
    let postings = 0;
    for (const { piece, cost } of costed.sort((a, b) => a.cost - b.cost)) {
      if (!Number.isFinite(cost) || postings + cost > POSTINGS_BUDGET * 2) break;
      kept.push(piece);
      postings += cost;
    }
    return kept;
  }

  /** Documents containing the term; a term the tokenizer splits (`db-01`) counts as its rarest part. */
  private frequency(term: string): number {
    const cached = this.frequencies.get(term);
    if (cached !== undefined) return cached;
    const parts = term.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const lookup = this.sql('SELECT doc FROM memory_fts_vocab WHERE term = ?').pluck();
    const frequency = parts.length ? Math.min(...parts.map((part) => Number(lookup.get(part) ?? 0))) : 0;
    if (this.frequencies.size > 50_000) this.frequencies.clear();
    this.frequencies.set(term, frequency);
    return frequency;
  }

  /** Substring matches on titles, names and identifiers (`db-0`, `FilesystemAlmost`, Japanese phrases). */
  private trigram(query: string, sources: MemorySource[] | null): Scored[] {
    const pieces = this.affordablePieces([
      ...new Set([...normalize(query).matchAll(/[\p{L}\p{N}_.:/-]{3,}/gu)].map((m) => m[0])),
    ]);
    if (pieces.length === 0) return [];
    const match = pieces.map((p) => `"${p.replace(/"/g, '""')}"`).join(' OR ');
    try {
      return this.matching('memory_tri', match, sources);
    } catch {
      return [];
    }
  }

  /**
   * Cosine similarity to the query: over the full-text candidates for lexical embeddings (exact for
   * them, and independent of the index size), over every document for semantic ones.
   */
  private nearest(vector: Float32Array, candidates: number[], sources: MemorySource[] | null): Scored[] {
    if (this.provider.lexical) {
      const rows = this.sql(
        `SELECT rowid, vec_distance_cosine(embedding, ?) AS distance FROM memory_docs
         WHERE rowid IN (SELECT value FROM json_each(?)) AND embedding IS NOT NULL AND embedded_with = ?
         ORDER BY distance LIMIT ?`,
      ).all(vector, JSON.stringify(candidates), this.provider.id, CANDIDATES) as Array<{
        rowid: number;
        distance: number;
      }>;
      return rows.map((r) => ({ rowid: r.rowid, score: 1 - r.distance }));
    }
    // vec0 cannot filter by source: with a filter, look further and keep the matching ones.
    const rows = this.sql(
      'SELECT rowid, distance FROM memory_vec WHERE embedding MATCH ? AND k = ? ORDER BY distance',
    ).all(vector, sources ? CANDIDATES * 10 : CANDIDATES) as Array<{
      rowid: number | bigint;
      distance: number;
    }>;
    const allowed = sources
      ? this.ofSources(
          rows.map((r) => Number(r.rowid)),
          sources,
        )
      : null;
    return rows
      .filter((r) => !allowed || allowed.has(Number(r.rowid)))
      .slice(0, CANDIDATES)
      .map((r) => ({ rowid: Number(r.rowid), score: 1 - (r.distance * r.distance) / 2 })); // unit vectors
  }

  private boosts(row: RankRow, context: SearchContext, plain: boolean): { boost: number; reasons: string[] } {
    const reasons: string[] = [];
    let boost = 1;
    if (plain) return { boost, reasons };
    const alertnames: string[] = JSON.parse(row.alertnames);
    const services: string[] = JSON.parse(row.services);
    if (context.alertname && alertnames.some((a) => a.toLowerCase() === context.alertname?.toLowerCase())) {
      boost *= 1.5;
      reasons.push(`same alert ${context.alertname}`);
    }
    const sharedServices = (context.services ?? []).filter((s) => services.includes(s));
    if (sharedServices.length > 0) {
      boost *= 1.3;
      reasons.push(`same service ${sharedServices.join(', ')}`);
    }
    // Labels such as the cluster or namespace: `key:value` on the document, or the bare value.
    const labels = new Set((JSON.parse(row.labels) as string[]).map((l) => l.toLowerCase()));
    const sharedLabels = Object.entries(context.labels ?? {})
      .filter(
        ([key, value]) => labels.has(`${key}:${value}`.toLowerCase()) || labels.has(value.toLowerCase()),
      )
      .map(([key, value]) => `${key}=${value}`);
    if (sharedLabels.length > 0) {
      boost *= Math.min(1.3, 1 + 0.1 * sharedLabels.length);
      reasons.push(`same ${sharedLabels.slice(0, 2).join(', ')}`);
    }
    const net = row.helpful - row.unhelpful;
    if (net !== 0) {
      boost *= Math.min(2, Math.max(0.4, 1 + 0.25 * net));
      reasons.push(net > 0 ? `marked helpful ${row.helpful}×` : `marked unhelpful ${row.unhelpful}×`);
    }
    const ageDays = (this.now().getTime() - Date.parse(row.created_at)) / 86_400_000;
    if (Number.isFinite(ageDays)) boost *= 1 + 0.15 * Math.exp(-Math.max(0, ageDays) / 180);
    return { boost, reasons };
  }

  /**
   * The vec0 nearest-neighbour table exists only for semantic providers, sized to their dimensions;
   * a provider or size change leaves every document stale until re-embedded.
   */
  private ensureVectorTable(): void {
    const dims = this.sql(`SELECT value FROM memory_meta WHERE key = 'vector_dimensions'`).pluck().get() as
      | string
      | undefined;
    if (this.provider.lexical || (dims !== undefined && Number(dims) !== this.provider.dimensions)) {
      this.db.exec('DROP TABLE IF EXISTS memory_vec');
    }
    if (!this.provider.lexical) {
      this.db.exec(
        `CREATE VIRTUAL TABLE IF NOT EXISTS memory_vec USING vec0(embedding float[${this.provider.dimensions}])`,
      );
    }
    this.sql(
      `INSERT INTO memory_meta (key, value) VALUES ('vector_dimensions', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    ).run(String(this.provider.dimensions));
  }
}

function embeddingText(doc: MemoryDocument): string {
  return [
    doc.title,
    doc.body,
    doc.rootCause,
    doc.resolution,
    doc.alertnames.join(' '),
    doc.services.join(' '),
    doc.labels.join(' '),
  ]
    .filter(Boolean)
    .join('\n');
}

/** What the trigram index holds: names and identifiers, not prose (which would make it huge and slow). */
function keyText(doc: MemoryDocument): string {
  const identifiers = [
    ...new Set(doc.body.match(/[\p{L}\p{N}]*(?:[\p{N}_.:/-]|[a-z][A-Z])[\p{L}\p{N}_.:/-]*/gu) ?? []),
  ]
    .filter((word) => word.length >= 3)
    .slice(0, 200);
  return normalize(
    [
      doc.title,
      doc.alertnames.join(' '),
      doc.services.join(' '),
      doc.labels.join(' '),
      identifiers.join(' '),
    ].join('\n'),
  );
}

function toDocument(row: DocRow): MemoryDocument {
  return {
    id: row.id,
    source: row.source,
    title: row.title,
    body: row.body,
    url: row.url ?? undefined,
    labels: JSON.parse(row.labels),
    services: JSON.parse(row.services),
    alertnames: JSON.parse(row.alertnames),
    rootCause: row.root_cause ?? undefined,
    resolution: row.resolution ?? undefined,
    commands: JSON.parse(row.commands),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function contentHash(doc: MemoryDocument): string {
  return createHash('sha256').update(embeddingText(doc)).digest('hex').slice(0, 32);
}

/**
 * Why a document matched, short enough to read in a thread: the boosts that applied, then up to
 * three shared words and concepts not already said (alert and service names, their parts).
 */
function explain(tokens: Tokens, row: DocRow, reasons: string[], context: SearchContext): string {
  const doc = tokenize(`${row.title}\n${row.body}`);
  const said = new Set(
    [context.alertname ?? '', ...(context.services ?? [])]
      .filter(Boolean)
      .flatMap((name) => tokenize(name).words),
  );
  const words = new Set(doc.words);
  const shared = [
    ...new Set(tokens.words.filter((w) => words.has(w) && !said.has(w) && w.length > 2 && !/^\d+$/.test(w))),
  ].slice(0, 3);
  const mentioned = new Set([...said, ...shared]);
  const concepts = new Set(doc.concepts);
  const sharedConcepts = tokens.concepts.filter((c) => concepts.has(c) && !mentioned.has(c)).slice(0, 3);
  const parts = [...reasons];
  if (shared.length) parts.push(`mentions ${shared.join(', ')}`);
  if (sharedConcepts.length) parts.push(`about ${sharedConcepts.join(', ')}`);
  return parts.join('; ') || 'similar wording';
}

function redactDocument(doc: MemoryDocument): MemoryDocument {
  return {
    ...doc,
    title: redactText(doc.title),
    body: redactText(doc.body),
    ...(doc.rootCause ? { rootCause: redactText(doc.rootCause) } : {}),
    ...(doc.resolution ? { resolution: redactText(doc.resolution) } : {}),
    commands: doc.commands.map(redactText),
  };
}
