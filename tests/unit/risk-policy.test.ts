import { ConfigSchema } from '../../src/config/schema.js';
import { RISK_LEVELS } from '../../src/domain/risk.js';
import { assessCommand, policyAssessor } from '../../src/policy/assessor.js';
import { type PolicyConfigInput, PolicyConfigSchema } from '../../src/policy/config.js';
import { decide, riskOf } from '../../src/policy/policy.js';

/** The policy matrix (environment × risk → decision and approvals) and its configuration. */

const policy = (input: PolicyConfigInput = {}) => PolicyConfigSchema.parse(input);

describe('policy defaults', () => {
  test('the seed matrix in every environment, 15 minutes to approve', () => {
    const defaults = policy();
    expect(defaults.approvalTtlMinutes).toBe(15);
    for (const env of ['development', 'staging', 'production'] as const) {
      expect(defaults.matrix[env]).toEqual({
        READ_ONLY: 'auto',
        LOW_RISK: 'notify',
        MEDIUM_RISK: 'approval',
        HIGH_RISK: 'approval',
        CRITICAL: 'manual',
      });
    }
    expect(defaults.readOnlyCommands).toEqual([]);
    expect(defaults.secretPaths).toEqual([]);
    expect(defaults.internalHosts).toEqual([]);
    expect(defaults.deniedPrograms).toEqual([]);
  });

  test('decide: approvals come from the environment, other decisions need none', () => {
    const p = policy();
    expect(decide('READ_ONLY', 'production', p, 2)).toMatchObject({ decision: 'auto', approvals: 0 });
    expect(decide('LOW_RISK', 'development', p, 1)).toMatchObject({ decision: 'notify', approvals: 0 });
    expect(decide('MEDIUM_RISK', 'staging', p, 1)).toMatchObject({ decision: 'approval', approvals: 1 });
    expect(decide('HIGH_RISK', 'production', p, 2)).toMatchObject({ decision: 'approval', approvals: 2 });
    expect(decide('HIGH_RISK', 'production', p, 3)).toMatchObject({ decision: 'approval', approvals: 3 });
    expect(decide('CRITICAL', 'production', p, 2)).toMatchObject({ decision: 'manual', approvals: 0 });
    expect(decide('HIGH_RISK', 'production', p, 2).explanation).toBe(
      'production needs 2 approvals from distinct people',
    );
  });

  test('what is not proven read-only takes its risk from the environment, never below MEDIUM_RISK', () => {
    for (const effect of ['change', 'unknown', 'secret'] as const) {
      expect(['development', 'staging', 'production'].map((e) => riskOf(effect, e as 'development'))).toEqual(
        ['MEDIUM_RISK', 'MEDIUM_RISK', 'HIGH_RISK'],
      );
    }
    expect(riskOf('read', 'production')).toBe('READ_ONLY');
    expect(riskOf('destroy', 'development')).toBe('CRITICAL');
    expect(riskOf('hidden', 'development')).toBe('CRITICAL');
  });
});

describe('policy overrides', () => {
  test('cells can be tightened or loosened per environment; the rest keeps the defaults', () => {
    const p = policy({
      matrix: {
        development: { LOW_RISK: 'approval' },
        production: { READ_ONLY: 'notify', HIGH_RISK: { approval: 3 } },
        staging: { MEDIUM_RISK: 'denied' },
      },
    });
    expect(decide('LOW_RISK', 'development', p, 1)).toMatchObject({ decision: 'approval', approvals: 1 });
    expect(decide('READ_ONLY', 'production', p, 2)).toMatchObject({ decision: 'notify' });
    expect(decide('HIGH_RISK', 'production', p, 2)).toMatchObject({ decision: 'approval', approvals: 3 });
    expect(decide('MEDIUM_RISK', 'staging', p, 1)).toMatchObject({ decision: 'denied', approvals: 0 });
    expect(p.matrix.production.LOW_RISK).toBe('notify');
  });

  test.each([
    [{ matrix: { production: { CRITICAL: 'auto' } } }, /CRITICAL commands are never run/],
    [{ matrix: { production: { CRITICAL: 'approval' } } }, /CRITICAL commands are never run/],
    [{ matrix: { production: { LOW_RISK: 'sometimes' } } }, /LOW_RISK/],
    [{ matrix: { production: { HIGH_RISK: { approval: 0 } } } }, /approval/],
    [{ matrix: { prod: {} } }, /prod/],
    [{ approvalTtlMinutes: 0 }, /approvalTtlMinutes/],
    [{ readOnlyPrograms: ['myapp-status'] }, /readOnlyPrograms is gone.*readOnlyCommands/],
    [{ readOnlyCommands: [{ program: '/usr/bin/x', syntax: 'gnu' }] }, /program name/],
    [{ readOnlyCommands: [{ program: 'x', syntax: 'getopt' }] }, /syntax/],
    [
      { readOnlyCommands: [{ program: 'x', syntax: 'gnu', operands: ['filename*'] }] },
      /unknown type 'filename'/,
    ],
    [
      { readOnlyCommands: [{ program: 'x', syntax: 'gnu', options: { '--v': 'anything' } }] },
      /unknown type 'anything'/,
    ],
    [{ readOnlyCommands: [{ program: 'cat', syntax: 'gnu' }] }, /already has a built-in read-only grammar/],
    [{ internalHosts: ['*'] }, /every host/],
    [{ internalHosts: ['10.0.0.0/40'] }, /CIDR/],
    [{ typo: true }, /typo/],
  ])('%j is rejected', (input, message) => {
    const result = PolicyConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) expect(JSON.stringify(result.error.issues)).toMatch(message);
  });

  test('the matrix changes decisions but not the classification', async () => {
    const p = policy({ matrix: { development: { MEDIUM_RISK: { approval: 2 } } } });
    const result = await assessCommand('systemctl restart nginx', 'development', {
      policy: p,
      requiredApprovals: 1,
    });
    expect(result).toMatchObject({ risk: 'MEDIUM_RISK', decision: 'approval', approvals: 2 });
  });

  test('readOnlyCommands extend the grammar, option by option; deniedPrograms ban programs', async () => {
    const p = policy({
      readOnlyCommands: [
        {
          program: 'myapp-status',
          syntax: 'gnu',
          types: { region: '[a-z]{2}-[a-z]+-\\d' },
          options: { '-a --all': 'flag', '--region': 'region' },
          operands: ['name?'],
        },
      ],
      deniedPrograms: ['kubectl'],
    });
    expect(
      await assessCommand('myapp-status --all --region ap-northeast-1 checkout', 'production', { policy: p }),
    ).toMatchObject({
      risk: 'READ_ONLY',
      decision: 'auto',
    });
    const unknownOption = await assessCommand('myapp-status --restart', 'production', { policy: p });
    expect(unknownOption).toMatchObject({ risk: 'HIGH_RISK', decision: 'approval' });
    expect(unknownOption.reason).toMatch(/myapp-status: '--restart' is not an option AALS knows/);
    expect(
      await assessCommand('myapp-status --region "ap; id" x', 'production', { policy: p }),
    ).toMatchObject({ decision: 'approval' });
    expect(await assessCommand('myapp-status --all', 'production')).toMatchObject({ risk: 'HIGH_RISK' });
    const denied = await assessCommand('kubectl get pods', 'production', { policy: p });
    expect(denied).toMatchObject({ risk: 'READ_ONLY', decision: 'denied' });
    expect(denied.reason).toMatch(/kubectl is on the policy's denied list/);
  });

  test('structural denials cannot be overridden by the matrix', async () => {
    const p = policy({ matrix: { production: { READ_ONLY: 'auto', HIGH_RISK: 'auto' } } });
    expect(await assessCommand('uptime; df -h', 'production', { policy: p })).toMatchObject({
      decision: 'denied',
    });
    expect(await assessCommand('rm -rf /', 'production', { policy: p })).toMatchObject({
      decision: 'manual',
    });
  });
});

describe('assessments', () => {
  test('the reason says what the command does and what happens next', async () => {
    const result = await assessCommand('systemctl restart nginx', 'production');
    expect(result.reason).toBe(
      "not proven read-only: systemctl 'restart' is not a subcommand AALS knows as read-only; production needs 2 approvals from distinct people",
    );
    expect(result.programs).toEqual(['systemctl']);
    expect((await assessCommand('rm -rf /', 'production')).reason).toMatch(/^rm -r on \/ deletes/);
    expect((await assessCommand('curl -s x | bash', 'production')).reason).toMatch(
      /bash would run commands from its standard input/,
    );
  });

  test('a denial keeps the worst risk of what it saw', async () => {
    const result = await assessCommand('df -h && rm -rf /var/lib/mysql', 'staging');
    expect(result).toMatchObject({ risk: 'CRITICAL', decision: 'denied', approvals: 0 });
    expect(result.reason).toMatch(/chains commands with &&.*rm -r on \/var\/lib\/mysql/);
    expect(result.programs).toEqual(['df', 'rm']);
    expect(result.findings.length).toBeGreaterThanOrEqual(2);
  });

  test.each([
    ['', /empty/],
    ['   ', /empty/],
    ['ls\u0000 -la', /control or invisible/],
    ['ls\r', /control or invisible/],
    ['ls -la\u202e', /control or invisible/],
    [`echo ${'x'.repeat(17 * 1024)}`, /longer than/],
    ['echo $(id', /not valid shell syntax/],
  ])('%j is refused before classification', async (command, reason) => {
    const result = await assessCommand(command, 'development');
    expect(result).toMatchObject({ risk: 'CRITICAL', decision: 'denied', approvals: 0 });
    expect(result.reason).toMatch(reason);
  });

  test('every risk level but LOW_RISK is reachable: nothing unproven runs before a human sees it', async () => {
    const seen = new Set<string>();
    for (const [command, env] of [
      ['uptime', 'production'],
      ['systemctl restart x', 'development'],
      ['systemctl restart x', 'staging'],
      ['systemctl restart x', 'production'],
      ['reboot', 'development'],
    ] as const)
      seen.add((await assessCommand(command, env)).risk);
    expect([...seen]).toEqual(RISK_LEVELS.filter((level) => level !== 'LOW_RISK'));
  });
});

describe('policyAssessor', () => {
  test('uses the configuration: requiredApprovals per environment', async () => {
    const config = ConfigSchema.parse({ environments: { production: { requiredApprovals: 3 } } });
    const assess = policyAssessor(config);
    expect(await assess('kubectl rollout restart deploy/api', 'production')).toMatchObject({ approvals: 3 });
    expect(await assess('kubectl rollout restart deploy/api', 'staging')).toMatchObject({ approvals: 1 });
    expect(await assess('kubectl rollout restart deploy/api', 'prod')).toMatchObject({
      environment: 'production',
    });
  });

  test('an unknown environment is assessed as production, and says so', async () => {
    const assess = policyAssessor(ConfigSchema.parse({}));
    const result = await assess('systemctl restart nginx', 'qa-7');
    expect(result).toMatchObject({ risk: 'HIGH_RISK', environment: 'production', approvals: 2 });
    expect(result.findings.at(-1)).toMatch(/unknown environment 'qa-7'/);
  });

  test("the configuration's policy section is validated with its defaults and used", async () => {
    expect(ConfigSchema.parse({}).policy.approvalTtlMinutes).toBe(15);
    const config = ConfigSchema.parse({
      policy: { approvalTtlMinutes: 30, matrix: { production: { HIGH_RISK: { approval: 3 } } } },
    });
    expect(config.policy.approvalTtlMinutes).toBe(30);
    const result = await policyAssessor(config)('systemctl restart nginx', 'production');
    expect(result).toMatchObject({ decision: 'approval', approvals: 3 });
    expect(() => ConfigSchema.parse({ policy: { matrix: { production: { CRITICAL: 'auto' } } } })).toThrow();
  });
});
