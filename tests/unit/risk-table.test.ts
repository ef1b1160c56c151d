import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DECISIONS,
  type Decision,
  isExecutable,
  RISK_LEVELS,
  type RiskLevel,
} from '../../src/domain/risk.js';
import { assessCommand } from '../../src/policy/assessor.js';
import type { EnvironmentName } from '../../src/policy/policy.js';

/**
 * The risk table (issue 7): every row is a command with the risk and decision the policy must give
 * it in that environment. Categories: safe (read-only), mutating, destructive, obfuscated, injected.
 * `⏎` in a command stands for a newline (here-documents, statements on two lines).
 */

/**
 * `review`: reads that the allowlist model of issue 14 still sends to a human — outside hosts,
 * wrappers (`timeout`, `xargs`), `find -exec`, tools that load a repository's or a user's own config
 * (`git`), the process environment (`env`).
 */
const CATEGORIES = ['safe', 'review', 'mutating', 'destructive', 'obfuscated', 'injected'] as const;
type Category = (typeof CATEGORIES)[number];

interface Row {
  command: string;
  environment: EnvironmentName;
  risk: RiskLevel;
  decision: Decision;
  category: Category;
  line: number;
}

const FILE = join(import.meta.dirname, '..', 'fixtures', 'risk', 'commands.tsv');

function loadTable(): Row[] {
  const rows: Row[] = [];
  readFileSync(FILE, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '' || text.startsWith('#')) return;
      const [command, environment, risk, decision, category, ...extra] = text.split('\t');
      const line = index + 1;
      if (!command || extra.length > 0) throw new Error(`${FILE}:${line}: expected 5 tab-separated columns`);
      if (!['development', 'staging', 'production'].includes(environment ?? ''))
        throw new Error(`${FILE}:${line}: unknown environment ${environment}`);
      if (!RISK_LEVELS.includes(risk as RiskLevel)) throw new Error(`${FILE}:${line}: unknown risk ${risk}`);
      if (!DECISIONS.includes(decision as Decision))
        throw new Error(`${FILE}:${line}: unknown decision ${decision}`);
      if (!CATEGORIES.includes(category as Category))
        throw new Error(`${FILE}:${line}: unknown category ${category}`);
      rows.push({
        command: command.replaceAll('⏎', '\n'),
        environment: environment as EnvironmentName,
        risk: risk as RiskLevel,
        decision: decision as Decision,
        category: category as Category,
        line,
      });
    });
  return rows;
}

const rows = loadTable();

describe('risk table', () => {
  test('has at least 170 rows covering every category', () => {
    expect(rows.length).toBeGreaterThanOrEqual(170);
    for (const category of CATEGORIES.filter((c) => c !== 'review'))
      expect(rows.filter((r) => r.category === category).length).toBeGreaterThan(20);
  });

  test.each(
    rows.map((r) => [`${r.category} ${r.environment}: ${r.command.replaceAll('\n', '⏎')}`, r] as const),
  )('%s', async (_name, row) => {
    const assessment = await assessCommand(row.command, row.environment);
    expect({ line: row.line, risk: assessment.risk, decision: assessment.decision }).toEqual({
      line: row.line,
      risk: row.risk,
      decision: row.decision,
    });
    expect(assessment.reason.length).toBeGreaterThan(0);
    if (assessment.decision === 'approval') expect(assessment.approvals).toBeGreaterThanOrEqual(1);
    else expect(assessment.approvals).toBe(0);
  });

  /** The "done when" figures of issue 7, measured on what the policy says (not on the expectations). */
  test('nothing but the safe rows runs without a human; ≤ 5 % of safe ones need approval', async () => {
    const results = await Promise.all(
      rows.map(async (row) => ({ row, ...(await assessCommand(row.command, row.environment)) })),
    );
    const dangerous = results.filter((r) =>
      ['review', 'mutating', 'destructive', 'obfuscated', 'injected'].includes(r.row.category),
    );
    const unattended = dangerous.filter((r) => r.decision === 'auto' || r.decision === 'notify');
    expect(unattended.map((r) => r.row.command)).toEqual([]);
    // CRITICAL is never executable, not even after approvals.
    expect(dangerous.filter((r) => isExecutable(r.decision) && r.risk === 'CRITICAL')).toEqual([]);

    const safe = results.filter((r) => r.row.category === 'safe');
    const needApproval = safe.filter((r) => r.decision === 'approval');
    const share = needApproval.length / safe.length;
    expect(share).toBeLessThanOrEqual(0.05);
    process.stdout.write(
      `risk table: ${rows.length} rows (${CATEGORIES.map((c) => `${c} ${rows.filter((r) => r.category === c).length}`).join(', ')}); ` +
        `dangerous rows auto/notify: ${unattended.length}/${dangerous.length}; ` +
        `safe rows needing approval: ${needApproval.length}/${safe.length} (${(share * 100).toFixed(1)} %)\n`,
    );
  });
});
