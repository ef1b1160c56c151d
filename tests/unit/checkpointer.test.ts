import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type CheckpointResult, WalCheckpointer } from '../../src/store/checkpointer.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import { tempDir } from '../../src/testing/temp.js';

describe('WAL checkpoints on a worker thread', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;

  beforeEach(() => {
    dir = tempDir('aals-checkpoint-');
    db = openDatabase(join(dir.path, 'data'));
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  });

  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  /** About `pages` 4 KB pages of new rows, one transaction per 20 rows. */
  const write = (pages: number) => {
    const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
    const batch = db.transaction((rows: number) => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(3000));
    });
    for (let done = 0; done < pages; done += 20) batch(20);
  };
  const walBytes = () => statSync(join(dir.path, 'data', 'aals.sqlite-wal')).size;

  it('commits stop checkpointing; the worker copies the WAL back, and commits take over after stop', async () => {
    const results: CheckpointResult[] = [];
    const checkpointer = WalCheckpointer.start(db, { intervalMs: 50, onCheckpoint: (r) => results.push(r) });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

    write(3000);
    // Without the worker the committing connection would have restarted the WAL at 1,000 pages.
    expect(walBytes()).toBeGreaterThan(2000 * 4096);
    for (let i = 0; i < 100 && !results.some((r) => r.checkpointed >= 2000); i++)
      await new Promise((r) => setTimeout(r, 50));
    const full = results.find((r) => r.checkpointed >= 2000);
    expect(full).toBeDefined();
    expect(full?.checkpointed).toBe(full?.log);

    await checkpointer?.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // The WAL restarts at the next commit once everything in it has been checkpointed.
    const before = db.prepare('SELECT COUNT(*) FROM filler').pluck().get() as number;
    write(20);
    expect(db.prepare('SELECT COUNT(*) FROM filler').pluck().get()).toBe(before + 20);
    const [after] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
    expect(after?.log).toBeLessThan(100);
  });

  it('a worker that dies hands checkpoints back to the committing connection and says so', async () => {
    const errors: string[] = [];
    const checkpointer = WalCheckpointer.start(db, { onError: (m) => errors.push(m) });
    expect(checkpointer).not.toBeNull();
    await (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(errors).toEqual(['the checkpoint worker ended: commits checkpoint the WAL again']);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('an in-memory database has no WAL and gets no worker', () => {
    const memory = openDatabase(':memory:');
    expect(WalCheckpointer.start(memory)).toBeNull();
    memory.close();
  });
});
