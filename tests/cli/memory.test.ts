import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import { progressBar } from '../../src/cli/progress.js';
import { FIXTURES } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

/** `aals index …` and `aals search` through the real binary, on a real SQLite store. */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'aals.js');
const INCIDENTS = join(FIXTURES, 'retrieval', 'incidents.jsonl');

function aals(args: string[], cwd: string, input = '') {
  const result = spawnSync('node', [BIN, ...args], {
    input,
    cwd,
    env: { PATH: process.env.PATH, AALS_DATA_DIR: join(cwd, 'data') },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('aals index incidents and aals search', () => {
  const dir = tempDir('aals-cli-memory-');
  afterAll(() => dir.cleanup());

  test('an empty memory answers with nothing, not an error', () => {
    const text = aals(['search', 'disk full on db-01'], dir.path);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('nothing in incident memory matches');
    const json = aals(['search', '--json', 'disk full on db-01'], dir.path);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  test('imports JSON lines, counts them, and re-importing the same ids updates instead of duplicating', () => {
    const first = aals(['index', 'incidents', INCIDENTS], dir.path);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('imported 72 incidents (72 new, 0 updated, 0 unchanged)');
    const again = aals(['index', 'incidents', INCIDENTS], dir.path);
    expect(again.stdout).toContain('imported 72 incidents (0 new, 0 updated, 72 unchanged)');

    const [line] = readFileSync(INCIDENTS, 'utf8').split('\n');
    const changed = { ...JSON.parse(line as string), resolution: 'Rebuilt the archive bucket policy.' };
    const input = `${JSON.stringify(changed)}\n`;
    const updated = aals(['index', 'incidents', '-'], dir.path, input);
    expect(updated.stdout).toContain('imported 1 incidents (0 new, 1 updated, 0 unchanged)');
  });

  test('search --json gives [{id,title,score,why}] best first, with the imported ids', () => {
    const result = aals(
      ['search', '--json', 'pgbouncer max_client_conn reached during a flash sale'],
      dir.path,
    );
    expect(result.status).toBe(0);
    const hits = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(hits.length).toBe(5);
    expect(hits[0]?.id).toBe('INC-2025-0058');
    for (const hit of hits) {
      expect(typeof hit.title).toBe('string');
      expect(typeof hit.why).toBe('string');
      expect(typeof hit.score).toBe('number');
    }
    const scores = hits.map((h) => h.score as number);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  test('a Japanese question finds the English postmortem', () => {
    const result = aals(['search', '--json', '-n', '3', 'HPA が <unknown> でスケールしない'], dir.path);
    const ids = (JSON.parse(result.stdout) as Array<{ id: string }>).map((h) => h.id);
    expect(ids).toContain('INC-2025-0191');
  });

  test('bad lines are reported with their line numbers, the good ones are still imported, exit 2', () => {
    const file = join(dir.path, 'mixed.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 'X-1', title: 'Disk full on web-9', body: 'journald filled /var' }),
        '{"id": "X-2", "title": ',
        JSON.stringify({ id: 'X-3', body: 'no title' }),
        '',
        JSON.stringify({ id: 'X-4', title: 'NTP drift on auth-2', body: 'chrony stopped' }),
      ].join('\n'),
    );
    const result = aals(['index', 'incidents', file], dir.path);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('imported 2 incidents (2 new');
    expect(result.stderr).toContain(`${file}:2: not valid JSON`);
    expect(result.stderr).toContain(`${file}:3: title`);
    expect(result.stderr).toContain('2 lines skipped');
  });

  test('usage errors exit 2 with a hint', () => {
    expect(aals(['search'], dir.path)).toMatchObject({ status: 2 });
    expect(aals(['index', 'incidents', join(dir.path, 'missing.jsonl')], dir.path).stderr).toContain(
      'no such file',
    );
    expect(aals(['index', 'tickets'], dir.path).status).toBe(2);
    expect(aals(['search', '--source', 'jira', 'x'], dir.path).stderr).toContain('unknown --source jira');
  });
});

describe('aals index runbooks', () => {
  const dir = tempDir('aals-cli-runbooks-');
  afterAll(() => dir.cleanup());

  test('indexes a directory of Markdown runbooks, finds them by alert, and drops deleted ones', () => {
    const runbooks = join(dir.path, 'runbooks');
    mkdirSync(join(runbooks, 'db'), { recursive: true });
    writeFileSync(
      join(runbooks, 'db', 'replication-lag.md'),
      '---\nalerts: [PostgresReplicationLag]\nservices: [orders-db]\n---\n# Replica lag\nCheck `pg_stat_replication` and long queries on the standby.\n',
    );
    writeFileSync(
      join(runbooks, 'disk.md'),
      '# ディスク逼迫の対応\nNodeFilesystemAlmostFull のときは `du -sh /var/*` で大きいディレクトリを探す。\n',
    );
    const first = aals(['index', 'runbooks', 'runbooks'], dir.path);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('indexed 2 runbooks from runbooks (2 new or changed, 0 removed)');

    const found = JSON.parse(
      aals(['search', '--json', '--source', 'runbook', 'disk almost full'], dir.path).stdout,
    );
    expect(found[0]?.id).toBe('runbook:disk.md');

    rmSync(join(runbooks, 'disk.md'));
    const second = aals(['index', 'runbooks', 'runbooks'], dir.path);
    expect(second.stdout).toContain('indexed 1 runbooks from runbooks (0 new or changed, 1 removed)');
    expect(aals(['index', 'runbooks', 'nowhere'], dir.path)).toMatchObject({ status: 2 });
  });
});

describe('progress bar', () => {
  const io = (isTTY: boolean) => {
    const written: string[] = [];
    return {
      written,
      io: { stderr: { isTTY, columns: 80, write: (t: string) => written.push(t) } } as unknown as CliIo,
    };
  };

  test('draws on a terminal and clears itself when done', () => {
    const { written, io: tty } = io(true);
    const bar = progressBar(tty, 'importing');
    bar.update(50, 100, '50 incidents');
    bar.update(100, 100);
    bar.finish();
    expect(written[0]).toMatch(/^\rimporting \[#{12}-{12}\] 50% 50\/100 50 incidents/);
    expect(written.at(-2)).toContain('100% 100/100');
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  test('stays silent when stderr is a pipe', () => {
    const { written, io: pipe } = io(false);
    const bar = progressBar(pipe, 'importing');
    bar.update(1, 2);
    bar.finish();
    expect(written).toEqual([]);
  });
});
