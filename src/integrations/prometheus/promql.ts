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
  const match = /^(.*\S)\s*(>=|<=|==|!=|>|<)\s*(?:bool\s+)?(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i.exec(
    expr.trim(),
  );
  if (!match) return { expr: expr.trim(), threshold: null };
  const left = match[1] as string;
  // Only when the comparison is at the top level: parentheses balanced on the left side.
  let depth = 0;
  for (const char of left) {
    if (char === '(' || char === '{' || char === '[') depth++;
    if (char === ')' || char === '}' || char === ']') depth--;
    if (depth < 0) return { expr: expr.trim(), threshold: null };
  }
  return depth === 0 ? { expr: left, threshold: Number(match[3]) } : { expr: expr.trim(), threshold: null };
}
