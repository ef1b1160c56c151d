import type { CliIo } from './io.js';

/**
 * A one-line progress bar on stderr when it is a terminal; silent otherwise, so pipes and CI logs
 * get only the final summary.
 */
export interface Progress {
  update(done: number, total?: number, note?: string): void;
  finish(): void;
}

export function progressBar(io: CliIo, label: string): Progress {
  const stream = io.stderr;
  if (!stream.isTTY) return { update: () => {}, finish: () => {} };
  let last = 0;
  let drawn = false;
  return {
    update(done, total, note) {
      const now = Date.now();
      if (now - last < 80 && done !== total) return;
      last = now;
      drawn = true;
      const width = 24;
      const bar =
        total && total > 0
          ? `[${'#'.repeat(Math.round((Math.min(done, total) / total) * width)).padEnd(width, '-')}] ${Math.floor((done / total) * 100)}% ${done}/${total}`
          : `${done}`;
      const line = `${label} ${bar}${note ? ` ${note}` : ''}`;
      stream.write(`\r${line.slice(0, (stream.columns ?? 100) - 1)}\x1b[K`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
