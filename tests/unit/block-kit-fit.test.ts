import type { Diagnosis } from '../../src/domain/diagnosis.js';
import type { RiskAssessment } from '../../src/domain/risk.js';
import { BLOCK_KIT_LIMITS, blockKitViolation, fitBlocks } from '../../src/slack/block-kit-limits.js';
import { diagnosisBlocks } from '../../src/slack/views/diagnosis.js';
import type { ApprovalRow } from '../../src/store/approvals.js';

/** Messages stay within Block Kit's limits however much there is to say. */
describe('Block Kit limits', () => {
  test('fitBlocks keeps the first blocks and says how many were left out', () => {
    const blocks = Array.from({ length: 70 }, (_, i) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `b${i}` },
    }));
    const fitted = fitBlocks(blocks);
    expect(fitted).toHaveLength(BLOCK_KIT_LIMITS.blocksPerMessage);
    expect(JSON.stringify(fitted[0])).toContain('b0');
    expect(JSON.stringify(fitted.at(-1))).toContain('21 more blocks left out');
    expect(blockKitViolation(fitted)).toBeNull();
    expect(fitBlocks(blocks.slice(0, 3))).toHaveLength(3);
  });

  test('a diagnosis with eight long commands, all waiting for approval, is valid Block Kit', () => {
    const long = 'x'.repeat(2000);
    const assessment: RiskAssessment = {
      risk: 'HIGH_RISK',
      decision: 'approval',
      approvals: 2,
      reason: long,
      environment: 'production',
      programs: [],
      findings: [],
    };
    const diagnosis: Diagnosis = {
      source: 'llm',
      author: 'anthropic claude-sonnet-5-5',
      language: 'en',
      summary: long,
      rootCause: { candidate: long, confidence: 0.7, reasoning: long },
      evidence: Array.from({ length: 12 }, (_, i) => ({ ref: `A${i + 1}`, note: long })),
      actions: Array.from({ length: 8 }, (_, i) => ({
        command: `${long}${i}`,
        host: 'db-1',
        purpose: long,
        assessment: { ...assessment },
      })),
      nextChecks: Array.from({ length: 8 }, () => long),
      notes: [long, long],
      usage: null,
      cached: false,
      millis: 1,
      createdAt: new Date().toISOString(),
    };
    const approvals = diagnosis.actions.map(
      (a, i): ApprovalRow => ({
        id: i + 1,
        incidentId: 1,
        diagnosisId: 1,
        command: a.command,
        host: 'db-1',
        environment: 'production',
        purpose: 'p',
        risk: 'HIGH_RISK',
        decision: 'approval',
        required: 2,
        requestedBy: 'aals',
        channel: null,
        status: 'pending',
        reason: long,
        createdAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
        result: null,
        approvers: ['U0A'],
      }),
    );
    const blocks = diagnosisBlocks(diagnosis, true, approvals);
    expect(blocks.filter((b) => b.type === 'actions')).toHaveLength(8);
    expect(blockKitViolation(blocks)).toBeNull();
  });
});
