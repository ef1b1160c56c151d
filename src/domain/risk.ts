import { z } from 'zod';

/** How much harm a command can do, least to most. The order matters: a command takes its worst part. */
export const RISK_LEVELS = ['READ_ONLY', 'LOW_RISK', 'MEDIUM_RISK', 'HIGH_RISK', 'CRITICAL'] as const;
export const RiskLevel = z.enum(RISK_LEVELS);
export type RiskLevel = z.infer<typeof RiskLevel>;

/**
 * What AALS does with a command: run it (`auto`), run it and report afterwards (`notify`), wait for
 * approvals (`approval`), show it for a human to run by hand (`manual`) or refuse it (`denied`).
 */
export const DECISIONS = ['auto', 'notify', 'approval', 'manual', 'denied'] as const;
export const Decision = z.enum(DECISIONS);
export type Decision = z.infer<typeof Decision>;

export interface RiskAssessment {
  risk: RiskLevel;
  decision: Decision;
  /** Distinct approvals needed before the command runs; 0 unless the decision is `approval`. */
  approvals: number;
  /** One line for the thread: the main reason first. */
  reason: string;
  environment: 'development' | 'staging' | 'production';
  /** The programs the command would run, wrappers resolved (e.g. `sudo rm` → sudo, rm). */
  programs: string[];
  /** Every observation that shaped the result, worst first. */
  findings: string[];
  /**
   * The command line AALS sends when it runs this command: re-serialized from the argv the policy
   * checked, every word strictly quoted, so the remote shell cannot read it differently. Absent
   * when the command is not plain pipelines of simple commands (such commands never run).
   */
  canonical?: string;
  /**
   * The argv of each pipeline stage, exactly as the policy checked it (after quote removal):
   * `journalctl -u nginx | grep error` → [['journalctl', '-u', 'nginx'], ['grep', 'error']].
   * Present together with `canonical`, which is these words re-serialized.
   */
  argv?: string[][];
}

export function riskRank(risk: RiskLevel): number {
  return RISK_LEVELS.indexOf(risk);
}

export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return riskRank(a) >= riskRank(b) ? a : b;
}

/** Whether AALS itself may run a command with this decision (after its approvals, if any). */
export function isExecutable(decision: Decision): boolean {
  return decision === 'auto' || decision === 'notify' || decision === 'approval';
}

/**
 * Which SSH identity of a host runs a command: `read-only` is the host's unprivileged readOnlyUser
 * (the only one commands run without a human use), `main` its configured user (after approvals).
 */
export type RunIdentity = 'main' | 'read-only';
