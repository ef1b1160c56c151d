import { createRequire } from 'node:module';
import { Language, type Node, Parser } from 'web-tree-sitter';
import {
  ansiCPiece,
  doubleQuotedPiece,
  hasBraceExpansion,
  hasGlob,
  type Piece,
  singleQuotedPiece,
  unquotedPiece,
} from './shell-words.js';

/**
 * The adapter around the shell parser: bash source in, a small typed model out. Only this file knows
 * tree-sitter (tree-sitter-bash, run as WebAssembly); the classifier sees `ShellScript`.
 *
 * Everything the model does not describe as plain commands and pipelines is reported as a
 * `ShellConstruct`, so the classifier can refuse what it was not built to judge.
 */

export interface ShellWord {
  /** The word after quote removal; null when the shell decides it at run time (`$HOME`, `$(…)`, `{a,b}`). */
  value: string | null;
  raw: string;
  /** Contains an unquoted `*`, `?` or `[…]` that the shell expands to file names. */
  glob: boolean;
  /** Same length as `value`: the characters that keep a special meaning (unquoted `*`, `~` …); a
   * quoted or escaped character is a space. Absent when `value` is null. */
  significant?: string;
}

export interface ShellRedirect {
  /** `>`, `>>`, `<`, `&>`, `>&`, `<<`, `<<<` … */
  op: string;
  fd: string | null;
  /** The file or descriptor; null for here-documents. */
  target: ShellWord | null;
  /** The text a here-document or here-string feeds to the command (null when it has expansions). */
  input: string | null;
}

export interface ShellCommand {
  /** `test` for `[[ … ]]` / `[ … ]` expressions, which have no program to run. */
  kind: 'simple' | 'test';
  assignments: { name: string; value: ShellWord }[];
  words: ShellWord[];
  redirects: ShellRedirect[];
  text: string;
}

export interface ShellPipeline {
  /** Stages left to right; null for a stage that is not a simple command (a subshell, a loop …). */
  commands: (ShellCommand | null)[];
  /** Redirections that apply to the whole pipeline (`a | b > file`). */
  redirects: ShellRedirect[];
  /** Inside a substitution, a function, a loop …, not a statement of its own. */
  nested: boolean;
}

export const CONSTRUCT_KINDS = [
  'sequence',
  'chain',
  'background',
  'command_substitution',
  'process_substitution',
  'subshell',
  'group',
  'function',
  'control_flow',
  'arithmetic',
  'expansion',
  'brace_expansion',
  'negation',
  'assignment',
  'declaration',
  'unsupported',
] as const;
export type ConstructKind = (typeof CONSTRUCT_KINDS)[number];

export interface ShellConstruct {
  kind: ConstructKind;
  /** The source text of the construct (or the operator for chains), for the reason. */
  text: string;
  /** For functions: whether the body calls the function itself (`:(){ :|:& };:`). */
  recursive?: boolean;
}

export interface ShellScript {
  /** Every pipeline in the source, including those nested in substitutions, loops and functions. */
  pipelines: ShellPipeline[];
  constructs: ShellConstruct[];
  /** Top-level statements (more than one means `;`, `&` or a newline between commands). */
  statements: number;
}

export type ParseOutcome = { ok: true; script: ShellScript } | { ok: false; error: string };

let parserPromise: Promise<Parser> | undefined;

/** Loads the WebAssembly runtime and the bash grammar once per process. */
function loadParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(bash);
    return parser;
  })();
  return parserPromise;
}

/** Parses one command line (bash syntax). A syntax error is an outcome, not an exception. */
export async function parseShell(source: string): Promise<ParseOutcome> {
  let parser: Parser;
  try {
    parser = await loadParser();
  } catch (error) {
    parserPromise = undefined;
    return { ok: false, error: `the shell parser could not start (${(error as Error).message})` };
  }
  const tree = parser.parse(source);
  if (!tree) return { ok: false, error: 'the shell parser gave no result' };
  try {
    const root = tree.rootNode;
    if (root.hasError) return { ok: false, error: syntaxError(root, source) };
    const builder = new ScriptBuilder();
    builder.program(root);
    return { ok: true, script: builder.script };
  } finally {
    tree.delete();
  }
}

function syntaxError(root: Node, source: string): string {
  const bad = firstError(root);
  if (!bad) return 'the command is not valid shell syntax';
  const column = bad.startIndex + 1;
  if (bad.isMissing)
    return `the command is not valid shell syntax: missing '${bad.type}' at column ${column}`;
  const near = source.slice(bad.startIndex, bad.startIndex + 20).split('\n')[0];
  return `the command is not valid shell syntax near '${near}' (column ${column})`;
}

/** Depth-first, without recursion: deeply nested input must not overflow the stack. */
function firstError(root: Node): Node | null {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.isError || node.isMissing) return node;
    const children = node.children.filter((child) => child.hasError || child.isMissing);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Node);
  }
  return null;
}

const REDIRECT_TYPES = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
const CONTROL_FLOW = new Set([
  'if_statement',
  'while_statement',
  'for_statement',
  'c_style_for_statement',
  'case_statement',
  'select_statement',
]);

/** Walks the tree once, collecting pipelines and every construct beyond plain commands. */
/** Deeper nesting is refused rather than walked (and the walk stays far from the stack limit). */
const MAX_NESTING = 64;

class ScriptBuilder {
  readonly script: ShellScript = { pipelines: [], constructs: [], statements: 0 };
  private depth = 0;
  private tooDeep = false;

  program(root: Node): void {
    const statements = root.namedChildren.filter((child) => child.type !== 'comment');
    this.script.statements = statements.length;
    if (statements.length > 1) this.construct('sequence', root.text);
    for (const child of root.children) {
      if (child.type === '&') this.construct('background', root.text);
    }
    for (const statement of statements) this.statement(statement, false);
  }

  private construct(kind: ConstructKind, text: string, extra: Partial<ShellConstruct> = {}): void {
    this.script.constructs.push({ kind, text, ...extra });
  }

  /** A node in statement position: a command, a pipeline, or something the model only reports. */
  private statement(node: Node, nested: boolean): void {
    switch (node.type) {
      case 'command':
      case 'test_command':
      case 'pipeline':
      case 'redirected_statement':
        this.pipeline(node, nested);
        return;
      case 'list': {
        const operator = node.children.find((c) => !c.isNamed)?.type ?? '&&';
        this.construct('chain', operator);
        this.children(node, nested);
        return;
      }
      case 'subshell':
        this.construct('subshell', node.text);
        this.children(node, true);
        return;
      case 'compound_statement':
        this.construct(node.children[0]?.type === '((' ? 'arithmetic' : 'group', node.text);
        this.children(node, true);
        return;
      case 'function_definition':
        this.construct('function', node.text, { recursive: callsItself(node) });
        this.children(node, true);
        return;
      case 'negated_command':
        this.construct('negation', node.text);
        this.children(node, nested);
        return;
      case 'variable_assignment':
      case 'variable_assignments':
        this.construct('assignment', node.text);
        this.children(node, true);
        return;
      case 'declaration_command':
      case 'unset_command':
        this.construct('declaration', node.text);
        this.children(node, true);
        return;
      case 'comment':
        return;
      default:
        if (CONTROL_FLOW.has(node.type)) this.construct('control_flow', node.text);
        else this.construct('unsupported', node.type);
        this.children(node, true);
    }
  }

  /** Statements and words below a construct, so nothing nested escapes the classifier. */
  private children(node: Node, nested: boolean): void {
    if (this.depth >= MAX_NESTING) {
      if (!this.tooDeep) this.construct('unsupported', `nesting deeper than ${MAX_NESTING} levels`);
      this.tooDeep = true;
      return;
    }
    this.depth++;
    try {
      for (const child of node.namedChildren) {
        if (isStatementNode(child)) this.statement(child, nested);
        else this.expression(child);
      }
    } finally {
      this.depth--;
    }
  }

  private pipeline(node: Node, nested: boolean): void {
    const pipeline: ShellPipeline = { commands: [], redirects: [], nested };
    this.script.pipelines.push(pipeline);
    this.stages(node, pipeline, nested);
  }

  private stages(node: Node, pipeline: ShellPipeline, nested: boolean): void {
    if (node.type === 'pipeline') {
      for (const stage of node.namedChildren) this.stages(stage, pipeline, nested);
      return;
    }
    if (node.type === 'command') {
      pipeline.commands.push(this.command(node));
      return;
    }
    if (node.type === 'test_command') {
      this.children(node, true);
      pipeline.commands.push({ kind: 'test', assignments: [], words: [], redirects: [], text: node.text });
      return;
    }
    if (node.type === 'redirected_statement') {
      const body = node.childForFieldName('body');
      const before = pipeline.commands.length;
      if (body) this.stages(body, pipeline, nested);
      const target = body?.type === 'command' ? pipeline.commands[before] : null;
      const trailing: Node[] = [];
      for (const child of node.namedChildren) {
        if (!REDIRECT_TYPES.has(child.type)) continue;
        const redirect = this.redirect(child, trailing, target?.words);
        // `cat 0</dev/null`: the parser reads the descriptor 0 as the command's last argument.
        const last = body?.type === 'command' ? body.lastNamedChild : null;
        if (
          target &&
          last &&
          last.endIndex === child.startIndex &&
          /^\d+$/.test(last.text) &&
          redirect.fd === null
        ) {
          target.words.pop();
          redirect.fd = last.text;
        }
        (target ? target.redirects : pipeline.redirects).push(redirect);
      }
      // `cat <<EOF | psql …`: the parser hangs the rest of the pipeline under the here-document.
      for (const rest of trailing) {
        if (rest.type === 'pipeline' || rest.type === 'command' || rest.type === 'redirected_statement') {
          this.stages(rest, pipeline, nested);
        } else this.statement(rest, nested);
      }
      return;
    }
    pipeline.commands.push(null);
    this.statement(node, true);
  }

  private command(node: Node): ShellCommand {
    const command: ShellCommand = {
      kind: 'simple',
      assignments: [],
      words: [],
      redirects: [],
      text: node.text,
    };
    for (const child of node.namedChildren) {
      if (child.type === 'variable_assignment') {
        const name = child.childForFieldName('name')?.text ?? '';
        const valueNode = child.childForFieldName('value');
        const value = valueNode ? this.word(valueNode) : { value: '', raw: '', glob: false };
        command.assignments.push({ name, value });
      } else if (child.type === 'command_name') {
        const inner = child.namedChildren[0];
        command.words.push(inner ? this.word(inner) : { value: child.text, raw: child.text, glob: false });
      } else if (REDIRECT_TYPES.has(child.type)) {
        const trailing: Node[] = [];
        command.redirects.push(this.redirect(child, trailing, command.words));
        for (const rest of trailing) this.statement(rest, true);
      } else {
        command.words.push(this.word(child));
      }
    }
    // A lone `$` (as in `$"…"`) is an anonymous node the named children skip: keep argument order honest.
    if (node.children.some((c) => !c.isNamed && c.type === '$')) {
      this.construct('unsupported', '$');
      command.words.push({ value: null, raw: '$', glob: false });
    }
    return command;
  }

  private redirect(node: Node, trailing: Node[], words?: ShellWord[]): ShellRedirect {
    const op = node.children.find((c) => !c.isNamed)?.type ?? '';
    const fd = node.childForFieldName('descriptor')?.text ?? null;
    if (node.type === 'heredoc_redirect') {
      let input: string | null = null;
      for (const child of node.namedChildren) {
        if (child.type === 'heredoc_body') {
          input = child.namedChildren.some((c) => c.type !== 'heredoc_content') ? null : child.text;
          this.children(child, true);
        } else if (child.type !== 'heredoc_start' && child.type !== 'heredoc_end') trailing.push(child);
      }
      return { op, fd, target: null, input };
    }
    if (node.type === 'herestring_redirect') {
      const value = node.namedChildren[0];
      const word = value ? this.word(value) : null;
      return { op, fd, target: null, input: word?.value ?? null };
    }
    const destinations = node.childrenForFieldName('destination');
    // `ls 2>/dev/null -R /etc`: bash gives the words after the file name to the command; the parser
    // hangs them on the redirection.
    for (const extra of destinations.slice(1)) {
      if (extra && words) words.push(this.word(extra));
      else if (extra) this.construct('unsupported', `${extra.text} after a redirection`);
    }
    const destination = destinations[0] ?? node.namedChildren.at(-1);
    return {
      op,
      fd,
      target: destination && destination.type !== 'file_descriptor' ? this.word(destination) : null,
      input: null,
    };
  }

  /** Quote removal for one argument; expansions make the value unknown and are reported. */
  private word(node: Node): ShellWord {
    const pieces = this.pieces(node);
    if (!pieces) return { value: null, raw: node.text, glob: false };
    const value = pieces.map((p) => p.value).join('');
    const significant = pieces.map((p) => p.significant).join('');
    if (hasBraceExpansion(significant)) {
      this.construct('brace_expansion', node.text);
      return { value: null, raw: node.text, glob: false };
    }
    return { value, raw: node.text, glob: hasGlob(significant), significant };
  }

  private pieces(node: Node): Piece[] | null {
    switch (node.type) {
      case 'word':
      case 'number':
        return [unquotedPiece(node.text)];
      case 'raw_string':
        return [singleQuotedPiece(node.text.slice(1, -1))];
      case 'ansi_c_string':
        return [ansiCPiece(node.text.slice(2, -1))];
      case 'string':
      case 'translated_string': {
        const dynamic = node.namedChildren.filter((c) => c.type !== 'string_content');
        const strayDollar = node.children.some((c) => !c.isNamed && c.type === '$');
        if (dynamic.length > 0 || strayDollar) {
          for (const child of dynamic) this.expression(child);
          if (strayDollar && dynamic.length === 0) this.construct('unsupported', '$');
          return null;
        }
        const quoted = node.type === 'translated_string' ? node.text.slice(1) : node.text;
        return [doubleQuotedPiece(quoted.slice(1, -1))];
      }
      case 'concatenation': {
        const parts: Piece[] = [];
        let known = true;
        let end = node.startIndex;
        for (const child of node.children) {
          // A gap or an anonymous token (a lone `$`) means the parser saw something the model does not.
          if (child.startIndex !== end || !child.isNamed) known = false;
          end = child.endIndex;
          const piece = child.isNamed ? this.pieces(child) : null;
          if (!piece) {
            known = false;
            if (!child.isNamed) this.construct('unsupported', child.text);
            continue;
          }
          parts.push(...piece);
        }
        return known && end === node.endIndex ? parts : null;
      }
      default:
        this.expression(node);
        return null;
    }
  }

  /** Anything that computes a value at run time: reported, and its insides walked. */
  private expression(node: Node): void {
    switch (node.type) {
      case 'command_substitution':
      case 'process_substitution':
        this.construct(node.type, node.text);
        this.children(node, true);
        return;
      case 'simple_expansion':
      case 'expansion':
        this.construct('expansion', node.text);
        this.children(node, true);
        return;
      case 'arithmetic_expansion':
        this.construct('arithmetic', node.text);
        this.children(node, true);
        return;
      case 'brace_expression':
        this.construct('brace_expansion', node.text);
        return;
      case 'word':
      case 'number':
      case 'raw_string':
      case 'string_content':
      case 'heredoc_content':
      case 'variable_name':
      case 'special_variable_name':
      case 'file_descriptor':
      case 'test_operator':
      case 'comment':
        return;
      default:
        if (isStatementNode(node)) this.statement(node, true);
        else this.children(node, true);
    }
  }
}

const STATEMENT_TYPES = new Set([
  'command',
  'test_command',
  'pipeline',
  'redirected_statement',
  'list',
  'subshell',
  'compound_statement',
  'function_definition',
  'negated_command',
  'variable_assignments',
  'declaration_command',
  'unset_command',
  ...CONTROL_FLOW,
]);

function isStatementNode(node: Node): boolean {
  return STATEMENT_TYPES.has(node.type);
}

/** A function whose body runs the function's own name: the shape of a fork bomb. */
function callsItself(node: Node): boolean {
  const name = node.childForFieldName('name')?.text;
  const body = node.childForFieldName('body');
  if (!name || !body) return false;
  const stack: Node[] = [body];
  while (stack.length > 0) {
    const current = stack.pop() as Node;
    if (current.type === 'command_name' && current.text === name) return true;
    stack.push(...current.namedChildren);
  }
  return false;
}
