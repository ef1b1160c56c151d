import winston from 'winston';
import { ExecutionRunner } from '../../src/approvals/execution-runner.js';
import type { CommandRunner } from '../../src/approvals/ports.js';
import type { RiskAssessment } from '../../src/domain/risk.js';
import { Store } from '../../src/store/store.js';

/**
 * The last gate before a command runs: the policy is asked again at execution time, and a request
 * is claimed before it runs, so two runners (two processes after a split brain, or a retry) never
 * run it twice. The runner here is an in-process CommandRunner that counts runs; the SSH side is
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
    ...overrides,
  };
}

function counting(): CommandRunner & { runs: string[] } {
  const runs: string[] = [];
  return {
    runs,
    resolve: (target) => (target === 'db-1' ? { name: 'db-1', environment: 'production' } : null),
    run: async (_host, command) => {
      runs.push(command);
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

function approvedRequest(store: Store, votes: string[]): number {
  const id = store.approvals.create({
    incidentId: null,
    diagnosisId: null,
    command: 'systemctl restart nginx',
    host: 'db-1',
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
    new ExecutionRunner({ store, runner, assess: async () => assess, logger, onChanged: () => undefined });

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
    expect(commands.runs).toEqual(['systemctl restart nginx']);
    expect(store.approvals.get(id)).toMatchObject({ status: 'executed', result: { exitCode: 0 } });
    expect(store.audit.tail(20).filter((r) => r.action === 'command.started')).toHaveLength(1);
    // The result went to the request's channel.
    expect(store.outbox.ready().map((i) => [i.kind, i.channel])).toEqual([['result', 'C0ALERTS01']]);
  });
});
