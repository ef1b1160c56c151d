import type { CommandRunner } from '../approvals/ports.js';
import { errorMessage } from '../errors.js';
import type { ExecutorConfig } from './config.js';
import { confinedCommandLine } from './confined-line.js';
import { resolveHost } from './inventory.js';
import type { SshExecutor } from './ssh-executor.js';

/**
 * The approval flow's view of the SSH executor: inventory lookups and runs, in its terms. The only
 * thing it can run is a checked command's canonical line, wrapped by `confinedCommandLine`.
 */
export function sshCommandRunner(config: ExecutorConfig, executor: SshExecutor): CommandRunner {
  return {
    resolve: (target) => {
      const host = resolveHost(config.hosts, target);
      return host
        ? {
            name: host.name,
            environment: host.environment,
            user: host.user,
            readOnlyUser: host.readOnlyUser?.user ?? null,
          }
        : null;
    },
    run: async (host, { canonical, identity }) => {
      let line: string;
      try {
        line = confinedCommandLine(canonical, config.remotePath);
      } catch (error) {
        return notSent(`not run: ${errorMessage(error)}`);
      }
      const result = await executor.run(host, line, { as: identity });
      return {
        status: result.status,
        exitCode: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
        truncated: result.truncated.stdout || result.truncated.stderr,
        outputSha256: result.outputSha256,
        durationMs: result.durationMs,
        ...(result.error ? { error: result.error } : {}),
        ...(result.fullOutput ? { fullOutput: result.fullOutput } : {}),
      };
    },
  };
}

function notSent(error: string) {
  return {
    status: 'error',
    exitCode: null,
    stdout: '',
    stderr: '',
    truncated: false,
    outputSha256: null,
    durationMs: 0,
    error,
  };
}
