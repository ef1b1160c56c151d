/**
 * What one part of a command does, independent of where it runs. The assessor turns effects into
 * risk levels (a `change` becomes LOW/MEDIUM/HIGH by environment) and any `deny` into `denied`.
 */
export type Effect = 'none' | 'read' | 'unknown' | 'secret' | 'change' | 'destroy' | 'hidden';

/**
 * `unknown`: not proven read-only by the grammar; `secret`: recognised, but prints credential material
 * or reaches a host outside the internal ones. Both wait for a human, like a change.
 */
export const EFFECT_ORDER: Effect[] = ['none', 'read', 'unknown', 'secret', 'change', 'destroy', 'hidden'];

export interface Verdict {
  /** `hidden`: what would run cannot be seen (inline code, stdin fed to a shell, another host). */
  effect: Effect;
  reason: string;
  /** A construct or program AALS refuses whatever the policy says. */
  deny?: boolean;
}

export const read = (reason: string): Verdict => ({ effect: 'read', reason });
export const change = (reason: string): Verdict => ({ effect: 'change', reason });
export const destroy = (reason: string): Verdict => ({ effect: 'destroy', reason });
export const deny = (effect: Effect, reason: string): Verdict => ({ effect, reason, deny: true });

/** Stands for an argument whose value the shell computes at run time. */
export const UNKNOWN = '\u0000unknown';

/** What a program rule gets: the argv after quote removal and where its standard input comes from. */
export interface ProgramContext {
  /** The program's name as looked up (basename for system directories). */
  name: string;
  args: string[];
  /** `pipe`: the previous pipeline stage; `text`: a here-document or here-string. */
  stdin: 'none' | 'pipe' | 'text';
  stdinText: string | null;
  /** Classifies a command run by this one (`sudo X`, `xargs X`, `find -exec X`). */
  inner: (argv: string[], stdin?: ProgramContext['stdin']) => Verdict[];
}

export type ProgramRule = (ctx: ProgramContext) => Verdict | Verdict[];

export function worst(verdicts: Verdict[]): Verdict | undefined {
  let result: Verdict | undefined;
  for (const verdict of verdicts) {
    if (!result || rank(verdict) > rank(result)) result = verdict;
  }
  return result;
}

function rank(verdict: Verdict): number {
  return EFFECT_ORDER.indexOf(verdict.effect) * 2 + (verdict.deny ? 1 : 0);
}

export function show(arg: string): string {
  return arg === UNKNOWN ? '(computed at run time)' : arg;
}
