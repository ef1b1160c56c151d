import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAwk } from '../../src/policy/grammar/languages/awk.js';
import { checkJq } from '../../src/policy/grammar/languages/jq.js';
import { checkSed } from '../../src/policy/grammar/languages/sed.js';
import { checkSql } from '../../src/policy/grammar/languages/sql.js';
import { matchArgv } from '../../src/policy/grammar/match.js';
import { internalHostError, isInternalHost } from '../../src/policy/grammar/network.js';
import { BUILT_IN_GRAMMARS, GrammarRegistry } from '../../src/policy/grammar/registry.js';
import { secretGlobMatch, secretPathMatch, secretTreeMatch } from '../../src/policy/grammar/secrets.js';
import { type ToolGrammar, ToolGrammarSchema } from '../../src/policy/grammar/spec.js';
import { TYPE_NAMES } from '../../src/policy/grammar/values.js';
import { canonicalCommand } from '../../src/policy/serialize.js';
import { parseShell } from '../../src/policy/shell-parser.js';
import { tempDir } from '../support/temp.js';

/** The allowlist engine on made-up tools, so each rule of argv parsing is pinned down on its own. */

const ctx = { secretPaths: [], internalHosts: ['*.corp.example', '10.1.0.0/16'] };

const TOOLS: Record<string, ToolGrammar> = {
  gnutool: {
    program: 'gnutool',
    syntax: 'gnu',
    options: {
      '-a --all -b': 'flag',
      '-n --lines': 'uint',
      '--color': '[when]',
      '-#': 'flag',
    },
    types: { when: /^(auto|never)$/ },
    operands: ['path*'],
  },
  posixtool: {
    program: 'posixtool',
    syntax: 'posix',
    options: { '-h': 'host', '-p': 'port' },
    ignoreCase: true,
    subcommands: { info: { operands: ['name?'] }, ping: { operands: [] } },
  },
  gotool: {
    program: 'gotool',
    syntax: 'pflag',
    options: { '-n --namespace': 'k8s-name', '--verbose': 'flag' },
    subcommands: {
      get: {
        options: { '-A --all-namespaces': 'flag', '-o --output': 'k8s-output' },
        operands: ['k8s-resource', 'k8s-name*'],
      },
      config: { subcommands: { view: { options: { '--minify': 'flag' }, operands: [] } } },
    },
  },
  wordtool: {
    program: 'wordtool',
    syntax: 'words',
    options: { '-name': 'text', '-type': ['f', 'd'], '!': 'flag', '-print': 'flag' },
    operands: ['meta-path+'],
  },
  ambiguous: { program: 'ambiguous', syntax: 'gnu', stdin: 'data', operands: ['name?', 'path*'] },
  pattern: {
    program: 'pattern',
    syntax: 'gnu',
    options: { '-e': 'text', '-z': 'flag' },
    operands: ['text', 'path*'],
    operandsWith: { '-e': ['path*'] },
  },
  needs: {
    program: 'needs',
    syntax: 'gnu',
    options: { '-z': 'flag', '-v': 'flag' },
    requires: ['-z'],
    operands: ['host', 'port'],
  },
};

function match(line: string, piped = false) {
  const [program = '', ...args] = line.split(' ');
  const grammar = TOOLS[program];
  if (!grammar) throw new Error(program);
  return matchArgv(
    program,
    args.map((value) => ({ value, glob: false })),
    grammar,
    ctx,
    piped,
  );
}

describe('argv matching', () => {
  test.each([
    ['gnutool -ab -n 5 /var/log/syslog', 'read'],
    ['gnutool -abn5 /var/log/syslog', 'read'],
    ['gnutool --lines=5 /var/log/a /var/log/b --all', 'read'],
    ['gnutool --lines 5 -- /var/log/a', 'read'],
    ['gnutool --color /var/log/a', 'read'],
    ['gnutool --color=never /var/log/a', 'read'],
    ['gnutool -20 /var/log/a', 'read'],
    ['posixtool -h localhost -p 6379 INFO replication', 'read'],
    ['posixtool ping', 'read'],
    ['gotool -n=shop get pods', 'read'],
    ['gotool get pods -n shop -Ao wide', 'read'],
    ['gotool get pods --verbose=true', 'read'],
    ['gotool config view --minify', 'read'],
    ['wordtool /var/log -name *.log -type f ! -print', 'read'],
    ['needs -zv localhost 80', 'read'],
    ['pattern -e x /var/log/a', 'read'],
    ['pattern password /var/log/a', 'read'],
  ])('%s → %s', (line, kind) => {
    expect(match(line)).toEqual(expect.objectContaining({ kind }));
  });

  test.each([
    ['gnutool --lin=5 /var/log/a', /'--lin' is not an option/],
    ['gnutool -ax /var/log/a', /'-x' is not an option/],
    ['gnutool -n five /var/log/a', /-n 'five' is not a valid uint/],
    ['gnutool -n', /-n needs a value/],
    ['gnutool --all=yes /a', /gives a value to an option that takes none/],
    ['gnutool --color=always /a', /is not a valid when/],
    ['gnutool -- -rf', /'-rf' is not what it expects/],
    ['posixtool INFO -h evil', /'-h' is not what it expects/],
    ['posixtool flushall', /'flushall' is not a subcommand AALS knows/],
    ['posixtool -h evil.example.com ping', /outside loopback/],
    ['gotool -A get pods', /'-A' is not an option AALS knows/],
    ['gotool --verbose=false get pods', /gives a value/],
    ['gotool delete pods', /'delete' is not a subcommand/],
    ['gotool get secrets', /secrets: this kind holds credentials/],
    ['gotool get pods -o go-template-file=/etc/shadow', /is not a valid k8s-output/],
    ['gotool config', /needs a subcommand AALS knows \(view\)/],
    ['wordtool /var/log -delete', /'-delete' is not what it expects/],
    ['wordtool /var/log -type l', /is not one of f, d/],
    ['ambiguous id_rsa', /credential material/],
    ['pattern -e x /etc/shadow', /credential material/],
    ['needs -v localhost 80', /read-only only with -z/],
    ['needs -z 10.2.0.1 80', /outside loopback/],
  ])('%s is refused', (line, reason) => {
    const result = match(line);
    expect(result.kind).not.toBe('read');
    expect(result.reason).toMatch(reason);
  });

  test('a tool that acts on its standard input is not read-only in a pipe; a filter is', () => {
    expect(match('posixtool ping', true).kind).toBe('unknown');
    expect(match('ambiguous /var/log/a', true).kind).toBe('read');
  });

  test('internal hosts: loopback, wildcards and CIDR ranges from policy.internalHosts', () => {
    expect(match('needs -z db.corp.example 5432').kind).toBe('read');
    expect(match('needs -z 10.1.20.3 5432').kind).toBe('read');
    expect(match('needs -z corp.example.evil.com 5432').kind).toBe('sensitive');
  });
});

describe('every built-in grammar', () => {
  test('validates against the schema, with known types and anchored local types', () => {
    const registry = new GrammarRegistry(BUILT_IN_GRAMMARS);
    expect(registry.programs().length).toBeGreaterThan(0);
    for (const grammar of BUILT_IN_GRAMMARS) {
      expect(() => ToolGrammarSchema.parse(grammar)).not.toThrow();
      for (const [name, pattern] of Object.entries(grammar.types ?? {})) {
        expect(
          `${grammar.program}:${name}:${pattern.source.startsWith('^') && pattern.source.endsWith('$')}`,
        ).toBe(`${grammar.program}:${name}:true`);
      }
      const known = new Set([...TYPE_NAMES, ...Object.keys(grammar.types ?? {}), 'flag']);
      for (const type of typesOf(grammar))
        expect(`${grammar.program}: ${type}`).toBe(
          known.has(type) ? `${grammar.program}: ${type}` : 'a known type',
        );
    }
  });

  test('never declares wrappers, shells or interpreters', () => {
    const registry = new GrammarRegistry(BUILT_IN_GRAMMARS);
    const forbidden = [
      'sh',
      'bash',
      'dash',
      'zsh',
      'env',
      'sudo',
      'su',
      'xargs',
      'timeout',
      'nohup',
      'watch',
      'nice',
      'strace',
      'python',
      'python3',
      'perl',
      'ruby',
      'node',
      'ssh',
      'eval',
      'exec',
      'source',
      'busybox',
      'tee',
      'less',
      'more',
      'vi',
      'vim',
      'test',
      '[',
    ];
    expect(forbidden.filter((name) => registry.lookup(name))).toEqual([]);
  });
});

function typesOf(node: Omit<ToolGrammar, 'program' | 'syntax'>): string[] {
  const found: string[] = [];
  for (const value of Object.values(node.options ?? {}))
    if (typeof value === 'string') found.push(value.replace(/^\[|\]$/g, ''));
  for (const operand of [...(node.operands ?? []), ...Object.values(node.operandsWith ?? {}).flat()])
    found.push(operand.replace(/[?*+]$/, ''));
  for (const child of Object.values(node.subcommands ?? {})) found.push(...typesOf(child));
  return found;
}

describe('credential material', () => {
  test.each([
    '/etc/shadow',
    '/etc//./shadow',
    '/etc/ssh/ssh_host_ed25519_key',
    '/root/.ssh/id_rsa',
    '/home/app/.aws/credentials',
    '/proc/1/environ',
    '/srv/app/.env',
    '/srv/app/.env.production',
    '/etc/kubernetes/admin.conf',
    '/var/run/secrets/kubernetes.io/serviceaccount/token',
    'server.key',
    'config/.pgpass',
  ])('%s is a secret path', (path) => {
    expect(secretPathMatch(path)).not.toBeNull();
  });

  test.each([
    '/etc/passwd',
    '/etc/hosts',
    '/var/log/syslog',
    '/proc/meminfo',
    '/etc/nginx/nginx.conf',
    '/etc/os-release',
  ])('%s is not', (path) => {
    expect(secretPathMatch(path)).toBeNull();
  });

  test('policy.secretPaths extends the list', () => {
    expect(secretPathMatch('/srv/app/conf/db.yml', ['/srv/app/conf/*.yml'])).not.toBeNull();
  });

  test.each([
    ['/root/.ssh/*', true],
    ['/etc/*shadow*', true],
    ['/srv/app/*', true],
    ['/home/*/.ssh/id_rsa', true],
    ['/etc/ssh/*_key', true],
    ['/var/log/*.log', false],
    ['/var/log/nginx/access.log.*', false],
  ])('glob %s reaches a secret: %s', (glob, secret) => {
    expect(secretGlobMatch(glob) !== null).toBe(secret);
  });

  test.each([
    ['/', true],
    ['/etc', true],
    ['/etc/nginx', true],
    ['/var', true],
    ['/home/app', true],
    ['/var/log/nginx', false],
    ['/var/log', false],
  ])('recursive read of %s reaches a secret: %s', (tree, secret) => {
    expect(secretTreeMatch(tree) !== null).toBe(secret);
  });
});

describe('internal hosts', () => {
  test.each([
    ['localhost', [], true],
    ['127.0.0.53', [], true],
    ['::1', [], true],
    ['[::1]', [], true],
    ['api.localhost', [], true],
    ['10.0.0.5', [], false],
    ['10.0.0.5', ['10.0.0.0/8'], true],
    ['11.0.0.5', ['10.0.0.0/8'], false],
    ['db.internal', ['*.internal'], true],
    ['internal', ['*.internal'], false],
    ['db.internal.evil.com', ['*.internal'], false],
    ['fd00::5', ['fd00::/8'], true],
  ] as const)('%s with %j → %s', (host, internal, expected) => {
    expect(isInternalHost(host, internal)).toBe(expected);
  });

  test('config entries are checked', () => {
    expect(internalHostError('*')).toMatch(/every host/);
    expect(internalHostError('10.0.0.0/99')).toMatch(/CIDR/);
    expect(internalHostError('db-1.corp')).toBeNull();
  });
});

describe('embedded languages', () => {
  test.each([
    "SELECT pid, state, query FROM pg_stat_activity WHERE state <> 'idle'",
    'select count(*) from pg_stat_activity;',
    'SELECT now() - pg_last_xact_replay_timestamp() AS lag',
    'SHOW PROCESSLIST',
    'SHOW FULL PROCESSLIST',
    'SHOW ENGINE INNODB STATUS',
    'SELECT datname, pg_size_pretty(pg_database_size(datname)) FROM pg_database ORDER BY 2 DESC',
    'WITH t AS (SELECT 1 AS x) SELECT x FROM t',
    'EXPLAIN SELECT * FROM orders WHERE id = 1',
    'SELECT relname FROM pg_stat_user_tables WHERE n_dead_tup > 1000 ORDER BY n_dead_tup DESC LIMIT 10',
  ])('read-only SQL: %s', (sql) => {
    expect(checkSql(sql)).toBe(true);
  });

  test.each([
    'SELECT 1; DROP TABLE t',
    'SELECT 1 -- ; DROP TABLE t',
    'SELECT /*!50000 1; DROP TABLE t*/ 1',
    'SELECT 1 # comment',
    "SELECT E'\\x41'",
    'SELECT $$x$$',
    '\\! id',
    'SELECT pg_terminate_backend(123)',
    'SELECT pg_reload_conf()',
    "SELECT lo_export(1, '/tmp/x')",
    "SELECT pg_read_file('/etc/shadow')",
    'SELECT * INTO t2 FROM t',
    'SELECT * FROM t FOR UPDATE',
    'EXPLAIN ANALYZE DELETE FROM t',
    'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d',
    "COPY t TO PROGRAM 'id'",
    'DELETE FROM t',
    'SHOW CREATE USER root',
    "SELECT set_config('x', 'y', false)",
    "SELECT nextval('s')",
  ])('refused SQL: %s', (sql) => {
    expect(checkSql(sql)).toBe(false);
  });

  test.each([
    'SELECT usename, passwd FROM pg_shadow',
    'SELECT rolname, rolpassword FROM pg_authid',
    'SELECT user, authentication_string FROM mysql.user',
  ])('credentials in SQL are sensitive: %s', (sql) => {
    expect(typeof checkSql(sql)).toBe('string');
  });

  test.each([
    '{print $9}',
    '$9 >= 500 {print $7}',
    '/ERROR|WARN/ {c++} END {print c}',
    '{a[$1]++} END {for (k in a) print k, a[k]}',
    'BEGIN {FS=":"} {print $1}',
    '{ if ($3 > 100) print $1 }',
    '{sum += $2} END {printf "%.2f\\n", sum/NR}',
  ])('read-only awk: %s', (program) => {
    expect(checkAwk(program)).toBe(true);
  });

  test.each([
    'BEGIN{system("id")}',
    '{print | "sh"}',
    '{print > "/tmp/x"}',
    '{print $1 >> "/tmp/x"}',
    'BEGIN{while (("id" | getline l) > 0) print l}',
    'BEGIN{getline l < "/etc/shadow"; print l}',
    'BEGIN{print ENVIRON["AWS_SECRET_ACCESS_KEY"]}',
    'BEGIN{ARGV[1]="/etc/shadow"; ARGC=2} {print}',
    '@include "x"',
    'BEGIN{f="system"; @f("id")}',
    '{printf "%s", $0 > "/dev/stderr"}',
  ])('refused awk: %s', (program) => {
    expect(checkAwk(program)).toBe(false);
  });

  test.each([
    'p',
    '1,10p',
    '$p',
    '/ERROR/p',
    '/start/,/end/p',
    's/foo/bar/g',
    's|a|b|',
    '1~2p',
    '/x/{p;q}',
    'y/abc/xyz/',
    '10q',
  ])('read-only sed: %s', (script) => {
    expect(checkSed(script)).toBe(true);
  });

  test.each([
    '1e id',
    's/x/id/e',
    's/x/y/w /tmp/out',
    'w /tmp/out',
    'r /etc/shadow',
    'R /etc/shadow',
    '1!G;h;$!d;W /tmp/x',
    'a hello',
    ':a;N;ba',
    'v',
  ])('refused sed: %s', (script) => {
    expect(checkSed(script)).toBe(false);
  });

  test('jq: filters are fine, the environment and modules are not', () => {
    expect(checkJq('.items[] | select(.status.phase != "Running") | .metadata.name')).toBe(true);
    expect(checkJq('env')).toBe(false);
    expect(checkJq('$ENV.AWS_SECRET_ACCESS_KEY')).toBe(false);
    expect(checkJq('"\\(env.HOME)"')).toBe(false);
    expect(checkJq('import "x" as x; .')).toBe(false);
  });
});

describe('what runs is what was checked', () => {
  const temp = tempDir('argv-shim-');
  afterAll(() => temp.cleanup());
  const dir = temp.path;
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(dir, 'logs'));
  for (const name of ['a.log', 'b.log', 'c.txt']) writeFileSync(join(dir, 'logs', name), '');
  const shim = join(bin, 'argv-shim');
  writeFileSync(shim, '#!/bin/sh\nfor a in "$@"; do printf "%s\\0" "$a"; done\n');
  chmodSync(shim, 0o755);

  test.each([
    "argv-shim plain 'two words' 'dq $ sign' 'it'\\''s' '$(id)' '`id`' ';' '|' '&&' '>' '*' ''",
    "argv-shim --opt=value -x 'a\"b' \\$HOME unicode-é-日本",
    `argv-shim ${'x'.repeat(300)}`,
  ])('%s', async (line) => {
    const parsed = await parseShell(line);
    if (!parsed.ok) throw new Error(parsed.error);
    const canonical = canonicalCommand(parsed.script);
    expect(canonical).not.toBeNull();
    const output = execFileSync('/bin/sh', ['-c', canonical?.line ?? ''], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    const received = output.toString('utf8').split('\0').slice(0, -1);
    expect(received).toEqual(canonical?.argv[0]?.slice(1));
  });

  test('a file pattern the policy accepted stays a pattern, with the rest quoted', async () => {
    const parsed = await parseShell(`argv-shim ${dir}/logs/*.log`);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(canonicalCommand(parsed.script)?.line).toBe(`'argv-shim' '${dir}/logs/*.log'`);
    const canonical = canonicalCommand(parsed.script, new Set(['0:0']));
    const output = execFileSync('/bin/sh', ['-c', canonical?.line ?? ''], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    expect(output.toString('utf8').split('\0').slice(0, -1)).toEqual([
      `${dir}/logs/a.log`,
      `${dir}/logs/b.log`,
    ]);
  });

  test('a glob character in a non-path word is sent literally, as the policy read it', async () => {
    const { assessCommand } = await import('../../src/policy/assessor.js');
    const url = await assessCommand('curl -s localhost:9200/_cluster/health?pretty', 'production');
    expect(url.decision).toBe('auto');
    expect(url.canonical).toBe("'curl' '-s' 'localhost:9200/_cluster/health?pretty'");
    const name = await assessCommand('find /var/log -name *.log', 'production');
    expect(name.canonical).toBe("'find' '/var/log' '-name' '*.log'");
    const path = await assessCommand('du -sh /var/log/*', 'production');
    expect(path.canonical).toBe("'du' '-sh' '/var/log/'*");
  });

  test('pipelines and /dev/null redirections keep their shape; anything else has no canonical form', async () => {
    const line = async (text: string) => {
      const parsed = await parseShell(text);
      return parsed.ok ? (canonicalCommand(parsed.script)?.line ?? null) : null;
    };
    expect(await line('grep -i err /var/log/syslog 2>/dev/null | tail -n 5')).toBe(
      "'grep' '-i' 'err' '/var/log/syslog' 2>'/dev/null' | 'tail' '-n' '5'",
    );
    expect(await line('ls; id')).toBeNull();
    expect(await line('echo $(id)')).toBeNull();
    expect(await line('cat <<EOF\nx\nEOF')).toBeNull();
  });
});
