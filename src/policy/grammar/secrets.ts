import { normalizePath } from '../paths.js';

/**
 * Credential material: files whose content is a secret. Reading them is never auto, in any
 * environment; `policy.secretPaths` adds more. Patterns are globs: `*` within a path segment,
 * `**` across segments; a pattern without a leading `/` matches at any depth.
 */
export const SECRET_PATHS: readonly string[] = [
  '/etc/shadow',
  '/etc/shadow-',
  '/etc/gshadow',
  '/etc/gshadow-',
  '/etc/security/opasswd',
  '/etc/sudoers',
  '/etc/sudoers.d/**',
  '/etc/ssh/*_key',
  '/etc/ssl/private/**',
  '/etc/pki/tls/private/**',
  '/etc/letsencrypt/**',
  '/etc/kubernetes/*.conf',
  '/etc/kubernetes/pki/**',
  '/var/lib/kubelet/pki/**',
  '/var/lib/kubelet/kubeconfig',
  '/etc/rancher/**',
  '/var/lib/rancher/**/token',
  '/var/lib/rancher/**/cred/**',
  '/run/secrets/**',
  '/var/run/secrets/**',
  '/etc/mysql/debian.cnf',
  '/etc/default/**',
  '/etc/sysconfig/**',
  '/etc/environment',
  '/etc/credstore/**',
  '/run/credentials/**',
  '/run/containerd/**',
  '/run/secrets/**',
  '/etc/samba/**',
  '/etc/krb5kdc/**',
  '/var/lib/krb5kdc/**',
  '/etc/zabbix/*.psk',
  '/etc/opendkim/**',
  '/etc/apt/auth.conf',
  '/etc/apt/auth.conf.d/**',
  '/etc/mysql/**/*.cnf',
  '/etc/datadog-agent/**',
  '/etc/alertmanager/**',
  '/etc/restic/**',
  '/etc/exim4/passwd*',
  '/etc/hostapd/**',
  '/etc/boto.cfg',
  '/var/log/installer/**',
  '/var/log/kubernetes/audit/**',
  '/var/log/*audit*',
  '/etc/credstore.encrypted/**',
  '/etc/wireguard/**',
  '/etc/NetworkManager/system-connections/**',
  '/etc/wpa_supplicant/**',
  '/etc/openvpn/**',
  '/etc/tinc/**',
  '/etc/ipsec.secrets',
  '/etc/ipsec.d/private/**',
  '/etc/pgbouncer/**',
  '/etc/clickhouse-server/**',
  '/etc/gitlab-runner/**',
  '/etc/traefik/**',
  '/etc/ssmtp/**',
  '/etc/docker/key.json',
  '/etc/ceph/*',
  '/etc/kubernetes/**',
  '/etc/cni/**',
  '/etc/rundeck/**',
  '/run/cloud-init/**',
  '/var/lib/cloud/**',
  '/var/lib/waagent/**',
  '/var/lib/docker/containers/**',
  '/var/lib/etcd/**',
  '/var/lib/grafana/**',
  '/var/lib/rabbitmq/**',
  '/var/lib/rancher/**',
  '/etc/postgresql/**/*.key',
  '/etc/redis/*.conf',
  '/etc/redis.conf',
  '/proc/*/environ',
  '/proc/*/mem',
  '/proc/**/environ',
  '/proc/**/mem',
  '/proc/**/pagemap',
  '/proc/*/root/**',
  '/proc/*/cwd/**',
  '/proc/*/fd/**',
  '/proc/*/map_files/**',
  '/proc/*/task/*/root/**',
  '/proc/*/task/*/cwd/**',
  '/proc/*/task/*/fd/**',
  '/proc/*/task/*/environ',
  '/proc/kcore',
  '/dev/mem',
  '/dev/kmem',
  '/dev/port',
  '.ssh/id_*',
  '.ssh/*_key',
  '.gnupg/**',
  '.aws/credentials',
  '.aws/config',
  '.config/gcloud/**',
  '.azure/**',
  '.kube/config',
  '.kube/**/config',
  '.docker/config.json',
  '.pgpass',
  '.my.cnf',
  '.mylogin.cnf',
  '.netrc',
  '.git-credentials',
  '.vault-token',
  '.npmrc',
  '.pypirc',
  '.env',
  '.env.*',
  '*.env',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  '*.jks',
  '*.keystore',
  '*.kdbx',
  '*.tfstate',
  '*.tfstate.backup',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  '*secret*',
  '*credential*',
  '*password*',
  '*token*',
  'htpasswd',
  '.htpasswd',
  'shadow*',
  'gshadow*',
  '*_passwd',
  '*_passwd.*',
  '*.keyring',
  '*keyring*',
  '.*_history',
  '*_history',
  '.*history',
  'kubeconfig',
  '*.kubeconfig',
  '*kubeconfig*',
  '.erlang.cookie',
  '*.keytab',
  '*keyfile*',
  '*.keys',
  '*.priv',
  '*-key.pem',
  '*_key.pem',
  'wpa_supplicant*.conf',
  'ovf-env.xml',
  'config.v2.json',
  'encryption-config*',
  'acme.json',
  'userlist.txt',
  '*jaas*',
  '.msmtprc',
  'msmtprc',
  '.s3cfg',
  '.boto',
  'rclone.conf',
  '.config/gh/**',
  '.config/rclone/**',
  '.terraformrc',
  'terraform.rc',
  '.m2/settings*.xml',
  '.gradle/gradle.properties',
  '.composer/auth.json',
  'auth.json',
  'auth.txt',
  '*vault_pass*',
  '*vault-pass*',
  'grafana.db',
  'grafana.ini',
  'users.xml',
  'realm.properties',
  '.influxdbv2/**',
  '.ansible/**',
  'cookies.sqlite',
  'Login Data',
  'krb5cc_*',
  '*.ppk',
  '.Xauthority',
  '*.psk',
  '*.tfvars',
  '*.private',
  'wp-config.php',
  'settings.php',
  'LocalSettings.php',
  'env.php',
  'dump.rdb',
  'postgresql.auto.conf',
  'logins.json',
  '.cqlshrc',
];

/**
 * Directories under which a recursive read (`grep -r`, `find … -print` is fine, `cat` of a tree is
 * not) would reach credential material, and the file system roots above them.
 */
const SECRET_TREES: readonly string[] = [
  '/etc',
  '/root',
  '/home',
  '/proc',
  '/run',
  '/var/run',
  '/var/lib',
  '/srv',
  '/opt',
  '/usr/local/etc',
  '/dev',
  '/sys',
];

/** Names a content glob must not be able to match (`cat /srv/app/*` could print server.key). */
const SECRET_EXAMPLES: readonly string[] = [
  'id_rsa',
  'id_ed25519',
  'server.key',
  'tls.pem',
  'cert.p12',
  '.env',
  'prod.env',
  '.env.production',
  'credentials',
  'config.json',
  'kubeconfig',
  'admin.conf',
  'shadow',
  'gshadow',
  'environ',
  'client_secret.json',
  'db_password',
  'token',
  '.pgpass',
  '.netrc',
  'terraform.tfstate',
  'redis.conf',
  'debian.cnf',
  'htpasswd',
];

/**
 * Public material under secret-looking names: CA bundles and the certificates (not keys) that
 * Let's Encrypt and TLS setups keep beside their keys.
 */
const PUBLIC_PATHS: readonly string[] = [
  '/etc/ssl/certs/**',
  '/etc/pki/tls/certs/**',
  '/etc/pki/ca-trust/**',
  '/usr/share/ca-certificates/**',
  '/usr/local/share/ca-certificates/**',
  '/etc/letsencrypt/live/*/cert.pem',
  '/etc/letsencrypt/live/*/chain.pem',
  '/etc/letsencrypt/live/*/fullchain.pem',
  '/etc/letsencrypt/live/*/README',
  '/etc/letsencrypt/renewal/*.conf',
];

const compiled = new Map<string, RegExp>();

function globToRegExp(pattern: string): RegExp {
  let cached = compiled.get(pattern);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const anchored = pattern.startsWith('/') ? `^${source}$` : `(?:^|/)${source}$`;
  cached = new RegExp(anchored, 'i');
  compiled.set(pattern, cached);
  return cached;
}

/** The secret pattern a literal path matches, or null. Relative paths are matched at any depth. */
export function secretPathMatch(path: string, extra: readonly string[] = []): string | null {
  let normal = normalizePath(path);
  // `config.xz`, `shadow.bak`, `id_rsa~`: a copy of a secret is a secret.
  for (let i = 0; i < 3; i++)
    normal = normal.replace(/(\.(gz|xz|bz2|zst|lz4|z|zip|bak|old|orig|save|swp|\d+)|~)$/i, '');
  for (const pattern of extra) if (globToRegExp(pattern).test(normal)) return pattern;
  const keyLike = /key|priv|secret/i.test(normal.slice(normal.lastIndexOf('/') + 1));
  if (!keyLike && PUBLIC_PATHS.some((pattern) => globToRegExp(pattern).test(normal))) return null;
  for (const pattern of SECRET_PATHS) if (globToRegExp(pattern).test(normal)) return pattern;
  return null;
}

/**
 * Whether a shell glob (`/var/log/*.log`) could expand to credential material: its literal form
 * matches a secret pattern, it reaches into a secret directory, or its last segment could match a
 * typical secret file name.
 */
export function secretGlobMatch(glob: string, extra: readonly string[] = []): string | null {
  const sample = normalizePath(glob.replace(/[*?]/g, 'x'));
  const publicTree = PUBLIC_PATHS.some((p) => p.endsWith('/**') && globToRegExp(p).test(sample));
  if (publicTree && !extra.some((p) => globToRegExp(p).test(sample))) return null;
  const literal = secretPathMatch(glob.replace(/[*?]/g, 'x'), extra);
  if (literal) return literal;
  const normal = normalizePath(glob);
  const segments = normal.split('/');
  const last = segments.at(-1) ?? '';
  const lastPattern = globToRegExp(last.replace(/\*\*/g, '*'));
  const example = SECRET_EXAMPLES.find(
    (name) =>
      lastPattern.test(name) && (name.startsWith('.') === last.startsWith('.') || !name.startsWith('.')),
  );
  if (example && /[*?]/.test(last)) return `a name such as ${example}`;
  // A pattern in a directory segment (`/home/*/.ssh/id_rsa` is caught above; `/etc/*/x`) may enter
  // a secret directory the literal prefix does not name.
  const dirs = segments.slice(0, -1);
  if (dirs.some((segment) => /[*?]/.test(segment))) {
    const pattern = globToRegExp(normal);
    for (const secret of SECRET_PATHS) {
      if (!secret.startsWith('/') || secret.includes('*')) continue;
      if (pattern.test(secret)) return secret;
    }
  }
  return null;
}

/**
 * Whether reading a directory tree recursively could reach credential material: the tree is `/`,
 * one of the secret directories, above one, or inside one.
 */
export function secretTreeMatch(path: string): string | null {
  const normal = normalizePath(path);
  if (!normal.startsWith('/'))
    return normal === '.' || normal.startsWith('..') ? 'the working directory' : null;
  if (normal === '/') return '/';
  for (const tree of SECRET_TREES) {
    if (normal === tree || normal.startsWith(`${tree}/`) || tree.startsWith(`${normal}/`)) return tree;
  }
  return null;
}
