import type { Db } from './database.js';

/** Messages AALS has posted for each received event, one row per planned part. */
export class ReplyStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  posted(rawEventId: number, part: number): { channel: string; ts: string } | null {
    const row = this.db
      .prepare('SELECT channel, ts FROM replies WHERE raw_event_id = ? AND part = ?')
      .get(rawEventId, part) as { channel: string; ts: string } | undefined;
    return row ?? null;
  }

  record(rawEventId: number, part: number, channel: string, ts: string): void {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO replies (raw_event_id, part, channel, ts, posted_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(rawEventId, part, channel, ts, this.now().toISOString());
  }

  count(): number {
    return Number(this.db.prepare('SELECT COUNT(*) FROM replies').pluck().get());
  }
}
