import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import type { Db } from './database.js';

/**
 * Copies the WAL back into the database file on a worker thread. SQLite's automatic checkpoint runs
 * inside whichever commit crosses 1,000 WAL pages, so under a steady stream of alerts one commit in a
 * few dozen stalled the event loop for 10–40 ms (writing ~4 MB and two fsyncs). A PASSIVE checkpoint
 * from another connection never blocks the writer; the main connection stops checkpointing while
 * the worker runs, and takes over again if the worker dies.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpoint', ...result });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  onCheckpoint?: (result: CheckpointResult) => void;
  /** A checkpoint failed (the next one retries), or the worker ended. */
  onError?: (message: string) => void;
}

/** SQLite's default: the WAL is checkpointed by the committing connection past 1,000 pages. */
const AUTOCHECKPOINT_PAGES = 1000;
/** The WAL file is cut back to this size when it restarts, so a burst does not keep its disk space. */
const WAL_SIZE_LIMIT = 64 * 2 ** 20;

export class WalCheckpointer {
  private readonly worker: Worker;
  private stopped = false;

  private constructor(
    private readonly db: Db,
    options: CheckpointerOptions,
  ) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: db.name,
        intervalMs: options.intervalMs ?? 500,
      },
    });
    this.worker.on('message', (message: { type: string; message?: string } & CheckpointResult) => {
      if (message.type === 'checkpoint') options.onCheckpoint?.(message);
      else options.onError?.(message.message ?? 'unknown error');
    });
    this.worker.on('error', (error) => options.onError?.(errorMessage(error)));
    this.worker.on('exit', () => {
      // Whatever ended the worker, commits must checkpoint again or the WAL grows without end.
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      if (!this.stopped) options.onError?.('the checkpoint worker ended: commits checkpoint the WAL again');
    });
  }

  /** Moves checkpoints off `db`'s thread; null for an in-memory database (it has no WAL). */
  static start(db: Db, options: CheckpointerOptions = {}): WalCheckpointer | null {
    if (db.memory) return null;
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    db.pragma('wal_autocheckpoint = 0');
    return new WalCheckpointer(db, options);
  }

  /** Runs a last checkpoint and ends the worker (the main connection checkpoints on commit again). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = once(this.worker, 'exit');
    this.worker.postMessage('stop');
    const timeout = setTimeout(() => void this.worker.terminate(), 5000);
    await exited;
    clearTimeout(timeout);
  }
}
