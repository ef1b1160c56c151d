import { isDevice, isSink, normalizePath, programName } from './paths.js';
import { assignmentVerdict } from './rules/exec.js';
import { ruleFor } from './rules/index.js';
import type {
  ConstructKind,
  ShellCommand,
  ShellConstruct,
  ShellRedirect,
  ShellScript,
  ShellWord,
} from './shell-parser.js';
import { change, deny, destroy, type ProgramContext, read, UNKNOWN, type Verdict } from './verdict.js';

/**
 * Walks the parsed command and says what each part does. Plain commands and pipelines are judged
 * program by program; every other shell construct is refused (see docs/architecture.md, "Risk
 * policy"), but the commands inside it are still classified so the reported risk is the worst part.
 */

export interface ClassifyOptions {
  /** Programs the operator never wants run (policy.deniedPrograms). */
  deniedPrograms?: readonly string[];
}

export interface Classification {
  verdicts: Verdict[];
  /** Programs the command would run, wrappers included, in order of appearance. */
  programs: string[];
}

const CONSTRUCT_REASONS: Record<ConstructKind, (text: string) => string> = {
  sequence: () => 'runs several commands one after another (;, & or a newline): propose them one at a time',
  chain: (op) => `chains commands with ${op}: propose them one at a time`,
  background: () => 'runs in the background (&), out of reach of timeouts and output capture',
  command_substitution: (t) => `command substitution ${clip(t)} computes arguments at run time`,
  process_substitution: (t) => `process substitution ${clip(t)} runs a hidden command`,
  subshell: () => 'runs a subshell ( … ): AALS runs single commands',
  group: () => 'groups commands with { … }: AALS runs single commands',
  function: () => 'defines a shell function: AALS runs single commands',
  control_flow: () => 'uses if/for/while/case: AALS runs single commands',
  arithmetic: (t) => `arithmetic ${clip(t)} is evaluated at run time`,
  expansion: (t) => `${clip(t)} is expanded by the remote shell, so what would run is not what was checked`,
  brace_expansion: (t) => `brace expansion ${clip(t)} turns one word into several`,
  negation: () => '! inverts the exit status: AALS runs single commands',
  assignment: () => 'assigns shell variables without running a program',
  declaration: () => 'export/declare/unset only change the shell that AALS throws away',
  unsupported: (t) => `unsupported shell syntax (${clip(t)})`,
};

const MAX_DEPTH = 8;
/** Candidate inner commands tried per unknown program. */
const MAX_PROBES = 8;

export function classifyScript(script: ShellScript, options: ClassifyOptions = {}): Classification {
  const classifier = new Classifier(options);
  return classifier.run(script);
}

class Classifier {
  private readonly verdicts: Verdict[] = [];
  private readonly programs: string[] = [];

  constructor(private readonly options: ClassifyOptions) {}

  run(script: ShellScript): Classification {
    const seen = new Set<ConstructKind>();
    for (const construct of script.constructs) {
      if (seen.has(construct.kind) && !construct.recursive) continue;
      seen.add(construct.kind);
      this.verdicts.push(constructVerdict(construct));
    }
    for (const pipeline of script.pipelines) {
      pipeline.commands.forEach((command, index) => {
        if (!command) return;
        const heredoc = [...command.redirects, ...(index === 0 ? pipeline.redirects : [])].find((r) =>
          r.op.startsWith('<<'),
        );
        const stdin: ProgramContext['stdin'] = heredoc ? 'text' : index > 0 ? 'pipe' : 'none';
        this.verdicts.push(...this.command(command, stdin, heredoc?.input ?? null));
        for (const redirect of command.redirects) this.verdicts.push(...redirectVerdicts(redirect));
      });
      for (const redirect of pipeline.redirects) this.verdicts.push(...redirectVerdicts(redirect));
    }
    return { verdicts: this.verdicts, programs: [...new Set(this.programs)] };
  }

  private command(
    command: ShellCommand,
    stdin: ProgramContext['stdin'],
    stdinText: string | null,
  ): Verdict[] {
    if (command.kind === 'test') return [read('a [[ … ]] test')];
    const verdicts = command.assignments.map((a) => assignmentVerdict(a.name));
    const [program, ...args] = command.words;
    if (!program)
      return verdicts.length ? verdicts : [deny('none', 'assigns variables without running a program')];
    if (program.value === null)
      return [...verdicts, deny('hidden', `the program name ${clip(program.raw)} is computed at run time`)];
    if (program.glob)
      return [...verdicts, deny('hidden', `the program name ${clip(program.raw)} is a file pattern`)];
    return [...verdicts, ...this.argv([program.value, ...args.map(argument)], stdin, stdinText, 0)];
  }

  /** One program with its arguments; wrappers call back in with the command they run. */
  private argv(
    argv: string[],
    stdin: ProgramContext['stdin'],
    stdinText: string | null,
    depth: number,
  ): Verdict[] {
    const raw = argv[0] ?? '';
    if (depth > MAX_DEPTH) return [deny('hidden', 'too many nested wrappers')];
    if (raw === UNKNOWN) return [deny('hidden', 'the program name is computed at run time')];
    const { name, trusted } = programName(raw);
    if (!name) return [deny('hidden', `${raw} is not a program name`)];
    this.programs.push(name);
    const verdicts: Verdict[] = [];
    if (this.options.deniedPrograms?.includes(name))
      verdicts.push(deny('none', `${name} is on the policy's denied list`));
    if (!trusted) verdicts.push(change(`runs ${raw} from outside the system directories`));
    const ctx: ProgramContext = {
      name,
      args: argv.slice(1),
      stdin,
      stdinText,
      inner: (inner, innerStdin) => this.argv(inner, innerStdin ?? 'none', null, depth + 1),
    };
    const rule = ruleFor(name);
    if (!rule)
      return [
        ...verdicts,
        change(`${name} is not a known read-only program, so it is treated as a change`),
        ...this.maybeWrapped(name, argv.slice(1), depth),
      ];
    const result = rule(ctx);
    return [...verdicts, ...(Array.isArray(result) ? result : [result])];
  }

  /**
   * An unknown program may be a wrapper (`strace rm -rf /`, an in-house `retry rm …`): if its
   * arguments from some point on are a destructive or hidden command, that counts too.
   */
  private maybeWrapped(name: string, args: string[], depth: number): Verdict[] {
    const found: Verdict[] = [];
    // Bounded: a few probes, near the top only, so crafted input cannot make this explode.
    if (depth > 2) return found;
    let probes = 0;
    args.forEach((arg, i) => {
      if (arg.startsWith('-') || arg.includes('=') || !ruleFor(programName(arg).name)) return;
      if (++probes > MAX_PROBES) return;
      const probe = new Classifier(this.options).argv(args.slice(i), 'none', null, depth + 1);
      for (const verdict of probe) {
        if (verdict.effect === 'destroy' || verdict.effect === 'hidden')
          found.push({ ...verdict, reason: `${name} may run ${arg}: ${verdict.reason}` });
      }
    });
    return found;
  }
}

function argument(word: ShellWord): string {
  return word.value ?? UNKNOWN;
}

function constructVerdict(construct: ShellConstruct): Verdict {
  if (construct.kind === 'function' && construct.recursive)
    return deny('destroy', 'defines a function that calls itself: a fork bomb that exhausts the host');
  return deny('none', CONSTRUCT_REASONS[construct.kind](construct.text));
}

const OUTPUT_OPS = new Set(['>', '>>', '>|', '&>', '&>>', '>&', '<>']);

function redirectVerdicts(redirect: ShellRedirect): Verdict[] {
  const target = redirect.target;
  if (!target) return [];
  const path = target.value;
  if (path !== null && /^\/dev\/(tcp|udp)\//.test(normalizePath(path)))
    return [deny('change', `${redirect.op} ${path} opens a network connection through the shell`)];
  if (!OUTPUT_OPS.has(redirect.op)) return [];
  // `2>&1`, `>&2`, `>&-`: descriptors, not files.
  if ((redirect.op === '>&' || redirect.op === '<&') && path !== null && /^(\d+|-|\d+-)$/.test(path))
    return [];
  if (path === null)
    return [deny('change', `redirects output to a file name computed at run time (${clip(target.raw)})`)];
  if (isSink(path)) return [];
  if (isDevice(path)) return [destroy(`writing to ${path} overwrites the disk or memory behind it`)];
  if (normalizePath(path) === '/proc/sysrq-trigger')
    return [destroy('writing to /proc/sysrq-trigger can crash or reboot the kernel')];
  return [
    deny(
      'change',
      `redirects output into ${path} (${redirect.op}): AALS does not write files through the shell`,
    ),
  ];
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}
