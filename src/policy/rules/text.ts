import { parseArgs } from '../args.js';
import { isDevice, isSink } from '../paths.js';
import { change, deny, destroy, type ProgramRule, read, show } from '../verdict.js';
import { reader, readUnless } from './helpers.js';

/** Text tools: read-only filters unless told to write files, run programs or decode payloads. */

/** sed is read-only without -i as long as its script only prints, deletes lines or substitutes. */
const SAFE_SED = [
  /^\s*(?:(?:\d+(?:~\d+)?|\$|\/(?:[^/\\]|\\.)*\/)(?:\s*,\s*(?:\d+|\$|\/(?:[^/\\]|\\.)*\/|[+~]\d+))?\s*!?\s*)?[pdqQ=nNlh]?\s*$/,
  /^\s*(?:(?:\d+|\$|\/(?:[^/\\]|\\.)*\/)(?:\s*,\s*(?:\d+|\$|\/(?:[^/\\]|\\.)*\/))?\s*)?s(.)(?:(?!\1)[^\\\n]|\\.)*\1(?:(?!\1)[^\\\n]|\\.)*\1[gpiIm0-9]*\s*$/,
];

function sedScriptIsSafe(script: string): boolean {
  return script.split(/[;\n]/).every((part) => SAFE_SED.some((pattern) => pattern.test(part)));
}

const sed: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: ['-e', '--expression', '-f', '--file', '-l', '--line-length'],
    attachedValue: ['-i'],
  });
  if (args.has('-f', '--file'))
    return change('sed runs a script file, which may write files or run commands');
  const scripts = args.has('-e', '--expression')
    ? args.values('-e', '--expression')
    : args.operands.slice(0, 1);
  if (!scripts.every(sedScriptIsSafe))
    return deny(
      'change',
      'the sed script does more than print, delete or substitute (w, e and r write files or run commands)',
    );
  if (args.has('-i', '--in-place')) return change('sed -i edits files in place');
  return read('sed only prints');
};

/** awk can run commands (system(), pipes) and write files (print > f): such programs are refused. */
const awk: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '-F',
      '-v',
      '-f',
      '--file',
      '-i',
      '--include',
      '-l',
      '--load',
      '-E',
      '--exec',
      '-e',
      '--source',
    ],
  });
  if (args.has('-f', '--file', '-E', '--exec', '-i', '--include', '-l', '--load'))
    return change(`${ctx.name} runs a program file or loads an extension`);
  const sources = args.values('-e', '--source');
  const program = sources.length ? sources.join('\n') : (args.operands[0] ?? '');
  const code = program.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  if (/\bsystem\s*\(/.test(code))
    return deny('hidden', `${ctx.name} program calls system(), which runs shell commands`);
  if (/\|/.test(code.replace(/\|\|/g, '')))
    return deny('hidden', `${ctx.name} program pipes to or from a command`);
  if (/\b(print|printf)\b[^;{}]*>/.test(code)) return deny('change', `${ctx.name} program writes to a file`);
  return read(`${ctx.name} only reads`);
};

const sort: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '-o',
      '--output',
      '-k',
      '--key',
      '-t',
      '--field-separator',
      '-S',
      '--buffer-size',
      '-T',
      '--temporary-directory',
      '--compress-program',
      '--parallel',
      '--files0-from',
      '--random-source',
      '--batch-size',
    ],
  });
  if (args.has('--compress-program')) return deny('hidden', 'sort --compress-program runs another program');
  const output = args.values('-o', '--output')[0];
  if (output !== undefined && !isSink(output)) return change(`sort -o writes ${show(output)}`);
  return read('sort only reads');
};

const uniq: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: ['-f', '--skip-fields', '-s', '--skip-chars', '-w', '--check-chars'],
  });
  const output = args.operands[1];
  if (output !== undefined && !isSink(output)) return change(`uniq writes its output to ${show(output)}`);
  return read('uniq only reads');
};

const tee: ProgramRule = (ctx) => {
  const files = parseArgs(ctx.args).operands.filter((f) => !isSink(f));
  const device = files.find(isDevice);
  if (device) return destroy(`tee onto ${device} overwrites a disk`);
  return files.length ? change(`tee writes ${files.map(show).join(', ')}`) : read('tee to nowhere');
};

const xxd: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-c', '-g', '-l', '-s', '-o', '-n', '-C'] });
  if (args.has('-r', '-revert')) return deny('hidden', 'xxd -r decodes a hidden payload');
  if (args.operands.length > 1 && !isSink(args.operands[1] as string))
    return change('xxd writes its output file');
  return read('xxd only reads');
};

const decoder =
  (decodeFlags: string[]): ProgramRule =>
  (ctx) => {
    const args = parseArgs(ctx.args, { withValue: ['-w', '--wrap'] });
    if (args.has(...decodeFlags)) return deny('hidden', `${ctx.name} decoding hides what the payload is`);
    return read(`${ctx.name} only encodes`);
  };

const ripgrep: ProgramRule = (ctx) =>
  parseArgs(ctx.args).has('--pre')
    ? deny('hidden', 'rg --pre runs a program on every file')
    : read('rg only reads');

export const TEXT_RULES: Record<string, ProgramRule> = {
  sed,
  awk,
  sort,
  uniq,
  tee,
  xxd,
  gawk: awk,
  mawk: awk,
  nawk: awk,
  base64: decoder(['-d', '--decode', '-D']),
  base32: decoder(['-d', '--decode']),
  basenc: decoder(['-d', '--decode']),
  uudecode: (ctx) => deny('hidden', `${ctx.name} decodes a hidden payload`),
  rg: ripgrep,
  yq: readUnless(['-i', '--inplace'], 'edits files in place'),
  jq: reader(),
};
