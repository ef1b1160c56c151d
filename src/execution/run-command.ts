import type { HostConfig } from './config.js';
import type { Lease } from './connection-pool.js';
import { OutputCollector } from './output.js';
import type { RemoteCommand } from './transport.js';
import type { ExecResult, ExecStatus, ExecutorLogger } from './types.js';

/**
 * One command on one leased connection: output collected, the timeout or the caller's abort
 * answered with KILL, and the outcome turned into an ExecResult. 'stale' means the pooled
 * connection broke before the command reached the host, so the caller may dial again.
 */
export interface CommandSettings {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  maxOutputBytes: number;
  fullOutputMaxBytes: number;
  /** How long a command gets to end after KILL before it is reported as possibly still running. */
  killGraceMs: number;
  now: () => number;
  /** When run() was called: durations include the wait for a slot and the dial. */
  startedAt: number;
  /** Whether the executor is closing (a lost connection is then no surprise). */
  closing: () => boolean;
  logger?: ExecutorLogger | undefined;
}

type Ending = 'closed' | 'timeout' | 'cancelled';

export async function runOnLease(
  lease: Lease,
  host: HostConfig,
  command: string,
  settings: CommandSettings,
): Promise<ExecResult | 'stale'> {
  const { timeoutMs, signal: abort, now, startedAt, killGraceMs } = settings;
  const output = new OutputCollector(settings.maxOutputBytes, settings.fullOutputMaxBytes);
  // Mutated by the channel's callbacks; an object so the compiler does not narrow it.
  const state = {
    exitCode: null as number | null,
    signal: null as string | null,
    closed: false,
    onClosed: null as (() => void) | null,
    sealed: false,
  };
  const starting = lease.connection.exec(command, {
    stdout: (chunk) => {
      if (!state.sealed) output.add('stdout', chunk);
    },
    stderr: (chunk) => {
      if (!state.sealed) output.add('stderr', chunk);
    },
    exit: (code, signal) => {
      state.exitCode = code;
      state.signal = signal;
    },
    close: () => {
      state.closed = true;
      state.onClosed?.();
    },
  });
  const base = (status: ExecStatus, error?: string): ExecResult => {
    state.sealed = true;
    return {
      status,
      host: host.name,
      command,
      exitCode: state.exitCode,
      signal: state.signal,
      ...output.result(),
      durationMs: now() - startedAt,
      started: true,
      hostKeyFingerprint: lease.hostKeyFingerprint,
      ...(error ? { error } : {}),
    };
  };

  // A connection that looks open can be dead (no FIN yet): the start is bounded by the timeout.
  const started = await withTimeout(starting, timeoutMs);
  if (started === 'timeout') {
    void starting.then((late) => {
      if (late.ok) {
        late.command.signal('KILL');
        late.command.close();
      }
    });
    lease.discard();
    return {
      ...base(
        'timeout',
        `no answer from ${host.name} within ${timeoutMs} ms while starting the command; the connection was dropped and the command may or may not have started`,
      ),
      killed: false,
    };
  }
  if (!started.ok) {
    if (started.connectionBroken) lease.discard();
    else lease.release();
    if (!started.mayHaveStarted && started.connectionBroken && lease.reused) return 'stale';
    return {
      ...base('error', `cannot run the command on ${host.name}: ${started.error}`),
      started: started.mayHaveStarted,
    };
  }

  const ending = await new Promise<Ending>((resolve) => {
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const onAbort = () => finish('cancelled');
    const finish = (how: Ending) => {
      clearTimeout(timer);
      abort?.removeEventListener('abort', onAbort);
      state.onClosed = null;
      resolve(how);
    };
    abort?.addEventListener('abort', onAbort, { once: true });
    state.onClosed = () => finish('closed');
    if (state.closed || abort?.aborted) finish(state.closed ? 'closed' : 'cancelled');
  });

  if (ending !== 'closed') {
    const killed = await killRemote(
      started.command,
      killGraceMs,
      () => state.closed,
      (listener) => {
        state.onClosed = listener;
      },
    );
    const what = ending === 'timeout' ? `timed out after ${timeoutMs} ms` : 'was cancelled';
    const note = killed
      ? `the command ${what} and was killed`
      : `the command ${what}; it did not end within ${killGraceMs} ms of KILL and may still be running on ${host.name}${host.user === 'root' ? ' (OpenSSH does not deliver signals to root sessions: log in as a non-root user)' : ''}`;
    if (killed) lease.release();
    else {
      // Its channel may stay open on the server; new commands get a fresh connection.
      lease.retire();
      settings.logger?.warn('ssh command may still be running after KILL', { host: host.name });
    }
    return { ...base(ending, note), killed };
  }

  const { exitCode, signal } = state;
  if (!lease.connection.isOpen && exitCode === null && signal === null) {
    lease.discard();
    const why = settings.closing() ? 'the executor was closed' : 'the connection was lost';
    return base('error', `${why} while the command ran on ${host.name}; it may or may not have finished`);
  }
  lease.release();
  if (exitCode === 0) return base('ok');
  if (exitCode !== null) return base('failed', `exit code ${exitCode}`);
  if (signal !== null) return base('failed', `ended by ${signal}`);
  return base('error', 'the channel closed without an exit status');
}

/** KILL, then wait a moment for the channel to close: that is the proof the process ended. */
async function killRemote(
  remote: RemoteCommand,
  graceMs: number,
  isClosed: () => boolean,
  whenClosed: (listener: () => void) => void,
): Promise<boolean> {
  remote.signal('KILL');
  const ended = isClosed()
    ? true
    : await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), graceMs);
        whenClosed(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
  remote.close();
  return ended;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}
