import type { Alert, AlertStatus } from '../domain/alert.js';
import { messageText, type SlackMessage, stripMrkdwn } from './message.js';
import { buildAlert, type MessageParser, type ParseContext } from './parser.js';
import { normalizeSeverity, severityInText } from './severity.js';

/**
 * Plain-text alerts from scripts, Nagios, Icinga, Zabbix and humans. A message is an alert only
 * when it says so up front (a status word on its first line, or a known grammar), so ordinary chat
 * that merely mentions "error" is not taken for one.
 */
interface TextFacts {
  status: AlertStatus;
  title: string;
  host?: string;
  service?: string;
  severity?: string;
  /** Identity when the title changes with the state (e.g. "HTTP CRITICAL" → "HTTP OK"). */
  key?: string;
}

const MAX_TEXT = 16_384;
const FIRING_WORDS =
  'FIRING|ALERT|ALARM|PROBLEM|CRITICAL|CRIT|WARNING|WARN|DOWN|ERROR|TRIGGERED|障害|異常|発生';
const RESOLVED_WORDS = 'RESOLVED|RECOVERY|RECOVERED|OK|UP|CLEARED|復旧|解消';
const STATUS_PREFIX = new RegExp(
  `^\\W*?\\[?(${FIRING_WORDS}|${RESOLVED_WORDS})(?::\\d+)?\\]?(?:\\s*[:\\-–|]\\s*|\\s+)(.+)$`,
  'i',
);
const EMOJI_FIRING = /^:(rotating_light|red_circle|fire|warning|sos|boom|x|bangbang):|^[🚨🔴🔥⚠❌]/u;
const EMOJI_RESOLVED = /^:(white_check_mark|large_green_circle|heavy_check_mark|green_heart):|^[✅🟢✔]/u;

function isResolvedWord(word: string): boolean {
  return new RegExp(`^(${RESOLVED_WORDS})$`, 'i').test(word);
}

/** "** PROBLEM Service Alert: web-3/HTTP is CRITICAL **" and "** RECOVERY Host Alert: web-3 is UP **" */
function nagios(line: string): TextFacts | null {
  const match = /^(?:\*\*\s*)?(\w+) (Host|Service) Alert: (.+?)(?:\/(.+?))? is (\w+)\s*(?:\*\*)?$/.exec(
    line.trim(),
  );
  if (!match) return null;
  const [, type, kind, host, service, state] = match as unknown as string[];
  const resolved = /RECOVERY/i.test(type ?? '') || /^(OK|UP)$/i.test(state ?? '');
  return {
    status: resolved ? 'resolved' : 'firing',
    title: kind === 'Service' ? `${service} ${resolved ? 'OK' : state}` : `Host ${resolved ? 'UP' : state}`,
    host: host as string,
    ...(service ? { service } : {}),
    severity: resolved ? 'info' : (state as string),
    key: `nagios ${kind} ${service ?? ''}`,
  };
}

/** Zabbix default templates: "Problem: <name>" / "Resolved in 30m: <name>" with "Host:" and "Severity:" lines. */
function zabbix(text: string): TextFacts | null {
  const subject =
    /^(?:Subject:\s*)?(Problem|Resolved(?: in [^:]+)?|Updated problem(?: in [^:]+)?):\s*(.+)$/m.exec(text);
  if (!subject) return null;
  const host = /^Host:\s*(\S+)/m.exec(text)?.[1];
  const severity = /^Severity:\s*(.+)$/m.exec(text)?.[1];
  return {
    status: /^Resolved/.test(subject[1] as string) ? 'resolved' : 'firing',
    title: (subject[2] as string).trim(),
    ...(host ? { host } : {}),
    ...(severity ? { severity: severity === 'High' ? 'error' : severity } : {}),
  };
}

/** Icinga: "PROBLEM: Service HTTP transitioned from state OK to state CRITICAL on host web-3." */
function icinga(line: string): TextFacts | null {
  // The pattern starts with `(\w+):`, which scans a long word from every position: look for the
  // fixed phrase first so a megabyte of text is not searched that way.
  if (!line.includes(' transitioned from state ')) return null;
  const match =
    /(\w+): (Service (.+?)|Host (.+?)) transitioned from state \w+ to state (\w+)(?: on host (\S+?))?\.?(?:\s|$)/.exec(
      line,
    );
  if (!match) return null;
  const state = match[5] as string;
  const resolved = /^(OK|UP)$/i.test(state);
  const host = match[6] ?? match[4];
  return {
    status: resolved ? 'resolved' : 'firing',
    title: match[3] ? `${match[3]} ${state}` : `Host ${state}`,
    ...(host ? { host } : {}),
    ...(match[3] ? { service: match[3] } : {}),
    severity: resolved ? 'info' : state,
    key: `icinga ${match[3] ?? 'host'}`,
  };
}

function generic(line: string): TextFacts | null {
  let rest = line;
  let status: AlertStatus | null = null;
  if (EMOJI_FIRING.test(rest)) status = 'firing';
  if (EMOJI_RESOLVED.test(rest)) status = 'resolved';
  rest = rest.replace(/^(:[a-z0-9_+-]+:\s*)+/i, '').replace(/^(?:\p{Extended_Pictographic}|\uFE0F|\s)+/u, '');
  const priority = /^\[(P[1-5])\]\s*/i.exec(rest);
  if (priority) rest = rest.slice(priority[0].length);
  const prefixed = STATUS_PREFIX.exec(rest);
  const match = prefixed && isDeclared(rest, prefixed[1] as string) ? prefixed : null;
  if (match) {
    status = isResolvedWord(match[1] as string) ? 'resolved' : 'firing';
    rest = match[2] as string;
  }
  if (!status) return null;
  const word = match?.[1] ?? '';
  const severity =
    priority?.[1] ?? (/^(CRITICAL|CRIT|WARNING|WARN|ERROR)$/i.test(word) ? word : severityInText(rest));
  const host = hostIn(rest);
  return { status, title: rest.trim(), ...(host ? { host } : {}), severity };
}

/** Chat says "ok thanks"; alerts say "OK:", "[RESOLVED]" or "FIRING". */
function isDeclared(line: string, word: string): boolean {
  const after = line.slice(line.indexOf(word) + word.length);
  return word === word.toUpperCase() || /^\]|^:/.test(after) || /^\[/.test(line.trimStart());
}

/** "on db-01", "host web-3", "Host: web-3", or a host-looking token such as web-1 or db-01.prod. */
function hostIn(text: string): string | undefined {
  return (
    /\b(?:on host|host[=:]?)\s+([A-Za-z0-9][\w.-]*[\w])/i.exec(text)?.[1] ??
    /\bon ([a-z][\w-]*-\d+[\w.-]*)/i.exec(text)?.[1] ??
    /\b([a-z][a-z0-9]*-\d+(?:\.[\w-]+)*)\b/i.exec(text)?.[1]
  );
}

/** Two messages about the same problem get the same identity: words only, numbers and host aside. */
function titleKey(title: string, host?: string): string {
  let key = title.toLowerCase();
  if (host) key = key.replaceAll(host.toLowerCase(), ' ');
  return key
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\b(is|on|at|now|since|back|to|normal|still)\b/g, ' ')
    .replace(/[\d.,:%]+[a-z]*\b/g, ' ')
    .replace(/[^\p{L}\p{N}/_-]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

export const textParser: MessageParser = {
  source: 'text',
  parse(message: SlackMessage, context: ParseContext): Alert[] | null {
    // Alerts say what they are up front; bounding the text keeps every pattern linear on huge messages.
    const raw = messageText(message).slice(0, MAX_TEXT).trim();
    const text = stripMrkdwn(raw).trim();
    if (!text) return null;
    const firstLine = (source: string) =>
      source
        .split('\n')[0]
        ?.replace(/^Subject:\s*/, '')
        .trim() ?? '';
    const facts =
      nagios(firstLine(raw)) ?? zabbix(text) ?? icinga(firstLine(text)) ?? generic(firstLine(text));
    if (!facts) return null;
    const alertname = facts.title.slice(0, 200) || 'TextAlert';
    const labels: Record<string, string> = {};
    if (facts.host) labels.host = facts.host;
    if (facts.service) labels.service = facts.service;
    const severity = normalizeSeverity(facts.severity);
    return [
      buildAlert(
        {
          source: 'text',
          status: facts.status,
          alertname,
          labels,
          annotations: { text: text.slice(0, 2000) },
          severity: severity === 'unknown' ? severityInText(text) : severity,
          identity: { title: facts.key ?? titleKey(facts.title, facts.host), host: facts.host ?? '' },
        },
        context,
      ),
    ];
  },
};
