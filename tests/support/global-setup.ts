/** Runs once before the suite: the CLI tests spawn the compiled `aals` binary, so build first. */
import { execFileSync } from 'node:child_process';

export default function globalSetup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
