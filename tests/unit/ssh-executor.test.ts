import { createHash, createHmac } from 'node:crypto';
import { type ExecutorConfig, ExecutorConfigSchema, type HostConfig } from '../../src/execution/config.js';
import { confinedCommandLine, DEFAULT_REMOTE_PATH, singleQuoted } from '../../src/execution/confined-line.js';
import { HostSlots } from '../../src/execution/host-slots.js';
import { hostKeyPolicy } from '../../src/execution/host-trust.js';
import { candidateHosts, resolveHost } from '../../src/execution/inventory.js';
import {
  checkKnownHost,
  entryMatchesHost,
  fingerprintSha256,
  knownHostName,
  parseKnownHosts,
} from '../../src/execution/known-hosts.js';
import { OutputCollector, utf8Prefix } from '../../src/execution/output.js';
import { SshExecutor } from '../../src/execution/ssh-executor.js';
import type {
  CommandHandlers,
  Connection,
  DialOutcome,
  DialRequest,
  ExecOutcome,
} from '../../src/execution/transport.js';

/** The SSH executor's pure parts and its retry logic; tests/integration/ssh-executor.test.ts runs it against sshd. */

// Made with ssh-keygen -t ed25519; fingerprints as `ssh-keygen -lf` printed them.
const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIHgRgYjCpHFoXxJmPZRavbjUufaCsG6gcB8L8Elmk2Fl';
const KEY_A_FP = 'SHA256:AcZaJROdwA5O96QcGeLPjWogFXaj8a/NwtAGnbAzKLY';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIN+Mzij+YXACZdwjtGO/4oxJyi7Xlq/57aEjk5J74xvI';
const KEY_B_FP = 'SHA256:RGlYF5KiAhxmxZsbJm3Qz/fbY3JM2A7lAeL8QRFPg14';
// `ssh-keygen -H` of "[db-1.example.com]:2222 ssh-ed25519 KEY_A".
const HASHED_A = `|1|nF0wYUstrLmLzWAdV8EeTnIZZ0o=|GQbKO61+q8FKEw2svhmMrHBJc8I= ssh-ed25519 ${KEY_A}`;
const blob = (base64: string) => Buffer.from(base64, 'base64');

const host = (overrides: Partial<HostConfig> = {}): HostConfig => ({
  name: 'db-1',
  address: '10.0.0.5',
  port: 22,
  user: 'aals',
  keyFile: '/etc/aals/id_ed25519',
  agent: false,
  environment: 'production',
  labels: {},
  hostKeyFingerprints: [],
  ...overrides,
});

describe('known_hosts', () => {
  test('fingerprints are OpenSSH SHA256 without padding', () => {
    expect(fingerprintSha256(blob(KEY_A))).toBe(KEY_A_FP);
    expect(fingerprintSha256(blob(KEY_B))).toBe(KEY_B_FP);
  });

  test('plain names, comma lists, [host]:port, wildcards and negations', () => {
    const { entries, notes } = parseKnownHosts(
      [
        '# comment',
        '',
        `db-1,10.0.0.5 ssh-ed25519 ${KEY_A} root@db-1`,
        `[10.0.0.6]:2222 ssh-ed25519 ${KEY_A}`,
        `*.prod.example.com,!bastion.prod.example.com ssh-ed25519 ${KEY_B}`,
      ].join('\n'),
    );
    expect(notes).toEqual([]);
    const [list, bracketed, wildcard] = entries;
    if (!list || !bracketed || !wildcard) throw new Error('three entries expected');
    expect(list.line).toBe(3);
    expect(entryMatchesHost(list, 'db-1', 22)).toBe(true);
    expect(entryMatchesHost(list, 'DB-1', 22)).toBe(true);
    expect(entryMatchesHost(list, '10.0.0.5', 22)).toBe(true);
    expect(entryMatchesHost(list, '10.0.0.5', 2222)).toBe(false);
    expect(entryMatchesHost(bracketed, '10.0.0.6', 2222)).toBe(true);
    expect(entryMatchesHost(bracketed, '10.0.0.6', 22)).toBe(false);
    expect(entryMatchesHost(wildcard, 'api.prod.example.com', 22)).toBe(true);
    expect(entryMatchesHost(wildcard, 'bastion.prod.example.com', 22)).toBe(false);
    expect(entryMatchesHost(wildcard, 'prod.example.com', 22)).toBe(false);
    expect(knownHostName('h', 22)).toBe('h');
    expect(knownHostName('h', 2200)).toBe('[h]:2200');
  });

  test('hashed entries (as ssh-keygen -H writes them) match only their host and port', () => {
    const [entry] = parseKnownHosts(HASHED_A).entries;
    if (!entry) throw new Error('entry expected');
    expect(entry.hosts.kind).toBe('hashed');
    expect(entryMatchesHost(entry, 'db-1.example.com', 2222)).toBe(true);
    expect(entryMatchesHost(entry, 'db-1.example.com', 22)).toBe(false);
    expect(entryMatchesHost(entry, 'db-2.example.com', 2222)).toBe(false);
    // And one made here, for port 22 (no brackets in the hashed name).
    const salt = Buffer.alloc(20, 7);
    const hash = createHmac('sha1', salt).update('10.1.2.3').digest();
    const [own] = parseKnownHosts(
      `|1|${salt.toString('base64')}|${hash.toString('base64')} ssh-ed25519 ${KEY_B}`,
    ).entries;
    if (!own) throw new Error('entry expected');
    expect(entryMatchesHost(own, '10.1.2.3', 22)).toBe(true);
  });

  test('@revoked refuses a key for every host; @cert-authority and broken lines are skipped with a note', () => {
    const parsed = parseKnownHosts(
      [
        `db-1 ssh-ed25519 ${KEY_A}`,
        `@revoked * ssh-ed25519 ${KEY_A}`,
        `@cert-authority *.example.com ssh-ed25519 ${KEY_B}`,
        'db-2 ssh-ed25519 not-base64!',
        `db-3 ssh-rsa ${KEY_B}`,
        '|1|short|x ssh-ed25519 AAAA',
        'only-one-field',
      ].join('\n'),
    );
    expect(parsed.entries).toHaveLength(2);
    expect(parsed.notes).toHaveLength(5);
    expect(parsed.notes[0]).toMatch(/line 3: @cert-authority ignored/);
    expect(parsed.notes[2]).toMatch(/line 5: key type ssh-rsa does not match the key \(ssh-ed25519\)/);
    expect(checkKnownHost(parsed.entries, ['db-1'], 22, blob(KEY_A))).toEqual({
      verdict: 'revoked',
      line: 2,
    });
  });

  test('trusted, changed and unknown', () => {
    const { entries } = parseKnownHosts(`db-1 ssh-ed25519 ${KEY_A}\n[db-1]:2222 ssh-ed25519 ${KEY_B}`);
    expect(checkKnownHost(entries, ['db-1'], 22, blob(KEY_A))).toEqual({ verdict: 'trusted', line: 1 });
    expect(checkKnownHost(entries, ['db-1'], 22, blob(KEY_B))).toEqual({
      verdict: 'changed',
      knownLines: [1],
    });
    expect(checkKnownHost(entries, ['db-2'], 22, blob(KEY_A))).toEqual({ verdict: 'unknown' });
    expect(checkKnownHost(entries, ['10.0.0.5', 'db-1'], 2222, blob(KEY_B))).toEqual({
      verdict: 'trusted',
      line: 2,
    });
  });
});

describe('host key policy', () => {
  test('known_hosts under the address or the inventory name; a changed key names both fingerprints', () => {
    const known = parseKnownHosts(`db-1 ssh-ed25519 ${KEY_A}`);
    const policy = hostKeyPolicy(host(), known, '/etc/aals/known_hosts');
    expect(policy.verify(blob(KEY_A))).toMatchObject({ trusted: true, fingerprint: KEY_A_FP });
    expect(policy.preferredAlgorithms).toEqual(['ssh-ed25519']);
    const refused = policy.verify(blob(KEY_B));
    expect(refused.trusted).toBe(false);
    expect(refused.reason).toContain(KEY_B_FP);
    expect(refused.reason).toMatch(
      /does not match the key trusted for this host \(\/etc\/aals\/known_hosts lines 1\)/,
    );
  });

  test('a pinned fingerprint is trusted; any other key is refused; nothing known is refused too', () => {
    const pinned = hostKeyPolicy(host({ hostKeyFingerprints: [KEY_A_FP] }), null);
    expect(pinned.verify(blob(KEY_A)).trusted).toBe(true);
    expect(pinned.verify(blob(KEY_B)).reason).toMatch(/does not match .*pinned SHA256:AcZa/);
    expect(pinned.preferredAlgorithms).toBeNull();
    const none = hostKeyPolicy(host(), parseKnownHosts(''), 'kh');
    expect(none.verify(blob(KEY_A)).reason).toMatch(/no trusted key for this host in kh/);
  });

  test('a revoked key stays refused even when pinned', () => {
    const known = parseKnownHosts(`@revoked * ssh-ed25519 ${KEY_A}`);
    const policy = hostKeyPolicy(host({ hostKeyFingerprints: [KEY_A_FP] }), known, 'kh');
    expect(policy.verify(blob(KEY_A))).toMatchObject({ trusted: false });
    expect(policy.verify(blob(KEY_A)).reason).toMatch(/@revoked in kh line 1/);
  });
});

describe('executor configuration', () => {
  const parse = (input: unknown) => ExecutorConfigSchema.safeParse(input);
  const messages = (input: unknown) => {
    const result = parse(input);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  const minimal = {
    name: 'db-1',
    address: '10.0.0.5',
    user: 'aals',
    keyFile: '/k',
    environment: 'production',
  };

  test('defaults', () => {
    const config = ExecutorConfigSchema.parse({ knownHostsFile: '/kh', hosts: [minimal] });
    expect(config).toMatchObject({
      enabled: false,
      commandTimeoutSeconds: 60,
      maxOutputBytes: 65536,
      connectTimeoutSeconds: 10,
      idleSeconds: 60,
      perHostConcurrency: 2,
      fullOutputMaxBytes: 4 * 1024 * 1024,
    });
    expect(config.hosts[0]).toMatchObject({ port: 22, agent: false, labels: {}, hostKeyFingerprints: [] });
    expect(ExecutorConfigSchema.parse(undefined).hosts).toEqual([]);
  });

  test('a host without credentials or without a trusted key is an error that says how to fix it', () => {
    const { keyFile: _omit, ...noKey } = minimal;
    expect(messages({ knownHostsFile: '/kh', hosts: [noKey] })).toEqual([
      'hosts.0.keyFile: host db-1 has no credentials: set keyFile to a private key file (e.g. /etc/aals/id_ed25519) or agent: true to use the ssh-agent at SSH_AUTH_SOCK',
    ]);
    const [trust] = messages({ hosts: [{ ...minimal, port: 2222 }] });
    expect(trust).toMatch(
      /^hosts\.0\.hostKeyFingerprints: host db-1 has no trusted host key: .*\[10\.0\.0\.5\]:2222.*never trusts a host key on first use$/,
    );
    expect(messages({ hosts: [{ ...noKey, agent: true, hostKeyFingerprints: [KEY_A_FP] }] })).toEqual([]);
  });

  test('bad fingerprints, unknown keys, duplicates and environments are rejected', () => {
    expect(messages({ hosts: [{ ...minimal, hostKeyFingerprints: ['MD5:ab:cd'] }] })[0]).toMatch(
      /must be an OpenSSH SHA256 fingerprint/,
    );
    expect(messages({ knownHostsFile: '/kh', hosts: [{ ...minimal, password: 'x' }] })[0]).toMatch(
      /password/,
    );
    expect(messages({ knownHostsFile: '/kh', hosts: [minimal, minimal] })).toEqual([
      'hosts.1.name: host db-1 is listed twice: host names must be unique',
    ]);
    expect(messages({ knownHostsFile: '/kh', hosts: [{ ...minimal, environment: 'prod' }] })[0]).toMatch(
      /must be development, staging or production/,
    );
    expect(messages({ perHostConcurrency: 20 })[0]).toMatch(/MaxSessions/);
    expect(
      ExecutorConfigSchema.parse({ hosts: [{ ...minimal, hostKeyFingerprints: [`${KEY_A_FP}=`] }] }).hosts[0]
        ?.hostKeyFingerprints,
    ).toEqual([KEY_A_FP]);
  });

  test('readOnlyUser: not root, not the main user, with its own credentials; each error says how to fix it', () => {
    const withReadOnly = (readOnlyUser: unknown) =>
      messages({ knownHostsFile: '/kh', hosts: [{ ...minimal, readOnlyUser }] });
    expect(withReadOnly({ user: 'aals-ro', keyFile: '/k-ro' })).toEqual([]);
    expect(withReadOnly({ user: 'aals-ro', agent: true })).toEqual([]);
    expect(withReadOnly({ user: 'root', keyFile: '/k-ro' })).toEqual([
      'hosts.0.readOnlyUser.user: readOnlyUser of db-1 is root: commands that run without approval must run as an unprivileged account; create an account with no sudo and no write access for it (docs/security.md, "The read-only identity")',
    ]);
    const [same] = withReadOnly({ user: 'aals', keyFile: '/k-ro' });
    expect(same).toMatch(
      /^hosts\.0\.readOnlyUser\.user: readOnlyUser of db-1 is its main user aals: .*remove readOnlyUser \(read-only commands then wait for an approval\)$/,
    );
    expect(withReadOnly({ user: 'aals-ro' })).toEqual([
      'hosts.0.readOnlyUser.keyFile: readOnlyUser of db-1 has no credentials: set readOnlyUser.keyFile to its private key file (e.g. /etc/aals/id_ed25519_ro) or readOnlyUser.agent: true to use the ssh-agent at SSH_AUTH_SOCK',
    ]);
    expect(withReadOnly({ user: 'aals-ro', keyFile: '/k', password: 'x' })[0]).toMatch(/password/);
  });

  test('remotePath: absolute directories only, default the system ones', () => {
    expect(ExecutorConfigSchema.parse({}).remotePath).toBe(
      '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    );
    expect(messages({ remotePath: '/opt/shims:/usr/bin' })).toEqual([]);
    for (const bad of ['bin:/usr/bin', '/usr/bin:', "/usr/bin'", '/usr/$HOME', '/a b', ''])
      expect(messages({ remotePath: bad })[0]).toMatch(/^remotePath: must be absolute directories/);
  });
});

describe('the confined command line', () => {
  test('the canonical line is quoted again inside a fixed, environment-free /bin/sh', () => {
    expect(confinedCommandLine("'uptime'", DEFAULT_REMOTE_PATH)).toBe(
      `exec /usr/bin/env -i PATH='${DEFAULT_REMOTE_PATH}' LC_ALL=C LANG=C HOME="$HOME" USER="$USER" LOGNAME="$LOGNAME" /bin/sh -c ''\\''uptime'\\'''`,
    );
    expect(singleQuoted("it's")).toBe(`'it'\\''s'`);
    expect(singleQuoted('')).toBe(`''`);
  });

  test('an empty canonical line, a NUL byte or an unsafe PATH is refused', () => {
    expect(() => confinedCommandLine('  ', DEFAULT_REMOTE_PATH)).toThrow(/empty/);
    expect(() => confinedCommandLine("'a\0b'", DEFAULT_REMOTE_PATH)).toThrow(/NUL/);
    expect(() => confinedCommandLine("'ls'", '/bin:$(id)')).toThrow(/absolute directories/);
  });
});

describe('output collection', () => {
  test('each stream is capped with a notice; the full output and the hash cover everything', () => {
    const output = new OutputCollector(1024, 1500);
    const a = Buffer.alloc(3000, 'a');
    output.add('stdout', a.subarray(0, 1000));
    output.add('stderr', Buffer.from('oops\n'));
    output.add('stdout', a.subarray(1000));
    const result = output.result();
    expect(result.truncated).toEqual({ stdout: true, stderr: false });
    expect(result.stdout).toBe(`${'a'.repeat(1024)}\n[output truncated: 1.9 KB more]`);
    expect(result.stderr).toBe('oops\n');
    expect(result.bytes).toEqual({ stdout: 3000, stderr: 5 });
    expect(result.fullOutput?.length).toBe(1500);
    expect(result.fullOutputTruncated).toBe(true);
    const all = Buffer.concat([a.subarray(0, 1000), Buffer.from('oops\n'), a.subarray(1000)]);
    expect(result.outputSha256).toBe(createHash('sha256').update(all).digest('hex'));
  });

  test('nothing cut: no full output', () => {
    const output = new OutputCollector(1024, 4096);
    output.add('stdout', Buffer.from('ok\n'));
    const result = output.result();
    expect(result.fullOutput).toBeUndefined();
    expect(result.stdout).toBe('ok\n');
  });

  test('the cut never splits a UTF-8 character', () => {
    const text = Buffer.from('ディスク', 'utf8'); // 3 bytes each
    expect(utf8Prefix(text.subarray(0, 7)).toString('utf8')).toBe('ディ');
    expect(utf8Prefix(text.subarray(0, 6)).toString('utf8')).toBe('ディ');
    expect(utf8Prefix(Buffer.from('abc')).toString('utf8')).toBe('abc');
    const output = new OutputCollector(1024, 0);
    output.add('stdout', Buffer.from(`x${'é'.repeat(600)}`, 'utf8'));
    expect(output.result().stdout).toBe(`x${'é'.repeat(511)}\n[output truncated: 178 bytes more]`);
  });
});

describe('per-host slots', () => {
  test('at most the limit per host, first come first served, other hosts unaffected', async () => {
    const slots = new HostSlots(2);
    const order: string[] = [];
    const a = await slots.acquire('db-1');
    const b = await slots.acquire('db-1');
    const c = slots.acquire('db-1').then((release) => {
      order.push('c');
      return release;
    });
    const d = slots.acquire('db-1').then((release) => {
      order.push('d');
      return release;
    });
    const other = await slots.acquire('web-1');
    expect(slots.counts()).toEqual({ running: { 'db-1': 2, 'web-1': 1 }, queued: { 'db-1': 2 } });
    a();
    a(); // twice is once
    (await c)();
    b();
    (await d)();
    other();
    expect(order).toEqual(['c', 'd']);
    expect(slots.counts()).toEqual({ running: {}, queued: {} });
  });

  test('an aborted waiter leaves the queue; close fails the rest', async () => {
    const slots = new HostSlots(1);
    const first = await slots.acquire('h');
    const controller = new AbortController();
    const aborted = slots.acquire('h', controller.signal);
    const waiting = slots.acquire('h');
    controller.abort(new Error('user cancelled'));
    await expect(aborted).rejects.toThrow('user cancelled');
    expect(slots.counts().queued).toEqual({ h: 1 });
    slots.close(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    first();
    await expect(slots.acquire('h')).rejects.toThrow('closed');
  });
});

describe('inventory', () => {
  const inventory = [
    host({ name: 'db-1', address: '10.0.0.5', labels: { instance: 'db-1:9100' } }),
    host({ name: 'db-2', address: 'db-2.internal' }),
    host({ name: 'web-1', address: '10.0.0.7', labels: { cluster: 'prod', role: 'web' } }),
    host({ name: 'web-2', address: '10.0.0.8', labels: { cluster: 'prod', role: 'web' } }),
  ];
  const name = (target: string | Record<string, string>) => resolveHost(inventory, target)?.name ?? null;

  test('a host name, an address, or either with a port', () => {
    expect(name('db-1')).toBe('db-1');
    expect(name('10.0.0.5')).toBe('db-1');
    expect(name('db-2.internal')).toBe('db-2');
    expect(name('db-2.internal:9100')).toBe('db-2');
    expect(name('db-1:22')).toBe('db-1');
    expect(name('DB-1')).toBe('db-1');
    expect(name('cache-1')).toBeNull();
  });

  test('alert labels: every host label equal, else the instance without its port', () => {
    expect(name({ alertname: 'DiskFull', instance: 'db-1:9100' })).toBe('db-1');
    // Another exporter on db-1: the labels differ, the host part matches the name.
    expect(name({ instance: 'db-1:9187' })).toBe('db-1');
    expect(name({ instance: '10.0.0.7:9100' })).toBe('web-1');
    expect(name({ hostname: 'db-2.internal' })).toBe('db-2');
    expect(name({ instance: 'unknown:9100' })).toBeNull();
  });

  test('ambiguous targets resolve to nothing', () => {
    expect(name({ cluster: 'prod', role: 'web' })).toBeNull();
    expect(candidateHosts(inventory, { cluster: 'prod', role: 'web' }).map((h) => h.name)).toEqual([
      'web-1',
      'web-2',
    ]);
    const twins = [host({ name: 'a', address: '10.0.0.9' }), host({ name: 'b', address: '10.0.0.9' })];
    expect(resolveHost(twins, '10.0.0.9')).toBeNull();
  });
});

/** A connection that answers every command with "ok" unless told to fail the next exec. */
class FakeConnection implements Connection {
  isOpen = true;
  failNext: ExecOutcome | null = null;
  hangNext = false;
  commands: string[] = [];
  private listeners = new Set<(reason: string | null) => void>();

  async exec(command: string, handlers: CommandHandlers): Promise<ExecOutcome> {
    const failure = this.failNext;
    this.failNext = null;
    if (failure) return failure;
    if (this.hangNext) return new Promise(() => {});
    this.commands.push(command);
    setImmediate(() => {
      handlers.stdout(Buffer.from(`ran ${command}\n`));
      handlers.exit(0, null);
      handlers.close();
    });
    return { ok: true, command: { signal: () => {}, close: () => {} } };
  }

  onClose(listener: (reason: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  end(): void {
    this.isOpen = false;
    for (const listener of this.listeners) listener(null);
  }
}

describe('executor with a fake transport', () => {
  const config: ExecutorConfig = ExecutorConfigSchema.parse({
    hosts: [
      {
        name: 'db-1',
        address: '10.0.0.5',
        user: 'aals',
        keyFile: '/k',
        environment: 'production',
        hostKeyFingerprints: [KEY_A_FP],
        readOnlyUser: { user: 'aals-ro', keyFile: '/k-ro' },
      },
      {
        name: 'db-2',
        address: '10.0.0.6',
        user: 'aals',
        keyFile: '/k',
        environment: 'production',
        hostKeyFingerprints: [KEY_A_FP],
      },
    ],
  });
  const readFile = async () => Buffer.from('not a real key');

  function executor() {
    const connections: FakeConnection[] = [];
    const logins: string[] = [];
    const dial = async (request: DialRequest): Promise<DialOutcome> => {
      logins.push(`${request.host.user} with ${request.host.keyFile}`);
      const connection = new FakeConnection();
      connections.push(connection);
      return { ok: true, connection, hostKeyFingerprint: KEY_A_FP };
    };
    return { executor: new SshExecutor(config, { dial, readFile }), connections, logins };
  }

  test('a read-only run logs in as readOnlyUser on a connection of its own, never a main-user one', async () => {
    const { executor: ssh, connections, logins } = executor();
    await ssh.run('db-1', 'main 1');
    await ssh.run('db-1', 'read-only 1', { as: 'read-only' });
    await ssh.run('db-1', 'main 2');
    await ssh.run('db-1', 'read-only 2', { as: 'read-only' });
    expect(logins).toEqual(['aals with /k', 'aals-ro with /k-ro']);
    expect(connections.map((c) => c.commands)).toEqual([
      ['main 1', 'main 2'],
      ['read-only 1', 'read-only 2'],
    ]);
    expect(ssh.stats().open).toEqual({ 'db-1': 1, 'db-1 (read-only)': 1 });
    await ssh.close();
  });

  test('a host without readOnlyUser refuses a read-only run instead of using the main user', async () => {
    const { executor: ssh, logins } = executor();
    expect(await ssh.run('db-2', 'uptime', { as: 'read-only' })).toMatchObject({
      status: 'error',
      started: false,
      error: 'db-2 has no readOnlyUser: a read-only command never runs as the main user aals',
    });
    expect(logins).toEqual([]);
    await ssh.close();
  });

  test('a pooled connection that cannot open a channel is replaced once and the command runs', async () => {
    const { executor: ssh, connections } = executor();
    expect((await ssh.run('db-1', 'uptime')).status).toBe('ok');
    const first = connections[0];
    if (!first) throw new Error('dialled');
    first.failNext = {
      ok: false,
      mayHaveStarted: false,
      connectionBroken: true,
      error: 'No response from server',
    };
    const result = await ssh.run('db-1', 'df -h');
    expect(result).toMatchObject({ status: 'ok', stdout: 'ran df -h\n', started: true });
    expect(ssh.stats().dials).toBe(2);
    expect(first.isOpen).toBe(false);
    expect(connections[1]?.commands).toEqual(['df -h']);
    await ssh.close();
  });

  test('a command that may have started is never sent again', async () => {
    const { executor: ssh, connections } = executor();
    await ssh.run('db-1', 'uptime');
    const first = connections[0];
    if (!first) throw new Error('dialled');
    first.failNext = { ok: false, mayHaveStarted: true, connectionBroken: true, error: 'Unable to exec' };
    const result = await ssh.run('db-1', 'systemctl restart nginx');
    expect(result).toMatchObject({ status: 'error', started: true });
    expect(result.error).toMatch(/Unable to exec/);
    expect(ssh.stats().dials).toBe(1);
    await ssh.close();
  });

  test('a channel the server refuses on a live connection: not started, not retried, connection kept', async () => {
    const { executor: ssh, connections } = executor();
    await ssh.run('db-1', 'uptime');
    const first = connections[0];
    if (!first) throw new Error('dialled');
    first.failNext = {
      ok: false,
      mayHaveStarted: false,
      connectionBroken: false,
      error: '(SSH) Channel open failure: open failed',
    };
    expect(await ssh.run('db-1', 'df -h')).toMatchObject({ status: 'error', started: false });
    expect(first.isOpen).toBe(true);
    expect((await ssh.run('db-1', 'df -h')).status).toBe('ok');
    expect(ssh.stats().dials).toBe(1);
    await ssh.close();
  });

  test('a connection that never answers the start is dropped when the timeout expires', async () => {
    const { executor: ssh, connections } = executor();
    await ssh.run('db-1', 'uptime');
    const first = connections[0];
    if (!first) throw new Error('dialled');
    first.hangNext = true;
    const result = await ssh.run('db-1', 'df -h', { timeoutMs: 50 });
    expect(result).toMatchObject({ status: 'timeout', started: true, killed: false });
    expect(result.error).toMatch(/may or may not have started/);
    expect(first.isOpen).toBe(false);
    await ssh.close();
  });

  test('an unknown host and a closed executor answer without dialling', async () => {
    const { executor: ssh } = executor();
    expect(await ssh.run('db-9', 'uptime')).toMatchObject({
      status: 'unknown_host',
      started: false,
      error: 'host db-9 is not in the inventory (modules.executor.hosts; known: db-1, db-2)',
    });
    await ssh.close();
    expect((await ssh.run('db-1', 'uptime')).status).toBe('error');
    expect(ssh.stats().dials).toBe(0);
  });
});
