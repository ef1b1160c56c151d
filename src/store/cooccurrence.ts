import type { Statement } from 'better-sqlite3';
import type { PairCount } from '../correlation/cooccurrence.js';
import { type Db, statementCache } from './database.js';

/** Learned co-occurrence counts, so what AALS learned survives restarts. */
export class CooccurrenceStore {
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Db) {
    this.sql = statementCache(this.db);
  }

  save(pairs: PairCount[]): void {
    const upsert = this.sql(
      `INSERT INTO cooccurrence (a, b, count, last_counted) VALUES (@a, @b, @count, @lastCounted)
       ON CONFLICT(a, b) DO UPDATE SET count = excluded.count, last_counted = excluded.last_counted`,
    );
    for (const pair of pairs) upsert.run(pair);
  }

  /** The strongest pairs, at most `limit`. */
  load(limit: number): PairCount[] {
    return this.sql(
      'SELECT a, b, count, last_counted AS lastCounted FROM cooccurrence ORDER BY count DESC LIMIT ?',
    ).all(limit) as PairCount[];
  }
}
