import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.js';
import { tempDir } from '../support/temp.js';

/**
 * `aals index github` and `aals search` run in-process against the fake GitHub
 * (tests/support/fake-github.ts), configured only through the environment, as the guide says.
 */
// Built at run time so no token-shaped literal sits in the repository.
const TOKEN = ['ghp', 'cli0123456789abcdefABCDEF0123456789'].join('_');
const LONG_AGO = '2024-03-01T10:00:00Z';
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'aals.js');

let fake: FakeGitHub;
let dir: ReturnType<typeof tempDir>;

beforeEach(async () => {
  fake = await startFakeGitHub({ token: TOKEN });
  dir = tempDir('aals-cli-github-');
});

afterEach(async () => {
  await fake.close();
  dir.cleanup();
});

async function aals(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: Readable.from([]),
    stdout: {
      write: (text: string) => {
        stdout += text;
        return true;
      },
    },
    stderr: {
      write: (text: string) => {
        stderr += text;
        return true;
      },
    },
    env: {
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: fake.url,
      AALS_GITHUB_REPOSITORIES: 'acme/ops',
      AALS_DATA_DIR: join(dir.path, 'data'),
      ...env,
    },
    cwd: dir.path,
  };
  const status = await main(args, io);
  return { status, stdout, stderr };
}

/** The compiled `aals` (built by the global setup) as a child process; async, so the fake keeps answering. */
function spawnAals(args: string[], env: Record<string, string>) {
  const child = spawn('node', [BIN, ...args], {
    cwd: dir.path,
    env: {
      PATH: process.env.PATH,
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: fake.url,
      AALS_GITHUB_REPOSITORIES: 'acme/ops',
      AALS_DATA_DIR: join(dir.path, 'data'),
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function seed(): number {
  const disk = fake.addIssue('acme/ops', {
    title: 'Postgres primary disk full on db-01',
    body: 'The WAL volume on db-01 hit 100% and writes failed.',
    labels: ['incident', 'service:postgres'],
    created_at: LONG_AGO,
    comments: [
      { body: 'investigating', created_at: LONG_AGO },
      { body: 'Resolution: fixed archive_command, freed WAL, grew the volume to 500G', created_at: LONG_AGO },
    ],
  }).number;
  fake.addIssue('acme/ops', {
    title: 'TLS certificate expired on the api gateway',
    body: 'cert-manager renewal failed',
    labels: ['postmortem'],
    created_at: LONG_AGO,
  });
  fake.addIssue('acme/ops', { title: 'Redis evictions', labels: ['incident'], created_at: LONG_AGO });
  fake.addIssue('acme/ops', { title: 'db-01 disk alert tuning', labels: ['incident'], pullRequest: true });
  fake.addIssue('acme/ops', { title: 'disk full docs typo', labels: ['docs'], created_at: LONG_AGO });
  return disk;
}

describe('aals index github', () => {
  test('indexes the labelled issues of the configured repository; search then finds them', async () => {
    const disk = seed();
    const indexed = await aals(['index', 'github']);
    expect(indexed).toEqual({ status: 0, stdout: 'indexed 3 GitHub issues\n', stderr: '' });
    expect(existsSync(join(dir.path, 'data', 'aals.sqlite'))).toBe(true);
    for (const request of fake.requestsTo('/repos/acme/ops/issues')) {
      expect(request.headers.authorization).toBe(`token ${TOKEN}`);
    }
    expect(fake.requestsTo('/repos/acme/ops/issues').map((r) => r.query.labels)).toEqual([
      'incident',
      'postmortem',
    ]);

    const search = await aals(['search', '--json', 'disk full on db-01']);
    expect(search.status).toBe(0);
    const hits = JSON.parse(search.stdout) as Array<Record<string, unknown>>;
    expect(hits[0]).toMatchObject({
      id: `github:acme/ops#${disk}`,
      source: 'github',
      title: 'Postgres primary disk full on db-01',
      url: `https://github.com/acme/ops/issues/${disk}`,
      resolution: 'fixed archive_command, freed WAL, grew the volume to 500G',
    });
    expect(hits.map((h) => h.id)).not.toContain('github:acme/ops#4');
  });

  test('a second run is incremental: it sends the stored since and indexes only what changed', async () => {
    seed();
    expect((await aals(['index', 'github'])).stdout).toBe('indexed 3 GitHub issues\n');
    fake.clearRequests();
    const unchanged = await aals(['index', 'github']);
    expect(unchanged).toEqual({ status: 0, stdout: 'indexed 0 GitHub issues\n', stderr: '' });
    const sinces = fake.requestsTo('/repos/acme/ops/issues').map((r) => r.query.since);
    expect(sinces).toHaveLength(2);
    expect(sinces.every((s) => typeof s === 'string' && !Number.isNaN(Date.parse(s)))).toBe(true);

    fake.addIssue('acme/ops', { title: 'Kafka consumer lag on orders', labels: ['incident'] });
    expect((await aals(['index', 'github'])).stdout).toBe('indexed 1 GitHub issues\n');
    const search = await aals(['search', '--json', 'kafka consumer lag']);
    expect(JSON.parse(search.stdout)[0]).toMatchObject({ id: 'github:acme/ops#6' });
  });

  test('--repo overrides the configured repositories', async () => {
    seed();
    fake.addIssue('acme/web', { title: 'CDN 502s on the storefront', labels: ['incident'] });
    const result = await aals(['index', 'github', '--repo', 'acme/web']);
    expect(result).toEqual({ status: 0, stdout: 'indexed 1 GitHub issues\n', stderr: '' });
    expect(fake.requestsTo('/repos/acme/ops/issues')).toHaveLength(0);
  });

  test('a bad token exits 1 and names the repository on stderr', async () => {
    seed();
    const result = await aals(['index', 'github'], { GITHUB_TOKEN: 'ghp_revoked' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('indexed 0 GitHub issues\n');
    expect(result.stderr).toBe('GitHub: acme/ops: Bad credentials - https://docs.github.com/rest\n');
    expect(fake.requests.map((r) => r.status)).toEqual([401]);
  });

  test('the real binary prints only its own words on stderr (no request log from Octokit)', async () => {
    seed();
    const result = await spawnAals(['index', 'github'], { GITHUB_TOKEN: 'ghp_revoked' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('indexed 0 GitHub issues\n');
    expect(result.stderr).toBe('GitHub: acme/ops: Bad credentials - https://docs.github.com/rest\n');
  });

  test('without GITHUB_TOKEN it exits 1 and says GitHub is not configured, asking nothing', async () => {
    const result = await aals(['index', 'github'], { GITHUB_TOKEN: '' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/GitHub is not configured/);
    expect(fake.requests).toHaveLength(0);
  });
});
