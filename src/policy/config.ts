import { z } from 'zod';
import { DECISIONS, type RISK_LEVELS } from '../domain/risk.js';
import { internalHostError } from './grammar/network.js';
import { BUILT_IN_GRAMMARS } from './grammar/registry.js';
import { CommandNodeSchema, SYNTAXES, type ToolGrammar } from './grammar/spec.js';
import { isKnownType } from './grammar/values.js';

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
 *   readOnlyCommands:            # in-house read-only tools, in the grammar of src/policy/grammar
 *     - program: myapp-status
 *       syntax: gnu
 *       options: { '-v --verbose': flag, '--service': name }
 *       operands: ['name?']
 *   secretPaths: ['/srv/app/conf/*.yml']
 *   internalHosts: ['*.internal.example.com', '10.0.0.0/8']
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

/**
 * A read-only command declared in aals.config.yaml: the same grammar as the built-in families, with
 * local types given as regular expressions (anchored for you). Every type must exist.
 */
const ReadOnlyCommandSchema = z
  .strictObject({
    program: ProgramName,
    syntax: z.enum(SYNTAXES),
    stdin: z.enum(['data', 'ignore', 'refuse']).optional(),
    types: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.string().min(1)).optional(),
    options: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).optional(),
    operands: z.array(z.string()).optional(),
    subcommands: z.record(z.string(), CommandNodeSchema).optional(),
    ignoreCase: z.boolean().optional(),
  })
  .transform((entry, ctx): ToolGrammar => {
    const types = Object.fromEntries(
      Object.entries(entry.types ?? {}).map(([name, source]) => [name, new RegExp(`^(?:${source})$`)]),
    );
    const grammar = { ...entry, types };
    if (BUILT_IN_GRAMMARS.some((g) => g.program.split(' ').includes(entry.program)))
      ctx.addIssue({
        code: 'custom',
        message: `${entry.program} already has a built-in read-only grammar (src/policy/grammar/families); readOnlyCommands declares in-house tools`,
      });
    const node = CommandNodeSchema.safeParse({
      options: entry.options,
      operands: entry.operands,
      subcommands: entry.subcommands,
    });
    if (!node.success) {
      ctx.addIssue({ code: 'custom', message: node.error.issues[0]?.message ?? 'not a valid grammar' });
      return grammar;
    }
    for (const type of typesUsed(grammar)) {
      if (type !== 'flag' && !isKnownType(type, types))
        ctx.addIssue({
          code: 'custom',
          message: `${entry.program}: unknown type '${type}'; use a built-in type (text, name, uint, path, …) or declare it under types:`,
        });
    }
    return grammar;
  });

function typesUsed(node: Omit<ToolGrammar, 'program' | 'syntax'>): string[] {
  const found: string[] = [];
  for (const value of Object.values(node.options ?? {}))
    if (typeof value === 'string') found.push(value.replace(/^\[|\]$/g, ''));
  for (const operand of node.operands ?? []) found.push(operand.replace(/[?*+]$/, ''));
  for (const child of Object.values(node.subcommands ?? {})) found.push(...typesUsed(child));
  return found;
}

const HOW_TO_DECLARE =
  'policy.readOnlyPrograms is gone: a bare program name says nothing about its options. Declare each in-house read-only tool under policy.readOnlyCommands with the options and operands it may take, e.g. readOnlyCommands: [{ program: myapp-status, syntax: gnu, options: { "--verbose": flag }, operands: ["name?"] }] (docs/command-policy.md, "Declaring read-only commands")';

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
    /** Removed: a config that still has it fails at start with HOW_TO_DECLARE. */
    readOnlyPrograms: z.never({ error: HOW_TO_DECLARE }).optional(),
    /** In-house read-only tools, declared in the allowlist grammar. */
    readOnlyCommands: z.array(ReadOnlyCommandSchema).default([]),
    /** More credential files (globs): reading them is never auto. */
    secretPaths: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[^\0\s]+$/, 'a path or glob without spaces, such as /srv/app/conf/*.yml'),
      )
      .default([]),
    /** Hosts network tools may reach without approval, besides loopback: names, *.domain, IPs, CIDRs. */
    internalHosts: z
      .array(
        z.string().superRefine((entry, ctx) => {
          const error = internalHostError(entry);
          if (error) ctx.addIssue({ code: 'custom', message: error });
        }),
      )
      .default([]),
    /** Programs AALS must never run, even with approval. */
    deniedPrograms: z.array(ProgramName).default([]),
  })
  .prefault({});

export type PolicyConfig = z.infer<typeof PolicyConfigSchema>;
export type PolicyConfigInput = z.input<typeof PolicyConfigSchema>;
