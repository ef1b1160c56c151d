import { z } from 'zod';

/**
 * The allowlist grammar's shape. A command is READ_ONLY only when every word of it matches one of
 * these declarations: the program, its subcommand path, every option with its spelling and arity,
 * and every operand by type. What is not declared waits for a human.
 *
 * Declarations are plain data (one file per tool family under `families/`, and
 * `policy.readOnlyCommands` in aals.config.yaml), validated by the same schema.
 *
 * ```ts
 * { program: 'journalctl', syntax: 'gnu', stdin: 'ignore',
 *   options: { '-u --unit': 'unit', '-n --lines': 'uint', '-f --follow --no-pager': 'flag' },
 *   operands: ['journal-match*'] }
 * ```
 */

/**
 * How the real tool reads its argv:
 * - `gnu`: getopt_long with permutation: short clusters (`-tlnp`), `-n5`/`-n 5`, `--opt=v`/`--opt v`,
 *   options anywhere, `--` ends options. Abbreviated long options are not accepted (they wait for a
 *   human) because the exact spelling is the only one whose meaning cannot shift between versions.
 * - `posix`: like gnu, but parsing stops at the first operand (redis-cli, env-style tools): every
 *   later word is an operand or a subcommand, never an option.
 * - `pflag`: Go's cobra/pflag (kubectl, docker, helm): clusters, `-n=v`, `--flag=true|false`, options
 *   anywhere, no abbreviations.
 * - `words`: every option is a whole word matched exactly, with its values as the next words (find,
 *   iproute2 keywords); no clusters and no `=` forms.
 */
export const SYNTAXES = ['gnu', 'posix', 'pflag', 'words'] as const;
export type Syntax = (typeof SYNTAXES)[number];

/**
 * An option's value: `flag` (none), a type name (a required value, attached or the next word),
 * `[type]` (an optional value: attached only, `--color=auto`, `-n5`), or a list of literal values.
 */
export type OptionValue = string | readonly string[];

/**
 * One node of a command tree. Keys of `options` are the option's spellings separated by spaces
 * (`'-n --lines'`); keys of `subcommands` are a subcommand's spellings (`'list ls'`). Options of a node
 * stay valid below it (tools parse their global options anywhere); before a subcommand only the
 * options declared above it are accepted.
 */
export interface CommandNode {
  options?: Readonly<Record<string, OptionValue>>;
  /**
   * Typed operands in order, each a type name with an optional quantifier: `path*`, `unit+`,
   * `resource`, `name?`. A node with subcommands and no `operands` must be given a subcommand.
   */
  operands?: readonly string[];
  /**
   * Operands that replace `operands` when one of the options in the key was given: grep's first
   * operand is its pattern unless `-e` gave one (`{ '-e --regexp': ['path*'] }`).
   */
  operandsWith?: Readonly<Record<string, readonly string[]>>;
  subcommands?: Readonly<Record<string, CommandNode>>;
  /**
   * Options that must be given, each entry a list of alternative spellings: `['-z']` for a port scan
   * with nc, `['-readonly']` for sqlite3. Without them the command is not read-only. `<subcommand>`
   * is satisfied by any subcommand (redis-cli needs a command or a mode such as --stat; alone it
   * would read commands from its input).
   */
  requires?: readonly string[];
  /** Subcommand spellings are matched case-insensitively (redis-cli `info` = `INFO`). */
  ignoreCase?: boolean;
  /** Set when this node's whole purpose is printing credential material: never auto. */
  secret?: string;
  /** Overrides the tool's `stdin` below this node (`openssl x509` reads a piped certificate). */
  stdin?: 'data' | 'ignore' | 'refuse';
}

export interface ToolGrammar extends CommandNode {
  /** The program's names, separated by spaces (`'grep egrep fgrep'`). */
  program: string;
  syntax: Syntax;
  /**
   * What the tool does with standard input coming from a pipe: `data` reads it as data (filters such
   * as grep, sort, jq); `ignore` does not read it; `refuse` interprets it as commands or sends it to a
   * network peer (psql, redis-cli, nc), so a piped stage is never auto. Default `refuse`.
   */
  stdin?: 'data' | 'ignore' | 'refuse';
  /** Types local to this tool: a name → a regular expression the whole value must match. */
  types?: Readonly<Record<string, RegExp>>;
}

const SPELLING = /^(?:-{1,2}[A-Za-z0-9?#][A-Za-z0-9_.?#-]*|[A-Za-z0-9_!()+.:@/%^-][A-Za-z0-9_!()+.:@/%^-]*)$/;
const TYPE_WITH_QUANTIFIER = /^[a-z][a-z0-9-]*[?*+]?$/;
const TYPE_REF = /^\[?[a-z][a-z0-9-]*\]?$/;

const Spellings = z
  .string()
  .refine((key) => key.split(' ').every((word) => SPELLING.test(word) || word === '<subcommand>'), {
    error: 'spellings are words separated by single spaces, such as "-n --lines"',
  });

const OptionValueSchema = z.union([
  z
    .string()
    .regex(TYPE_REF, 'an option takes flag, a type name such as uint, or [type] for an optional value'),
  z.array(z.string().min(1)).min(1),
]);

export const CommandNodeSchema: z.ZodType<CommandNode> = z.lazy(() =>
  z.strictObject({
    options: z.record(Spellings, OptionValueSchema).optional(),
    operands: z
      .array(z.string().regex(TYPE_WITH_QUANTIFIER, 'an operand is a type name with an optional ?, * or +'))
      .optional(),
    operandsWith: z.record(Spellings, z.array(z.string().regex(TYPE_WITH_QUANTIFIER))).optional(),
    subcommands: z.record(Spellings, CommandNodeSchema).optional(),
    requires: z.array(Spellings).optional(),
    ignoreCase: z.boolean().optional(),
    secret: z.string().optional(),
    stdin: z.enum(['data', 'ignore', 'refuse']).optional(),
  }),
);

export const ToolGrammarSchema = z.strictObject({
  program: z
    .string()
    .regex(
      /^[A-Za-z0-9_][A-Za-z0-9._+-]*( [A-Za-z0-9_][A-Za-z0-9._+-]*)*$/,
      'program is one or more program names (no paths), separated by spaces',
    ),
  syntax: z.enum(SYNTAXES),
  stdin: z.enum(['data', 'ignore', 'refuse']).optional(),
  types: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.instanceof(RegExp)).optional(),
  options: z.record(Spellings, OptionValueSchema).optional(),
  operands: z.array(z.string().regex(TYPE_WITH_QUANTIFIER)).optional(),
  operandsWith: z.record(Spellings, z.array(z.string().regex(TYPE_WITH_QUANTIFIER))).optional(),
  subcommands: z.record(Spellings, CommandNodeSchema).optional(),
  requires: z.array(Spellings).optional(),
  ignoreCase: z.boolean().optional(),
  secret: z.string().optional(),
});

/** Splits a spelling key: `'-n --lines'` → ['-n', '--lines']. */
export function spellings(key: string): string[] {
  return key.split(' ');
}
