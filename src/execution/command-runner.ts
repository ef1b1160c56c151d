import type { CommandRunner } from '../approvals/ports.js';
import type { ExecutorConfig } from './config.js';
import { resolveHost } from './inventory.js';
import type { SshExecutor } from './ssh-executor.js';

/** The approval flow's view of the SSH executor: inventory lookups and runs, in its terms. */
export function sshCommandRunner(config: ExecutorConfig, executor: SshExecutor): CommandRunner {
  return {
    resolve: (target) => {
      const host = resolveHost(config.hosts, target);
      return host ? { name: host.name, environment: host.environment } : null;
    },
    run: async (host, command) => {
      const result = await executor.run(host, command);
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
