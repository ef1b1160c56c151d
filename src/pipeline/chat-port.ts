/**
 * What the pipeline needs from a chat platform, and nothing more. The Slack adapter implements
 * it with Bolt's Web API client; tests and the CLI can implement it without Slack.
 */
export interface ChatPost {
  channel: string;
  text: string;
  blocks?: Array<Record<string, unknown>>;
  threadTs?: string;
  /** Idempotency marker stored with the message, so a restart can tell whether it was posted. */
  marker?: string;
}

export interface ChatUpload {
  channel: string;
  threadTs?: string;
  data: Buffer;
  /** Also the idempotency marker: a restart looks for a file with this name before uploading again. */
  filename: string;
  title: string;
  comment?: string;
}

export interface ChatPort {
  upload(file: ChatUpload): Promise<void>;
  /** Whether a file with this name is already in the thread (after a crash). */
  findUpload(channel: string, threadTs: string | undefined, filename: string): Promise<boolean>;
  post(message: ChatPost): Promise<{ channel: string; ts: string }>;
  update(
    channel: string,
    ts: string,
    message: { text: string; blocks?: Array<Record<string, unknown>> },
  ): Promise<void>;
  /** The ts of a message carrying `marker` in the thread (or the channel's recent history), if any. */
  findPosted(channel: string, threadTs: string | undefined, marker: string): Promise<string | null>;
}
