import { UNKNOWN } from './verdict.js';

/** Where output may go without writing anything. */
const SINKS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/fd/1', '/dev/fd/2']);

/** Disks, partitions, volumes and raw memory: writing to them destroys what is there. */
const DEVICE =
  /^\/dev\/(sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|dm-\d|md\d|loop\d|sr\d|root$|disk\/|mapper\/|mem$|kmem$|port$)/;

/** Databases, queues and backups: deleting under them loses data, not just configuration. */
const DATA_DIRS = [
  '/var/lib/mysql',
  '/var/lib/mariadb',
  '/var/lib/postgresql',
  '/var/lib/pgsql',
  '/var/lib/mongodb',
  '/var/lib/mongo',
  '/var/lib/redis',
  '/var/lib/etcd',
  '/var/lib/elasticsearch',
  '/var/lib/opensearch',
  '/var/lib/cassandra',
  '/var/lib/kafka',
  '/var/lib/zookeeper',
  '/var/lib/rabbitmq',
  '/var/lib/clickhouse',
  '/var/lib/influxdb',
  '/var/lib/prometheus',
  '/var/lib/minio',
  '/var/lib/ceph',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/kubelet',
  '/var/lib/grafana',
  '/var/opt/mssql',
  '/var/backups',
  '/etc/kubernetes',
  '/data',
  '/backup',
  '/backups',
];

/** Directories whose programs are the system's own: `/usr/bin/rm` is rm, `/tmp/rm` is not. */
const SYSTEM_DIRS = new Set(['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']);

/** `/usr/bin/rm` → rm (trusted); `./rm`, `/tmp/rm` → rm (untrusted: never read-only). */
export function programName(raw: string): { name: string; trusted: boolean } {
  if (!raw.includes('/')) return { name: raw, trusted: true };
  const normal = normalizePath(raw);
  const slash = normal.lastIndexOf('/');
  const dir = slash <= 0 ? '/' : normal.slice(0, slash);
  return { name: normal.slice(slash + 1), trusted: raw.startsWith('/') && SYSTEM_DIRS.has(dir) };
}

/** Lexical normalisation: `//etc/./nginx/../` is `/etc`. Relative paths stay relative. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && absolute) parts.pop();
    else parts.push(part);
  }
  return absolute ? `/${parts.join('/')}` : parts.join('/') || '.';
}

export function isSink(path: string): boolean {
  return SINKS.has(normalizePath(path));
}

export function isDevice(path: string): boolean {
  return DEVICE.test(normalizePath(path));
}

/**
 * Under a data directory, or (for a pattern) able to match one or something above one:
 * `/var/lib/my*` and `/var/lib/*` reach /var/lib/mysql.
 */
export function isDataPath(path: string): boolean {
  if (path === UNKNOWN) return true;
  if (!path.startsWith('/')) return false;
  const parts = normalizePath(path).split('/').filter(Boolean);
  const pattern = parts.some((p) => /[*?[]/.test(p));
  return DATA_DIRS.some((dir) => {
    const dirParts = dir.split('/').filter(Boolean);
    if (parts.length < dirParts.length && !pattern) return false;
    const shared = Math.min(parts.length, dirParts.length);
    for (let i = 0; i < shared; i++) {
      if (!componentMatches(parts[i] as string, dirParts[i] as string)) return false;
    }
    return true;
  });
}

function componentMatches(pattern: string, name: string): boolean {
  if (!/[*?[]/.test(pattern)) return pattern === name;
  const source = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  try {
    return new RegExp(`^${source}$`).test(name);
  } catch {
    return true;
  }
}

/**
 * Paths where a recursive delete, chmod or chown wrecks the host or loses data: `/`, anything one or
 * two levels deep (`/etc`, `/var/log`, `/home/alice`) except scratch space under /tmp, data
 * directories at any depth, a home directory (`~`), the working directory (`.`, `*`) and any path the
 * shell computes at run time.
 */
export function isCriticalPath(path: string): boolean {
  if (path === UNKNOWN || path === '') return true;
  if (/^~[^/]*\/?\*?$/.test(path) || path.startsWith('~/.')) return true;
  if (isDataPath(path)) return true;
  const normal = normalizePath(path);
  if (!normal.startsWith('/')) {
    const first = path.replace(/^\.\//, '').split('/')[0] ?? '';
    return normal === '.' || path.startsWith('..') || /^[*?.[\]]+$/.test(first) || first === '';
  }
  const parts = normal.split('/').filter(Boolean);
  if (parts.length === 0) return true;
  const scratch = parts[0] === 'tmp' || (parts[0] === 'var' && parts[1] === 'tmp');
  const shallow = scratch ? parts.length < (parts[0] === 'tmp' ? 2 : 3) : parts.length <= 2;
  if (shallow) return true;
  // A pattern near the top (`/var/*/…`, `/etc/*`) reaches the same critical directories.
  return parts.slice(0, scratch ? 1 : 2).some((part) => /[*?[]/.test(part));
}
