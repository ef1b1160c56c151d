import { type ArgSpec, parseArgs } from '../args.js';
import { change, type Effect, type ProgramRule, read, type Verdict } from '../verdict.js';

/** A program that only reads, whatever its arguments. */
export const reader =
  (what?: string): ProgramRule =>
  (ctx) =>
    read(what ?? `${ctx.name} only reads`);

/** Read-only unless one of `options` is given (long options match their abbreviations). */
export function readUnless(
  options: string[],
  why: string,
  spec: ArgSpec & { effect?: Exclude<Effect, 'none' | 'read'> } = {},
): ProgramRule {
  return (ctx) => {
    const args = parseArgs(ctx.args, spec);
    if (args.has(...options)) return { effect: spec.effect ?? 'change', reason: `${ctx.name} ${why}` };
    return read(`${ctx.name} only reads`);
  };
}

/**
 * Programs driven by a subcommand (`systemctl status`, `ip route show`): read-only for the listed
 * subcommands, `destroy` or `change` otherwise. The subcommand is the first operand.
 */
export function bySubcommand(spec: {
  withValue?: string[];
  read: string[];
  destroy?: Record<string, string>;
  /** With no subcommand at all. */
  none?: Verdict | ((name: string) => Verdict);
  /** Extra checks once the subcommand is known (options that change a read into a write). */
  refine?: (subcommand: string, operands: string[], has: (...names: string[]) => boolean) => Verdict | null;
}): ProgramRule {
  return (ctx) => {
    const args = parseArgs(ctx.args, { withValue: spec.withValue ?? [] });
    const [subcommand, ...operands] = args.operands;
    if (subcommand === undefined) {
      const none = spec.none ?? read(`${ctx.name} only reads`);
      return typeof none === 'function' ? none(ctx.name) : none;
    }
    const refined = spec.refine?.(subcommand, operands, (...names) => args.has(...names));
    if (refined) return refined;
    const destroyed = spec.destroy?.[subcommand];
    if (destroyed) return { effect: 'destroy', reason: `${ctx.name} ${subcommand} ${destroyed}` };
    if (spec.read.includes(subcommand)) return read(`${ctx.name} ${subcommand} only reads`);
    return change(`${ctx.name} ${subcommand} changes state`);
  };
}
