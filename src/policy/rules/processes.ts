import { parseArgs } from '../args.js';
import { change, destroy, type ProgramRule, read } from '../verdict.js';
import { readUnless } from './helpers.js';

/** Processes and host settings: signalling, the clock, the host name, kernel parameters. */

/** Reading `date` is fine; `date -s` or `date MMDDhhmm` sets the clock. */
const date: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: ['-d', '--date', '-f', '--file', '-r', '--reference', '-I'],
  });
  if (args.has('-s', '--set') || args.operands.some((o) => !o.startsWith('+')))
    return change('date sets the system clock');
  return read('date only reads');
};

const hostname: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-F', '--file'] });
  if (args.has('-F', '--file', '-b', '--boot') || args.operands.length > 0)
    return change('hostname sets the host name');
  return read('hostname only reads');
};

const sysctl: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, { withValue: ['-p', '--load', '-r', '--pattern'] });
  if (args.has('-w', '--write', '-p', '--load', '--system') || args.operands.some((o) => o.includes('=')))
    return change('sysctl changes kernel parameters');
  return read('sysctl only reads');
};

const top: ProgramRule = (ctx) =>
  parseArgs(ctx.args, { withValue: ['-n', '-d', '-p', '-u', '-U', '-o', '-w'] }).has('-b')
    ? read('top -b only reads')
    : change('interactive top can kill and renice processes; use top -b -n 1');

const kill: ProgramRule = (ctx) => {
  const args = ctx.args;
  if (args.includes('-l') || args.includes('-L')) return read('kill -l lists signals');
  // The first option is the signal (`-9`, `-KILL`, `-s KILL`); every word after it is a PID.
  let i = 0;
  if (args[0] === '-s' || args[0] === '-n') i = 2;
  else if (args[0]?.startsWith('-') && args[0] !== '--') i = 1;
  if (args[i] === '--') i++;
  const targets = args.slice(i);
  if (targets.includes('-1') || targets.includes('1'))
    return destroy('kill on -1 or PID 1 takes down every process');
  return change(`${ctx.name} signals processes`);
};

const killByName: ProgramRule = (ctx) => {
  const args = parseArgs(ctx.args, {
    withValue: [
      '-s',
      '--signal',
      '-u',
      '--user',
      '-U',
      '-g',
      '-G',
      '-P',
      '-t',
      '-n',
      '-o',
      '--older-than',
      '--younger-than',
    ],
  });
  if (args.operands.some((p) => ['.', '.*', '', '^', '$'].includes(p)))
    return destroy(`${ctx.name} with a match-all pattern kills every process`);
  return change(`${ctx.name} signals processes`);
};

export const PROCESS_RULES: Record<string, ProgramRule> = {
  date,
  hostname,
  sysctl,
  top,
  kill,
  pkill: killByName,
  killall: killByName,
  killall5: (ctx) => destroy(`${ctx.name} kills every process on the host`),
  fuser: readUnless(['-k', '--kill'], 'kills the processes it finds'),
};
