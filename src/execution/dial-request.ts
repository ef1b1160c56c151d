import { errorMessage } from '../errors.js';
import type { ExecutorConfig, HostConfig } from './config.js';
import { hostKeyPolicy } from './host-trust.js';
import { type ParsedKnownHosts, parseKnownHosts } from './known-hosts.js';
import type { DialRequest } from './transport.js';
import type { ExecutorLogger } from './types.js';

/**
 * Everything a dial needs, read fresh each time so a rotated key or an updated known_hosts file
 * is picked up without a restart. The key's content goes into the request only: it is never
 * logged and no message quotes it (file errors are reported by their errno code).
 */
export type DialSettings = Pick<ExecutorConfig, 'knownHostsFile' | 'connectTimeoutSeconds'>;

export interface DialDeps {
  readFile: (path: string) => Promise<Buffer>;
  env: Record<string, string | undefined>;
  logger?: ExecutorLogger | undefined;
}

export async function prepareDial(
  host: HostConfig,
  config: DialSettings,
  deps: DialDeps,
): Promise<{ ok: true; request: DialRequest } | { ok: false; error: string }> {
  const failed = (error: string) => ({ ok: false as const, error });

  let knownHosts: ParsedKnownHosts | null = null;
  const file = config.knownHostsFile;
  if (file) {
    try {
      knownHosts = parseKnownHosts((await deps.readFile(file)).toString('utf8'));
      for (const note of knownHosts.notes) deps.logger?.debug(`known_hosts ${file}: ${note}`);
    } catch (error) {
      if (host.hostKeyFingerprints.length === 0) {
        return failed(
          `cannot read knownHostsFile ${file} (${codeOf(error)}): no host key of ${host.name} can be trusted`,
        );
      }
      deps.logger?.warn('known_hosts unreadable; using pinned fingerprints only', {
        file,
        code: codeOf(error),
      });
    }
  }

  let privateKey: Buffer | undefined;
  if (host.keyFile) {
    try {
      privateKey = await deps.readFile(host.keyFile);
    } catch (error) {
      return failed(`cannot read keyFile ${host.keyFile} for ${host.name} (${codeOf(error)})`);
    }
  }
  const agentSocket = host.agent ? deps.env.SSH_AUTH_SOCK : undefined;
  if (host.agent && !agentSocket && !privateKey) {
    return failed(
      `host ${host.name} uses agent: true but SSH_AUTH_SOCK is not set: start an ssh-agent or set keyFile`,
    );
  }
  return {
    ok: true,
    request: {
      host,
      connectTimeoutMs: config.connectTimeoutSeconds * 1000,
      hostKeys: hostKeyPolicy(host, knownHosts, file),
      ...(privateKey ? { privateKey } : {}),
      ...(agentSocket ? { agentSocket } : {}),
    },
  };
}

function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : errorMessage(error);
}
