import type { CommandRunner } from '../../src/approvals/ports.js';
import type { RiskAssessment } from '../../src/domain/risk.js';
import { sshCommandRunner } from '../../src/execution/command-runner.js';
import { ExecutorConfigSchema } from '../../src/execution/config.js';
import { SshExecutor } from '../../src/execution/ssh-executor.js';
import { assessCommand } from '../../src/policy/assessor.js';
import { type ArgvShims, installArgvShims } from '../support/argv-shim.js';
import { tableCommands } from '../support/risk-tables.js';
import { executorHost, type Sshd, startSshd } from '../support/sshd.js';

/**
 * Issue 14, "what runs is what was checked", for every row of the policy's tables that runs without
 * a human: the canonical line goes over the real sshd as the read-only identity, through the fixed
 * environment, and every program — a shim first on the remote PATH — records the argv it received,
 * which must equal the argv the policy checked. Rows whose file patterns the shell expands on the
 * host, programs given by path (they bypass PATH) and shell builtins (they never exec) are left to
 * tests/unit/grammar-engine.test.ts.
 */

const BUILTINS = new Set([
  'echo',
  'printf',
  'pwd',
  'true',
  'false',
  'ulimit',
  'kill',
  'test',
  'type',
  'command',
]);

interface Row {
  command: string;
  assessment: RiskAssessment;
}

async function autoRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const command of tableCommands()) {
    const assessment = await assessCommand(command, 'production');
    if (assessment.decision === 'auto') rows.push({ command, assessment });
  }
  return rows;
}

describe('every auto row of the tables runs as the argv the policy checked (real sshd)', () => {
  let sshd: Sshd;
  let shims: ArgvShims;
  let executor: SshExecutor;
  let runner: CommandRunner;
  let rows: Row[] = [];

  beforeAll(async () => {
    rows = (await autoRows()).filter(({ assessment }) => {
      const argv = assessment.argv ?? [];
      const programs = argv.map((stage) => stage[0] ?? '');
      return (
        !/'[*?]|[*?]'/.test(assessment.canonical ?? '') &&
        programs.every((program) => !program.includes('/') && !BUILTINS.has(program))
      );
    });
    const programs = new Set(
      rows.flatMap(({ assessment }) => (assessment.argv ?? []).map((stage) => stage[0] ?? '')),
    );
    shims = installArgvShims([...programs]);
    sshd = await startSshd({ readOnlyUser: true });
    const config = ExecutorConfigSchema.parse({
      remotePath: shims.remotePath,
      perHostConcurrency: 4,
      hosts: [executorHost(sshd, 'db-1', 'production', {}, { readOnlyUser: true })],
    });
    executor = new SshExecutor(config);
    runner = sshCommandRunner(config, executor);
  }, 120_000);

  afterAll(async () => {
    await executor?.close();
    await sshd?.stop();
    shims?.cleanup();
  });

  test('the tables hold hundreds of such rows', () => {
    expect(rows.length).toBeGreaterThan(400);
  });

  test('each stage of each row receives exactly the argv the policy checked', async () => {
    const mismatches: string[] = [];
    // One row at a time: the shims' log tells the calls of a row apart by its length before and after.
    for (const { command, assessment } of rows) {
      const { canonical = '', argv = [] } = assessment;
      const before = shims.records().length;
      const result = await runner.run('db-1', { canonical, identity: 'read-only' });
      const expected = argv.map((stage) => JSON.stringify([stage[0], stage.slice(1)])).sort();
      const got = shims
        .records()
        .slice(before)
        .map((call) => JSON.stringify([call.program, call.argv]))
        .sort();
      if (result.status !== 'ok' || JSON.stringify(got) !== JSON.stringify(expected))
        mismatches.push(
          `${command}: expected ${expected.join(' ')}, got ${got.join(' ')} [${result.status}]`,
        );
    }
    expect(mismatches).toEqual([]);
    expect(new Set(shims.records().map((call) => call.user))).toEqual(new Set(['aals-ro-test']));
  }, 600_000);
});
