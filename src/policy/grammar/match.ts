import { type CommandNode, type OptionValue, spellings, type ToolGrammar } from './spec.js';
import { type Check, checkValue, type ValueContext, type Word } from './values.js';

/**
 * Matches one program's argv against its grammar, the way the real tool would read it. The result
 * is `read` only when every word was recognised and none is sensitive; otherwise it names the first
 * word that was not recognised (`unknown`) or why a recognised one must not run unattended
 * (`sensitive`: a secret, an outside host).
 */
export type MatchResult =
  | { kind: 'read'; reason: string; typed?: TypedWord[] }
  | { kind: 'sensitive'; reason: string }
  | { kind: 'unknown'; reason: string };

/** A word as the grammar read it, for rules that look across words (check.ts). */
export interface TypedWord {
  type: string;
  value: string;
  /** The argument's position (0 = first argument after the program), when it is a whole word. */
  index?: number;
}

interface OptionSpec {
  value: OptionValue;
  /** The command path that declares it, for messages. */
  owner: string;
}

class Refusal {
  constructor(readonly reason: string) {}
}

const MAX_OPERANDS = 256;

export function matchArgv(
  program: string,
  args: readonly Word[],
  grammar: ToolGrammar,
  ctx: ValueContext,
  piped: boolean,
): MatchResult {
  try {
    return new Matcher(program, grammar, ctx).run(args, piped);
  } catch (error) {
    if (error instanceof Refusal) return { kind: 'unknown', reason: error.reason };
    throw error;
  }
}

class Matcher {
  private node: CommandNode;
  private path: string[];
  private readonly options = new Map<string, OptionSpec>();
  private readonly sensitive: string[] = [];
  private readonly typed: TypedWord[] = [];
  /** Option spellings given, for `operandsWith`. */
  private readonly given = new Set<string>();

  constructor(
    program: string,
    private readonly grammar: ToolGrammar,
    private readonly ctx: ValueContext,
  ) {
    this.node = grammar;
    this.path = [program];
    this.addOptions(grammar);
  }

  run(args: readonly Word[], piped: boolean): MatchResult {
    const { syntax } = this.grammar;
    const operands: Word[] = [];
    let optionsEnded = false;
    let subcommandPending = this.node.subcommands !== undefined;
    for (let i = 0; i < args.length; i++) {
      const word = args[i] as Word;
      if (!optionsEnded && syntax !== 'words' && word.value === '--') {
        optionsEnded = true;
        continue;
      }
      if (!optionsEnded && this.isOption(word)) {
        i = this.option(args, i);
        continue;
      }
      if (subcommandPending && operands.length === 0) {
        this.subcommand(word);
        subcommandPending = this.node.subcommands !== undefined;
        if (syntax === 'posix') optionsEnded = true;
        continue;
      }
      operands.push(word);
      if (operands.length > MAX_OPERANDS) throw new Refusal(`${this.where()} has too many operands`);
      if (syntax === 'posix') optionsEnded = true;
    }
    if (subcommandPending && this.node.operands === undefined)
      throw new Refusal(`${this.where()} needs a subcommand AALS knows (${this.subcommandList()})`);
    this.operands(operands);
    const stdin = [this.grammar, ...this.visited].reduce<string | undefined>(
      (found, node) => node.stdin ?? found,
      undefined,
    );
    if (piped && (stdin ?? 'refuse') === 'refuse')
      throw new Refusal(`${this.where()} would take the previous command's output as input it acts on`);
    for (const required of this.requirements) {
      if (
        !spellings(required).some((name) =>
          name === '<subcommand>' ? this.visited.length > 0 : this.given.has(name),
        )
      )
        throw new Refusal(
          `${this.where()} is read-only only with ${spellings(required).join(' or ').replace('<subcommand>', 'a subcommand')}`,
        );
    }
    if (this.node.secret) this.sensitive.push(`${this.where()}: ${this.node.secret}`);
    if (this.sensitive.length > 0) return { kind: 'sensitive', reason: this.sensitive[0] as string };
    return { kind: 'read', reason: `${this.where()} matches the read-only grammar`, typed: this.typed };
  }

  private where(): string {
    return this.path.join(' ');
  }

  /** `requires` of every node on the path. */
  private get requirements(): string[] {
    return [this.grammar, ...this.visited].flatMap((node) => node.requires ?? []);
  }

  private readonly visited: CommandNode[] = [];

  private addOptions(node: CommandNode): void {
    for (const [key, value] of Object.entries(node.options ?? {})) {
      for (const spelling of spellings(key)) this.options.set(spelling, { value, owner: this.where() });
    }
  }

  private isOption(word: Word): boolean {
    if (this.grammar.syntax === 'words') return !word.glob && this.options.has(word.value);
    return word.value.length > 1 && word.value.startsWith('-');
  }

  private subcommand(word: Word): void {
    const subcommands = this.node.subcommands ?? {};
    const wanted = this.node.ignoreCase ? word.value.toLowerCase() : word.value;
    for (const [key, node] of Object.entries(subcommands)) {
      const names = spellings(key).map((name) => (this.node.ignoreCase ? name.toLowerCase() : name));
      if (!word.glob && names.includes(wanted)) {
        this.node = node;
        this.visited.push(node);
        this.path.push(word.value);
        this.addOptions(node);
        return;
      }
    }
    throw new Refusal(`${this.where()} ${show(word.value)} is not a subcommand AALS knows as read-only`);
  }

  private subcommandList(): string {
    const names = Object.keys(this.node.subcommands ?? {}).map((key) => spellings(key)[0]);
    return names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
  }

  /** Consumes the option at `i` (and its value); returns the index of the last word used. */
  private option(args: readonly Word[], i: number): number {
    const word = args[i] as Word;
    const { syntax } = this.grammar;
    if (syntax === 'words') return this.wordOption(args, i);
    if (word.value.startsWith('--')) return this.longOption(args, i);
    // `head -20`: the obsolete count form, where the grammar declares it.
    if (/^-\d+$/.test(word.value) && this.options.has('-#')) return i;
    const cluster = word.value.slice(1);
    for (let j = 0; j < cluster.length; j++) {
      const name = `-${cluster[j]}`;
      const spec = this.known(name);
      if (spec.value === 'flag') continue;
      let rest = cluster.slice(j + 1);
      if (syntax === 'pflag' && rest.startsWith('=')) rest = rest.slice(1);
      if (isOptional(spec.value)) {
        if (rest !== '') this.value(name, spec.value, { value: rest, glob: false });
        return i;
      }
      if (rest !== '') {
        this.value(name, spec.value, { value: rest, glob: false });
        return i;
      }
      return this.nextValue(args, i, name, spec.value);
    }
    return i;
  }

  private longOption(args: readonly Word[], i: number): number {
    const text = (args[i] as Word).value;
    const eq = text.indexOf('=');
    const name = eq === -1 ? text : text.slice(0, eq);
    const attached = eq === -1 ? null : text.slice(eq + 1);
    const spec = this.known(name);
    if (spec.value === 'flag') {
      if (attached === null) return i;
      if (this.grammar.syntax === 'pflag' && attached === 'true') return i;
      throw new Refusal(`${this.where()}: ${show(text)} gives a value to an option that takes none`);
    }
    if (attached !== null) {
      this.value(name, spec.value, { value: attached, glob: false });
      return i;
    }
    if (isOptional(spec.value)) return i;
    return this.nextValue(args, i, name, spec.value);
  }

  private wordOption(args: readonly Word[], i: number): number {
    const name = (args[i] as Word).value;
    const spec = this.known(name);
    if (spec.value === 'flag') return i;
    return this.nextValue(args, i, name, spec.value);
  }

  private nextValue(args: readonly Word[], i: number, name: string, value: OptionValue): number {
    const next = args[i + 1];
    if (!next) throw new Refusal(`${this.where()}: ${name} needs a value`);
    this.value(name, value, next);
    return i + 1;
  }

  private known(name: string): OptionSpec {
    const spec = this.options.get(name);
    if (!spec)
      throw new Refusal(`${this.where()}: ${show(name)} is not an option AALS knows as read-only here`);
    this.given.add(name);
    return spec;
  }

  private value(name: string, spec: OptionValue, word: Word): void {
    if (Array.isArray(spec)) {
      if (!word.glob && spec.includes(word.value)) return;
      throw new Refusal(`${this.where()}: ${name} ${show(word.value)} is not one of ${spec.join(', ')}`);
    }
    const type = (spec as string).replace(/^\[|\]$/g, '');
    this.typed.push({ type, value: word.value, ...(word.index === undefined ? {} : { index: word.index }) });
    this.record(
      this.check(type, word),
      `${this.where()}: ${name} ${show(word.value)} is not a valid ${type}`,
    );
  }

  private check(type: string, word: Word): Check {
    return checkValue(type, word, this.ctx, this.grammar.types);
  }

  private record(check: Check, refusal: string): void {
    if (check === false) throw new Refusal(refusal);
    if (typeof check === 'string') this.sensitive.push(`${this.where()}: ${check}`);
  }

  /**
   * Operands against the node's typed list. Where the words fit the list in more than one way
   * (`name? path*`), each word is checked as every type it could be, so no reading hides a secret.
   */
  private operands(words: Word[]): void {
    const specs = this.operandSpecs().map(parseOperand);
    const fits = (type: string, word: Word) => this.check(type, word) !== false;
    const readings = assignments(words, specs, fits);
    if (readings === null) throw new Refusal(`${this.where()}: its operands are ambiguous`);
    if (readings.length === 0) {
      if (words.length === 0) throw new Refusal(`${this.where()} needs an operand (${describe(specs)})`);
      const expected = specs.length === 0 ? 'no operands' : describe(specs);
      throw new Refusal(
        `${this.where()}: ${show(firstMismatch(words, specs, fits))} is not what it expects (${expected})`,
      );
    }
    words.forEach((word, index) => {
      for (const type of new Set(readings.map((reading) => reading[index] as string))) {
        this.typed.push({
          type,
          value: word.value,
          ...(word.index === undefined ? {} : { index: word.index }),
        });
        this.record(this.check(type, word), `${this.where()}: ${show(word.value)} is not a valid ${type}`);
      }
    });
  }

  /** `operandsWith`: an option such as `grep -e` changes what the operands are. */
  private operandSpecs(): readonly string[] {
    for (const [key, operands] of Object.entries(this.node.operandsWith ?? {})) {
      if (spellings(key).some((name) => this.given.has(name))) return operands;
    }
    return this.node.operands ?? [];
  }
}

interface OperandSpec {
  type: string;
  min: number;
  max: number;
}

function parseOperand(text: string): OperandSpec {
  const quantifier = text.at(-1);
  const type = /[?*+]$/.test(text) ? text.slice(0, -1) : text;
  if (quantifier === '?') return { type, min: 0, max: 1 };
  if (quantifier === '*') return { type, min: 0, max: Number.POSITIVE_INFINITY };
  if (quantifier === '+') return { type, min: 1, max: Number.POSITIVE_INFINITY };
  return { type, min: 1, max: 1 };
}

const MAX_READINGS = 64;

/** Every way the words fit the list (each a type per word); null when there are too many to check. */
function assignments(
  words: Word[],
  specs: OperandSpec[],
  fits: (type: string, word: Word) => boolean,
): string[][] | null {
  const found: string[][] = [];
  let overflow = false;
  const walk = (w: number, s: number, prefix: string[]): void => {
    if (overflow) return;
    if (s === specs.length) {
      if (w === words.length) found.push(prefix);
      if (found.length > MAX_READINGS) overflow = true;
      return;
    }
    const spec = specs[s] as OperandSpec;
    let taken = 0;
    while (taken < spec.max && w + taken < words.length && fits(spec.type, words[w + taken] as Word)) taken++;
    for (let n = taken; n >= spec.min; n--) walk(w + n, s + 1, [...prefix, ...Array(n).fill(spec.type)]);
  };
  walk(0, 0, []);
  return overflow ? null : found;
}

function firstMismatch(
  words: Word[],
  specs: OperandSpec[],
  fits: (type: string, word: Word) => boolean,
): string {
  const word = words.find((w) => !specs.some((spec) => fits(spec.type, w))) ?? words.at(-1);
  return word?.value ?? '';
}

function describe(specs: OperandSpec[]): string {
  return specs
    .map((spec) => `${spec.type}${spec.min === 0 ? (spec.max === 1 ? '?' : '*') : spec.max > 1 ? '+' : ''}`)
    .join(' ');
}

function isOptional(value: OptionValue): boolean {
  return typeof value === 'string' && value.startsWith('[');
}

function show(value: string): string {
  const line = value.replace(/\s+/g, ' ');
  return line.length > 40 ? `'${line.slice(0, 37)}…'` : `'${line}'`;
}
