import { z } from 'zod';
import { DEFAULT_REMOTE_PATH, REMOTE_PATH_PATTERN } from './confined-line.js';

/**
 * `modules.executor:` in aals.config.yaml: the SSH executor's settings and its host inventory.
 * Host keys are never trusted on first use: every host needs a known_hosts entry or a pinned
 * fingerprint, so a config that could connect blindly is rejected at start.
 *
 * ```yaml
 * modules:
 *   executor:
 *     enabled: true
 *     knownHostsFile: /etc/aals/known_hosts
 *     hosts:
 *       - name: db-1
 *         address: 10.0.0.5
 *         user: aals
 *         keyFile: /etc/aals/id_ed25519
 *         environment: production
 *         labels: { instance: 'db-1:9100' }
 *         readOnlyUser: { user: aals-ro, keyFile: /etc/aals/id_ed25519_ro }
 * ```
 */

/** Spelled out here rather than imported from config/schema.ts, which imports this file. */
const Environment = z.enum(['development', 'staging', 'production'], {
  error: 'must be development, staging or production: the risk of a command on this host depends on it',
});

const Fingerprint = z
  .string()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}=?$/,
    'must be an OpenSSH SHA256 fingerprint such as SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s (run ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host)',
  )
  .transform((value) => value.replace(/=+$/, ''));

/**
 * A second, unprivileged SSH identity on the host: no sudo, no write access. Read-only commands,
 * the only ones AALS runs without a human, run as it and never as the main user, so a command the
 * policy misjudged still cannot change the host. See docs/security.md for how to create it.
 */
export const ReadOnlyUserSchema = z.strictObject({
  user: z.string().min(1).max(64),
  /** Private key file for this user (OpenSSH or PEM format, no passphrase). */
  keyFile: z.string().min(1).optional(),
  /** Authenticate with the ssh-agent at SSH_AUTH_SOCK. */
  agent: z.boolean().default(false),
});
export type ReadOnlyUserConfig = z.infer<typeof ReadOnlyUserSchema>;

export const HostSchema = z
  .strictObject({
    /** How threads, proposals and the audit name the host. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a host name such as db-1 (letters, digits, . _ -)'),
    /** Host name or IP address to connect to. */
    address: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).default(22),
    /** A non-root user: OpenSSH ignores signals for root sessions, so a timed-out command could not be killed. */
    user: z.string().min(1).max(64),
    /** Private key file (OpenSSH or PEM format, no passphrase; use the agent for encrypted keys). */
    keyFile: z.string().min(1).optional(),
    /** Authenticate with the ssh-agent at SSH_AUTH_SOCK. */
    agent: z.boolean().default(false),
    environment: Environment,
    /** Alert labels that identify this host, e.g. { instance: 'db-1:9100' }; all must match. */
    labels: z.record(z.string(), z.string()).default({}),
    /** Host keys trusted for this host besides the known_hosts file. */
    hostKeyFingerprints: z.array(Fingerprint).default([]),
    /** Without it, read-only commands on this host wait for an approval like any other. */
    readOnlyUser: ReadOnlyUserSchema.optional(),
  })
  .superRefine((host, ctx) => {
    if (!host.keyFile && !host.agent) {
      ctx.addIssue({
        code: 'custom',
        path: ['keyFile'],
        message: `host ${host.name} has no credentials: set keyFile to a private key file (e.g. /etc/aals/id_ed25519) or agent: true to use the ssh-agent at SSH_AUTH_SOCK`,
      });
    }
    if (host.readOnlyUser) checkReadOnlyUser(host.name, host.user, host.readOnlyUser, ctx);
  });

/** The read-only identity has to be a different, unprivileged account with its own credentials. */
function checkReadOnlyUser(
  hostName: string,
  mainUser: string,
  readOnly: ReadOnlyUserConfig,
  ctx: z.RefinementCtx,
): void {
  const issue = (field: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: ['readOnlyUser', field], message });
  const howTo =
    'create an account with no sudo and no write access for it (docs/security.md, "The read-only identity")';
  if (readOnly.user === 'root') {
    issue(
      'user',
      `readOnlyUser of ${hostName} is root: commands that run without approval must run as an unprivileged account; ${howTo}`,
    );
  } else if (readOnly.user === mainUser) {
    issue(
      'user',
      `readOnlyUser of ${hostName} is its main user ${mainUser}: read-only commands must run as a separate account that cannot change the host; ${howTo}, or remove readOnlyUser (read-only commands then wait for an approval)`,
    );
  }
  if (!readOnly.keyFile && !readOnly.agent) {
    issue(
      'keyFile',
      `readOnlyUser of ${hostName} has no credentials: set readOnlyUser.keyFile to its private key file (e.g. /etc/aals/id_ed25519_ro) or readOnlyUser.agent: true to use the ssh-agent at SSH_AUTH_SOCK`,
    );
  }
}
export type HostConfig = z.infer<typeof HostSchema>;

export const ExecutorConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** An OpenSSH known_hosts file (plain or hashed entries; `[host]:port` for other ports). */
    knownHostsFile: z.string().min(1).optional(),
    commandTimeoutSeconds: z.number().min(1).max(3600).default(60),
    connectTimeoutSeconds: z.number().min(1).max(120).default(10),
    /** A connection unused this long is closed; 0 closes it after every command. */
    idleSeconds: z.number().min(0).max(3600).default(60),
    perHostConcurrency: z
      .number()
      .int()
      .min(1)
      .max(10, 'must be at most 10: OpenSSH allows 10 sessions per connection by default (MaxSessions)')
      .default(2),
    /** Each of stdout and stderr is cut here for the thread and the LLM (a notice says how much more). */
    maxOutputBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024)
      .default(64 * 1024),
    /** Output kept for the attachment when the thread's copy was cut. */
    fullOutputMaxBytes: z
      .number()
      .int()
      .min(0)
      .max(64 * 1024 * 1024)
      .default(4 * 1024 * 1024),
    /**
     * PATH for every command AALS runs (the login session's is replaced): absolute directories,
     * `:`-separated. Put only root-owned directories here.
     */
    remotePath: z
      .string()
      .regex(
        REMOTE_PATH_PATTERN,
        `must be absolute directories separated by ':' (letters, digits, . _ + - /), such as ${DEFAULT_REMOTE_PATH}`,
      )
      .default(DEFAULT_REMOTE_PATH),
    hosts: z.array(HostSchema).default([]),
  })
  .superRefine((executor, ctx) => {
    const seen = new Set<string>();
    executor.hosts.forEach((host, index) => {
      if (seen.has(host.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', index, 'name'],
          message: `host ${host.name} is listed twice: host names must be unique`,
        });
      }
      seen.add(host.name);
      if (!executor.knownHostsFile && host.hostKeyFingerprints.length === 0) {
        const entry = host.port === 22 ? host.address : `[${host.address}]:${host.port}`;
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', index, 'hostKeyFingerprints'],
          message: `host ${host.name} has no trusted host key: set modules.executor.knownHostsFile to a known_hosts file with an entry for ${entry}, or pin hostKeyFingerprints: ['SHA256:…'] (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host); AALS never trusts a host key on first use`,
        });
      }
    });
  })
  .prefault({});
export type ExecutorConfig = z.infer<typeof ExecutorConfigSchema>;
