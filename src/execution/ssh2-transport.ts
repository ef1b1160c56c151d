import ssh2, {
  type AuthenticationType,
  type ClientChannel,
  type ConnectConfig,
  type ServerHostKeyAlgorithm,
} from 'ssh2';
import { errorMessage } from '../errors.js';
import type { HostKeyVerdict } from './host-trust.js';
import type {
  CommandHandlers,
  Connection,
  DialFailureStatus,
  DialOutcome,
  DialRequest,
  ExecOutcome,
  RemoteCommand,
} from './transport.js';

/** The only module that imports ssh2 (a CommonJS package: its named exports come off the default). */
const { Client } = ssh2;
type Ssh2Client = InstanceType<typeof Client>;

/** Keepalives find a dead peer on a pooled connection before a command is sent into it. */
const KEEPALIVE_INTERVAL_MS = 15_000;
const KEEPALIVE_COUNT_MAX = 3;

type Ssh2Error = Error & { level?: string };

export function dialSsh2(request: DialRequest): Promise<DialOutcome> {
  const { host } = request;
  const where = `${host.name} (${host.address}:${host.port})`;
  return new Promise((resolve) => {
    const client = new Client();
    let verdict: HostKeyVerdict | null = null;
    let settled = false;
    const settle = (outcome: DialOutcome) => {
      if (settled) return;
      settled = true;
      if (!outcome.ok) client.end();
      resolve(outcome);
    };
    const fail = (status: DialFailureStatus, error: string) =>
      settle({ ok: false, status, error, ...(verdict ? { hostKeyFingerprint: verdict.fingerprint } : {}) });

    client.once('ready', () =>
      settle({
        ok: true,
        connection: new Ssh2Connection(client),
        hostKeyFingerprint: verdict?.fingerprint ?? '',
      }),
    );
    // Registered for the connection's whole life: an 'error' without a listener would throw.
    client.on('error', (error: Ssh2Error) => {
      if (settled) return;
      if (verdict && !verdict.trusted) return fail('host_key_rejected', verdict.reason);
      switch (error.level) {
        case 'client-authentication':
          return fail(
            'auth_failed',
            `authentication as ${host.user} on ${where} failed (${credentialsOf(request)}): check that the public key is in ${host.user}'s authorized_keys`,
          );
        case 'client-socket':
        case 'client-dns':
        case 'client-timeout':
          return fail('unreachable', `${where} unreachable: ${error.message}`);
        default:
          if (/before handshake/i.test(error.message))
            return fail('unreachable', `${where} unreachable: ${error.message}`);
          return fail('error', `SSH to ${where} failed: ${error.message}`);
      }
    });
    client.once('close', () => {
      if (verdict && !verdict.trusted) return fail('host_key_rejected', verdict.reason);
      fail('unreachable', `${where} closed the connection during the handshake`);
    });

    const authHandler: AuthenticationType[] = [];
    if (request.privateKey) authHandler.push('publickey');
    if (request.agentSocket) authHandler.push('agent');
    const preferred = request.hostKeys.preferredAlgorithms as ServerHostKeyAlgorithm[] | null;
    const config: ConnectConfig = {
      host: host.address,
      port: host.port,
      username: host.user,
      readyTimeout: request.connectTimeoutMs,
      keepaliveInterval: KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      authHandler,
      hostVerifier: (key: Buffer): boolean => {
        verdict = request.hostKeys.verify(key);
        return verdict.trusted;
      },
      ...(preferred ? { algorithms: { serverHostKey: preferred } } : {}),
      ...(request.privateKey ? { privateKey: request.privateKey } : {}),
      ...(request.agentSocket ? { agent: request.agentSocket } : {}),
    };
    try {
      client.connect(config);
    } catch (error) {
      // e.g. an unparsable or encrypted key; ssh2's message names the problem, not the key.
      fail('error', `cannot connect to ${where}: ${errorMessage(error)}`);
    }
  });
}

function credentialsOf(request: DialRequest): string {
  const tried = [
    ...(request.privateKey ? [`key file ${request.host.keyFile}`] : []),
    ...(request.agentSocket ? ['ssh-agent'] : []),
  ];
  return `tried ${tried.join(' and ')}`;
}

class Ssh2Connection implements Connection {
  private open = true;
  private lastError: string | null = null;
  private readonly closeListeners = new Set<(reason: string | null) => void>();

  constructor(private readonly client: Ssh2Client) {
    client.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    client.on('close', () => {
      this.open = false;
      const listeners = [...this.closeListeners];
      this.closeListeners.clear();
      for (const listener of listeners) listener(this.lastError);
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  onClose(listener: (reason: string | null) => void): () => void {
    if (!this.open) {
      listener(this.lastError);
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  end(): void {
    this.client.end();
  }

  exec(command: string, handlers: CommandHandlers): Promise<ExecOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: ExecOutcome) => {
        if (settled) return;
        settled = true;
        unsubscribe();
        resolve(outcome);
      };
      // ssh2 may never call back when the connection drops after the channel opened; deferred so
      // that, when it does call back (channel never opened), its more precise answer wins.
      const unsubscribe = this.onClose((reason) =>
        setImmediate(() =>
          settle({
            ok: false,
            mayHaveStarted: true,
            connectionBroken: true,
            error: `connection lost while starting the command${reason ? `: ${reason}` : ''}`,
          }),
        ),
      );
      try {
        this.client.exec(command, (error, channel) => {
          if (error) {
            settle({
              ok: false,
              mayHaveStarted: this.mayHaveStarted(error),
              connectionBroken: !this.open || /^No response from server/.test(error.message),
              error: error.message,
            });
            return;
          }
          settle({ ok: true, command: attach(channel, handlers) });
        });
      } catch (error) {
        // "Not connected": thrown before anything was sent.
        settle({ ok: false, mayHaveStarted: false, connectionBroken: true, error: errorMessage(error) });
      }
    });
  }

  /**
   * ssh2 reports a channel that never opened with a `reason` (open failure) or as "No response
   * from server"/"No free channels"; "Unable to exec" on a live connection is the server refusing.
   */
  private mayHaveStarted(error: Error): boolean {
    if ('reason' in error) return false;
    if (/^No (response from server|free channels available)/.test(error.message)) return false;
    if (error.message === 'Unable to exec') return !this.open;
    return true;
  }
}

function attach(channel: ClientChannel, handlers: CommandHandlers): RemoteCommand {
  channel.on('data', (chunk: Buffer) => handlers.stdout(chunk));
  channel.stderr.on('data', (chunk: Buffer) => handlers.stderr(chunk));
  channel.on('exit', (code: number | null, signal?: string) => handlers.exit(code ?? null, signal ?? null));
  channel.on('close', () => handlers.close());
  // No stdin: a command that reads it sees EOF at once instead of waiting for the timeout.
  channel.eof();
  return { signal: (name) => sendSignal(channel, name), close: () => channel.close() };
}

/**
 * ssh2 only sends a `signal` request while our side of the channel is open, but stdin was
 * closed (EOF) at start; OpenSSH accepts the request either way, so the state is lifted for it.
 */
function sendSignal(channel: ClientChannel, name: string): void {
  const outgoing = channel.outgoing as { state?: string } | undefined;
  if (outgoing?.state !== 'eof') {
    channel.signal(name);
    return;
  }
  outgoing.state = 'open';
  try {
    channel.signal(name);
  } finally {
    outgoing.state = 'eof';
  }
}
