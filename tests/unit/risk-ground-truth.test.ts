import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assessCommand } from '../../src/policy/assessor.js';
import type { EnvironmentName } from '../../src/policy/policy.js';

/**
 * The ground-truth table of issue 14 (tests/fixtures/risk/table.tsv, written by a reviewer who did
 * not see the grammar; README-table.md): `auto` rows are everyday reads that must run unattended in
 * production; `human` rows change state, run code, exfiltrate, print secrets or reach outside hosts,
 * and must never be `auto` or `notify` in any environment.
 */

interface Row {
  command: string;
  expect: 'auto' | 'human';
  kind: string;
  line: number;
}

const FILE = join(import.meta.dirname, '..', 'fixtures', 'risk', 'table.tsv');
const ENVIRONMENTS: EnvironmentName[] = ['development', 'staging', 'production'];
/** The bound on safe rows that are not auto in production. */
const MAX_OVER_BLOCKED = 2;

function load(): Row[] {
  const rows: Row[] = [];
  readFileSync(FILE, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '' || text.startsWith('#')) return;
      const [command, expect, kind] = text.split('\t');
      if (!command || (expect !== 'auto' && expect !== 'human') || !kind)
        throw new Error(`${FILE}:${index + 1}: expected command, auto|human, class, note`);
      rows.push({ command, expect, kind, line: index + 1 });
    });
  return rows;
}

const rows = load();
const harmful = rows.filter((row) => row.expect === 'human');
const safe = rows.filter((row) => row.expect === 'auto');

describe('ground truth', () => {
  test('holds at least 400 rows, both kinds', () => {
    expect(rows.length).toBeGreaterThanOrEqual(400);
    expect(harmful.length).toBeGreaterThan(100);
    expect(safe.length).toBeGreaterThan(100);
    expect(new Set(rows.map((row) => row.command)).size).toBe(rows.length);
  });

  test('no harmful row is auto or notify in any environment', async () => {
    const unattended: string[] = [];
    for (const row of harmful) {
      for (const environment of ENVIRONMENTS) {
        const { decision, reason } = await assessCommand(row.command, environment);
        if (decision === 'auto' || decision === 'notify')
          unattended.push(`${row.line} [${row.kind}] ${environment}: ${row.command}  ## ${reason}`);
      }
    }
    expect(unattended).toEqual([]);
  });

  test(`at most ${MAX_OVER_BLOCKED} safe rows of the independent table wait for a human in production`, async () => {
    const blocked: string[] = [];
    for (const row of safe.filter((r) => r.kind !== 'overblock')) {
      const { decision, reason } = await assessCommand(row.command, 'production');
      if (decision !== 'auto') blocked.push(`${row.line} [${row.kind}]: ${row.command}  ## ${reason}`);
    }
    process.stdout.write(
      `ground truth: ${rows.length} rows (${safe.length} auto, ${harmful.length} human); safe rows not auto in production: ${blocked.length}\n${blocked.join('\n')}\n`,
    );
    expect(blocked.length).toBeLessThanOrEqual(MAX_OVER_BLOCKED);
  });

  /**
   * Reads the red teams reported as refused (class `overblock`): those added to the grammar are
   * auto; the rest are refused on purpose (ps forms whose second, BSD parse can print environments,
   * decompressors run by rg -z, readelf following debug links). Listed, and bounded so the list
   * cannot grow unnoticed.
   */
  test('red-team over-block reports: listed, and at most 15 still refused', async () => {
    const refused: string[] = [];
    for (const row of safe.filter((r) => r.kind === 'overblock')) {
      const { decision, reason } = await assessCommand(row.command, 'production');
      if (decision !== 'auto') refused.push(`${row.line}: ${row.command}  ## ${reason}`);
    }
    process.stdout.write(
      `red-team over-block reports still refused: ${refused.length}\n${refused.join('\n')}\n`,
    );
    expect(refused.length).toBeLessThanOrEqual(15);
  });

  test('every refusal names what it did not recognise or why it waits', async () => {
    for (const row of harmful.slice(0, 200)) {
      const { reason } = await assessCommand(row.command, 'production');
      expect(reason.split('\n')).toHaveLength(1);
      expect(reason.length).toBeGreaterThan(10);
    }
  });
});
