import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp.js';

/** `aals detect` per the contract: one scored row per input row, computed online. */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'aals.js');

function detect(csv: string) {
  const dir = tempDir();
  try {
    const file = join(dir.path, 'input.csv');
    writeFileSync(file, csv);
    const result = spawnSync('node', [BIN, 'detect', '--input', file], {
      cwd: dir.path,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    dir.cleanup();
  }
}

function series(n: number, spikeAt: number | null): string {
  const rows = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2026, 0, 1) + i * 300_000).toISOString();
    const value =
      50 +
      3 * Math.sin(i / 7) +
      ((i * 7919) % 13) / 13 +
      (spikeAt !== null && i >= spikeAt && i < spikeAt + 3 ? 60 : 0);
    rows.push(`${t},${value.toFixed(3)}`);
  }
  return rows.join('\n');
}

const scores = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[2]));

describe('aals detect', () => {
  test('one output row per input row with the header, values kept, scores in [0,1]', () => {
    const input = series(400, 300);
    const { status, stdout } = detect(input);
    expect(status).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(401);
    expect(lines[1]?.split(',').slice(0, 2).join(',')).toBe(input.split('\n')[1]);
    for (const score of scores(stdout)) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
  });

  test('the spike is flagged (score ≥ 0.5) and the quiet part is not', () => {
    const s = scores(detect(series(400, 300)).stdout);
    expect(Math.max(...s.slice(298, 305))).toBeGreaterThanOrEqual(0.5);
    expect(s.slice(100, 295).filter((x) => x >= 0.5)).toHaveLength(0);
  });

  test('online: the scores of the first rows do not change when later rows are added', () => {
    const full = series(400, 300);
    const prefix = full.split('\n').slice(0, 321).join('\n');
    expect(scores(detect(prefix).stdout)).toEqual(scores(detect(full).stdout).slice(0, 320));
  });

  test('non-numeric values are kept and scored 0; a missing file or empty input exits 2', () => {
    const { stdout } = detect('timestamp,value\n2026-01-01T00:00:00Z,abc\n2026-01-01T00:05:00Z,1\n');
    expect(stdout.trim().split('\n')[1]).toBe('2026-01-01T00:00:00Z,abc,0.000000');
    expect(detect('').status).toBe(2);
    const missing = spawnSync('node', [BIN, 'detect', '--input', '/nonexistent.csv'], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
  });
});
