import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandRunner } from '../../src/approvals/ports.js';
import type { RunIdentity } from '../../src/domain/risk.js';
import { sshCommandRunner } from '../../src/execution/command-runner.js';
import { ExecutorConfigSchema } from '../../src/execution/config.js';
import { SshExecutor } from '../../src/execution/ssh-executor.js';
import { type ArgvShims, canonicalLine, installArgvShims } from '../support/argv-shim.js';
import { executorHost, type Sshd, startSshd } from '../support/sshd.js';
import { tempDir } from '../support/temp.js';

/**
 * "What runs is what was checked", proven on the real sshd: a canonical line goes through the
 * confined wrapper (confined-line.ts), the login shell (bash for the main user root, dash for the
 * read-only user) and /bin/sh, and the program receives exactly the argv that was serialized.
 * The programs are shims first on the remote PATH that record their argv.
 */
const PROBE = 'argv-probe';

describe('confined command line on real sshd', () => {
  let sshd: Sshd;
  let shims: ArgvShims;
  let executor: SshExecutor;
  let runner: CommandRunner;
  const markers = tempDir('aals-quoting-markers-');

  beforeAll(async () => {
    sshd = await startSshd({ readOnlyUser: true });
    shims = installArgvShims([PROBE, 'argv-probe-2']);
    // Anyone may write here: a word a shell wrongly ran would leave its marker, whoever ran it.
    chmodSync(markers.path, 0o1777);
    const config = ExecutorConfigSchema.parse({
      remotePath: shims.remotePath,
      hosts: [executorHost(sshd, 'db-1', 'production', {}, { readOnlyUser: true })],
    });
    executor = new SshExecutor(config);
    runner = sshCommandRunner(config, executor);
  }, 20_000);

  afterAll(async () => {
    await executor?.close();
    await sshd?.stop();
    shims?.cleanup();
    markers.cleanup();
  });

  const marker = (name: string) => join(markers.path, name);
  /** Words each shell on the way would read differently if it saw them unquoted. */
  const tricky = (): string[] => [
    "it's",
    "'",
    "''",
    `'\\''`,
    '"double" quotes',
    '$HOME',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, kept literal on purpose
    '${PATH}',
    '$0 $1 $@ $* $# $? $$ $!',
    `$(touch ${marker('dollar-paren')})`,
    `\`touch ${marker('backtick')}\``,
    `a; touch ${marker('semicolon')}`,
    `| touch ${marker('pipe')}`,
    `&& touch ${marker('and')}`,
    `> ${marker('redirect')}`,
    '*',
    '/e*',
    '/etc/host?',
    '[a-z]*',
    '~',
    '~root',
    '{a,b}',
    '\\',
    '\\n',
    'back\\slash',
    '!',
    '!!',
    '#not a comment',
    "$'\\x41'",
    '%s %d %%',
    'line\nbreak',
    'tab\there',
    '  two  spaces  ',
    '',
    '日本語',
    'café',
    '🙂',
    '-',
    '--',
    '-n',
    '-e',
    '--help',
    '--to-command=touch x',
    'PATH=/tmp',
    '=',
  ];

  const run = (canonical: string, identity: RunIdentity) => runner.run('db-1', { canonical, identity });

  test.each<RunIdentity>(['main', 'read-only'])(
    'tricky words reach the program exactly as serialized (%s identity)',
    async (identity) => {
      const words = tricky();
      const before = shims.calls(PROBE).length;
      const result = await run(canonicalLine([[PROBE, ...words]]), identity);
      expect(result).toMatchObject({ status: 'ok', exitCode: 0 });
      // Leading dashes and empty words in first and last position too.
      for (const single of [['-n'], [''], ['--', ''], ['', '-e']]) {
        expect((await run(canonicalLine([[PROBE, ...single]]), identity)).status).toBe('ok');
      }
      expect(shims.calls(PROBE).slice(before)).toEqual([words, ['-n'], [''], ['--', ''], ['', '-e']]);
      expect(readdirSync(markers.path)).toEqual([]);
    },
  );

  test('a pipeline with a 2>/dev/null redirect runs each stage with its own argv', async () => {
    const first = ['x y', '>', 'a|b'];
    const second = ['-x', "it's"];
    const canonical = `${canonicalLine([[PROBE, ...first]])} 2>/dev/null | ${canonicalLine([['argv-probe-2', ...second]])}`;
    const before = shims.records().length;
    expect(await run(canonical, 'read-only')).toMatchObject({ status: 'ok', exitCode: 0 });
    const calls = shims.records().slice(before);
    expect(calls.map((c) => [c.program, c.argv]).sort()).toEqual(
      [
        [PROBE, first],
        ['argv-probe-2', second],
      ].sort(),
    );
    expect(existsSync('a|b')).toBe(false);
  });

  test.each<RunIdentity>(['main', 'read-only'])(
    'only the fixed environment reaches the command (%s identity)',
    async (identity) => {
      const result = await run(canonicalLine([['env']]), identity);
      expect(result.status).toBe('ok');
      const env = Object.fromEntries(
        result.stdout
          .trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      const user = identity === 'main' ? sshd.user : sshd.readOnlyUser?.user;
      // dash and bash add PWD (and bash SHLVL and _) themselves; nothing comes from the session.
      const added = ['PWD', 'SHLVL', '_'];
      expect(
        Object.keys(env)
          .filter((name) => !added.includes(name))
          .sort(),
      ).toEqual(['HOME', 'LANG', 'LC_ALL', 'LOGNAME', 'PATH', 'USER'].sort());
      expect(env).toMatchObject({
        PATH: shims.remotePath,
        LC_ALL: 'C',
        LANG: 'C',
        USER: user,
        LOGNAME: user,
      });
      if (identity === 'read-only') expect(env.HOME).toBe(sshd.readOnlyUser?.home);
    },
  );

  test('read-only runs log in as readOnlyUser, main runs as the main user, on separate connections', async () => {
    const idOf = async (identity: RunIdentity) =>
      (await run(canonicalLine([['id', '-un']]), identity)).stdout;
    expect(await idOf('read-only')).toBe(`${sshd.readOnlyUser?.user}\n`);
    expect(await idOf('main')).toBe(`${sshd.user}\n`);
    expect(await idOf('read-only')).toBe(`${sshd.readOnlyUser?.user}\n`);
    expect(executor.stats().open).toEqual({ 'db-1': 1, 'db-1 (read-only)': 1 });
  });
});
