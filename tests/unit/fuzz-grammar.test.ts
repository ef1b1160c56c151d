import fc from 'fast-check';
import { assessCommand } from '../../src/policy/assessor.js';
import type { EnvironmentName } from '../../src/policy/policy.js';
import { tableCommands } from '../support/risk-tables.js';

/**
 * Mutations of read-only commands never become more permissive (issue 14, part 6): take every
 * command of the tables that the policy runs unattended, change it the way an attacker would —
 * an unknown option, a value moved behind another option, a substitution, a redirection, an
 * environment assignment, an array subscript, a wrapper, a second command — and the result must
 * wait for a human in every environment. Deterministic (fixed seed).
 */

const SEED = 0x14_2026;
const ENVIRONMENTS: EnvironmentName[] = ['development', 'staging', 'production'];
/** Splits at spaces outside quotes, so a mutation lands between arguments, never inside one. */
function words(command: string): string[] {
  const found: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const char of command) {
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === ' ') {
      if (current) found.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  if (current) found.push(current);
  return found;
}

/** A mutation that must never leave a command runnable without a human. */
type Mutation = (words: string[], pick: number) => string;

const at = (words: string[], pick: number, insert: string) => {
  const index = 1 + (pick % Math.max(1, words.length));
  return [...words.slice(0, index), insert, ...words.slice(index)].join(' ');
};

/**
 * An option goes right after the program or at the end: in the middle it may become the value of the
 * option before it, which the real tool also reads as data (`grep -e --x` searches for "--x").
 */
const asOption = (words: string[], pick: number, option: string) =>
  pick % 2 === 0 ? [words[0], option, ...words.slice(1)].join(' ') : [...words, option].join(' ');

const MUTATIONS: Record<string, Mutation> = {
  'unknown long option': (w, p) => asOption(w, p, '--aals-undeclared'),
  'unknown long option with value': (w, p) => asOption(w, p, '--aals-undeclared=/tmp/x'),
  'unknown short option cluster': (w, p) => asOption(w, p, '-Ü'),
  'command substitution': (w, p) => at(w, p, '$(touch /tmp/pwned)'),
  backticks: (w, p) => at(w, p, '`id`'),
  'variable expansion': (w, p) => at(w, p, '$HOME'),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's ${…}, not a template
  'braced expansion': (w, p) => at(w, p, '${IFS}'),
  'arithmetic expansion': (w, p) => at(w, p, '$((1+1))'),
  'array subscript with a substitution': (w, p) => at(w, p, "'a[$(touch /tmp/pwned)]'"),
  'process substitution': (w, p) => at(w, p, '<(id)'),
  'output redirection': (w) => `${w.join(' ')} > /tmp/out`,
  'appending redirection': (w) => `${w.join(' ')} >> /etc/profile`,
  'input redirection': (w) => `${w.join(' ')} < /etc/shadow`,
  'here-string': (w) => `${w.join(' ')} <<< 'DROP TABLE t'`,
  'stderr into a file': (w) => `${w.join(' ')} 2> /tmp/err`,
  'environment assignment': (w) => `LD_PRELOAD=/tmp/x.so ${w.join(' ')}`,
  'pager assignment': (w) => `PAGER='sh -c id' ${w.join(' ')}`,
  'sudo wrapper': (w) => `sudo ${w.join(' ')}`,
  'env wrapper': (w) => `env -i ${w.join(' ')}`,
  'timeout wrapper': (w) => `timeout 5 ${w.join(' ')}`,
  'program from /tmp': (w) => [`/tmp/${w[0]}`, ...w.slice(1)].join(' '),
  'program from the working directory': (w) => [`./${w[0]}`, ...w.slice(1)].join(' '),
  'second command': (w) => `${w.join(' ')}; touch /tmp/pwned`,
  'and-chain': (w) => `${w.join(' ')} && touch /tmp/pwned`,
  'piped into a shell': (w) => `${w.join(' ')} | sh`,
  background: (w) => `${w.join(' ')} &`,
  subshell: (w) => `(${w.join(' ')})`,
  'glob as an option': (w, p) => asOption(w, p, '-*'),
  'tilde path': (w, p) => at(w, p, '~root/.ssh/id_rsa'),
};

const commands = tableCommands();
let auto: string[] = [];

beforeAll(async () => {
  const results = await Promise.all(
    commands.map(async (command) => ({
      command,
      decision: (await assessCommand(command, 'production')).decision,
    })),
  );
  auto = results.filter((r) => r.decision === 'auto').map((r) => r.command);
});

describe('mutations of read-only commands', () => {
  test('the tables hold enough read-only commands to mutate', () => {
    expect(auto.length).toBeGreaterThan(100);
  });

  test.each(Object.keys(MUTATIONS))('%s: never auto or notify, in any environment', async (name) => {
    const mutate = MUTATIONS[name] as Mutation;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.constantFrom(...ENVIRONMENTS),
        async (which, pick, environment) => {
          const original = auto[which % auto.length] as string;
          const mutant = mutate(words(original), pick);
          const { decision, reason } = await assessCommand(mutant, environment);
          expect({ mutant, decision, reason }).toEqual({
            mutant,
            decision: expect.not.stringMatching(/^(auto|notify)$/),
            reason,
          });
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });
});
