import type { RunIdentity } from '../domain/risk.js';

/**
 * What the SSH executor hands back: always a value, never an exception, so the thread, the audit
 * and the LLM can say exactly what happened on which host.
 */
export type ExecStatus =
  /** The command ran and exited 0. */
  | 'ok'
  /** The command ran and exited non-zero (or was ended by a signal it did not get from us). */
  | 'failed'
  /** The per-command timeout expired; the command was sent KILL (see `killed`). */
  | 'timeout'
  /** The caller's AbortSignal fired; a running command was sent KILL like on a timeout. */
  | 'cancelled'
  /** The host presented a key that is not trusted for it (unknown, changed or revoked). */
  | 'host_key_rejected'
  /** No SSH connection: refused, no route, DNS, or no handshake within the connect timeout. */
  | 'unreachable'
  /** The server rejected every configured credential. */
  | 'auth_failed'
  /** The host is not in the inventory. */
  | 'unknown_host'
  | 'error';

export interface ExecResult {
  status: ExecStatus;
  /** The inventory name. */
  host: string;
  command: string;
  exitCode: number | null;
  /** The signal that ended the command, e.g. SIGKILL, as the server reported it. */
  signal: string | null;
  /** Capped at maxOutputBytes, a truncation notice line appended when cut. */
  stdout: string;
  stderr: string;
  truncated: { stdout: boolean; stderr: boolean };
  /** Everything received, in bytes. */
  bytes: { stdout: number; stderr: number };
  /** stdout and stderr as they arrived, up to fullOutputMaxBytes; only when something was cut. */
  fullOutput?: Buffer;
  /** True when even fullOutput had to stop short. */
  fullOutputTruncated?: boolean;
  /** Hex SHA-256 of every byte received (stdout and stderr interleaved as they arrived). */
  outputSha256: string;
  durationMs: number;
  /**
   * Whether the command may have started on the host. False means it certainly did not run
   * (no connection, refused key, failed auth, channel never opened), so running it again is safe.
   */
  started: boolean;
  /** On timeout or cancel: whether the command ended after KILL (false: it may still be running). */
  killed?: boolean;
  /** The host key the server presented, e.g. SHA256:…, when a handshake got that far. */
  hostKeyFingerprint?: string;
  error?: string;
}

export interface RunOptions {
  /** Overrides commandTimeoutSeconds for this command. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Who logs in: the host's main user (default) or its readOnlyUser. */
  as?: RunIdentity;
}

export interface ExecutorStats {
  /** TCP connections opened since start (reuse keeps this low). */
  dials: number;
  /** Connections open now, per host (`db-1`) or read-only identity (`db-1 (read-only)`). */
  open: Record<string, number>;
  /** Commands running now, per host. */
  running: Record<string, number>;
  /** Commands waiting for a slot, per host. */
  queued: Record<string, number>;
}

/** What the executor logs through (a winston Logger fits); never key material or command output. */
export interface ExecutorLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}
