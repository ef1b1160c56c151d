import { type Decision, isExecutable, type RiskAssessment, type RunIdentity } from '../domain/risk.js';
import type { InventoryHost } from './ports.js';

/**
 * What an assessment means on one host: how many approvals a command needs there and as whom it
 * runs. Asked when a request is made and again right before it runs, so both agree.
 *
 * - AALS runs only what it checked: an assessment without a canonical line is never run.
 * - Commands that run without a human (`auto`, READ_ONLY) run only as the host's readOnlyUser, an
 *   account that cannot change the host, so a command the policy misjudged still cannot. A host
 *   without one sends them to approval; they then run as the main user, like every approved command.
 */
export interface RunRequirement {
  decision: Decision;
  /** Distinct approvals needed; 0 when the command runs without a human. */
  approvals: number;
  identity: RunIdentity;
  /** One line for the thread: why it runs, waits or is refused. */
  reason: string;
  /** Which rule set the outcome: the policy's verdict as it is, or one of the two host rules. */
  rule: 'policy' | 'no_canonical' | 'no_read_only_user';
  /** The line to run: present whenever the decision lets AALS run it. */
  canonical?: string;
}

export const NO_CANONICAL =
  'the policy gave no canonical form of this command (only plain pipelines of simple commands have one), so AALS cannot run exactly what it checked: never run';

export function requirementOn(
  verdict: RiskAssessment,
  host: Pick<InventoryHost, 'name' | 'readOnlyUser'>,
  requiredApprovals: number,
): RunRequirement {
  const { decision, reason, canonical } = verdict;
  const asChecked = { decision, reason, rule: 'policy' as const };
  if (!isExecutable(decision)) return { ...asChecked, approvals: 0, identity: 'main' };
  if (!canonical) {
    return { decision: 'denied', approvals: 0, identity: 'main', reason: NO_CANONICAL, rule: 'no_canonical' };
  }
  if (decision !== 'auto') {
    const approvals = decision === 'approval' ? verdict.approvals : 0;
    return { ...asChecked, approvals, identity: 'main', canonical };
  }
  if (host.readOnlyUser) return { ...asChecked, approvals: 0, identity: 'read-only', canonical };
  return {
    decision: 'approval',
    approvals: Math.max(1, requiredApprovals),
    identity: 'main',
    reason: `${host.name} has no readOnlyUser: read-only commands need an approval (${verdict.findings[0] ?? reason})`,
    rule: 'no_read_only_user',
    canonical,
  };
}
