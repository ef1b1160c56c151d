import { type ParseOutcome, parseShell, type ShellScript } from '../../src/policy/shell-parser.js';
import { ansiCPiece, doubleQuotedPiece, unquotedPiece } from '../../src/policy/shell-words.js';

/** The shell parser adapter: bash source → plain commands, pipelines and the constructs around them. */

async function parse(source: string): Promise<ShellScript> {
  const outcome: ParseOutcome = await parseShell(source);
  if (!outcome.ok) throw new Error(`expected ${source} to parse: ${outcome.error}`);
  return outcome.script;
}

async function words(source: string): Promise<(string | null)[]> {
  const script = await parse(source);
  return script.pipelines[0]?.commands[0]?.words.map((w) => w.value) ?? [];
}

async function kinds(source: string): Promise<string[]> {
  return (await parse(source)).constructs.map((c) => c.kind);
}

describe('quote removal', () => {
  test.each([
    ["r''m -rf /", ['rm', '-rf', '/']],
    ['r""m -rf /', ['rm', '-rf', '/']],
    ['\\rm -rf /', ['rm', '-rf', '/']],
    ['"rm" "-rf" "/"', ['rm', '-rf', '/']],
    ["'a'\\''b'", ["a'b"]],
    ["$'\\x72\\x6d' $'\\162\\155' $'a\\tb'", ['rm', 'rm', 'a\tb']],
    ['echo "a\\"b\\$c\\d"', ['echo', 'a"b$c\\d']],
    ['ls \\\n  -la', ['ls', '-la']],
    ['find . -exec ls {} \\;', ['find', '.', '-exec', 'ls', '{}', ';']],
    ['curl --output=/tmp/x http://a', ['curl', '--output=/tmp/x', 'http://a']],
  ])('%j', async (source, expected) => {
    expect(await words(source)).toEqual(expected);
  });

  test('expansions leave the value unknown and are reported', async () => {
    expect(await words('rm -rf $DIR')).toEqual(['rm', '-rf', null]);
    expect(await words('$CMD -rf /')).toEqual([null, '-rf', '/']);
    expect(await words('ls "$HOME/x"')).toEqual(['ls', null]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion under test
    expect(await kinds('ls ${X:-/}')).toEqual(['expansion']);
  });

  test('brace expansion is reported because it changes the argument list', async () => {
    expect(await kinds('x{rm,-rf,/}')).toContain('brace_expansion');
    expect(await kinds('ls /var/log/{a,b}')).toEqual(['brace_expansion']);
    expect(await kinds('echo {1..3}')).toEqual(['brace_expansion']);
    expect(await kinds("ls '{a,b}' {} x{y}")).toEqual([]);
  });

  test('globs are flagged only when unquoted', async () => {
    const [, star, quoted, escaped] =
      (await parse('ls /var/log/*.log "*.gz" \\*')).pipelines[0]?.commands[0]?.words ?? [];
    expect([star?.glob, quoted?.glob, escaped?.glob]).toEqual([true, false, false]);
  });

  test('word pieces', () => {
    expect(unquotedPiece('a\\ b').value).toBe('a b');
    expect(doubleQuotedPiece('\\`x\\`').value).toBe('`x`');
    expect(ansiCPiece('\\u00e9\\cA\\q').value).toBe('é\u0001\\q');
  });
});

describe('structure', () => {
  test('a pipeline is one statement with its stages in order', async () => {
    const script = await parse('ps aux | grep -v grep | wc -l');
    expect(script.statements).toBe(1);
    expect(script.constructs).toEqual([]);
    expect(script.pipelines[0]?.commands.map((c) => c?.words[0]?.value)).toEqual(['ps', 'grep', 'wc']);
  });

  test.each([
    ['ls; rm x', 'sequence'],
    ['ls\nrm x', 'sequence'],
    ['ls && rm x', 'chain'],
    ['ls || rm x', 'chain'],
    ['sleep 1 &', 'background'],
    ['echo $(id)', 'command_substitution'],
    ['echo `id`', 'command_substitution'],
    ['cat <(ls)', 'process_substitution'],
    ['(ls)', 'subshell'],
    ['{ ls; }', 'group'],
    ['f() { ls; }', 'function'],
    ['if true; then ls; fi', 'control_flow'],
    ['for f in *; do ls $f; done', 'control_flow'],
    ['while true; do ls; done', 'control_flow'],
    ['echo $((1+2))', 'arithmetic'],
    ['! ls', 'negation'],
    ['X=1', 'assignment'],
    ['export X=1', 'declaration'],
  ])('%j reports %s', async (source, kind) => {
    expect(await kinds(source)).toContain(kind);
  });

  test('commands nested in substitutions and subshells are still collected', async () => {
    const script = await parse('echo $(rm -rf /) `reboot` <(curl x)');
    const programs = script.pipelines.flatMap((p) => p.commands.map((c) => c?.words[0]?.value));
    expect(programs).toEqual(expect.arrayContaining(['echo', 'rm', 'reboot', 'curl']));
    expect(script.pipelines.filter((p) => p.nested)).toHaveLength(3);
  });

  test('a fork bomb is a function that calls itself', async () => {
    const script = await parse(':(){ :|:& };:');
    expect(script.constructs.find((c) => c.kind === 'function')?.recursive).toBe(true);
  });

  test('comments are not commands', async () => {
    const script = await parse('ls -la # ; rm -rf /');
    expect(script.statements).toBe(1);
    expect(script.pipelines[0]?.commands[0]?.words.map((w) => w.value)).toEqual(['ls', '-la']);
  });
});

describe('redirections', () => {
  test('operators, descriptors and targets', async () => {
    const script = await parse('ls -l /tmp 2>/dev/null >>/tmp/out 2>&1');
    const redirects = script.pipelines[0]?.commands[0]?.redirects ?? [];
    expect(redirects.map((r) => [r.fd, r.op, r.target?.value])).toEqual([
      ['2', '>', '/dev/null'],
      [null, '>>', '/tmp/out'],
      ['2', '>&', '1'],
    ]);
  });

  test('a redirection after a pipeline belongs to the pipeline', async () => {
    const script = await parse('ps aux | grep x > /tmp/out');
    expect(script.pipelines[0]?.redirects.map((r) => r.target?.value)).toEqual(['/tmp/out']);
  });

  test('here-documents and here-strings carry their text as input', async () => {
    const heredoc = await parse("psql <<'EOF'\nDROP TABLE x;\nEOF");
    expect(heredoc.pipelines[0]?.commands[0]?.redirects[0]).toMatchObject({
      op: '<<',
      input: 'DROP TABLE x;\n',
    });
    const herestring = await parse('sh <<< "rm -rf /"');
    expect(herestring.pipelines[0]?.commands[0]?.redirects[0]).toMatchObject({
      op: '<<<',
      input: 'rm -rf /',
    });
  });

  test('a pipeline written after a here-document start continues the same pipeline', async () => {
    const script = await parse('cat <<EOF | psql\nselect 1;\nEOF');
    expect(script.pipelines[0]?.commands.map((c) => c?.words[0]?.value)).toEqual(['cat', 'psql']);
  });
});

describe('syntax errors', () => {
  test.each(['echo $(id', 'ls |', 'if true; then ls', "echo 'open", 'ls )', 'echo @(x)'])(
    '%j is refused',
    async (source) => {
      const outcome = await parseShell(source);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error).toMatch(/not valid shell syntax/);
    },
  );
});
