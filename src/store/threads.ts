import type { Db } from './database.js';

/**
 * Which Slack thread an alert lives in. Keyed by fingerprint and, for notifications that carry
 * only label values, by group key, so a RESOLVED message finds the thread of its FIRING one.
 * Keys are scoped to where the notification came from (a channel, or the webhook): the same alert
 * posted in two channels has a thread in each.
 */
export interface AlertThread {
  key: string;
  channel: string;
  threadTs: string;
  status: 'firing' | 'resolved';
  firingSince: string;
  resolvedAt: string | null;
}

export const threadKeys = (alert: { fingerprint: string; groupKey?: string }, scope: string): string[] => [
  `${scope}:fp:${alert.fingerprint}`,
  ...(alert.groupKey ? [`${scope}:group:${alert.groupKey}`] : []),
];

interface Row {
  key: string;
  channel: string;
  thread_ts: string;
  status: 'firing' | 'resolved';
  firing_since: string;
  resolved_at: string | null;
}

export class ThreadStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The first thread found for any of the keys, in order. */
  find(keys: string[]): AlertThread | null {
    const stmt = this.db.prepare('SELECT * FROM alert_threads WHERE key = ?');
    for (const key of keys) {
      const row = stmt.get(key) as Row | undefined;
      if (row) return toThread(row);
    }
    return null;
  }

  /** Points every key at the thread, as firing since `firingSince`. */
  open(keys: string[], channel: string, threadTs: string, firingSince: string): void {
    const stmt = this.db.prepare(
      `INSERT INTO alert_threads (key, channel, thread_ts, status, firing_since, resolved_at, updated_at)
       VALUES (?, ?, ?, 'firing', ?, NULL, ?)
       ON CONFLICT(key) DO UPDATE SET channel = excluded.channel, thread_ts = excluded.thread_ts, status = 'firing',
         firing_since = excluded.firing_since, resolved_at = NULL, updated_at = excluded.updated_at`,
    );
    const now = this.now().toISOString();
    this.db.transaction(() => {
      for (const key of keys) stmt.run(key, channel, threadTs, firingSince, now);
    })();
  }

  resolve(keys: string[], resolvedAt: string): void {
    const stmt = this.db.prepare(
      `UPDATE alert_threads SET status = 'resolved', resolved_at = ?, updated_at = ? WHERE key = ?`,
    );
    const now = this.now().toISOString();
    this.db.transaction(() => {
      for (const key of keys) stmt.run(resolvedAt, now, key);
    })();
  }

  openCount(): number {
    return Number(
      this.db
        .prepare(`SELECT COUNT(DISTINCT thread_ts) FROM alert_threads WHERE status = 'firing'`)
        .pluck()
        .get(),
    );
  }
}

function toThread(row: Row): AlertThread {
  return {
    key: row.key,
    channel: row.channel,
    threadTs: row.thread_ts,
    status: row.status,
    firingSince: row.firing_since,
    resolvedAt: row.resolved_at,
  };
}
