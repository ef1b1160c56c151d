import winston from 'winston';
import { ExecutionRunner } from '../../src/approvals/execution-runner.js';
import type { CheckedCommand, CommandRunner } from '../../src/approvals/ports.js';
import type { RiskAssessment } from '../../src/domain/risk.js';
import { Store } from '../../src/store/store.js';

/**
 * The last gate before a command runs: the policy is asked again at execution time, and a request
 * is claimed before it runs, so two runners (two processes after a split brain, or a retry) never
 * run it twice; what runs is the fresh assessment's canonical line, as the identity the host rules
 * call for. The runner here is an in-process CommandRunner that records runs; the SSH side is
 * covered against a real sshd in tests/integration.
 */
const logger = winston.createLogger({ silent: true });

function verdict(overrides: Partial<RiskAssessment>): RiskAssessment {
  return {
    risk: 'HIGH_RISK',
    decision: 'approval',
    approvals: 2,
    reason: 'changes state',
    environment: 'production',
    programs: ['systemctl'],
    findings: [],
    canonical: "'systemctl' 'restart' 'nginx'",
    argv: [['systemctl', 'restart', 'nginx']],
    ...overrides,
  };
}

/** db-1 declares a read-only identity; db-2 does not. */
const INVENTORY = {
  'db-1': { name: 'db-1', environment: 'production', user: 'aals', readOnlyUser: 'aals-ro' },
  'db-2': { name: 'db-2', environment: 'production', user: 'aals', readOnlyUser: null },
};

function counting(): CommandRunner & { runs: string[]; identities: CheckedCommand['identity'][] } {
  const runs: string[] = [];
  const identities: CheckedCommand['identity'][] = [];
  return {
    runs,
    identities,
    resolve: (target) => INVENTORY[target as keyof typeof INVENTORY] ?? null,
    run: async (_host, command) => {
      runs.push(command.canonical);
      identities.push(command.identity);
      await new Promise((r) => setTimeout(r, 20));
      return {
        status: 'ok',
        exitCode: 0,
        stdout: 'done',
        stderr: '',
        truncated: false,
        outputSha256: 'a'.repeat(64),
        durationMs: 20,
      };
    },
  };
}

function approvedRequest(store: Store, votes: string[], host = 'db-1'): number {
  const id = store.approvals.create({
    incidentId: null,
    diagnosisId: null,
    command: 'systemctl restart nginx',
    host,
    environment: 'production',
    purpose: 'restart',
    risk: 'HIGH_RISK',
    decision: 'approval',
    required: 2,
    requestedBy: 'U0REQUEST1',
    channel: 'C0ALERTS01',
    status: 'pending',
    expiresAt: null,
  });
  for (const user of votes) store.approvals.vote(id, user);
  store.approvals.transition(id, 'pending', 'approved');
  return id;
}

describe('ExecutionRunner', () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(':memory:');
  });
  afterEach(() => store.close());

  const runnerWith = (runner: CommandRunner, assess: RiskAssessment) =>
    new ExecutionRunner({
      store,
      runner,
      assess: async () => assess,
      requiredApprovalsOf: () => 2,
      logger,
      onChanged: () => undefined,
    });
  const runOnce = async (runner: CommandRunner, assess: RiskAssessment) => {
    const execution = runnerWith(runner, assess);
    execution.wake();
    await execution.idle();
  };

  test('the policy is checked again before running: more approvals needed now → blocked, never run', async () => {
    const id = approvedRequest(store, ['U0A', 'U0B']);
    const commands = counting();
    const execution = runnerWith(commands, verdict({ approvals: 3 }));
    execution.wake();
    await execution.idle();
    expect(commands.runs).toEqual([]);
    expect(store.approvals.get(id)).toMatchObject({
      status: 'blocked',
      reason: expect.stringContaining('needs 3 approvals'),
    });
    expect(store.audit.tail(10).map((r) => r.action)).toContain('command.blocked');
  });

  test('a command the policy now calls manual is blocked', async () => {
    const id = approvedRequest(store, ['U0A', 'U0B']);
    const commands = counting();
    const execution = runnerWith(commands, verdict({ risk: 'CRITICAL', decision: 'manual', approvals: 0 }));
    execution.wake();
    await execution.idle();
    expect(commands.runs).toEqual([]);
    expect(store.approvals.get(id)?.status).toBe('blocked');
  });

  test('two runners on one store run an approved command exactly once', async () => {
    const id = approvedRequest(store, ['U0A', 'U0B']);
    const commands = counting();
    const first = runnerWith(commands, verdict({}));
    const second = runnerWith(commands, verdict({}));
    first.wake();
    second.wake();
    await Promise.all([first.idle(), second.idle()]);
    expect(commands.runs).toEqual(["'systemctl' 'restart' 'nginx'"]);
    expect(store.approvals.get(id)).toMatchObject({ status: 'executed', result: { exitCode: 0 } });
    expect(store.audit.tail(20).filter((r) => r.action === 'command.started')).toHaveLength(1);
    // The result went to the request's channel.
    expect(store.outbox.ready().map((i) => [i.kind, i.channel])).toEqual([['result', 'C0ALERTS01']]);
  });

  test("what runs is the fresh assessment's canonical line, as the main user; the audit has both lines", async () => {
    const id = approvedRequest(store, ['U0A', 'U0B']);
    const commands = counting();
    await runOnce(commands, verdict({ canonical: "'systemctl' 'restart' 'nginx.service'" }));
    expect(commands.runs).toEqual(["'systemctl' 'restart' 'nginx.service'"]);
    expect(commands.identities).toEqual(['main']);
    expect(store.approvals.get(id)?.status).toBe('executed');
    const executed = store.audit.tail(10).find((r) => r.action === 'command.executed');
    expect(executed?.details).toMatchObject({
      command: 'systemctl restart nginx',
      canonical: "'systemctl' 'restart' 'nginx.service'",
      runAs: 'main',
      user: 'aals',
    });
  });

  test('an assessment without a canonical line is blocked, never run, and says why', async () => {
    const id = approvedRequest(store, ['U0A', 'U0B']);
    const commands = counting();
    await runOnce(commands, verdict({ canonical: undefined, argv: undefined }));
    expect(commands.runs).toEqual([]);
    expect(store.approvals.get(id)).toMatchObject({
      status: 'blocked',
      reason: expect.stringContaining('no canonical form'),
    });
    const blocked = store.audit.tail(10).find((r) => r.action === 'command.blocked');
    expect(blocked?.details).toMatchObject({ reason: expect.stringContaining('no canonical form') });
  });

  const readOnly = verdict({
    risk: 'READ_ONLY',
    decision: 'auto',
    approvals: 0,
    reason: 'uptime only reads; runs without approval',
    findings: ['uptime only reads'],
    canonical: "'uptime'",
  });

  test('a read-only command runs as the host readOnlyUser, never as the main user', async () => {
    approvedRequest(store, []);
    const commands = counting();
    await runOnce(commands, readOnly);
    expect(commands.runs).toEqual(["'uptime'"]);
    expect(commands.identities).toEqual(['read-only']);
    const started = store.audit.tail(10).find((r) => r.action === 'command.started');
    expect(started?.details).toMatchObject({ runAs: 'read-only', user: 'aals-ro' });
  });

  test('on a host without readOnlyUser a read-only command needs approvals; with them it runs as the main user', async () => {
    const unapproved = approvedRequest(store, [], 'db-2');
    const commands = counting();
    await runOnce(commands, readOnly);
    expect(commands.runs).toEqual([]);
    expect(store.approvals.get(unapproved)).toMatchObject({
      status: 'blocked',
      reason: expect.stringContaining('db-2 has no readOnlyUser: read-only commands need an approval'),
    });
    const approved = approvedRequest(store, ['U0A', 'U0B'], 'db-2');
    await runOnce(commands, readOnly);
    expect(commands.identities).toEqual(['main']);
    expect(store.approvals.get(approved)?.status).toBe('executed');
  });
});
