import type { RunIdentity } from '../domain/risk.js';
import type { HostConfig } from './config.js';

/**
 * The host as one of its identities logs in: the main user, or its readOnlyUser with that user's
 * own credentials. Null when the host has no such identity: a read-only run never falls back to
 * the main user.
 */
export function loginAs(host: HostConfig, identity: RunIdentity): HostConfig | null {
  if (identity === 'main') return host;
  const readOnly = host.readOnlyUser;
  if (!readOnly) return null;
  return {
    ...host,
    user: readOnly.user,
    keyFile: readOnly.keyFile,
    agent: readOnly.agent,
    readOnlyUser: undefined,
  };
}

/**
 * The connection pool's key: one connection per host and identity, so a read-only command never
 * shares a connection (and so a login) with the main user. Also how stats name connections.
 */
export function connectionKey(host: string, identity: RunIdentity): string {
  return identity === 'main' ? host : `${host} (read-only)`;
}
