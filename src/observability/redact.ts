/**
 * Secret redaction, applied at every edge (logs, Slack, prompts, error messages, command output).
 * Patterns cover the credentials an SRE's alerts, logs and command output actually leak. Every step is
 * linear in the input: no pattern has quantifiers that can split the same text two ways, runs are
 * matched from their start only, and the steps that need context are single passes over the lines.
 */
import { isErrorLike } from '../errors.js';

const REDACTED = '[REDACTED]';
const R = REDACTED;

type Replacer = string | ((match: string, ...groups: string[]) => string);

const decode = (base64: string) => Buffer.from(base64, 'base64').toString('latin1');

/** Text that is a secret wherever it appears, in this order; `$1` keeps a prefix. */
const SECRET_PATTERNS: Array<[RegExp, Replacer]> = [
  // Private keys (PEM, OpenSSH, PGP, SSH2) whole; a block cut off by truncation goes to the end of the text
  [
    /-{4,5} ?BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-{4,5}[\s\S]*?(?:-{4,5} ?END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-{4,5}|$)/g,
    R,
  ],
  // PuTTY .ppk: the base64 lines after Private-Lines
  [/(Private-Lines:[ \t]*\d+[ \t]*\r?\n)(?:[A-Za-z0-9+/=]+[ \t]*\r?(?:\n|$))+/g, `$1${R}\n`],
  // A private key base64-encoded again (kubeconfig client-key-data, a Secret's tls.key): "-----BEGIN" is LS0tLS1CRUdJTi
  [/LS0tLS1CRUdJTi[A-Za-z0-9+/]*={0,2}/g, (m) => (decode(m.slice(0, 120)).includes('PRIVATE KEY') ? R : m)],
  // Slack tokens (bot, user, app, refresh) and webhook URLs
  [/\bxox[abposre](?:\.xox[a-z])?-[0-9A-Za-z-]{8,}/g, R],
  [/\bxapp-\d-[0-9A-Za-z-]{8,}/g, R],
  [/https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g, R],
  // Anthropic and OpenAI keys
  [/\bsk-ant-[A-Za-z0-9_-]{10,}/g, R],
  [/\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/g, R],
  // GitHub and GitLab tokens
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, R],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, R],
  [/\bgl(?:pat|dt|rt|ptt|cbt|soat)-[A-Za-z0-9_-]{20,}/g, R],
  // AWS access key ids, long-term and temporary
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, R],
  // Google API keys, OAuth client secrets and access tokens
  [/\bAIza[0-9A-Za-z_-]{35}/g, R],
  [/\bGOCSPX-[0-9A-Za-z_-]{20,}/g, R],
  [/\bya29\.[0-9A-Za-z_-]{20,}/g, R],
  // Stripe secret and restricted keys, webhook signing secrets
  [/\b[rs]k_(?:live|test)_[0-9A-Za-z]{10,}/g, R],
  [/\bwhsec_[0-9A-Za-z+/=]{20,}/g, R],
  // npm tokens
  [/\bnpm_[A-Za-z0-9]{36}\b/g, R],
  // HashiCorp Vault tokens, current (hvs./hvb./hvr.) and legacy (s. and 24 characters with a digit)
  [/\bhv[sbr]\.[A-Za-z0-9_-]{20,}/g, R],
  [/\bs\.(?=[A-Za-z]*\d)[A-Za-z0-9]{24}\b/g, R],
  // SendGrid keys, Twilio API key SIDs
  [/\bSG\.[\w-]{16,}\.[\w-]{16,}/g, R],
  [/\bSK[0-9a-fA-F]{32}\b/g, R],
  // JWTs, matched only from the start of a base64url run
  [/(?<![\w-])eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g, R],
  // Bearer tokens outside a header (with a digit, so "Bearer authentication" stays)
  [/\b(Bearer[ \t]+)(?=[\w.~+/-]*\d)[\w.~+/-]{8,}=*/g, `$1${R}`],
  // Basic credentials outside a header: base64 of printable `user:password`
  [
    /\b(Basic[ \t]+)([A-Za-z0-9+/]{6,}={0,2})(?![\w+/=])/g,
    (m, scheme: string, b64: string) => (/^[\x20-\x7e]*:[\x20-\x7e]*$/.test(decode(b64)) ? scheme + R : m),
  ],
  // Password hashes: crypt(3) as in /etc/shadow and htpasswd ($1$ $2b$ $5$ $6$ $y$ $apr1$ $argon2id$ …)
  [/\$(?:1|2[abxy]|5|6|7|y|gy|apr1|md5|sha1|argon2(?:id|i|d)|pbkdf2(?:-sha\d+)?|scrypt)\$[^\s:'";]{8,}/g, R],
  // … LDAP and htpasswd {SHA}/{SSHA} hashes, MySQL *HEX, PostgreSQL SCRAM-SHA-256 and md5
  [/\{(?:S?SHA(?:256|512)?|S?MD5|CRYPT|PBKDF2[\w-]*|ARGON2)\}[^\s:'";]{8,}/gi, R],
  [/(?<![\w*])\*[0-9A-Fa-f]{40}\b/g, R],
  [/\bSCRAM-SHA-256\$[^\s'",|]+/g, R],
  [/\bmd5[0-9a-f]{32}\b/g, R],
  // Cookie headers: every cookie on the line
  [/\b((?:Set-)?Cookie[ \t]*:[ \t]*)[^\r\n]+/gi, `$1${R}`],
  // user:password@ in URLs (postgres://u:p@host, amqp://…, redis://:p@host): the user stays
  [/\b([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s:/@]*):([^\s@/]+)@/gi, `$1$2:${R}@`],
];

/**
 * Names whose value is a secret, tested on the name cut into words (at _ . - and camelCase) and lower-cased:
 * a word like password, passwd, pwd, secret, token, credential(s), auth, dsn, cookie, signature, a compound
 * like api_key, access_key, private_key, session_key, client_key (kubeconfig client-key-data). `PWD` and
 * `OLDPWD` (the shell's directories), and names that only point at a secret (…_NAME, …_FILE, secretKeyRef,
 * …_URL, …_TYPE) are not secrets; AUTHOR and max_tokens are not words of the list.
 */
const SECRET_NAME =
  /(?:^|_)(?:[a-z0-9]*(?:passw(?:or)?d|passphrase|secret|credential|(?:api|access|private|secret|session|signing|encryption|master|account|client|app|license|shared|storage|tls)_?key)s?|[a-z0-9]*token|[a-z0-9]*sess(?:ion)?_?id|pass|pwd|auth|creds?|dsn|cookies?|authorization|sig|signature)(?=_|$)/;
const NOT_SECRET_NAME =
  /^_?(?:pwd|oldpwd)$|_(?:name|names|ref|refs|file|path|dir|type|url|uri|host|port|addr|sock|style|method|mode|ttl|length|count|enabled|expiry|expires_in|expires_at|provider|header)$/;

export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
  return SECRET_NAME.test(words) && !NOT_SECRET_NAME.test(words);
}

/** A value after a secret name: quoted whole, or up to a space or delimiter (not a `{`/`[` structure, nor kubectl describe's `8 bytes`). */
const VALUE =
  /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|(?:Bearer|Basic|Token|Digest|Negotiate)[ \t]+[^\s"',;&]+|(?![{[|>]|\d+ bytes\b)[^\s"',;&]+/y;

interface NamedValue {
  /** Ends just before the value; its group `name` decides. It must not scan the value (linear time). */
  head: RegExp;
  /** Where the value ends: a sticky pattern from the end of head, or a function (-1: no value). */
  value: RegExp | ((text: string, from: number, head: RegExpExecArray) => number);
}

/** Values under secret-like names: the name stays, the value goes. */
const NAMED_VALUES: NamedValue[] = [
  // env files, env/printenv, /proc/*/environ, docker inspect Env: NAME=value to the end of the line or quote
  {
    head: /(?:^|(?<=\0))[ \t]*(?:export[ \t]+|declare -x[ \t]+)?(?<quote>["']?)(?<name>[A-Za-z_][\w.-]*)=/gm,
    value: envValueEnd,
  },
  // `name: DB_PASSWORD` then `value: …`: Kubernetes env lists, ECS task definitions (YAML or JSON)
  {
    head: /(?<![\w-])(["']?)name\1[ \t]*:[ \t]*(["']?)(?<name>[\w.-]+)\2[ \t]*(?:,[ \t]*)?(?:\r?\n[ \t]*)?(["']?)value\4[ \t]*:[ \t]*/g,
    value: VALUE,
  },
  // YAML block scalar under a secret name: `password: |` and the lines indented under it
  {
    head: /^(?<indent>[ \t]*(?:- +)?)(["']?)(?<name>[\w.-]+)\2[ \t]*:[ \t]*(?=[|>])/gm,
    value: blockScalarEnd,
  },
  // key=value, key: value, "key": "value", Authorization: Bearer …, --password=… (not host:port, file:line)
  { head: /(?<![\w.-])(["']?)(?<name>[\w.-]+)\1[ \t]*(?:=|:(?![\d:/]))[ \t]*/g, value: VALUE },
];

const ENV_VALUE = {
  '"': /[^"\r\n\0]+/y,
  "'": /[^'\r\n\0]+/y,
  '': /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[^\r\n\0]+/y,
};

/** NAME=value runs to the end of the line (or NUL), or to the closing quote of docker's "NAME=value". */
function envValueEnd(text: string, from: number, head: RegExpExecArray): number {
  const pattern = ENV_VALUE[(head.groups?.quote ?? '') as keyof typeof ENV_VALUE];
  pattern.lastIndex = from;
  return pattern.test(text) ? pattern.lastIndex : -1;
}

function blockScalarEnd(text: string, from: number, head: RegExpExecArray): number {
  if (!/^[|>][-+0-9]*[ \t]*\r?(?:\n|$)/.test(text.slice(from, from + 16))) return -1;
  const column = head.groups?.indent?.length ?? 0;
  let end = text.indexOf('\n', from);
  while (end !== -1) {
    const next = text.indexOf('\n', end + 1);
    const line = text.slice(end + 1, next === -1 ? text.length : next);
    if (line.trim() !== '' && indentOf(line) <= column) return end;
    if (next === -1) return text.length;
    end = next;
  }
  return text.length;
}

function mask(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length > 1 && value.endsWith(quote)) return quote + R + quote;
  return (/^(?:Bearer|Basic|Token|Digest|Negotiate)[ \t]+/.exec(value)?.[0] ?? '') + R;
}

function redactNamedValues(text: string, { head, value }: NamedValue): string {
  let out = '';
  let done = 0;
  head.lastIndex = 0;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const from = head.lastIndex;
    if (!isSecretName(m.groups?.name ?? '')) continue;
    let end: number;
    if (typeof value === 'function') end = value(text, from, m);
    else {
      value.lastIndex = from;
      end = value.test(text) ? value.lastIndex : -1;
    }
    if (end <= from) continue;
    out += text.slice(done, from) + mask(text.slice(from, end));
    done = head.lastIndex = end;
  }
  return out + text.slice(done);
}

const indentOf = (line: string) => line.length - line.trimStart().length;

const KEY_END = /-{4,5} ?END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)? ?-{4,5}/;
const BASE64_LINE = /^[ \t]*=?[A-Za-z0-9+/]+={0,2}[ \t]*\r?$/;
const BASE64_CHAR = /[A-Za-z0-9+/=\\]/;

/** The tail of a private key whose BEGIN line was cut off: the base64 lines (or escaped text) before its END. */
function redactKeyTails(text: string): string {
  if (!KEY_END.test(text)) return text;
  const lines: Array<string | null> = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const at = line.search(KEY_END);
    if (at === -1) continue;
    let start = at;
    while (start > 0 && BASE64_CHAR.test(line[start - 1] as string)) start--;
    lines[i] = line.slice(0, start) + R + line.slice(at).replace(KEY_END, '');
    const alone = line.slice(0, start).trim() === '';
    for (let j = i - 1; alone && j >= 0 && BASE64_LINE.test(lines[j] ?? '['); j--) lines[j] = null;
  }
  return lines.filter((line) => line !== null).join('\n');
}

// Kubernetes Secrets as kubectl prints them (YAML, pretty JSON, and compact JSON in one line)
const SECRET_KIND = /\bkind\\?"?[ \t]*:[ \t]*\\?"?Secret\b/;
const KIND_LINE = /^[ \t]*(?:- +)?"?kind"?[ \t]*:[ \t]*"?Secret"?,?[ \t]*\r?$/;
const DATA_LINE = /^[ \t]*(?:- +)?"?(?:data|stringData)"?[ \t]*:[ \t]*\{?[ \t]*\r?$/;
const DATA_ENTRY = /^([ \t]*("?)[-.\w]+\2[ \t]*:[ \t]*)(")?/;
const INLINE_DATA = /(\\?"(?:data|stringData)\\?"[ \t]*:[ \t]*)\{(?:[^{}\n]*\}|[^\n]*)/g;

interface Scope {
  column: number;
  secret: boolean;
  blocks: Array<[number, number]>;
}

/**
 * `kubectl get secret -o yaml|json`: the values under `data:`/`stringData:` of each object whose kind is
 * Secret (keys stay). Objects are told apart by indentation in one pass, so a ConfigMap's data next to a
 * Secret stays; in compact JSON (jq -c, the last-applied-configuration annotation) the whole map goes.
 */
function redactSecretManifests(text: string): string {
  if (!SECRET_KIND.test(text)) return text;
  const lines: Array<string | null> = text.split('\n');
  const scopes: Scope[] = [];
  const close = (scope: Scope | undefined) => {
    if (scope?.secret) for (const [from, to] of scope.blocks) maskEntries(lines, from, to);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    if (line.startsWith('---')) {
      while (scopes.length > 0) close(scopes.pop());
      continue;
    }
    const indent = indentOf(line);
    const column = indent + (/^[ \t]*((?:- +)*)/.exec(line)?.[1]?.length ?? 0);
    while ((scopes.at(-1)?.column ?? -1) > indent) close(scopes.pop());
    let scope = scopes.at(-1);
    if (scope?.column !== column) {
      scope = { column, secret: false, blocks: [] };
      scopes.push(scope);
    }
    if (KIND_LINE.test(line)) scope.secret = true;
    else if (DATA_LINE.test(line)) {
      let end = i + 1;
      while (
        end < lines.length &&
        ((lines[end] as string).trim() === '' || indentOf(lines[end] as string) > column)
      )
        end++;
      while (end > i + 1 && (lines[end - 1] as string).trim() === '') end--;
      scope.blocks.push([i + 1, end]);
      i = end - 1;
    } else if (SECRET_KIND.test(line)) lines[i] = line.replace(INLINE_DATA, `$1{${R}}`);
  }
  while (scopes.length > 0) close(scopes.pop());
  return lines.filter((line) => line !== null).join('\n');
}

/** Each entry of a data map keeps its key; lines of a multi-line value go. */
function maskEntries(lines: Array<string | null>, from: number, to: number): void {
  const column = indentOf(lines[from] ?? '');
  for (let i = from; i < to; i++) {
    const line = lines[i] as string;
    const entry = DATA_ENTRY.exec(line);
    if (indentOf(line) !== column) lines[i] = null;
    else if (!entry) lines[i] = line.slice(0, column) + R;
    else {
      const comma = /,\s*$/.test(line) ? ',' : '';
      lines[i] = `${entry[1]}${entry[3] ? `"${R}"` : R}${comma}${line.endsWith('\r') ? '\r' : ''}`;
    }
  }
}

export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) {
    result =
      typeof replacement === 'string'
        ? result.replace(pattern, replacement)
        : result.replace(pattern, replacement);
  }
  result = redactKeyTails(result);
  result = redactSecretManifests(result);
  for (const rule of NAMED_VALUES) result = redactNamedValues(result, rule);
  return result;
}

/** Object keys masked besides secret names: a bare `key`, and `pwd` (in an object, not the shell's directory). */
const SECRET_KEY_NAMES = /^(?:key|pwd)$/;

/** Deep copy with secret-named keys masked and every string scrubbed. Handles cycles. */
export function redact<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]' as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, seen)) as T;
  if (isErrorLike(value)) {
    return {
      name: value.name,
      message: redactText(value.message),
      stack: value.stack && redactText(value.stack),
    } as T;
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const secret = item !== undefined && item !== null && (SECRET_KEY_NAMES.test(key) || isSecretName(key));
    result[key] = secret ? REDACTED : redact(item, seen);
  }
  return result as T;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
const ANSI_ESCAPE = /\u001b\[[0-9;?]*[A-Za-z]/g;
// C0 and C1 controls but tab, and the Unicode line/paragraph separators some viewers break lines at.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const LINE_BREAKING = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Newlines and terminal escape codes in untrusted text cannot forge log lines or recolor a terminal. */
export function neutralizeControl(text: string): string {
  return text
    .replace(ANSI_ESCAPE, '')
    .replace(LINE_BREAKING, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
