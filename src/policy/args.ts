/**
 * getopt-style parsing of a program's arguments, enough to find its subcommand, operands and the
 * options that change what it does. GNU tools accept options after operands and unambiguous
 * abbreviations of long options (`--out` for `--output`); both are honoured so neither hides an option.
 */

export interface ArgSpec {
  /** Options that take a value: `-o`, `--output`. A short one takes the rest of its cluster or the next word. */
  withValue?: string[];
  /** Options whose value must be attached (`mysql -pSECRET`): never the next word. */
  attachedValue?: string[];
  /** Stop at the first operand (`sudo`, `env`, `timeout`: what follows belongs to the inner command). */
  stopAtOperand?: boolean;
}

export interface ParsedOption {
  name: string;
  value: string | null;
}

export class ParsedArgs {
  constructor(
    readonly options: ParsedOption[],
    readonly operands: string[],
    /** The words after the options when parsing stopped at the first operand (it included). */
    readonly rest: string[],
  ) {}

  /** Whether any of the named options was given (long names also match their abbreviations). */
  has(...names: string[]): boolean {
    return this.options.some((option) => names.some((name) => sameOption(option.name, name)));
  }

  values(...names: string[]): string[] {
    return this.options
      .filter((option) => names.some((name) => sameOption(option.name, name)))
      .map((option) => option.value ?? '');
  }
}

/** `--out` is `--output` to getopt_long when unambiguous; treating every prefix as a match errs safe. */
export function sameOption(given: string, name: string): boolean {
  if (given === name) return true;
  return given.startsWith('--') && name.startsWith('--') && given.length >= 3 && name.startsWith(given);
}

export function parseArgs(args: string[], spec: ArgSpec = {}): ParsedArgs {
  const withValue = spec.withValue ?? [];
  const attached = spec.attachedValue ?? [];
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      return new ParsedArgs(options, operands, spec.stopAtOperand ? args.slice(i + 1) : []);
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (eq !== -1) options.push({ name, value: arg.slice(eq + 1) });
      else if (withValue.some((v) => v.startsWith('--') && sameOption(name, v))) {
        options.push({ name, value: args[i + 1] ?? null });
        i++;
      } else options.push({ name, value: null });
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const name = `-${arg[j]}`;
        const rest = arg.slice(j + 1);
        if (attached.includes(name)) {
          options.push({ name, value: rest });
          break;
        }
        if (withValue.includes(name)) {
          if (rest) options.push({ name, value: rest });
          else {
            options.push({ name, value: args[i + 1] ?? null });
            i++;
          }
          break;
        }
        options.push({ name, value: null });
      }
      continue;
    }
    if (spec.stopAtOperand) return new ParsedArgs(options, [arg, ...args.slice(i + 1)], args.slice(i));
    operands.push(arg);
  }
  return new ParsedArgs(options, operands, []);
}
