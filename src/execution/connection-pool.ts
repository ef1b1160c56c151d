import type { Connection, DialOutcome } from './transport.js';

/**
 * One SSH connection per key — a host and the identity that logs in (see `connectionKey`) —
 * shared by its commands (each gets its own channel) and closed after `idleMs` without one.
 * Commands that arrive while a dial is under way wait for that dial instead of opening their own.
 */
export interface Lease {
  connection: Connection;
  hostKeyFingerprint: string;
  /** The connection was already open before this command: it may have gone stale. */
  reused: boolean;
  /** The command is done with the connection. */
  release(): void;
  /** The connection is broken: close it and forget it (other commands on it end too). */
  discard(): void;
  /** No new commands on this connection; it closes when the last one is done. */
  retire(): void;
}

type LeaseOutcome = { ok: true; lease: Lease } | Extract<DialOutcome, { ok: false }>;

interface Entry {
  key: string;
  connection: Connection;
  hostKeyFingerprint: string;
  active: number;
  idleTimer: NodeJS.Timeout | null;
  retired: boolean;
}

export class ConnectionPool {
  private readonly current = new Map<string, Entry>();
  private readonly live = new Set<Entry>();
  private readonly dialing = new Map<string, Promise<{ ok: true; entry: Entry } | LeaseFailure>>();
  private dialCount = 0;
  private closed = false;

  constructor(
    private readonly dial: (key: string) => Promise<DialOutcome>,
    private readonly idleMs: number,
  ) {}

  async lease(key: string): Promise<LeaseOutcome> {
    const existing = this.current.get(key);
    if (existing?.connection.isOpen) return { ok: true, lease: this.leaseOf(existing, true) };
    if (existing) this.forget(existing);
    let pending = this.dialing.get(key);
    if (!pending) {
      this.dialCount++;
      pending = this.dial(key).then((outcome) => (outcome.ok ? this.adopt(key, outcome) : outcome));
      this.dialing.set(key, pending);
      void pending.finally(() => this.dialing.delete(key));
    }
    const outcome = await pending;
    if (!outcome.ok) return outcome;
    return { ok: true, lease: this.leaseOf(outcome.entry, false) };
  }

  stats(): { dials: number; open: Record<string, number> } {
    const open: Record<string, number> = {};
    for (const entry of this.live) {
      if (entry.connection.isOpen) open[entry.key] = (open[entry.key] ?? 0) + 1;
    }
    return { dials: this.dialCount, open };
  }

  /** Closes every connection now, and those still being dialled as soon as they connect. */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.dialing.values()]);
    for (const entry of [...this.live]) this.end(entry);
  }

  private adopt(
    key: string,
    outcome: Extract<DialOutcome, { ok: true }>,
  ): { ok: true; entry: Entry } | LeaseFailure {
    if (this.closed) {
      outcome.connection.end();
      return { ok: false, status: 'error', error: 'the executor is closed' };
    }
    const entry: Entry = {
      key,
      connection: outcome.connection,
      hostKeyFingerprint: outcome.hostKeyFingerprint,
      active: 0,
      idleTimer: null,
      retired: false,
    };
    this.current.set(key, entry);
    this.live.add(entry);
    outcome.connection.onClose(() => this.forget(entry));
    return { ok: true, entry };
  }

  private leaseOf(entry: Entry, reused: boolean): Lease {
    entry.active++;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    let done = false;
    const finish = (then: () => void) => {
      if (done) return;
      done = true;
      entry.active--;
      then();
    };
    return {
      connection: entry.connection,
      hostKeyFingerprint: entry.hostKeyFingerprint,
      reused,
      release: () => finish(() => this.idleCheck(entry)),
      discard: () => finish(() => this.end(entry)),
      retire: () =>
        finish(() => {
          entry.retired = true;
          if (this.current.get(entry.key) === entry) this.current.delete(entry.key);
          this.idleCheck(entry);
        }),
    };
  }

  private idleCheck(entry: Entry): void {
    if (entry.active > 0) return;
    if (entry.retired || this.closed || !entry.connection.isOpen || this.idleMs === 0) {
      this.end(entry);
      return;
    }
    entry.idleTimer = setTimeout(() => {
      if (entry.active === 0) this.end(entry);
    }, this.idleMs);
    // An idle connection alone must not keep the process alive.
    entry.idleTimer.unref();
  }

  private end(entry: Entry): void {
    this.forget(entry);
    entry.connection.end();
  }

  private forget(entry: Entry): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    if (this.current.get(entry.key) === entry) this.current.delete(entry.key);
    this.live.delete(entry);
  }
}

type LeaseFailure = Extract<DialOutcome, { ok: false }>;
