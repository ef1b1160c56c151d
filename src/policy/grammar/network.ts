import { isIP } from 'node:net';

/**
 * Network peers a command may reach without approval: loopback, and the hosts an operator lists in
 * `policy.internalHosts` (exact names, `*.suffix` wildcards, IPv4/IPv6 addresses and CIDR ranges).
 */

export function isLoopback(host: string): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
  return mapped ? (mapped[1] as string).startsWith('127.') : false;
}

/** Whether `host` is loopback or listed; unlisted names and addresses are outside. */
export function isInternalHost(host: string, internal: readonly string[]): boolean {
  if (isLoopback(host)) return true;
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (name === '' || name.includes('@') || name.includes('%')) return false;
  return internal.some((entry) => matches(name, entry.toLowerCase()));
}

function matches(name: string, entry: string): boolean {
  if (entry.includes('/')) return inCidr(name, entry);
  if (entry.startsWith('*.')) return name.endsWith(entry.slice(1)) && name.length > entry.length - 1;
  return name === entry;
}

function inCidr(address: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  const family = isIP(address);
  if (family === 0 || family !== isIP(base) || !Number.isInteger(bits)) return false;
  const a = toBits(address, family);
  const b = toBits(base, family);
  return a.slice(0, bits) === b.slice(0, bits);
}

function toBits(address: string, family: number): string {
  if (family === 4)
    return address
      .split('.')
      .map((part) => Number(part).toString(2).padStart(8, '0'))
      .join('');
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups
    .map((group) =>
      Number.parseInt(group || '0', 16)
        .toString(2)
        .padStart(16, '0'),
    )
    .join('');
}

/** Checks a policy.internalHosts entry; the message says what is wrong. */
export function internalHostError(entry: string): string | null {
  if (entry === '*' || entry === '*.') return 'a bare * would make every host internal';
  if (entry.includes('/')) {
    const [base = '', bits = ''] = entry.split('/');
    const family = isIP(base);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || !/^\d+$/.test(bits) || Number(bits) > max)
      return `${entry} is not a CIDR range such as 10.0.0.0/8`;
    return null;
  }
  if (isIP(entry)) return null;
  if (
    /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(entry)
  )
    return null;
  return `${entry} is not a host name, *.domain wildcard, address or CIDR range`;
}
