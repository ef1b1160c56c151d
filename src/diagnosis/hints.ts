import type { Alert } from '../domain/alert.js';

/**
 * Rule-based first steps for common alert types: what usually causes them, what to check, and
 * read-only commands to look. This is the diagnosis AALS gives with no LLM at all.
 */
export interface Hint {
  topic: string;
  likelyCauses: string[];
  checks: string[];
  commands: string[];
}

interface Rule extends Hint {
  match: RegExp;
}

const RULES: Rule[] = [
  {
    topic: 'disk space',
    match: /disk|filesystem|space|inode|volume.*full|ディスク/i,
    likelyCauses: [
      'log or data growth',
      'large temporary files',
      'deleted files still held open by a process',
    ],
    checks: [
      'which mount is full and how fast it grows',
      'largest directories',
      'files deleted but still open',
    ],
    commands: ['df -h', 'df -i', 'du -xh --max-depth=2 /var | sort -h | tail -20', 'lsof +L1 | head -20'],
  },
  {
    topic: 'memory pressure',
    match: /memory|oom|swap|heap|メモリ/i,
    likelyCauses: ['a memory leak after a deploy', 'a traffic spike', 'too small limits'],
    checks: [
      'top memory consumers',
      'recent OOM kills',
      'whether usage grows steadily (leak) or jumped (spike)',
    ],
    commands: [
      'free -m',
      'ps aux --sort=-%mem | head -15',
      "journalctl -k --since '-1h' | grep -i -E 'oom|killed process'",
    ],
  },
  {
    topic: 'CPU saturation',
    match: /cpu|load|throttl/i,
    likelyCauses: ['a hot loop or runaway process', 'a traffic spike', 'noisy neighbours or CPU throttling'],
    checks: ['top CPU consumers', 'whether traffic rose at the same time', 'recent deploys'],
    commands: ['uptime', 'top -b -n 1 | head -20', 'ps aux --sort=-%cpu | head -15'],
  },
  {
    topic: 'errors',
    match: /5\d\d|error.?rate|errors?|exception|fail/i,
    likelyCauses: ['a bad deploy', 'a failing dependency (database, upstream API)', 'resource exhaustion'],
    checks: [
      'when the errors started versus the last deploy',
      'which endpoints and which upstreams fail',
      'application logs',
    ],
    commands: ["journalctl --since '-30m' -p err | tail -50"],
  },
  {
    topic: 'latency',
    match: /latency|slow|duration|p9\d|response.?time/i,
    likelyCauses: ['a saturated resource (CPU, connections, I/O)', 'a slow dependency', 'lock contention'],
    checks: ['which dependency got slower', 'saturation of CPU, connection pools and I/O'],
    commands: ['uptime', 'ss -s'],
  },
  {
    topic: 'instance or service down',
    match: /down|unreachable|unavailable|absent|target.?missing|no.?data|heartbeat|watchdog|停止/i,
    likelyCauses: [
      'the process crashed or was stopped',
      'the host is down or partitioned',
      'the scrape target moved',
    ],
    checks: ['whether the host answers', 'the service state and its last logs', 'recent restarts'],
    commands: ['uptime', 'systemctl --failed', "journalctl --since '-30m' | tail -50"],
  },
  {
    topic: 'replication',
    match: /replicat|lag/i,
    likelyCauses: ['heavy writes on the primary', 'a slow or overloaded replica', 'network between them'],
    checks: ['lag trend', 'write rate on the primary', 'replica I/O'],
    commands: ['uptime'],
  },
  {
    topic: 'restarts',
    match: /crashloop|restart|backoff|killed/i,
    likelyCauses: [
      'the application exits on start (config, dependency)',
      'OOM kills',
      'failing liveness probes',
    ],
    checks: ['the previous container logs', 'exit codes and reasons'],
    commands: [
      'kubectl get pods -A --field-selector=status.phase!=Running',
      'kubectl get events -A --sort-by=.lastTimestamp',
    ],
  },
  {
    topic: 'certificate',
    match: /cert|tls|ssl|expir/i,
    likelyCauses: ['a certificate close to expiry', 'a failed renewal'],
    checks: ['expiry date of the served certificate', 'the renewal job logs'],
    commands: [],
  },
];

/** Hints whose topic matches the alert's name, summary or description; most specific first. */
export function hintsFor(alert: Pick<Alert, 'alertname' | 'annotations'>): Hint[] {
  const text = [alert.alertname, alert.annotations.summary, alert.annotations.description]
    .filter(Boolean)
    .join(' ');
  return RULES.filter((rule) => rule.match.test(text)).map(({ match: _match, ...hint }) => hint);
}

/** Every command the hints propose (the rules' commands, classified ahead at start). */
export const HINT_COMMANDS: readonly string[] = [...new Set(RULES.flatMap((rule) => rule.commands))];
