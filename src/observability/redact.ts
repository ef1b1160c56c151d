/**
 * Secret redaction, applied at every edge (logs, Slack, prompts, error messages).
 * Patterns cover the credentials an SRE's alerts and logs actually leak.
 */
import { isErrorLike } from '../errors.js';

const REDACTED = '[REDACTED]';

const SECRET_PATTERNS: RegExp[] = [
  // Slack tokens and webhook URLs
  /\bxox[abposr]-[0-9A-Za-z-]{8,}/g,
  /\bxapp-\d-[0-9A-Za-z-]{8,}/g,
  /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+/g,
  // Anthropic / OpenAI keys
  /\bsk-ant-[A-Za-z0-9_-]{10,}/g,
  /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/g,
  // GitHub tokens
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  // AWS access keys
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  // Private keys (PEM / OpenSSH), whole block
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  // JWTs
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];

/** `password=…`, `"api_key": "…"`, `Authorization: Bearer …` keep their key and lose their value (quoted values whole). */
const KEY_VALUE_PATTERN =
  /((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|authorization|cookie)["']?\s*[:=]\s*)("[^"\n]*"|'[^'\n]*'|(?:(?:Bearer|Basic|Token)\s+)?[^\s"',;&]+)/gi;

/** user:password@ in connection strings (postgres://u:p@host, amqp://…, redis://:p@host). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s@/]+)@/gi;

const SECRET_KEY_NAMES =
  /^(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|authorization|cookie|signing[_-]?secret|bot[_-]?token|app[_-]?token|anthropic[_-]?api[_-]?key|bearer[_-]?token|key)$/i;

export function redactText(text: string): string {
  let result = text;
  for (const pattern of SECRET_PATTERNS) result = result.replace(pattern, REDACTED);
  result = result.replace(
    URL_CREDENTIALS,
    (_, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`,
  );
  result = result.replace(KEY_VALUE_PATTERN, (_, key: string, value: string) => {
    const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
    return `${key}${quote}${REDACTED}${quote}`;
  });
  return result;
}

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
    result[key] =
      SECRET_KEY_NAMES.test(key) && item !== undefined && item !== null ? REDACTED : redact(item, seen);
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
