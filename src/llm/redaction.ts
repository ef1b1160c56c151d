import { redactText } from '../observability/redact.js';

/**
 * What leaves for the LLM and what comes back into Slack goes through one redactor: secrets
 * always; e-mail and IP addresses when the operator asked (they can identify people or hosts).
 */
// From the start of a run only (not \b, which recurs after every dot): linear on long dotted text.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g;
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;
const IPV6 =
  /\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|\b(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4}\b/g;

export interface RedactionOptions {
  emails: boolean;
  ips: boolean;
}

export type Redactor = (text: string) => string;

export function promptRedactor(options: RedactionOptions): Redactor {
  return (text) => {
    let result = redactText(text);
    if (options.emails) result = result.replace(EMAIL, '[EMAIL]');
    if (options.ips) result = result.replace(IPV4, '[IP]').replace(IPV6, '[IP]');
    return result;
  };
}

/** Every string inside a JSON-like value, redacted (for model output before it is posted). */
export function redactStrings<T>(value: T, redactor: Redactor): T {
  if (typeof value === 'string') return redactor(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, redactor)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactStrings(item, redactor)]),
    ) as T;
  }
  return value;
}
