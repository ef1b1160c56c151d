import type { RunIdentity } from '../domain/risk.js';
import type { CommandOutcome } from '../store/approvals.js';

/** An inventory host as the approval flow sees it: where it is and who can log in there. */
export interface InventoryHost {
  name: string;
  environment: string;
  /** The main SSH user (commands run after approvals). */
  user: string;
  /** The unprivileged SSH user for read-only commands, or null when the host declares none. */
  readOnlyUser: string | null;
}

/** What runs: the policy's canonical line (never the proposed text) and the identity it runs as. */
export interface CheckedCommand {
  canonical: string;
  identity: RunIdentity;
}

/** What the approval flow needs from the executor: where a host is, and running a command there. */
export interface CommandRunner {
  /** The inventory host a proposed target names (a host name, or an instance like db-1:9100), or null. */
  resolve(target: string): InventoryHost | null;
  run(host: string, command: CheckedCommand): Promise<CommandOutcome & { fullOutput?: Buffer | undefined }>;
}
