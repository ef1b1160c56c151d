import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The one-line commands of the policy's tables (commands.tsv and table.tsv), each once. */
export function tableCommands(): string[] {
  const commands = new Set<string>();
  for (const name of ['commands.tsv', 'table.tsv']) {
    for (const line of readFileSync(join(import.meta.dirname, '..', 'fixtures', 'risk', name), 'utf8').split(
      '\n',
    )) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const command = line.split('\t')[0] ?? '';
      if (!command.includes('⏎')) commands.add(command);
    }
  }
  return [...commands];
}
