import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { scoreSeries } from '../../analyzers/anomaly/detector.js';
import { parseCommandArgs } from '../context.js';
import { type CliIo, UsageError } from '../io.js';

/**
 * `aals detect --input F.csv`: CSV `timestamp,value` in, `timestamp,value,anomaly_score` out, one row
 * per input row, each score computed from that row and the rows before it only.
 */
export async function detectCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, load } = parseCommandArgs(args, { input: { type: 'string', short: 'i' } }, io);
  const input = (values.input as string | undefined) ?? positionals[0];
  if (!input) throw new UsageError('detect needs --input FILE.csv (columns timestamp,value)');
  load();
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, input), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${input}: ${(error as Error).message}`);
  }
  const rows = parseCsv(text);
  const scores = scoreSeries(
    rows.map((r) => r.value),
    rows.map((r) => r.time),
  );
  const out = ['timestamp,value,anomaly_score'];
  for (const [i, row] of rows.entries()) {
    out.push(`${csvField(row.timestamp)},${row.rawValue},${(scores[i] ?? 0).toFixed(6)}`);
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

interface Row {
  timestamp: string;
  time: number;
  rawValue: string;
  value: number;
}

/** Rows of `timestamp,value` (a header row, quotes and extra columns are tolerated). */
export function parseCsv(text: string): Row[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new UsageError('the input is empty: expected CSV timestamp,value');
  const rows: Row[] = [];
  lines.forEach((line, index) => {
    const [timestamp = '', rawValue = ''] = splitCsvLine(line);
    if (index === 0 && !Number.isFinite(Number(rawValue)) && /[a-z]/i.test(`${timestamp}${rawValue}`)) return;
    if (timestamp === '' && rawValue === '') return;
    const value = rawValue.trim() === '' ? Number.NaN : Number(rawValue);
    rows.push({ timestamp, time: parseTime(timestamp), rawValue, value });
  });
  return rows;
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(current);
      current = '';
    } else current += char;
  }
  fields.push(current);
  return fields.map((f) => f.trim());
}

/** ISO-8601, "YYYY-MM-DD HH:MM:SS" (UTC) or epoch seconds/milliseconds; NaN when none fits. */
function parseTime(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return n < 1e11 ? n * 1000 : n;
  }
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  return Date.parse(iso);
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
