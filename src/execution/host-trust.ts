import type { HostConfig } from './config.js';
import { checkKnownHost, fingerprintSha256, knownKeyTypes, type ParsedKnownHosts } from './known-hosts.js';

/**
 * Which host keys a host may present: its known_hosts entries (under its address or its
 * inventory name, like HostKeyAlias) and its pinned fingerprints. Anything else is refused, with
 * a message that names the presented fingerprint so an operator can check it out of band.
 */
export interface HostKeyVerdict {
  trusted: boolean;
  fingerprint: string;
  reason: string;
}

export interface HostKeyPolicy {
  verify(key: Buffer): HostKeyVerdict;
  /** Host key algorithms to ask the server for (those the file knows), or null for the defaults. */
  preferredAlgorithms: string[] | null;
}

/** What ssh2 can negotiate; a type outside this list would make it throw. */
const ALGORITHMS_BY_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

export function hostKeyPolicy(
  host: HostConfig,
  knownHosts: ParsedKnownHosts | null,
  knownHostsFile?: string,
): HostKeyPolicy {
  const names = [...new Set([host.address, host.name])];
  const where = `${host.name} (${host.address}:${host.port})`;
  const file = knownHostsFile ?? 'known_hosts';
  const pins = new Set(host.hostKeyFingerprints);
  const entries = knownHosts?.entries ?? [];

  const verify = (key: Buffer): HostKeyVerdict => {
    const fingerprint = fingerprintSha256(key);
    const refuse = (why: string): HostKeyVerdict => ({
      trusted: false,
      fingerprint,
      reason: `host key ${fingerprint} presented by ${where} refused: ${why}`,
    });
    const check = checkKnownHost(entries, names, host.port, key);
    if (check.verdict === 'revoked') return refuse(`it is marked @revoked in ${file} line ${check.line}`);
    if (pins.has(fingerprint)) return { trusted: true, fingerprint, reason: 'pinned in hostKeyFingerprints' };
    if (check.verdict === 'trusted')
      return { trusted: true, fingerprint, reason: `${file} line ${check.line}` };
    if (check.verdict === 'changed' || pins.size > 0) {
      const known = [
        ...(check.verdict === 'changed' ? [`${file} lines ${check.knownLines.join(', ')}`] : []),
        ...(pins.size > 0 ? [`pinned ${[...pins].join(', ')}`] : []),
      ].join('; ');
      return refuse(
        `it does not match the key trusted for this host (${known}): the host key changed or someone is in between; check it on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before updating the trust`,
      );
    }
    return refuse(
      `no trusted key for this host in ${knownHosts ? file : 'the configuration'}: add it to ${file} or hostKeyFingerprints after checking it on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)`,
    );
  };

  const algorithms =
    pins.size > 0
      ? []
      : knownKeyTypes(entries, names, host.port).flatMap((t) => ALGORITHMS_BY_KEY_TYPE[t] ?? []);
  return { verify, preferredAlgorithms: algorithms.length > 0 ? algorithms : null };
}
