import { readFile as readFileAsync } from 'node:fs/promises';
import { errorMessage } from '../errors.js';
import type { ExecutorConfig, HostConfig } from './config.js';
import { ConnectionPool } from './connection-pool.js';
import { prepareDial } from './dial-request.js';
import { HostSlots } from './host-slots.js';
import { connectionKey, loginAs } from './identity.js';
import { runOnLease } from './run-command.js';
import { dialSsh2 } from './ssh2-transport.js';
import type { Dialer, DialOutcome } from './transport.js';
import type { ExecResult, ExecStatus, ExecutorLogger, ExecutorStats, RunOptions } from './types.js';

export type { ExecutorLogger } from './types.js';

/**
 * Runs one command line on one inventory host over SSH, as the host's main user or its
 * readOnlyUser, and always answers with an ExecResult. Host keys are checked strictly on every
 * dial; connections are reused per host and identity and closed when idle; at most
 * perHostConcurrency commands run per host, the rest queue; a command past its timeout is sent
 * KILL. Whether a command *may* run, and the line it is sent as, are decided before this (risk
 * policy, approvals, `confinedCommandLine`).
 */
export interface SshExecutorDeps {
  /** Reads key and known_hosts files (on every dial, so rotated files are picked up). */
  readFile?: (path: string) => Promise<Buffer>;
  now?: () => number;
  /** For SSH_AUTH_SOCK. */
  env?: Record<string, string | undefined>;
  dial?: Dialer;
  logger?: ExecutorLogger;
  /** How long a command gets to end after KILL before it is reported as possibly still running. */
  killGraceMs?: number;
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export class SshExecutor {
  private readonly hosts: Map<string, HostConfig>;
  private readonly slots: HostSlots;
  private readonly pool: ConnectionPool;
  /** What each pool key (a host and an identity) logs in as. */
  private readonly logins = new Map<string, HostConfig>();
  private readonly readFile: (path: string) => Promise<Buffer>;
  private readonly now: () => number;
  private readonly env: Record<string, string | undefined>;
  private readonly dialer: Dialer;
  private readonly logger: ExecutorLogger | undefined;
  private readonly killGraceMs: number;
  private closing = false;

  constructor(
    private readonly config: ExecutorConfig,
    deps: SshExecutorDeps = {},
  ) {
    this.hosts = new Map(config.hosts.map((host) => [host.name, host]));
    for (const host of config.hosts) {
      for (const identity of ['main', 'read-only'] as const) {
        const login = loginAs(host, identity);
        if (login) this.logins.set(connectionKey(host.name, identity), login);
      }
    }
    this.slots = new HostSlots(config.perHostConcurrency);
    this.pool = new ConnectionPool((key) => this.dialLogin(key), config.idleSeconds * 1000);
    this.readFile = deps.readFile ?? ((path) => readFileAsync(path));
    this.now = deps.now ?? Date.now;
    this.env = deps.env ?? process.env;
    this.dialer = deps.dial ?? dialSsh2;
    this.logger = deps.logger;
    this.killGraceMs = deps.killGraceMs ?? 500;
  }

  async run(hostName: string, command: string, options: RunOptions = {}): Promise<ExecResult> {
    const startedAt = this.now();
    const notRun = (status: ExecStatus, error: string, hostKeyFingerprint?: string): ExecResult => ({
      ...emptyResult(hostName, command, status, this.now() - startedAt),
      error,
      ...(hostKeyFingerprint ? { hostKeyFingerprint } : {}),
    });
    const host = this.hosts.get(hostName);
    if (!host) {
      const known = [...this.hosts.keys()].join(', ') || 'none';
      return notRun(
        'unknown_host',
        `host ${hostName} is not in the inventory (modules.executor.hosts; known: ${known})`,
      );
    }
    const key = connectionKey(host.name, options.as ?? 'main');
    const login = this.logins.get(key);
    if (!login) {
      return notRun(
        'error',
        `${host.name} has no readOnlyUser: a read-only command never runs as the main user ${host.user}`,
      );
    }
    if (this.closing) return notRun('error', 'the executor is closed');
    let releaseSlot: () => void;
    try {
      releaseSlot = await this.slots.acquire(host.name, options.signal);
    } catch (error) {
      return this.closing
        ? notRun('error', 'the executor is closed')
        : notRun('cancelled', `cancelled while waiting for a slot on ${host.name}: ${errorMessage(error)}`);
    }
    try {
      // A pooled connection can die unnoticed; when the command certainly did not start on it,
      // it is discarded and the host dialled once more.
      for (let attempt = 0; ; attempt++) {
        const leased = await this.pool.lease(key);
        if (!leased.ok) return notRun(leased.status, leased.error, leased.hostKeyFingerprint);
        const lease = leased.lease;
        if (options.signal?.aborted) {
          lease.release();
          return notRun('cancelled', 'cancelled before the command was sent');
        }
        const outcome = await runOnLease(lease, login, command, {
          timeoutMs: options.timeoutMs ?? this.config.commandTimeoutSeconds * 1000,
          signal: options.signal,
          maxOutputBytes: this.config.maxOutputBytes,
          fullOutputMaxBytes: this.config.fullOutputMaxBytes,
          killGraceMs: this.killGraceMs,
          now: this.now,
          startedAt,
          closing: () => this.closing,
          logger: this.logger,
        });
        if (outcome === 'stale' && attempt === 0) continue;
        if (outcome === 'stale')
          return notRun(
            'unreachable',
            `the connection to ${host.name} broke twice before the command started`,
          );
        this.logger?.debug('ssh command finished', {
          host: host.name,
          user: login.user,
          status: outcome.status,
          exitCode: outcome.exitCode,
          durationMs: outcome.durationMs,
          outputSha256: outcome.outputSha256,
        });
        return outcome;
      }
    } finally {
      releaseSlot();
    }
  }

  stats(): ExecutorStats {
    return { ...this.pool.stats(), ...this.slots.counts() };
  }

  /** Ends every connection; queued commands get status error, running ones lose their connection. */
  async close(): Promise<void> {
    this.closing = true;
    this.slots.close(new Error('the executor is closed'));
    await this.pool.closeAll();
  }

  private async dialLogin(key: string): Promise<DialOutcome> {
    const host = this.logins.get(key);
    if (!host) return { ok: false, status: 'error', error: `no login is known for ${key}` };
    const prepared = await prepareDial(host, this.config, {
      readFile: this.readFile,
      env: this.env,
      logger: this.logger,
    });
    if (!prepared.ok) return { ok: false, status: 'error', error: prepared.error };
    const outcome = await this.dialer(prepared.request);
    if (outcome.ok)
      this.logger?.debug('ssh connected', {
        host: host.name,
        user: host.user,
        hostKey: outcome.hostKeyFingerprint,
      });
    else
      this.logger?.warn('ssh connection failed', {
        host: host.name,
        user: host.user,
        status: outcome.status,
        error: outcome.error,
      });
    return outcome;
  }
}

function emptyResult(host: string, command: string, status: ExecStatus, durationMs: number): ExecResult {
  return {
    status,
    host,
    command,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    truncated: { stdout: false, stderr: false },
    bytes: { stdout: 0, stderr: 0 },
    outputSha256: EMPTY_SHA256,
    durationMs,
    started: false,
  };
}
