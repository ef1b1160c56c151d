import type { CommandOutcome } from '../store/approvals.js';

/** What the approval flow needs from the executor: where a host is, and running a command there. */
export interface CommandRunner {
  /** The inventory host a proposed target names (a host name, or an instance like db-1:9100), or null. */
  resolve(target: string): { name: string; environment: string } | null;
  run(host: string, command: string): Promise<CommandOutcome & { fullOutput?: Buffer | undefined }>;
}
