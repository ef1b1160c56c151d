import { parseArgs } from '../args.js';
import {
  change,
  deny,
  type ProgramContext,
  type ProgramRule,
  read,
  show,
  UNKNOWN,
  type Verdict,
} from '../verdict.js';

/**
 * Programs that run other programs: shells and interpreters (their code is a second language AALS
 * does not read), wrappers (classified by the command they wrap), privilege changes and remote
 * execution (refused), and xargs (whose arguments come from stdin).
 */

export const SHELLS = new Set([
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'mksh',
  'ash',
  'fish',
  'csh',
  'tcsh',
  'rbash',
]);

const INTERPRETERS = new Set([
  'python',
  'python2',
  'python3',
  'pypy',
  'pypy3',
  'perl',
  'ruby',
  'node',
  'nodejs',
  'deno',
  'bun',
  'php',
  'lua',
  'luajit',
  'tclsh',
  'wish',
  'Rscript',
  'julia',
  'pwsh',
  'expect',
  'irb',
  'jshell',
  'groovy',
]);

export function isShell(name: string): boolean {
  return SHELLS.has(name);
}

export function isInterpreter(name: string): boolean {
  return INTERPRETERS.has(name) || /^python\d(\.\d+)?$/.test(name) || /^perl5/.test(name);
}

/** Runs code the policy cannot read: always refused, and counted as the worst case. */
const hidden = (reason: string): Verdict => deny('hidden', reason);

const VERSION_FLAGS = new Set(['--version', '-V', '--help', '-h']);

const shell: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-o', '-O', '+O'], stopAtOperand: true });
  if (args.has('-c')) return hidden(`${ctx.name} -c runs a command string the policy cannot check`);
  if (args.options.length > 0 && args.options.every((o) => VERSION_FLAGS.has(o.name)) && !args.rest.length)
    return read(`${ctx.name} --version`);
  if (args.rest.length === 0 || args.has('-s') || args.rest[0] === '-')
    return hidden(`${ctx.name} would run commands from its standard input, which the policy cannot see`);
  return change(`${ctx.name} runs the script ${show(args.rest[0] as string)}, whose effects are unknown`);
};

/** Inline-code options per interpreter family. */
const INLINE = ['-c', '-e', '-E', '-r', '--eval', '--command', '--print', '-p'];

const interpreter: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-m', '-W', '-X', '-I', '-M', '-r'], stopAtOperand: true });
  if (args.options.some((o) => INLINE.some((flag) => o.name === flag || o.name.startsWith(`${flag}=`))))
    return hidden(`${ctx.name} with inline code runs a program the policy cannot check`);
  const module = args.values('-m')[0];
  if (module === 'json.tool') return read(`${ctx.name} -m json.tool formats JSON`);
  if (module !== undefined)
    return change(`${ctx.name} -m ${show(module)} runs a module, whose effects are unknown`);
  if (args.options.length > 0 && args.options.every((o) => VERSION_FLAGS.has(o.name) || o.name === '-v'))
    return read(`${ctx.name} --version`);
  if (args.rest.length === 0 || args.rest[0] === '-')
    return hidden(`${ctx.name} would run a program from its standard input, which the policy cannot see`);
  return change(`${ctx.name} runs the script ${show(args.rest[0] as string)}, whose effects are unknown`);
};

/** `timeout 5 CMD`, `nice -n 10 CMD` …: the wrapper changes nothing; the wrapped command decides. */
function wrapper(spec: { withValue?: string[]; operandsBefore?: number; own?: string }): ProgramRule {
  return (ctx) => {
    const args = parseArgs(ctx.args, { withValue: spec.withValue ?? [], stopAtOperand: true });
    const inner = args.rest.slice(spec.operandsBefore ?? 0);
    if (inner.length === 0) return read(spec.own ?? `${ctx.name} without a command`);
    return ctx.inner(inner, ctx.stdin);
  };
}

const env: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-u', '--unset', '-C', '--chdir', '-S', '--split-string'] });
  if (args.has('-S', '--split-string'))
    return hidden('env -S splits a string into a command line the policy cannot check');
  const words = [...ctx.args];
  // env NAME=VALUE … CMD: skip options and assignments to find the command.
  let i = 0;
  while (i < words.length) {
    const word = words[i] as string;
    if (word === '--') {
      i++;
      break;
    }
    if (word === '-u' || word === '-C' || word === '--unset' || word === '--chdir') i += 2;
    else if (word.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) i++;
    else break;
  }
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] as string)) i++;
  const inner = words.slice(i);
  const assignments = words.slice(0, i).filter((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  const verdicts: Verdict[] = assignments.map((a) => assignmentVerdict(a.slice(0, a.indexOf('='))));
  if (inner.length === 0) return [...verdicts, read('env prints the environment')];
  return [...verdicts, ...ctx.inner(inner, ctx.stdin)];
};

/** Variables that make a program load or run other code. */
const DANGEROUS_VARIABLES =
  /^(PATH|IFS|ENV|BASH_ENV|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|GLOBIGNORE|CDPATH|LD_\w+|GCONV_PATH|PYTHON\w*|PERL5?\w*|RUBY\w*|NODE_\w+|GIT_\w+|PAGER|\w+_PAGER|EDITOR|VISUAL|LESS\w*|MANPAGER|BROWSER|\w*ASKPASS|KUBECTL_EXTERNAL_DIFF|SYSTEMD_\w+|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|MALLOC_\w+|TMPDIR|HOME|SHELL)$/;

/** Variables that only change formatting, language or the target config. */
const HARMLESS_VARIABLES =
  /^(LANG|LANGUAGE|LC_\w+|TZ|TERM|COLUMNS|LINES|NO_COLOR|CLICOLOR|KUBECONFIG|ETCDCTL_API|PGPASSWORD|PGHOST|PGPORT|PGUSER|PGDATABASE|MYSQL_PWD|REDISCLI_AUTH|DOCKER_HOST|CONTAINER_HOST|POSIXLY_CORRECT)$/;

export function assignmentVerdict(name: string): Verdict {
  if (DANGEROUS_VARIABLES.test(name))
    return deny('change', `setting ${name} changes which code the program loads or runs`);
  if (HARMLESS_VARIABLES.test(name)) return { effect: 'none', reason: `sets ${name}` };
  return change(`sets ${name} for the command, which may change what it does`);
}

/** sudo, su, doas …: refused (AALS runs as its own user), but the inner command still sets the risk. */
function privileged(withValue: string[]): ProgramRule {
  return (ctx) => {
    const args = parseArgs(ctx.args, { withValue, stopAtOperand: true });
    const refusal = deny('none', `${ctx.name} changes user: AALS never elevates privileges`);
    if (args.has('-i', '-s', '--login', '--shell') || args.rest.length === 0)
      return [refusal, hidden(`${ctx.name} opens a shell the policy cannot see into`)];
    return [refusal, ...ctx.inner(args.rest, ctx.stdin)];
  };
}

const su: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-c', '--command', '-s', '--shell', '-g', '-G'] });
  const refusal = deny('none', 'su changes user: AALS never elevates privileges');
  const command = args.values('-c', '--command')[0];
  return [
    refusal,
    hidden(command ? 'su -c runs a command string the policy cannot check' : 'su opens a shell'),
  ];
};

const remote =
  (what: string): ProgramRule =>
  () =>
    deny('hidden', `${what} runs commands on another host, whose environment AALS does not know`);

/** xargs appends words from stdin, so only programs that read whatever they are given stay read-only. */
export const ARGUMENT_SAFE_READERS = new Set([
  'cat',
  'head',
  'tail',
  'wc',
  'grep',
  'egrep',
  'fgrep',
  'zgrep',
  'zcat',
  'ls',
  'stat',
  'file',
  'du',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'echo',
  'basename',
  'dirname',
  'readlink',
  'realpath',
]);

const xargs: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '-a',
      '--arg-file',
      '-d',
      '--delimiter',
      '-E',
      '-e',
      '-I',
      '-i',
      '-L',
      '-l',
      '-n',
      '--max-args',
      '-P',
      '--max-procs',
      '-s',
      '--max-chars',
      '--process-slot-var',
    ],
    stopAtOperand: true,
  });
  const inner = args.rest.length > 0 ? args.rest : ['echo'];
  const name = basename(inner[0] as string);
  // The words xargs appends are unknown: `xargs rm -rf` may be handed `/`.
  const verdicts = ctx.inner([...inner, UNKNOWN], 'none');
  if (verdicts.some((v) => v.effect === 'hidden')) return verdicts;
  if (ARGUMENT_SAFE_READERS.has(name) && verdicts.every((v) => v.effect === 'read' || v.effect === 'none'))
    return read(`xargs ${name} only reads`);
  return [
    ...verdicts,
    deny('none', `xargs runs ${show(name)} with arguments from its input, which the policy cannot check`),
  ];
};

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const refuse =
  (reason: string): ProgramRule =>
  () =>
    deny('hidden', reason);

const busybox: ProgramRule = (ctx) =>
  ctx.args.length === 0 ? read('busybox lists its applets') : ctx.inner(ctx.args, ctx.stdin);

const command: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { stopAtOperand: true });
  if (args.has('-v', '-V')) return read('command -v looks a program up');
  return args.rest.length > 0 ? ctx.inner(args.rest, ctx.stdin) : read('command without a program');
};

const time: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-o', '--output', '-f', '--format'], stopAtOperand: true });
  const own = args.has('-o', '--output') ? [change('time -o writes its report to a file')] : [];
  return args.rest.length > 0 ? [...own, ...ctx.inner(args.rest, ctx.stdin)] : read('time');
};

/** Tracers, schedulers and sandboxes that run the command after their options. */
const TRACERS: Record<string, string[]> = {
  strace: [
    '-o',
    '-e',
    '-s',
    '-u',
    '-a',
    '-b',
    '-E',
    '-I',
    '-O',
    '-P',
    '-S',
    '-X',
    '--output',
    '--signal',
    '--trace',
    '--string-limit',
    '--user',
  ],
  ltrace: ['-o', '-e', '-s', '-u', '-a', '-A', '-D', '-F', '-l', '-n', '-x', '--output', '--library'],
  valgrind: ['--tool', '--log-file', '--suppressions'],
  numactl: [
    '-C',
    '-N',
    '-m',
    '-p',
    '-i',
    '--cpunodebind',
    '--membind',
    '--preferred',
    '--interleave',
    '--physcpubind',
  ],
  prlimit: ['--pid', '-p', '--as', '--core', '--cpu', '--data', '--fsize', '--nofile', '--nproc', '--stack'],
  setpriv: [
    '--reuid',
    '--regid',
    '--groups',
    '--inh-caps',
    '--ambient-caps',
    '--bounding-set',
    '--securebits',
    '--selinux-label',
    '--apparmor-profile',
  ],
  cgexec: ['-g'],
  'systemd-inhibit': ['--what', '--who', '--why', '--mode'],
  firejail: ['--profile', '--private', '--net', '--whitelist', '--blacklist'],
  unbuffer: [],
  catchsegv: [],
  chronic: [],
  'xvfb-run': ['-n', '-s', '-f', '-e', '--server-num', '--server-args', '--auth-file', '--error-file'],
};

/** The trace or sandbox is not the point; the command it runs is (and writing a trace file is a change). */
function tracer(withValue: string[]): ProgramRule {
  return (ctx) => {
    const args = parseArgs(ctx.args, { withValue, stopAtOperand: true });
    if (args.has('-p', '--pid', '--attach')) return change(`${ctx.name} attaches to a running process`);
    const own = args.has('-o', '--output', '--log-file') ? [change(`${ctx.name} writes a log file`)] : [];
    return args.rest.length > 0
      ? [...own, ...ctx.inner(args.rest, ctx.stdin)]
      : [...own, change(`${ctx.name} without a command`)];
  };
}

const flock: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: ['-w', '--timeout', '-E', '--conflict-exit-code', '-c', '--command'],
    stopAtOperand: true,
  });
  if (args.has('-c', '--command')) return hidden('flock -c runs a command string the policy cannot check');
  const inner = args.rest.slice(1);
  return inner.length > 0
    ? [change('flock takes a lock file'), ...ctx.inner(inner, ctx.stdin)]
    : change('flock takes a lock');
};

/** `taskset -c 0 CMD` / `chrt -f 10 CMD` run CMD; with -p they change a running process. */
const affinity: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { stopAtOperand: true });
  if (args.has('-p', '--pid')) return change(`${ctx.name} -p changes a running process`);
  const inner = args.rest.slice(1);
  return inner.length > 0 ? ctx.inner(inner, ctx.stdin) : read(`${ctx.name} only reads`);
};

const faketime: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-m', '-p', '-f'], stopAtOperand: true });
  return args.rest.length > 1
    ? ctx.inner(args.rest.slice(1), ctx.stdin)
    : change('faketime without a command');
};

/** Editors and debuggers are interactive; with commands on the command line they run anything. */
function interactiveWith(runFlags: string[]): ProgramRule {
  return (ctx) =>
    ctx.args.some((a) => runFlags.some((flag) => a === flag || a.startsWith(`${flag}=`)) || /^\+./.test(a))
      ? hidden(`${ctx.name} is told to run commands`)
      : change(`${ctx.name} is interactive and can write files`);
}

export const EXEC_RULES: Record<string, ProgramRule> = {
  ...Object.fromEntries(Object.entries(TRACERS).map(([name, withValue]) => [name, tracer(withValue)])),
  flock,
  taskset: affinity,
  chrt: affinity,
  faketime,
  vi: interactiveWith(['-c', '--cmd', '-S']),
  vim: interactiveWith(['-c', '--cmd', '-S']),
  nvim: interactiveWith(['-c', '--cmd', '-S']),
  view: interactiveWith(['-c', '--cmd', '-S']),
  ex: interactiveWith(['-c', '--cmd', '-S']),
  emacs: interactiveWith(['--eval', '-l', '--load', '-f', '--funcall', '--script', '-batch', '--batch']),
  gdb: interactiveWith(['-ex', '-x', '--eval-command', '--command', '-batch', '--batch', '-iex', '-ix']),
  sshpass: remote('sshpass'),
  ...Object.fromEntries([...SHELLS].map((name) => [name, shell])),
  ...Object.fromEntries([...INTERPRETERS].map((name) => [name, interpreter])),
  env,
  command,
  time,
  busybox,
  nice: wrapper({ withValue: ['-n', '--adjustment'] }),
  ionice: (ctx: ProgramContext) =>
    parseArgs(ctx.args, { withValue: ['-c', '-n', '-p', '-P', '-u', '--class', '--classdata'] }).has(
      '-p',
      '-P',
      '-u',
    )
      ? change('ionice -p changes the I/O priority of a running process')
      : wrapper({ withValue: ['-c', '-n', '--class', '--classdata'] })(ctx),
  timeout: wrapper({ withValue: ['-k', '--kill-after', '-s', '--signal'], operandsBefore: 1 }),
  nohup: wrapper({}),
  stdbuf: wrapper({ withValue: ['-i', '-o', '-e', '--input', '--output', '--error'] }),
  sudo: privileged([
    '-u',
    '--user',
    '-g',
    '--group',
    '-h',
    '--host',
    '-p',
    '--prompt',
    '-C',
    '--close-from',
    '-D',
    '--chdir',
    '-r',
    '--role',
    '-t',
    '--type',
    '-U',
    '--other-user',
    '-T',
    '--command-timeout',
  ]),
  doas: privileged(['-u', '-C']),
  pkexec: privileged(['--user']),
  runuser: privileged([
    '-u',
    '--user',
    '-g',
    '--group',
    '-G',
    '--supp-group',
    '-c',
    '--command',
    '-s',
    '--shell',
  ]),
  su,
  sg: refuse('sg runs a command string as another group'),
  newgrp: refuse('newgrp opens a new shell'),
  chroot: privileged(['--userspec', '--groups']),
  nsenter: privileged(['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-r', '--root', '-w', '--wd']),
  unshare: privileged(['--map-user', '--map-group', '-R', '--root', '-w', '--wd']),
  ssh: remote('ssh'),
  scp: remote('scp'),
  sftp: remote('sftp'),
  rsh: remote('rsh'),
  telnet: remote('telnet'),
  mosh: remote('mosh'),
  pssh: remote('pssh'),
  'parallel-ssh': remote('parallel-ssh'),
  ansible: remote('ansible'),
  'ansible-playbook': remote('ansible-playbook'),
  salt: remote('salt'),
  xargs,
  parallel: refuse('parallel builds command lines from its input'),
  eval: refuse('eval runs a string as shell code'),
  exec: refuse('exec replaces the shell with another program'),
  source: refuse('source runs a script in the current shell'),
  '.': refuse('. runs a script in the current shell'),
  trap: refuse('trap runs a command string on a signal'),
  watch: refuse('watch runs its arguments through sh -c, again and again'),
  script: refuse('script runs a shell or a command string'),
  at: refuse('at schedules commands from its input'),
  batch: refuse('batch schedules commands from its input'),
  coproc: refuse('coproc runs a command in the background'),
  setsid: refuse('setsid detaches a command from AALS'),
  disown: refuse('disown detaches a job from AALS'),
  screen: refuse('screen detaches a session from AALS'),
  tmux: refuse('tmux detaches a session from AALS'),
  'systemd-run': refuse('systemd-run starts a command as a transient service'),
  enable: refuse('enable can load builtins from a shared library'),
  builtin: refuse('builtin runs shell builtins directly'),
  alias: refuse('alias redefines commands'),
  fc: refuse('fc re-runs commands from history'),
  history: refuse('history can re-run or rewrite commands'),
};
