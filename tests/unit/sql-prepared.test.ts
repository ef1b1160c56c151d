import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * SQL only through prepared statements with bound parameters: no value reaches SQL text. The only
 * interpolations allowed in SQL strings are internal constants (a column name chosen in code, a
 * table name from a fixed list, a vector dimension from the config schema), listed here with why.
 */
const ALLOWED: Record<string, string> = {
  stamp: "src/store/approvals.ts: 'started_at' or 'decided_at', chosen by code",
  where: 'src/store/llm-usage.ts: a fixed WHERE clause per caller, values bound as parameters',
  table: 'src/memory/index.ts: one of the index tables named in code',
  'this.provider.dimensions': 'src/memory/index.ts: an integer validated by the config schema',
  INCIDENT_ALERTS: "src/store/incidents.ts: the shared SELECT of an incident's alerts, a constant",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('SQL text never interpolates anything but the listed internal constants', () => {
  const root = join(import.meta.dirname, '..', '..', 'src');
  const found: Array<{ file: string; expression: string }> = [];
  let statements = 0;
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\b(?:prepare|sql|exec)\(\s*`([^`]*)`/g)) {
      statements++;
      for (const expression of (match[1] ?? '').matchAll(/\$\{([^}]*)\}/g)) {
        found.push({ file: file.slice(root.length + 1), expression: (expression[1] ?? '').trim() });
      }
    }
  }
  expect(statements).toBeGreaterThan(50);
  expect(found.filter((f) => !(f.expression in ALLOWED))).toEqual([]);
});
