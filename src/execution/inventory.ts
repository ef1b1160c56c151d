import { hostOf } from '../correlation/root-cause.js';
import type { HostConfig } from './config.js';

/**
 * Which inventory host a command is for: a host name as typed, or the host an alert points at.
 * Ambiguity is never guessed away: two candidates are as good as none, and the caller asks.
 */

/** Alert labels that name a machine, checked (port stripped) against hosts' names and addresses. */
export const HOST_LABELS = ['instance', 'host', 'hostname', 'nodename', 'node'] as const;

export type HostTarget = string | Record<string, string>;

export function resolveHost(inventory: readonly HostConfig[], target: HostTarget): HostConfig | null {
  const candidates = candidateHosts(inventory, target);
  return candidates.length === 1 ? (candidates[0] ?? null) : null;
}

/**
 * The hosts a target could mean, strongest evidence first: for labels, hosts whose every label
 * equals the alert's (e.g. instance: db-1:9100); only when none, hosts whose name or address is
 * the alert's instance/host without its port. For a string, the host with that name, else those
 * with that address, else those whose name or address is the string without its port.
 */
export function candidateHosts(inventory: readonly HostConfig[], target: HostTarget): HostConfig[] {
  if (typeof target === 'string') return byName(inventory, target);
  const byLabels = inventory.filter((host) => {
    const wanted = Object.entries(host.labels);
    return wanted.length > 0 && wanted.every(([key, value]) => target[key] === value);
  });
  if (byLabels.length > 0) return byLabels;
  const names = new Set(
    HOST_LABELS.map((label) => hostOf(target[label] ?? null))
      .filter((name): name is string => Boolean(name))
      .map((name) => name.toLowerCase()),
  );
  return inventory.filter(
    (host) => names.has(host.name.toLowerCase()) || names.has(host.address.toLowerCase()),
  );
}

function byName(inventory: readonly HostConfig[], target: string): HostConfig[] {
  const exact = inventory.filter((host) => host.name === target);
  if (exact.length > 0) return exact;
  const lower = target.toLowerCase();
  const byAddress = inventory.filter((host) => host.address.toLowerCase() === lower);
  if (byAddress.length > 0) return byAddress;
  const bare = hostOf(target)?.toLowerCase();
  if (!bare || bare === lower) {
    return inventory.filter((host) => host.name.toLowerCase() === lower);
  }
  return inventory.filter((host) => host.name.toLowerCase() === bare || host.address.toLowerCase() === bare);
}
