import type { Decision, RiskLevel } from '../domain/risk.js';
import type { PolicyConfig } from './config.js';
import type { Effect } from './verdict.js';

export type EnvironmentName = 'development' | 'staging' | 'production';

/**
 * Anything not proven read-only takes its risk from where it runs. It is never below MEDIUM_RISK: a
 * command AALS cannot prove harmless waits for an approval in every environment (LOW_RISK, run and
 * reported afterwards, is left to an operator's matrix).
 */
export const CHANGE_RISK: Record<EnvironmentName, RiskLevel> = {
  development: 'MEDIUM_RISK',
  staging: 'MEDIUM_RISK',
  production: 'HIGH_RISK',
};

export function riskOf(effect: Exclude<Effect, 'none'>, environment: EnvironmentName): RiskLevel {
  if (effect === 'read') return 'READ_ONLY';
  if (effect === 'destroy' || effect === 'hidden') return 'CRITICAL';
  return CHANGE_RISK[environment];
}

export interface PolicyDecision {
  decision: Decision;
  approvals: number;
  /** Says what happens next, for the reason line. */
  explanation: string;
}

/**
 * The matrix cell for environment × risk. `approval` means the environment's requiredApprovals
 * (distinct people); CRITICAL can only be manual or denied (the schema enforces it).
 */
export function decide(
  risk: RiskLevel,
  environment: EnvironmentName,
  policy: PolicyConfig,
  requiredApprovals: number,
): PolicyDecision {
  const cell = policy.matrix[environment][risk];
  if (typeof cell === 'object') return approval(cell.approval, environment);
  switch (cell) {
    case 'auto':
      return { decision: 'auto', approvals: 0, explanation: 'runs without approval' };
    case 'notify':
      return {
        decision: 'notify',
        approvals: 0,
        explanation: `${environment}: runs, then reports in the thread`,
      };
    case 'approval':
      return approval(Math.max(1, requiredApprovals), environment);
    case 'manual':
      return {
        decision: 'manual',
        approvals: 0,
        explanation: 'never run by AALS: shown for a human to run by hand',
      };
    case 'denied':
      return {
        decision: 'denied',
        approvals: 0,
        explanation: `the ${environment} policy denies ${risk} commands`,
      };
  }
}

function approval(n: number, environment: EnvironmentName): PolicyDecision {
  return {
    decision: 'approval',
    approvals: n,
    explanation: `${environment} needs ${n} approval${n === 1 ? '' : 's'} from distinct people`,
  };
}
