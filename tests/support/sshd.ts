import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, requireBinary, type Spawned, spawnProcess } from './processes.js';
import { tempDir } from './temp.js';

/**
 * The real OpenSSH `sshd` (Debian openssh-server) on a loopback port, with host and user keys
 * generated at start in a temp dir. It runs in the foreground (`-D -e`) so its log is collected,
 * and it fails loudly, never skips: CI has to prove the executor against a real server.
 */
export const SSHD_BIN = '/usr/sbin/sshd';
export const SSH_KEYGEN_BIN = '/usr/bin/ssh-keygen';
/** OpenSSH's compiled-in privilege separation directory; sshd started as root refuses to run without it. */
const PRIVSEP_DIR = '/run/sshd';

export interface GeneratedKey {
  privateKeyPath: string;
  /** `ssh-ed25519 AAAA… comment`, as in a .pub file. */
  publicLine: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export interface RunningSshd {
  port: number;
  /** The login user: whoever runs the tests (sshd can only switch users when it runs as root). */
  user: string;
  hostKeyFingerprint: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…`: the server's known_hosts line. */
  knownHostsLine: string;
  hostPublicLine: string;
  userKeyPath: string;
  /** A scratch directory the remote commands can write markers into. */
  dir: string;
  /** sshd's own log (connections, auth decisions, signals). */
  log(): string;
  /** Stops the listener and every session it started, then removes the temp dir. */
  stop(): Promise<void>;
  /** Stops the server but keeps its keys, so `start` can bring the same server back. */
  pause(): Promise<void>;
  start(): Promise<void>;
}

/** A fresh ed25519 key pair without a passphrase. */
export function generateKey(dir: string, name: string): GeneratedKey {
  const keygen = requireBinary(SSH_KEYGEN_BIN, 'openssh-client');
  const privateKeyPath = join(dir, name);
  execFileSync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', `aals-test-${name}`, '-f', privateKeyPath], {
    stdio: 'pipe',
  });
  const publicLine = readFileSync(`${privateKeyPath}.pub`, 'utf8').trim();
  return { privateKeyPath, publicLine, fingerprint: fingerprintOf(`${privateKeyPath}.pub`) };
}

/** OpenSSH's own SHA256 fingerprint of a public key file, independent of the code under test. */
export function fingerprintOf(publicKeyPath: string): string {
  const out = execFileSync(requireBinary(SSH_KEYGEN_BIN, 'openssh-client'), ['-l', '-E', 'sha256', '-f', publicKeyPath], {
    encoding: 'utf8',
  });
  const match = /SHA256:[A-Za-z0-9+/]+/.exec(out);
  if (!match) throw new Error(`ssh-keygen -lf printed no SHA256 fingerprint: ${out}`);
  return match[0];
}

/** Hashes a known_hosts file in place with `ssh-keygen -H`, as `HashKnownHosts yes` would. */
export function hashKnownHosts(path: string): string {
  execFileSync(requireBinary(SSH_KEYGEN_BIN, 'openssh-client'), ['-H', '-f', path], { stdio: 'pipe' });
  return readFileSync(path, 'utf8');
}

export async function startSshd(): Promise<RunningSshd> {
  const sshd = requireBinary(SSHD_BIN, 'openssh-server');
  const asRoot = process.getuid?.() === 0;
  if (asRoot && !existsSync(PRIVSEP_DIR)) {
    // Debian's service unit creates it (RuntimeDirectory); a spawned sshd has to do without the unit.
    mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
  }
  const dir = tempDir('aals-sshd-');
  const hostKey = generateKey(dir.path, 'host_ed25519');
  const userKey = generateKey(dir.path, 'user_ed25519');
  writeFileSync(join(dir.path, 'authorized_keys'), `${userKey.publicLine}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = join(dir.path, 'sshd_config');
  writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey.privateKeyPath}`,
      `AuthorizedKeysFile ${join(dir.path, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temp dir belongs to whoever runs the tests, with a permissive umask.
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      `PidFile ${join(dir.path, 'sshd.pid')}`,
      // Tests open many connections and channels at once.
      'MaxStartups 100',
      'MaxSessions 50',
      'PrintMotd no',
      'PrintLastLog no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const user = userInfo().username;
  const dirPath = dir.path;
  let proc: Spawned | null = null;

  const start = async (): Promise<void> => {
    proc = spawnProcess(sshd, ['-D', '-e', '-f', config]);
    await waitForSshBanner(port, proc, 10_000);
  };
  const pause = async (): Promise<void> => {
    if (!proc) return;
    const listener = proc;
    proc = null;
    // Sessions are children of the listener; end them by pid so established connections break too.
    const pid = listener.child.pid;
    const sessions = pid ? descendants(pid) : [];
    await listener.stop();
    for (const child of sessions) {
      try {
        process.kill(child, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  };
  await start();
  return {
    port,
    user,
    hostKeyFingerprint: hostKey.fingerprint,
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey.publicLine.split(' ').slice(0, 2).join(' ')}`,
    hostPublicLine: hostKey.publicLine,
    userKeyPath: userKey.privateKeyPath,
    dir: dirPath,
    log: () => proc?.output() ?? '',
    pause,
    start,
    stop: async () => {
      await pause();
      dir.cleanup();
    },
  };
}

/** Child processes (recursively) of a pid, read from /proc. */
function descendants(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.split(' ').filter(Boolean).map(Number)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/** Resolves once the port answers with an SSH identification line (sshd is serving, not just bound). */
async function waitForSshBanner(port: number, proc: Spawned, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`sshd exited (${proc.child.exitCode ?? proc.child.signalCode}) before serving:\n${proc.output()}`);
    }
    try {
      const banner = await readBanner(port);
      if (banner.startsWith('SSH-2.0-')) return;
      lastError = `unexpected banner ${JSON.stringify(banner)}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd on 127.0.0.1:${port} not ready after ${timeoutMs} ms (${lastError}):\n${proc.output()}`);
}

function readBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000, () => socket.destroy(new Error('no banner within 1 s')));
    socket.once('error', reject);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('utf8'));
    });
  });
}
