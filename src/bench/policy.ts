import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { assessCommand } from '../policy/assessor.js';
import { type Stats, stats } from './stats.js';

/**
 * Risk policy latency: every command of the policy's test tables (tests/fixtures/risk), assessed in
 * production, timed one by one after a warm-up (the parser's WebAssembly loads once per process).
 */
const TABLES = ['tests/fixtures/risk/commands.tsv', 'tests/fixtures/risk/table.tsv'];

export function policyCommands(): string[] {
  const commands: string[] = [];
  for (const file of TABLES) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      commands.push((line.split('\t')[0] ?? '').replace(/⏎/g, '\n'));
    }
  }
  return commands;
}

export async function policyBenchmark(rounds = 5): Promise<{ commands: number; latency: Stats }> {
  const commands = policyCommands();
  for (const command of commands) await assessCommand(command, 'production');
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const command of commands) {
      const started = performance.now();
      await assessCommand(command, 'production');
      samples.push(performance.now() - started);
    }
  }
  return { commands: commands.length, latency: stats(samples) };
}
