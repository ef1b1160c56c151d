import type { Severity } from '../domain/alert.js';

/** Every severity word the supported tools use, mapped onto AALS's five levels. */
const WORDS: Record<string, Severity> = {
  critical: 'critical',
  crit: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  emerg: 'critical',
  disaster: 'critical',
  page: 'critical',
  p1: 'critical',
  sev1: 'critical',
  sev0: 'critical',
  error: 'error',
  err: 'error',
  major: 'error',
  high: 'error',
  p2: 'error',
  sev2: 'error',
  warning: 'warning',
  warn: 'warning',
  minor: 'warning',
  average: 'warning',
  medium: 'warning',
  moderate: 'warning',
  p3: 'warning',
  sev3: 'warning',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  low: 'info',
  p4: 'info',
  p5: 'info',
  sev4: 'info',
  none: 'info',
};

/** Normalizes a severity value such as "CRITICAL", "P2" or "Sev 1"; unknown words give `unknown`. */
export function normalizeSeverity(value: string | undefined | null): Severity {
  if (!value) return 'unknown';
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
  return WORDS[key] ?? 'unknown';
}

/** The first severity word found in free text, e.g. "CRITICAL - host down" → critical. */
export function severityInText(text: string): Severity {
  const pattern =
    /\b(critical|crit|fatal|emergency|disaster|sev\s?[0-4]|p[1-5]|error|major|warning|warn|minor|info)\b/i;
  const match = pattern.exec(text);
  return match ? normalizeSeverity(match[1]) : 'unknown';
}
