import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OpenSSH known_hosts, read the way ssh(1) reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
 * `[marker] patterns keytype base64-key [comment]`, where patterns are a comma list of names,
 * `[name]:port` for ports other than 22, `*`/`?` wildcards, `!negations`, or one hashed
 * `|1|salt|hmac-sha1` entry. Pure functions: the caller reads the file.
 */

export interface KnownHostEntry {
  /** 1-based line in the file, for messages. */
  line: number;
  /** `revoked` keys are refused for every host; `cert-authority` lines are skipped (see notes). */
  marker: 'revoked' | null;
  hosts: HostPatterns;
  keyType: string;
  /** The public key blob (SSH wire format), as the server presents it. */
  key: Buffer;
}

export type HostPatterns =
  | { kind: 'patterns'; patterns: Array<{ negated: boolean; pattern: string }> }
  | { kind: 'hashed'; salt: Buffer; hash: Buffer };

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  /** Lines that were skipped, with the reason (never fatal: ssh(1) skips them too). */
  notes: string[];
}

export function parseKnownHosts(text: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const notes: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift();
      if (name === '@cert-authority') {
        notes.push(
          `line ${line}: @cert-authority ignored (host certificates are not checked; pin the host key instead)`,
        );
        return;
      }
      if (name !== '@revoked') {
        notes.push(`line ${line}: unknown marker ${name} ignored`);
        return;
      }
      marker = 'revoked';
    }
    const [patternField, keyType, keyBase64] = fields;
    if (!patternField || !keyType || !keyBase64) {
      notes.push(`line ${line}: expected "hosts keytype key", ignored`);
      return;
    }
    const key = decodeKey(keyBase64);
    if (!key) {
      notes.push(`line ${line}: the key is not valid base64, ignored`);
      return;
    }
    const embedded = keyTypeOf(key);
    if (embedded !== keyType) {
      notes.push(
        `line ${line}: key type ${keyType} does not match the key (${embedded ?? 'unreadable'}), ignored`,
      );
      return;
    }
    const hosts = parseHostPatterns(patternField);
    if (!hosts) {
      notes.push(`line ${line}: malformed hashed host entry, ignored`);
      return;
    }
    entries.push({ line, marker, hosts, keyType, key });
  });
  return { entries, notes };
}

/** The name known_hosts stores for a host: `name` on port 22, `[name]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Whether an entry's host part matches `host` on `port` (hashed entries included). */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostName(host.toLowerCase(), port);
  const hosts = entry.hosts;
  if (hosts.kind === 'hashed') {
    const digest = createHmac('sha1', hosts.salt).update(name).digest();
    return digest.length === hosts.hash.length && timingSafeEqual(digest, hosts.hash);
  }
  let matched = false;
  for (const { negated, pattern } of hosts.patterns) {
    if (!globMatch(pattern.toLowerCase(), name)) continue;
    // A matching negation rejects the line whatever else matches (ssh's match_hostname).
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `SHA256:…` as `ssh-keygen -l` prints it: unpadded base64 of the SHA-256 of the key blob. */
export function fingerprintSha256(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name a key blob starts with (`ssh-ed25519`, `ssh-rsa`, …), or null. */
export function keyTypeOf(key: Buffer): string | null {
  if (key.length < 4) return null;
  const length = key.readUInt32BE(0);
  if (length === 0 || length > 64 || key.length < 4 + length) return null;
  const name = key.subarray(4, 4 + length).toString('latin1');
  return /^[\x21-\x7e]+$/.test(name) ? name : null;
}

export type HostKeyCheck =
  | { verdict: 'trusted'; line: number }
  | { verdict: 'revoked'; line: number }
  /** The file lists keys for this host, but not this one: it changed, or someone is in between. */
  | { verdict: 'changed'; knownLines: number[] }
  | { verdict: 'unknown' };

/**
 * Checks a presented key against the entries for any of `names` on `port`. A revoked key is
 * refused for every host, whatever its host pattern says: stricter than ssh, never weaker.
 */
export function checkKnownHost(
  entries: KnownHostEntry[],
  names: string[],
  port: number,
  presented: Buffer,
): HostKeyCheck {
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(presented));
  if (revoked) return { verdict: 'revoked', line: revoked.line };
  const forHost = entries.filter(
    (e) => e.marker === null && names.some((name) => entryMatchesHost(e, name, port)),
  );
  const trusted = forHost.find((e) => e.key.equals(presented));
  if (trusted) return { verdict: 'trusted', line: trusted.line };
  if (forHost.length > 0) return { verdict: 'changed', knownLines: forHost.map((e) => e.line) };
  return { verdict: 'unknown' };
}

/** Key types the file trusts for a host, so the handshake can ask the server for one of them. */
export function knownKeyTypes(entries: KnownHostEntry[], names: string[], port: number): string[] {
  const types = entries
    .filter((e) => e.marker === null && names.some((name) => entryMatchesHost(e, name, port)))
    .map((e) => e.keyType);
  return [...new Set(types)];
}

function parseHostPatterns(field: string): HostPatterns | null {
  if (field.startsWith('|1|')) {
    const [, , salt, hash, ...rest] = field.split('|');
    const saltBytes = salt ? decodeKey(salt) : null;
    const hashBytes = hash ? decodeKey(hash) : null;
    if (!saltBytes || !hashBytes || rest.length > 0 || hashBytes.length !== 20) return null;
    return { kind: 'hashed', salt: saltBytes, hash: hashBytes };
  }
  const patterns = field
    .split(',')
    .filter(Boolean)
    .map((p) =>
      p.startsWith('!') ? { negated: true, pattern: p.slice(1) } : { negated: false, pattern: p },
    );
  return { kind: 'patterns', patterns };
}

function decodeKey(base64: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  const bytes = Buffer.from(base64, 'base64');
  return bytes.length > 0 ? bytes : null;
}

/** ssh's match_pattern: `*` any run, `?` one character, everything else literal. */
function globMatch(pattern: string, text: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === text;
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(text);
}
