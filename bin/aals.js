#!/usr/bin/env node
// Entry point for `npx aals …`: runs the compiled CLI (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const compiled = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');
if (!existsSync(compiled)) {
  process.stderr.write('aals: not built yet; run `npm run build` (npm install does it for you)\n');
  process.exit(1);
}
// `aals detect … | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import(compiled);
process.exitCode = await main(process.argv.slice(2));
