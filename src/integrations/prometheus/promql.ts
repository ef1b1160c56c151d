/** Building PromQL safely from label values that come from alerts (untrusted text). */

/** A label value as a PromQL string literal: backslash, double quote and newlines escaped. */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `{name="value", …}` from label pairs; invalid label names are dropped, never interpolated. */
export function selector(labels: Record<string, string>): string {
  const pairs = Object.entries(labels)
    .filter(([name]) => LABEL_NAME.test(name))
    .map(([name, value]) => `${name}=${quoteLabelValue(value)}`);
  return `{${pairs.join(', ')}}`;
}

/**
 * Fills `{{label}}` placeholders in a query template with quoted label values, so an alert's
 * labels can never change the query's structure. `{{label}}` must stand where a string literal
 * goes, e.g. `rate(http_requests_total{service={{service}}}[5m])`. Missing labels → null.
 */
export function fillTemplate(template: string, labels: Record<string, string>): string | null {
  let missing = false;
  const query = template.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => {
    const value = labels[name];
    if (value === undefined) {
      missing = true;
      return '""';
    }
    return quoteLabelValue(value);
  });
  return missing ? null : query;
}

/** The expression in a Prometheus generatorURL (`…/graph?g0.expr=…`), if any. */
export function exprFromGeneratorUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const expr = new URL(url).searchParams.get('g0.expr');
    return expr?.trim() ? expr : null;
  } catch {
    return null;
  }
}

/**
 * An alert expression usually ends in its threshold (`… > 0.5`); the interesting series is the
 * left side. Splits a trailing top-level comparison with a number off, when there is one.
 */
export function splitThreshold(expr: string): { expr: string; threshold: number | null } {
  const whole = { expr: expr.trim(), threshold: null };
  const match =
    /^(.*\S)\s*(>=|<=|==|!=|>|<)\s*(?:bool\s+)?([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*$/i.exec(
      expr.trim(),
    );
  if (!match) return whole;
  const left = match[1] as string;
  // Only a comparison at the top level of the whole expression: brackets balanced outside string
  // literals, and no other operator on the left that binds more loosely (and, or, unless, a comparison).
  let depth = 0;
  let quote: string | null = null;
  let top = '';
  for (let i = 0; i < left.length; i++) {
    const char = left[i] as string;
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') quote = char;
    else if ('({['.includes(char)) depth++;
    else if (')}]'.includes(char)) depth--;
    else if (depth === 0) top += char;
    if (depth < 0) return whole;
  }
  if (depth !== 0 || quote) return whole;
  if (/(^|\s)(and|or|unless)(\s|$)|[<>]=?|[=!]=/i.test(top)) return whole;
  return { expr: left, threshold: Number(match[3]) };
}
