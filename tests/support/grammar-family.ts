import { assessCommand } from '../../src/policy/assessor.js';
import { checkScript } from '../../src/policy/grammar/check.js';
import type { MatchResult } from '../../src/policy/grammar/match.js';
import { grammarRegistry } from '../../src/policy/grammar/registry.js';
import { parseShell } from '../../src/policy/shell-parser.js';

/** Shared by the grammar family tests: the grammar's verdict alone, and the safe/harmful tables. */

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;

/** The grammar's verdict without the harm classifier. */
export async function grammarVerdict(command: string, internalHosts: string[] = []): Promise<MatchResult> {
  const parsed = await parseShell(command);
  if (!parsed.ok) throw new Error(`${command}: ${parsed.error}`);
  return checkScript(parsed.script, grammarRegistry(), { secretPaths: [], internalHosts }, command);
}

/**
 * Safe rows are read-only by the grammar and auto in production; harmful rows are refused by the
 * grammar and never auto or notify in any environment.
 */
export function describeFamily(family: string, safe: readonly string[], harmful: readonly string[]): void {
  describe(`${family} grammar: everyday reads`, () => {
    test.each(safe)('%s matches the grammar', async (command) => {
      const result = await grammarVerdict(command);
      expect(`${result.kind}: ${result.reason}`).toMatch(/^read: /);
    });

    test.each(safe)('%s is auto in production', async (command) => {
      const assessment = await assessCommand(command, 'production');
      expect(`${assessment.decision}: ${assessment.reason}`).toMatch(/^auto: /);
    });
  });

  describe(`${family} grammar: harmful commands wait for a human`, () => {
    test.each(harmful)('%s is never auto or notify', async (command) => {
      for (const environment of ENVIRONMENTS) {
        const { decision, reason } = await assessCommand(command, environment);
        expect(`${environment}: ${decision}: ${reason}`).not.toMatch(/^\w+: (auto|notify): /);
      }
    });

    test.each(harmful)('%s is not proven read-only by the grammar', async (command) => {
      expect((await grammarVerdict(command)).kind).not.toBe('read');
    });
  });
}
