import { NO_CANONICAL, requirementOn } from '../../src/approvals/run-gate.js';
import type { RiskAssessment } from '../../src/domain/risk.js';

/** The host rules both the request and the execution apply to a fresh assessment. */
const assessment = (overrides: Partial<RiskAssessment>): RiskAssessment => ({
  risk: 'READ_ONLY',
  decision: 'auto',
  approvals: 0,
  reason: 'uptime only reads; runs without approval',
  environment: 'production',
  programs: ['uptime'],
  findings: ['uptime only reads'],
  canonical: "'uptime'",
  argv: [['uptime']],
  ...overrides,
});
const withReadOnly = { name: 'db-1', readOnlyUser: 'aals-ro' };
const withoutReadOnly = { name: 'db-2', readOnlyUser: null };

describe('run gate', () => {
  test('a read-only command runs without a human only as the readOnlyUser', () => {
    expect(requirementOn(assessment({}), withReadOnly, 2)).toEqual({
      decision: 'auto',
      approvals: 0,
      identity: 'read-only',
      reason: 'uptime only reads; runs without approval',
      rule: 'policy',
      canonical: "'uptime'",
    });
  });

  test('on a host without readOnlyUser it needs the environment approvals (at least 1) and runs as the main user', () => {
    expect(requirementOn(assessment({}), withoutReadOnly, 2)).toEqual({
      decision: 'approval',
      approvals: 2,
      identity: 'main',
      reason: 'db-2 has no readOnlyUser: read-only commands need an approval (uptime only reads)',
      rule: 'no_read_only_user',
      canonical: "'uptime'",
    });
    expect(requirementOn(assessment({}), withoutReadOnly, 0).approvals).toBe(1);
  });

  test('without a canonical line nothing runs, whatever the policy decided', () => {
    for (const decision of ['auto', 'notify', 'approval'] as const) {
      expect(requirementOn(assessment({ decision, canonical: undefined }), withReadOnly, 2)).toEqual({
        decision: 'denied',
        approvals: 0,
        identity: 'main',
        reason: NO_CANONICAL,
        rule: 'no_canonical',
      });
    }
  });

  test('notify and approval run as the main user; manual and denied stay as the policy said', () => {
    const change = { risk: 'HIGH_RISK' as const, canonical: "'systemctl' 'restart' 'nginx'" };
    expect(
      requirementOn(assessment({ ...change, decision: 'approval', approvals: 2 }), withReadOnly, 1),
    ).toMatchObject({
      decision: 'approval',
      approvals: 2,
      identity: 'main',
    });
    expect(requirementOn(assessment({ ...change, decision: 'notify' }), withReadOnly, 1)).toMatchObject({
      decision: 'notify',
      approvals: 0,
      identity: 'main',
    });
    const manual = requirementOn(
      assessment({ risk: 'CRITICAL', decision: 'manual', reason: 'rm -rf /' }),
      withReadOnly,
      1,
    );
    expect(manual).toMatchObject({ decision: 'manual', approvals: 0, rule: 'policy', reason: 'rm -rf /' });
    expect(manual.canonical).toBeUndefined();
  });
});
