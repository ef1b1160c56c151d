import { createHash } from 'node:crypto';

/**
 * Collects a command's stdout and stderr: each capped for the thread, everything hashed, and the
 * interleaved stream kept up to a larger cap for an attachment. Memory stays bounded whatever
 * the command prints.
 */
export interface CollectedOutput {
  stdout: string;
  stderr: string;
  truncated: { stdout: boolean; stderr: boolean };
  bytes: { stdout: number; stderr: number };
  fullOutput?: Buffer;
  fullOutputTruncated?: boolean;
  outputSha256: string;
}

type StreamName = 'stdout' | 'stderr';

class CappedStream {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly cap: number) {}

  add(chunk: Buffer): void {
    // Kept parts are copied: a stream may reuse the buffers it hands out.
    this.total += chunk.length;
    const room = this.cap - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(Buffer.from(part));
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }

  text(): string {
    const kept = Buffer.concat(this.chunks);
    if (!this.truncated) return kept.toString('utf8');
    const shown = utf8Prefix(kept);
    const text = shown.toString('utf8');
    const newline = text === '' || text.endsWith('\n') ? '' : '\n';
    return `${text}${newline}${truncationNotice(this.total - shown.length)}`;
  }
}

export class OutputCollector {
  private readonly streams: Record<StreamName, CappedStream>;
  private readonly hash = createHash('sha256');
  private readonly full: Buffer[] = [];
  private fullBytes = 0;
  private fullCut = false;

  constructor(
    maxBytes: number,
    private readonly fullMaxBytes: number,
  ) {
    this.streams = { stdout: new CappedStream(maxBytes), stderr: new CappedStream(maxBytes) };
  }

  add(stream: StreamName, chunk: Buffer): void {
    this.streams[stream].add(chunk);
    this.hash.update(chunk);
    const room = this.fullMaxBytes - this.fullBytes;
    if (chunk.length > room) this.fullCut = true;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.full.push(Buffer.from(part));
    this.fullBytes += part.length;
  }

  result(): CollectedOutput {
    const { stdout, stderr } = this.streams;
    const truncated = { stdout: stdout.truncated, stderr: stderr.truncated };
    const collected: CollectedOutput = {
      stdout: stdout.text(),
      stderr: stderr.text(),
      truncated,
      bytes: { stdout: stdout.total, stderr: stderr.total },
      outputSha256: this.hash.copy().digest('hex'),
    };
    if (truncated.stdout || truncated.stderr) {
      collected.fullOutput = Buffer.concat(this.full);
      collected.fullOutputTruncated = this.fullCut;
    }
    return collected;
  }
}

export function truncationNotice(moreBytes: number): string {
  return `[output truncated: ${formatBytes(moreBytes)} more]`;
}

/** 512 bytes, 64.0 KB, 1.2 MB (powers of 1024, as ops tools print them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}

/** The longest prefix that does not end inside a UTF-8 character, so the cut never shows U+FFFD. */
export function utf8Prefix(bytes: Buffer): Buffer {
  let start = bytes.length - 1;
  let continuation = 0;
  while (start >= 0 && continuation < 3 && ((bytes[start] ?? 0) & 0xc0) === 0x80) {
    start--;
    continuation++;
  }
  if (start < 0) return bytes;
  const lead = bytes[start] ?? 0;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return length > continuation + 1 ? bytes.subarray(0, start) : bytes;
}
