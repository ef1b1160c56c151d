import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_REMOTE_PATH } from '../../src/execution/confined-line.js';
import { tempDir } from './temp.js';

/**
 * Stand-ins for remote programs that record the argv they were given, to prove that what a
 * command receives on the host is exactly the argv the policy checked. Put `remotePath` in
 * `modules.executor.remotePath`: the shims come first, so `uptime` runs the shim, not the system's.
 * Each call appends one JSON line (`{"program","argv","user"}`) to a log any login user may write.
 *
 *   const shims = installArgvShims(['uptime', 'grep']);
 *   … run "'grep' '-e' 'it'\''s'" through AALS …
 *   expect(shims.calls('grep')).toEqual([['-e', "it's"]]);
 */
export interface ArgvShims {
  /** The directory holding the shims. */
  dir: string;
  /** The shim directory, then the default remote PATH. */
  remotePath: string;
  /** Every recorded call, oldest first. */
  records(): ShimCall[];
  /** The argv (without the program name) of each call of one program, oldest first. */
  calls(program: string): string[][];
  cleanup(): void;
}

export interface ShimCall {
  program: string;
  argv: string[];
  /** The login user the shim ran as. */
  user: string;
}

/** Program names the shims may take: no path separators, nothing a shell would read. */
const PROGRAM_NAME = /^[A-Za-z0-9._+-]+$/;

export function installArgvShims(programs: readonly string[]): ArgvShims {
  const temp = tempDir('aals-argv-shims-');
  // The remote users are not the test runner: they need to reach the shims and write the log.
  chmodSync(temp.path, 0o755);
  const bin = join(temp.path, 'bin');
  mkdirSync(bin, { mode: 0o755 });
  const log = join(temp.path, 'calls.jsonl');
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  for (const program of programs) {
    if (!PROGRAM_NAME.test(program)) throw new Error(`not a program name: ${JSON.stringify(program)}`);
    const file = join(bin, program);
    writeFileSync(file, shimSource(program, log));
    chmodSync(file, 0o755);
  }
  const records = (): ShimCall[] =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as ShimCall)
      : [];
  return {
    dir: bin,
    remotePath: `${bin}:${DEFAULT_REMOTE_PATH}`,
    records,
    calls: (program) =>
      records()
        .filter((r) => r.program === program)
        .map((r) => r.argv),
    cleanup: temp.cleanup,
  };
}

/** A Node script (CommonJS: the temp dir has no package.json) run by this machine's node binary. */
function shimSource(program: string, log: string): string {
  return [
    `#!${process.execPath}`,
    `const { appendFileSync } = require('node:fs');`,
    `const { userInfo } = require('node:os');`,
    `const call = { program: ${JSON.stringify(program)}, argv: process.argv.slice(2), user: userInfo().username };`,
    `appendFileSync(${JSON.stringify(log)}, JSON.stringify(call) + '\\n');`,
    '',
  ].join('\n');
}

/**
 * The canonical form the policy gives a plain pipeline: every word single-quoted (`'` written as
 * `'\''`), stages joined with ` | `. A local copy of the expected format, independent of the
 * product code; swap in the policy's serializer once it exists.
 */
export function canonicalLine(stages: readonly (readonly string[])[]): string {
  return stages.map((argv) => argv.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ')).join(' | ');
}
