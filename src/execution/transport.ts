import type { HostConfig } from './config.js';
import type { HostKeyPolicy } from './host-trust.js';

/**
 * The executor's view of an SSH client, free of the SDK: dial a host, run commands on the
 * connection. `ssh2-transport.ts` implements it with ssh2; tests may swap in a fake.
 */
export interface DialRequest {
  host: HostConfig;
  connectTimeoutMs: number;
  hostKeys: HostKeyPolicy;
  /** The key file's content; never logged, never part of a result. */
  privateKey?: Buffer;
  /** ssh-agent socket path. */
  agentSocket?: string;
}

export type DialFailureStatus = 'host_key_rejected' | 'unreachable' | 'auth_failed' | 'error';

export type DialOutcome =
  | { ok: true; connection: Connection; hostKeyFingerprint: string }
  | { ok: false; status: DialFailureStatus; error: string; hostKeyFingerprint?: string };

export type Dialer = (request: DialRequest) => Promise<DialOutcome>;

export interface CommandHandlers {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** The exit status, or the signal (e.g. SIGKILL) that ended the command. */
  exit(code: number | null, signal: string | null): void;
  /** The channel is closed: no more output or status will arrive. */
  close(): void;
}

export interface RemoteCommand {
  /** Sends a signal to the remote process group (OpenSSH honours it for non-root sessions only). */
  signal(name: 'KILL' | 'TERM'): void;
  /** Closes the channel from our side. */
  close(): void;
}

export type ExecOutcome =
  | { ok: true; command: RemoteCommand }
  /**
   * `mayHaveStarted` is false only when the command certainly did not reach the server;
   * `connectionBroken` says the connection itself is gone (not just this channel refused).
   */
  | { ok: false; mayHaveStarted: boolean; connectionBroken: boolean; error: string };

export interface Connection {
  readonly isOpen: boolean;
  exec(command: string, handlers: CommandHandlers): Promise<ExecOutcome>;
  /** Calls `listener` once when the connection closes; returns a function that unsubscribes. */
  onClose(listener: (reason: string | null) => void): () => void;
  end(): void;
}
