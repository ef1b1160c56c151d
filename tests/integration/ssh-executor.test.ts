import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExecutorConfig, ExecutorConfigSchema } from '../../src/execution/config.js';
import { SshExecutor } from '../../src/execution/ssh-executor.js';
import { freePort, waitUntil } from '../support/processes.js';
import { generateKey, hashKnownHosts, type Sshd, startSshd } from '../support/sshd.js';
import { tempDir } from '../support/temp.js';

/**
 * The SSH executor against the real OpenSSH sshd on loopback, with host and user keys made for
 * the test. The login user is unprivileged (see startSshd), as in production: OpenSSH only
 * delivers the KILL of a timed-out command to non-root sessions.
 */
describe('SSH executor on real sshd', () => {
  let sshd: Sshd;
  const files = tempDir('aals-ssh-exec-');
  const executors: SshExecutor[] = [];
  let knownHosts: string;

  beforeAll(async () => {
    sshd = await startSshd({ login: 'unprivileged' });
    knownHosts = join(files.path, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  }, 20_000);

  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.close()));
  });

  afterAll(async () => {
    await sshd?.stop();
    files.cleanup();
  });

  type HostInput = Partial<ExecutorConfig['hosts'][number]>;
  function executor(settings: Record<string, unknown> = {}, hostOverrides: HostInput = {}): SshExecutor {
    const config = ExecutorConfigSchema.parse({
      knownHostsFile: knownHosts,
      ...settings,
      hosts: [
        {
          name: 'db-1',
          address: '127.0.0.1',
          port: sshd.port,
          user: sshd.user,
          keyFile: sshd.userKeyPath,
          environment: 'production',
          labels: { instance: 'db-1:9100' },
          ...hostOverrides,
        },
      ],
    });
    const created = new SshExecutor(config);
    executors.push(created);
    return created;
  }

  const marker = (name: string) => join(sshd.workDir, name);
  /** Whether a process whose command line contains `pattern` runs on the (loopback) host. */
  const running = (pattern: string) => spawnSync('pgrep', ['-f', pattern]).status === 0;

  test('a command runs: stdout, stderr, exit code, host key, hash', async () => {
    const ssh = executor();
    const result = await ssh.run('db-1', 'echo out; id -un; echo err >&2');
    expect(result).toMatchObject({
      status: 'ok',
      host: 'db-1',
      exitCode: 0,
      signal: null,
      stdout: `out\n${sshd.user}\n`,
      stderr: 'err\n',
      truncated: { stdout: false, stderr: false },
      started: true,
      hostKeyFingerprint: sshd.hostKeyFingerprint,
    });
    expect(result.fullOutput).toBeUndefined();
    expect(result.durationMs).toBeGreaterThan(0);
    const only = await ssh.run('db-1', 'printf abc');
    expect(only.outputSha256).toBe(createHash('sha256').update('abc').digest('hex'));
  });

  test('a non-zero exit is failed with its code; stdin is closed so reading it does not hang', async () => {
    const ssh = executor();
    expect(await ssh.run('db-1', 'echo nope >&2; exit 3')).toMatchObject({
      status: 'failed',
      exitCode: 3,
      stderr: 'nope\n',
      error: 'exit code 3',
    });
    const cat = await ssh.run('db-1', 'cat; echo done', { timeoutMs: 5000 });
    expect(cat).toMatchObject({ status: 'ok', stdout: 'done\n' });
    expect(cat.durationMs).toBeLessThan(2000);
  });

  test('commands share one connection per host', async () => {
    const ssh = executor();
    await ssh.run('db-1', 'true');
    await ssh.run('db-1', 'true');
    await Promise.all([ssh.run('db-1', 'true'), ssh.run('db-1', 'true')]);
    expect(ssh.stats()).toMatchObject({ dials: 1, open: { 'db-1': 1 }, running: {}, queued: {} });
  });

  test('commands that arrive together wait for one dial', async () => {
    const ssh = executor({ perHostConcurrency: 3 });
    const results = await Promise.all([1, 2, 3].map((n) => ssh.run('db-1', `echo ${n}`)));
    expect(results.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n']);
    expect(ssh.stats().dials).toBe(1);
  });

  test('a changed host key is refused and the command never runs', async () => {
    const impostor = generateKey(files.path, 'impostor');
    const file = join(files.path, 'known_hosts.changed');
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${impostor.publicLine}\n`);
    const ssh = executor({ knownHostsFile: file });
    const result = await ssh.run('db-1', `touch ${marker('changed')}`);
    expect(result).toMatchObject({
      status: 'host_key_rejected',
      started: false,
      hostKeyFingerprint: sshd.hostKeyFingerprint,
    });
    expect(result.error).toContain(sshd.hostKeyFingerprint);
    expect(result.error).toMatch(/does not match the key trusted for this host/);
    expect(existsSync(marker('changed'))).toBe(false);

    const pinned = executor({ knownHostsFile: undefined }, { hostKeyFingerprints: [impostor.fingerprint] });
    const pinResult = await pinned.run('db-1', `touch ${marker('changed')}`);
    expect(pinResult.status).toBe('host_key_rejected');
    expect(pinResult.error).toContain(`pinned ${impostor.fingerprint}`);
    expect(existsSync(marker('changed'))).toBe(false);
  });

  test('an unknown host key is refused, never trusted on first use', async () => {
    const file = join(files.path, 'known_hosts.other');
    // The right key, but listed for another port: nothing is known for this one.
    writeFileSync(file, `[127.0.0.1]:${sshd.port + 1} ${sshd.hostPublicLine}\n`);
    const ssh = executor({ knownHostsFile: file });
    const result = await ssh.run('db-1', `touch ${marker('unknown')}`);
    expect(result.status).toBe('host_key_rejected');
    expect(result.error).toMatch(
      new RegExp(`host key ${escapeRegExp(sshd.hostKeyFingerprint)} .* refused: no trusted key`),
    );
    expect(existsSync(marker('unknown'))).toBe(false);
  });

  test('a hashed known_hosts entry and a pinned fingerprint are accepted; a revoked key is not', async () => {
    const hashed = join(files.path, 'known_hosts.hashed');
    writeFileSync(hashed, `${sshd.knownHostsLine}\n`);
    const text = hashKnownHosts(hashed);
    expect(text).toMatch(/^\|1\|/);
    expect(text).not.toContain('127.0.0.1');
    expect((await executor({ knownHostsFile: hashed }).run('db-1', 'true')).status).toBe('ok');

    const pinned = executor(
      { knownHostsFile: undefined },
      { hostKeyFingerprints: [sshd.hostKeyFingerprint] },
    );
    expect((await pinned.run('db-1', 'true')).status).toBe('ok');

    const revoked = join(files.path, 'known_hosts.revoked');
    writeFileSync(revoked, `${sshd.knownHostsLine}\n@revoked * ${sshd.hostPublicLine}\n`);
    const result = await executor({ knownHostsFile: revoked }).run('db-1', 'true');
    expect(result.status).toBe('host_key_rejected');
    expect(result.error).toMatch(/@revoked/);
  });

  test('a command past its timeout is killed on the host', async () => {
    const ssh = executor();
    const started = Date.now();
    // The unusual duration makes the process easy to find; the marker shows the shell died too.
    const result = await ssh.run('db-1', `sleep 30.4711; touch ${marker('after-sleep')}`, { timeoutMs: 500 });
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ status: 'timeout', killed: true, started: true });
    expect(result.error).toMatch(/timed out after 500 ms and was killed/);
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThan(1500);
    await waitUntil(() => !running('sleep 30.4711'), 2000, 'the remote sleep to be gone');
    expect(existsSync(marker('after-sleep'))).toBe(false);
    // The connection is still good for the next command.
    expect((await ssh.run('db-1', 'echo next')).stdout).toBe('next\n');
    expect(ssh.stats().dials).toBe(1);
  });

  test('a cancelled command is killed too', async () => {
    const ssh = executor();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const result = await ssh.run('db-1', 'sleep 30.4722', { signal: controller.signal });
    expect(result).toMatchObject({ status: 'cancelled', killed: true });
    await waitUntil(() => !running('sleep 30.4722'), 2000, 'the remote sleep to be gone');
  });

  test('output over the cap is cut with a notice; the full output and its hash are complete', async () => {
    const ssh = executor();
    const result = await ssh.run('db-1', "head -c 200000 /dev/zero | tr '\\0' a");
    const expected = Buffer.alloc(200_000, 'a');
    expect(result).toMatchObject({
      status: 'ok',
      truncated: { stdout: true, stderr: false },
      bytes: { stdout: 200_000, stderr: 0 },
      fullOutputTruncated: false,
    });
    expect(result.stdout).toBe(`${'a'.repeat(65_536)}\n[output truncated: 131.3 KB more]`);
    expect(result.fullOutput?.equals(expected)).toBe(true);
    expect(result.outputSha256).toBe(createHash('sha256').update(expected).digest('hex'));

    const small = executor({ fullOutputMaxBytes: 100_000 });
    const cut = await small.run('db-1', "head -c 200000 /dev/zero | tr '\\0' a");
    expect(cut.fullOutput?.length).toBe(100_000);
    expect(cut.fullOutputTruncated).toBe(true);
    expect(cut.outputSha256).toBe(result.outputSha256);
  });

  test('nothing listening: unreachable, quickly', async () => {
    const ssh = executor({}, { port: await freePort() });
    const result = await ssh.run('db-1', 'true');
    expect(result).toMatchObject({ status: 'unreachable', started: false });
    expect(result.error).toMatch(/ECONNREFUSED/);
    expect(result.durationMs).toBeLessThan(1000);
  });

  test('a key the server does not know: auth_failed, and no key material in the result', async () => {
    const stranger = generateKey(files.path, 'stranger');
    const result = await executor({}, { keyFile: stranger.privateKeyPath }).run('db-1', 'true');
    expect(result).toMatchObject({
      status: 'auth_failed',
      started: false,
      hostKeyFingerprint: sshd.hostKeyFingerprint,
    });
    expect(result.error).toMatch(
      new RegExp(`authentication as ${sshd.user} .* failed \\(tried key file .*stranger\\)`),
    );
    expect(JSON.stringify(result)).not.toMatch(/PRIVATE KEY|b3BlbnNzaC1rZXk/);
  });

  test('a missing key file is an error before any connection', async () => {
    const ssh = executor({}, { keyFile: join(files.path, 'missing') });
    const result = await ssh.run('db-1', 'true');
    expect(result).toMatchObject({ status: 'error', started: false });
    expect(result.error).toMatch(/cannot read keyFile .*missing for db-1 \(ENOENT\)/);
  });

  test('at most perHostConcurrency commands at once; the rest wait their turn', async () => {
    const ssh = executor({ perHostConcurrency: 2 });
    await ssh.run('db-1', 'true'); // connect first, so the timing below is the commands'
    const started = Date.now();
    const all = Promise.all([1, 2, 3].map(() => ssh.run('db-1', 'sleep 0.5')));
    await waitUntil(() => ssh.stats().running['db-1'] === 2, 2000, 'two running');
    expect(ssh.stats().queued).toEqual({ 'db-1': 1 });
    const results = await all;
    const elapsed = Date.now() - started;
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(3000);
    const [first, second, third] = results.map((r) => r.durationMs);
    expect(third).toBeGreaterThanOrEqual(1000);
    expect(Math.max(first ?? 0, second ?? 0)).toBeLessThan(1000);
  });

  test('an idle connection is closed and the next command dials again', async () => {
    const ssh = executor({ idleSeconds: 0.3 });
    await ssh.run('db-1', 'true');
    expect(ssh.stats().open).toEqual({ 'db-1': 1 });
    await waitUntil(() => Object.keys(ssh.stats().open).length === 0, 2000, 'the idle connection to close');
    expect((await ssh.run('db-1', 'true')).status).toBe('ok');
    expect(ssh.stats().dials).toBe(2);
  });

  test('sshd going down: the broken connection is dropped, unreachable; back up: a new connection', async () => {
    const ssh = executor();
    expect((await ssh.run('db-1', 'true')).status).toBe('ok');
    await sshd.pause();
    try {
      const down = await ssh.run('db-1', 'true');
      expect(down).toMatchObject({ status: 'unreachable', started: false });
      expect(down.durationMs).toBeLessThan(1000);
    } finally {
      await sshd.start();
    }
    expect((await ssh.run('db-1', 'echo back')).stdout).toBe('back\n');
    expect(ssh.stats().dials).toBe(3);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
