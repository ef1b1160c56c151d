/**
 * The line AALS sends over SSH for a checked command. OpenSSH hands it to the login user's shell
 * (`$SHELL -c LINE`), a shell AALS does not choose, so that shell gets nothing of the command to
 * interpret — fixed words, `"$HOME"`-style expansions of values sshd itself set from the passwd
 * entry, and one single-quoted string:
 *
 *   exec /usr/bin/env -i PATH='/usr/local/sbin:…:/bin' LC_ALL=C LANG=C HOME="$HOME" USER="$USER"
 *     LOGNAME="$LOGNAME" /bin/sh -c '<the canonical line, single-quoted again>'
 *
 * - `exec`: the login shell is replaced, nothing of it stays around the command.
 * - `/usr/bin/env -i`: no inherited variable (LD_PRELOAD, BASH_ENV, PAGER, GIT_*, LESSOPEN,
 *   KUBECONFIG …) changes what a tool does; PATH is fixed, so `ls` is the system's ls on every host.
 *   HOME, USER and LOGNAME are kept: kubectl, psql and git find the identity's own read-only
 *   configuration through them.
 * - `/bin/sh -c`: a POSIX shell parses the canonical line, in which the policy single-quoted every
 *   word; only `|` and `2>/dev/null`-style redirects are left unquoted there.
 */
export const DEFAULT_REMOTE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Absolute directories, `:`-separated, in characters no shell treats specially. */
export const REMOTE_PATH_PATTERN = /^\/[A-Za-z0-9._+/-]*(?::\/[A-Za-z0-9._+/-]*)*$/;

/** Variables taken from the login session (sshd sets them from the passwd entry). */
const KEPT_VARIABLES = ['HOME', 'USER', 'LOGNAME'] as const;

/** A word as one POSIX single-quoted string: `it's` → `'it'\''s'`. Nothing inside is special. */
export function singleQuoted(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function confinedCommandLine(canonical: string, remotePath: string): string {
  if (!REMOTE_PATH_PATTERN.test(remotePath)) {
    throw new Error(`remote PATH ${JSON.stringify(remotePath)} is not a list of absolute directories`);
  }
  if (canonical.trim() === '' || canonical.includes('\0')) {
    throw new Error('the canonical command line is empty or contains a NUL byte');
  }
  const kept = KEPT_VARIABLES.map((name) => `${name}="$${name}"`);
  return [
    'exec /usr/bin/env -i',
    `PATH=${singleQuoted(remotePath)}`,
    'LC_ALL=C LANG=C',
    ...kept,
    `/bin/sh -c ${singleQuoted(canonical)}`,
  ].join(' ');
}
