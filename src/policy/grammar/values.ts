import { isIP } from 'node:net';
import { normalizePath } from '../paths.js';
import { checkAwk } from './languages/awk.js';
import { checkJq } from './languages/jq.js';
import { checkSed } from './languages/sed.js';
import { checkPsqlCommand, checkSql } from './languages/sql.js';
import { isInternalHost } from './network.js';
import { secretGlobMatch, secretPathMatch, secretTreeMatch } from './secrets.js';

/**
 * The types operands and option values are declared with. Each checks one word and answers:
 * `false` (not this type: the command waits for a human), `true` (harmless), or a string saying why
 * the word, although well-formed, must not run unattended (a secret file, an outside host).
 */

export interface ValueContext {
  /** policy.secretPaths */
  secretPaths: readonly string[];
  /** policy.internalHosts */
  internalHosts: readonly string[];
}

export interface Word {
  value: string;
  /**
   * Holds an unquoted `*` or `?`. Only path types accept it as a file pattern (and it is sent
   * unquoted); every other type reads the characters literally, and AALS sends them quoted.
   */
  glob: boolean;
  /** Position among the program's arguments, when the value is a whole argument. */
  index?: number;
}

export type Check = boolean | string;
type TypeCheck = (word: Word, ctx: ValueContext) => Check;

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:@+-]{0,252}$/;
const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

const regex =
  (pattern: RegExp): TypeCheck =>
  (word) =>
    pattern.test(word.value);

/** An operand never starts with `-` (the tool would read it as an option); a lone `-` is stdin. */
function plainPath(word: Word): boolean {
  const value = word.value;
  if (value === '' || value.includes('\0') || (value.startsWith('-') && value !== '-')) return false;
  if (value.startsWith('~')) return false; // the home of the identity that runs it, not a checked path
  // `http://…`, `host:file`: tools such as openssl and tar open those over the network.
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return false;
  if (!word.glob) return true;
  // Globs only as absolute `*`/`?` patterns: they then expand to absolute names, never to options.
  return value.startsWith('/') && !/[[\]]/.test(value);
}

/**
 * Names that are not files: gawk opens `/inet/tcp/…` as a network connection; devices bypass file
 * permissions or act when opened (`/dev/watchdog` arms a reboot); reading `/proc/kmsg` consumes it.
 */
const SPECIAL = /^\/(inet[46]?(\/|$)|dev\/(?!null$|stdin$)|proc\/kmsg$)/;

/**
 * Where a content glob may point: logs, and kernel state under /proc and /sys with a literal last
 * name (a pattern for the pid, then `status`). Anywhere else the shell could expand it to a key
 * (`/etc/ssh/ssh_host_e` followed by a star).
 */
const CONTENT_GLOB = /^\/var\/log\/|^\/(proc|sys)\/.*\/[^/*?]+$/;

/** `..` after a link is not `..` of the text (`/var/run/../etc` is `/etc`): the kernel follows links first. */
const CLIMBS = /(^|\/)\.\.(\/|$)/;

/**
 * Where a file's content may be printed unattended: system configuration and kernel state (with the
 * secret list), and logs wherever they are. Application, user, backup and scratch trees (`/srv`,
 * `/home`, `/var/www`, `/var/lib`, `/tmp`, the home directory a relative path is in) hold credentials
 * under more names than any list knows: reading them waits for a human.
 */
const CONTENT_ROOTS = /^\/(etc|proc|sys|usr|run|lib|lib64|boot)\/|^\/var\/log(\/|$)/;
const LOG_LIKE =
  /\/logs?\/|\.(log|out|err)(\.\d+)?(\.(gz|xz|bz2|zst))?$|\/(syslog|messages|kern\.log|dmesg)(\.\d+)?$/;

function readableContent(path: string): boolean {
  return path === '-' || CONTENT_ROOTS.test(path) || (path.startsWith('/') && LOG_LIKE.test(path));
}

/** A file whose content the tool prints. */
const contentPath: TypeCheck = (word, ctx) => {
  if (!plainPath(word)) return false;
  if (SPECIAL.test(normalizePath(word.value))) return `${word.value} is a device or network name, not a file`;
  if (CLIMBS.test(word.value))
    return `${word.value} climbs with '..', which AALS cannot follow through links`;
  if (word.glob && !CONTENT_GLOB.test(word.value))
    return `${word.value} is a file pattern outside /var/log that could match credential files`;
  const secret = word.glob
    ? secretGlobMatch(word.value, ctx.secretPaths)
    : secretPathMatch(word.value, ctx.secretPaths);
  if (secret) return `${word.value} may be credential material (${secret})`;
  return readableContent(normalizePath(word.value))
    ? true
    : `${word.value} is outside the system configuration and logs, where files may hold credentials`;
};

/** A directory tree the tool reads recursively: logs only (every other tree may hold a key somewhere). */
const treePath: TypeCheck = (word, ctx) => {
  const file = contentPath(word, ctx);
  if (file !== true) return file;
  const path = normalizePath(word.value);
  if (path === '-' || path.startsWith('/var/log/') || path === '/var/log' || /\/logs?(\/|$)/.test(path)) {
    const tree = secretTreeMatch(path);
    return tree && !path.startsWith('/var/log')
      ? `reading ${word.value} recursively reaches ${tree}, which holds credential material`
      : true;
  }
  return `reading ${word.value} recursively may reach credential files: AALS reads only log trees unattended`;
};

function hostCheck(host: string, ctx: ValueContext): Check {
  if (!(HOST_NAME.test(host) || isIP(host.replace(/^\[|\]$/g, '')))) return false;
  return isInternalHost(host, ctx.internalHosts)
    ? true
    : `${host} is outside loopback and policy.internalHosts`;
}

/** `host`, `host:port`, `[v6]:port`. */
function hostPort(value: string, ctx: ValueContext): Check {
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(value);
  if (v6) return hostCheck(v6[1] as string, ctx);
  const [host = '', port, ...rest] = value.split(':');
  if (rest.length > 0) return isIP(value) === 6 ? hostCheck(value, ctx) : false;
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return false;
  return hostCheck(host, ctx);
}

/** http(s) URLs (a bare `host:port/path` is http) to an internal host, with no credentials in them. */
function url(value: string, ctx: ValueContext): Check {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (scheme && !/^https?$/i.test(scheme[1] as string)) return false;
  const rest = scheme ? value.slice(scheme[0].length) : value;
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  if (authority === '' || authority.includes('@') || /[\s\\]/.test(value)) return false;
  const host = hostPort(authority, ctx);
  if (host !== true) return host;
  // curl expands [a-z] and {a,b} itself, and both curl and wget drop `.`/`..` segments: either
  // would turn a path AALS read into another one.
  if (/[[\]{}]|(^|\/)\.\.?(\/|$|\?|#)|%2e|%2f/i.test(rest.slice(authority.length))) return false;
  return SECRET_ENDPOINTS.test(rest.slice(authority.length))
    ? `${value} is an API that answers with credentials or process memory`
    : true;
}

/**
 * Local HTTP endpoints that answer with secrets: Docker's container inspect (environment) and export,
 * etcd and Consul key-value stores, Vault, Spring actuator env/heap/config, Go pprof, Kubernetes secrets.
 */
const SECRET_ENDPOINTS =
  /\/containers\/[^/]+\/(json|export|archive)|\/swarm\/unlockkey|\/(services|tasks|secrets|configs)\b|\/images\/[^/]+\/get|\/(v2\/keys|v3\/kv|v1\/kv)\b|\/v1\/(secret|sys|auth|identity|cubbyhole)\b|actuator\/(env|heapdump|configprops|threaddump)|\/debug\/pprof|\/secrets\b/i;

const TYPES: Record<string, TypeCheck> = {
  /** Any text the tool treats as data: a search pattern, a format, a label. */
  text: (word) => !word.value.includes('\0'),
  /** A search pattern (grep): text, which check.ts also reads for searches aimed at secrets. */
  pattern: (word) => !word.value.includes('\0'),
  int: regex(/^[+-]?\d{1,18}$/),
  uint: regex(/^\d{1,18}$/),
  number: regex(/^[+-]?(\d{1,18}(\.\d*)?|\.\d+)$/),
  size: regex(/^\d{1,15}(\.\d+)?([KMGTPE]i?)?[Bb]?$/i),
  duration: regex(/^(\d{1,9}(\.\d+)?(ns|us|µs|ms|s|sec|m|min|h|d|w)?)+$/),
  /** Timestamps and relative times as journalctl/date/kubectl read them ("1 hour ago", 2024-05-01T10:00:00Z). */
  time: regex(/^[A-Za-z0-9 :.,+_/-]{1,64}$/),
  name: regex(NAME),
  names: regex(/^[A-Za-z0-9_][A-Za-z0-9_.:@+-]*(,[A-Za-z0-9_][A-Za-z0-9_.:@+-]*)*$/),
  user: regex(/^([a-z_][a-z0-9_.-]{0,31}\$?|\d{1,10})$/i),
  pid: regex(/^\d{1,10}$/),
  pids: regex(/^\d{1,10}(,\d{1,10})*$/),
  port: regex(/^\d{1,5}$/),
  iface: regex(/^[A-Za-z0-9_.:@-]{1,15}$/),
  ip: (word) => isIP(word.value) !== 0,
  cidr: regex(/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/),
  /** A systemd unit or unit pattern (quoted `nginx*` is systemctl's pattern, not the shell's). */
  unit: regex(/^[A-Za-z0-9_.:@\\*?[\]-]{1,256}$/),
  /** journalctl matches: FIELD=value, or + between match groups. */
  'journal-match': regex(/^([A-Z0-9_]+=[^\0]*|\+)$/),
  'k8s-name': regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/),
  /** kubectl resource types, `type/name`, and comma lists; anything about secrets is never auto. */
  'k8s-resource': (word) => {
    if (!/^[a-z0-9.-]+(\/[a-z0-9.-]+)?(,[a-z0-9.-]+(\/[a-z0-9.-]+)?)*$/i.test(word.value)) return false;
    // Secrets, and kinds that carry credentials in plain fields (OpenShift oauthclients, Rancher
    // tokens, Cluster API kubeadmconfigs, service account tokens).
    return /secret|token|oauth|credential|password|kubeadmconfig|bootstrap|user|datasource|connection|auth/i.test(
      word.value,
    )
      ? `${word.value}: this kind holds credentials`
      : true;
  },
  selector: regex(/^[A-Za-z0-9_./=!,()\s-]{1,512}$/),
  /** kubectl -o: formats that print what get prints, never read a template from a file. */
  'k8s-output': regex(
    /^(json|yaml|wide|name|(jsonpath|jsonpath-as-json|custom-columns|go-template)=[^\0]*)$/,
  ),
  path: contentPath,
  /** A path whose metadata (size, type, listing) is read, not its content. */
  'meta-path': (word) => plainPath(word) && !CLIMBS.test(word.value),
  /** A directory read recursively. */
  tree: treePath,
  host: (word, ctx) => hostCheck(word.value, ctx),
  hostport: (word, ctx) => hostPort(word.value, ctx),
  url: (word, ctx) => url(word.value, ctx),
  /**
   * A DNS name looked up through the system resolver (the query, not a connection; a server given
   * with it, such as dig's `@server`, is checked as a host). An IP address is a reverse lookup.
   */
  domain: regex(HOST_NAME),
  'dns-name': (word) => HOST_NAME.test(word.value) || isIP(word.value) !== 0,
  sql: (word) => checkSql(word.value),
  /** psql -c: one statement or one describe command. */
  'psql-command': (word) => checkPsqlCommand(word.value),
  awk: (word) => checkAwk(word.value),
  sed: (word) => checkSed(word.value),
  jq: (word) => checkJq(word.value),
  /** `date +FORMAT`. */
  'date-format': regex(/^\+[^\0]*$/),
};

export const TYPE_NAMES = Object.keys(TYPES);

/** Checks a word against a built-in or tool-local type; an unknown type name never matches. */
export function checkValue(
  type: string,
  word: Word,
  ctx: ValueContext,
  local?: Readonly<Record<string, RegExp>>,
): Check {
  const localType = local?.[type];
  if (localType) return localType.test(word.value);
  const check = Object.hasOwn(TYPES, type) ? TYPES[type] : undefined;
  return check ? check(word, ctx) : false;
}

export function isKnownType(type: string, local?: Readonly<Record<string, RegExp>>): boolean {
  return Object.hasOwn(TYPES, type) || (local !== undefined && Object.hasOwn(local, type));
}
