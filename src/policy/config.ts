import { z } from 'zod';
import { DECISIONS, type RISK_LEVELS } from '../domain/risk.js';

/**
 * `policy:` in aals.config.yaml. The matrix says what happens to a command of each risk in each
 * environment; unlisted cells keep the defaults. `approval` asks for the environment's
 * `environments.<env>.requiredApprovals`; `{ approval: N }` asks for N distinct approvers.
 *
 * ```yaml
 * policy:
 *   approvalTtlMinutes: 15
 *   matrix:
 *     production: { LOW_RISK: approval, MEDIUM_RISK: { approval: 2 } }
 *   readOnlyPrograms: [myapp-status]
 *   deniedPrograms: [kubectl]
 * ```
 */

export const PolicyCell = z.union([
  z.enum(DECISIONS),
  z.strictObject({ approval: z.number().int().min(1).max(10) }),
]);
export type PolicyCell = z.infer<typeof PolicyCell>;

/** The seed's defaults, the same in every environment: the environment already shaped the risk. */
export const DEFAULT_MATRIX = {
  READ_ONLY: 'auto',
  LOW_RISK: 'notify',
  MEDIUM_RISK: 'approval',
  HIGH_RISK: 'approval',
  CRITICAL: 'manual',
} as const satisfies Record<(typeof RISK_LEVELS)[number], PolicyCell>;

const EnvironmentMatrix = z
  .strictObject({
    READ_ONLY: PolicyCell.default(DEFAULT_MATRIX.READ_ONLY),
    LOW_RISK: PolicyCell.default(DEFAULT_MATRIX.LOW_RISK),
    MEDIUM_RISK: PolicyCell.default(DEFAULT_MATRIX.MEDIUM_RISK),
    HIGH_RISK: PolicyCell.default(DEFAULT_MATRIX.HIGH_RISK),
    /** Destructive commands are never run by AALS, whatever the configuration says. */
    CRITICAL: z
      .enum(['manual', 'denied'], {
        error: 'CRITICAL commands are never run by AALS: use manual (shown for a human) or denied',
      })
      .default(DEFAULT_MATRIX.CRITICAL),
  })
  .prefault({});

/** Names as typed at a shell prompt: no paths, no spaces. */
const ProgramName = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/,
    'must be a program name such as myapp-status (no path, no spaces)',
  );

/** Programs that run other code can never be declared read-only. */
const NEVER_READ_ONLY =
  /^(sh|bash|dash|zsh|ksh|mksh|ash|fish|csh|tcsh|python[\d.]*|perl|ruby|node|php|lua|env|sudo|su|doas|ssh|xargs|eval|exec|source|find|awk|gawk|sed|busybox|nohup|timeout|nice|watch|kubectl|docker|systemctl|rm|dd)$/;

export const PolicyConfigSchema = z
  .strictObject({
    /** Minutes an approval request stays open; after that it expires and nothing runs. */
    approvalTtlMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    matrix: z
      .strictObject({
        development: EnvironmentMatrix,
        staging: EnvironmentMatrix,
        production: EnvironmentMatrix,
      })
      .prefault({}),
    /** In-house tools that only read, whatever their arguments (e.g. myapp-status). */
    readOnlyPrograms: z
      .array(
        ProgramName.refine((name) => !NEVER_READ_ONLY.test(name), {
          error:
            'this program can run other programs or has write options, so it cannot be declared read-only',
        }),
      )
      .default([]),
    /** Programs AALS must never run, even with approval. */
    deniedPrograms: z.array(ProgramName).default([]),
  })
  .prefault({});

export type PolicyConfig = z.infer<typeof PolicyConfigSchema>;
export type PolicyConfigInput = z.input<typeof PolicyConfigSchema>;
