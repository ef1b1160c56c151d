import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
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
const UNSHARE_BIN = '/usr/bin/unshare';
/** OpenSSH's compiled-in privilege separation directory; sshd started as root refuses to run without it. */
const PRIVSEP_DIR = '/run/sshd';

export interface GeneratedKey {
  privateKeyPath: string;
  /** `ssh-ed25519 AAAA… comment`, as in a .pub file. */
  publicLine: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export interface Sshd {
  port: number;
  /** The login user: the test runner's own, or a throwaway unprivileged one (see SshdOptions). */
  user: string;
  hostKeyFingerprint: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…`: the server's known_hosts line. */
  knownHostsLine: string;
  hostPublicLine: string;
  userKeyPath: string;
  /** The second, unprivileged login (SshdOptions.readOnlyUser), with its own key. */
  readOnlyUser: { user: string; keyPath: string; home: string } | null;
  /** A directory the login user can write markers into. */
  workDir: string;
  /** sshd's own log (connections, auth decisions, refused signals). */
  log(): string;
  /** Stops the listener and every session it started, then removes the temp dir. */
  stop(): Promise<void>;
  /** Stops the server (sessions included) but keeps its keys and port, so `start` brings it back. */
  pause(): Promise<void>;
  start(): Promise<void>;
}

export interface SshdOptions {
  /**
   * `self` (default): log in as the user running the tests. `unprivileged`: when the tests run as
   * root, log in as a throwaway non-root user instead, because OpenSSH refuses `signal` requests
   * for root sessions ("session signalling requires privilege separation"), so a timed-out
   * command could not be killed. The user exists only inside a private mount namespace where a
   * copy of /etc/passwd is bind-mounted; the machine's files are not touched. Without root
   * this is the same as `self`.
   */
  login?: 'self' | 'unprivileged';
  /**
   * Adds a second non-root login with its own key (e.g. a host's readOnlyUser), made the same way
   * as the unprivileged one: a passwd copy in a private mount namespace. Needs root.
   */
  readOnlyUser?: boolean;
}

const UNPRIVILEGED_USER = 'aals-ssh-test';
const READ_ONLY_USER = 'aals-ro-test';

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
  const out = execFileSync(
    requireBinary(SSH_KEYGEN_BIN, 'openssh-client'),
    ['-l', '-E', 'sha256', '-f', publicKeyPath],
    {
      encoding: 'utf8',
    },
  );
  const match = /SHA256:[A-Za-z0-9+/]+/.exec(out);
  if (!match) throw new Error(`ssh-keygen -lf printed no SHA256 fingerprint: ${out}`);
  return match[0];
}

/** Hashes a known_hosts file in place with `ssh-keygen -H`, as `HashKnownHosts yes` would. */
export function hashKnownHosts(path: string): string {
  execFileSync(requireBinary(SSH_KEYGEN_BIN, 'openssh-client'), ['-H', '-f', path], { stdio: 'pipe' });
  return readFileSync(path, 'utf8');
}

export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  const sshd = requireBinary(SSHD_BIN, 'openssh-server');
  const asRoot = process.getuid?.() === 0;
  if (asRoot && !existsSync(PRIVSEP_DIR)) {
    // Debian's service unit creates it (RuntimeDirectory); a spawned sshd has to do without the unit.
    mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
  }
  const dir = tempDir('aals-sshd-');
  const hostKey = generateKey(dir.path, 'host_ed25519');
  const userKey = generateKey(dir.path, 'user_ed25519');
  const workDir = join(dir.path, 'work');
  mkdirSync(workDir);
  if (options.readOnlyUser && !asRoot) {
    throw new Error(
      'a second SSH login (readOnlyUser) needs the tests to run as root: sshd run by another user can only log in as that user',
    );
  }
  const unprivileged = asRoot && options.login === 'unprivileged';
  const readOnlyHome = join(dir.path, 'ro-home');
  const extraUsers = [
    ...(unprivileged ? [{ name: UNPRIVILEGED_USER, home: workDir }] : []),
    ...(options.readOnlyUser ? [{ name: READ_ONLY_USER, home: readOnlyHome }] : []),
  ];
  const namespaced = extraUsers.length > 0 ? throwawayUsers(dir.path, extraUsers) : null;
  if (namespaced) {
    // sshd reads authorized_keys as the login user.
    chmodSync(dir.path, 0o755);
    for (const made of namespaced.users) {
      if (!existsSync(made.home)) mkdirSync(made.home);
      chownSync(made.home, made.uid, made.uid);
    }
  }
  const user = unprivileged ? UNPRIVILEGED_USER : userInfo().username;
  // One authorized_keys file per user, so each key logs in as its own user only.
  const authorize = (login: string, key: GeneratedKey) =>
    writeFileSync(join(dir.path, `authorized_keys.${login}`), `${key.publicLine}\n`, { mode: 0o644 });
  authorize(user, userKey);
  const readOnlyKey = options.readOnlyUser ? generateKey(dir.path, 'ro_ed25519') : null;
  if (readOnlyKey) authorize(READ_ONLY_USER, readOnlyKey);
  const port = await freePort();
  const config = join(dir.path, 'sshd_config');
  writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey.privateKeyPath}`,
      `AuthorizedKeysFile ${join(dir.path, 'authorized_keys.%u')}`,
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
  let proc: Spawned | null = null;

  const start = async (): Promise<void> => {
    if (proc) return;
    proc = namespaced
      ? spawnProcess(requireBinary(UNSHARE_BIN, 'util-linux'), [
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          'mount --bind "$0" /etc/passwd && exec "$1" -D -e -f "$2"',
          namespaced.passwdFile,
          sshd,
          config,
        ])
      : spawnProcess(sshd, ['-D', '-e', '-f', config]);
    try {
      await waitForSshBanner(port, proc, 10_000);
    } catch (error) {
      if (!namespaced) throw error;
      throw new Error(
        `${String(error)}\nThe throwaway logins (unprivileged, readOnlyUser) need a private mount namespace (unshare --mount, CAP_SYS_ADMIN) when the tests run as root: allow unshare in this container (for the unprivileged login alone, running the tests as a non-root user also works).`,
      );
    }
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
  try {
    await start();
  } catch (error) {
    await pause();
    dir.cleanup();
    throw error;
  }
  return {
    port,
    user,
    hostKeyFingerprint: hostKey.fingerprint,
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey.publicLine.split(' ').slice(0, 2).join(' ')}`,
    hostPublicLine: hostKey.publicLine,
    userKeyPath: userKey.privateKeyPath,
    readOnlyUser: readOnlyKey
      ? { user: READ_ONLY_USER, keyPath: readOnlyKey.privateKeyPath, home: readOnlyHome }
      : null,
    workDir,
    log: () => proc?.output() ?? '',
    pause,
    start,
    stop: async () => {
      await pause();
      dir.cleanup();
    },
  };
}

/** A passwd copy with extra non-root users (free uids, the given homes, /bin/sh). */
function throwawayUsers(
  dir: string,
  wanted: Array<{ name: string; home: string }>,
): { users: Array<{ name: string; uid: number; home: string }>; passwdFile: string } {
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const used = new Set(passwd.split('\n').map((line) => Number(line.split(':')[2])));
  let uid = 47_000;
  const users = wanted.map(({ name, home }) => {
    while (used.has(uid)) uid++;
    used.add(uid);
    return { name, uid, home };
  });
  const passwdFile = join(dir, 'passwd');
  const base = passwd.endsWith('\n') ? passwd : `${passwd}\n`;
  const lines = users.map((u) => `${u.name}:x:${u.uid}:${u.uid}:AALS SSH test:${u.home}:/bin/sh\n`);
  writeFileSync(passwdFile, `${base}${lines.join('')}`, { mode: 0o644 });
  return { users, passwdFile };
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
      throw new Error(
        `sshd exited (${proc.child.exitCode ?? proc.child.signalCode}) before serving:\n${proc.output()}`,
      );
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
  throw new Error(
    `sshd on 127.0.0.1:${port} not ready after ${timeoutMs} ms (${lastError}):\n${proc.output()}`,
  );
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

/**
 * An executor inventory entry for this sshd, trusted by its pinned host-key fingerprint; with
 * `readOnlyUser: true`, it declares the sshd's second login as its readOnlyUser.
 */
export function executorHost(
  sshd: Pick<Sshd, 'port' | 'user' | 'userKeyPath' | 'hostKeyFingerprint' | 'readOnlyUser'>,
  name: string,
  environment: 'development' | 'staging' | 'production',
  labels: Record<string, string> = {},
  options: { readOnlyUser?: boolean } = {},
) {
  const readOnly = options.readOnlyUser ? sshd.readOnlyUser : null;
  if (options.readOnlyUser && !readOnly) {
    throw new Error('executorHost: start the sshd with { readOnlyUser: true } to give a host a readOnlyUser');
  }
  return {
    ...(readOnly ? { readOnlyUser: { user: readOnly.user, keyFile: readOnly.keyPath } } : {}),
    name,
    address: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    keyFile: sshd.userKeyPath,
    environment,
    labels,
    hostKeyFingerprints: [sshd.hostKeyFingerprint],
  };
}
