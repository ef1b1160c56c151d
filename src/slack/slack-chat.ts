import type { webApi } from '@slack/bolt';
import type { ChatPort, ChatPost, ChatUpload } from '../pipeline/chat-port.js';

const MARKER_EVENT = 'aals_reply';

interface MessageWithMetadata {
  ts?: string;
  files?: Array<{ name?: string }>;
  metadata?: { event_type?: string; event_payload?: { marker?: string } };
}

/**
 * ChatPort over Slack's Web API. Each message carries its idempotency marker as message metadata.
 * The client is looked up on each call because the pipeline exists before Slack has connected.
 */
export class SlackChat implements ChatPort {
  constructor(private readonly clientOf: () => webApi.WebClient) {}

  private get client(): webApi.WebClient {
    return this.clientOf();
  }

  async post(message: ChatPost): Promise<{ channel: string; ts: string }> {
    const result = await this.client.chat.postMessage({
      channel: message.channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(message.marker
        ? { metadata: { event_type: MARKER_EVENT, event_payload: { marker: message.marker } } }
        : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
    return { channel: result.channel as string, ts: result.ts as string };
  }

  async update(
    channel: string,
    ts: string,
    message: { text: string; blocks?: Array<Record<string, unknown>> },
  ) {
    await this.client.chat.update({
      channel,
      ts,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never } : {}),
    });
  }

  /** files.uploadV2: getUploadURLExternal → upload → completeUploadExternal, shared into the thread. */
  async upload(file: ChatUpload): Promise<void> {
    await this.client.filesUploadV2({
      channel_id: file.channel,
      ...(file.threadTs ? { thread_ts: file.threadTs } : {}),
      file: file.data,
      filename: file.filename,
      title: file.title,
      ...(file.comment ? { initial_comment: file.comment } : {}),
    } as never);
  }

  async findUpload(channel: string, threadTs: string | undefined, filename: string): Promise<boolean> {
    const result = threadTs
      ? await this.client.conversations.replies({ channel, ts: threadTs, limit: 200 })
      : await this.client.conversations.history({ channel, limit: 100 });
    return ((result.messages ?? []) as MessageWithMetadata[]).some((m) =>
      m.files?.some((f) => f.name === filename),
    );
  }

  async findPosted(channel: string, threadTs: string | undefined, marker: string): Promise<string | null> {
    const result = threadTs
      ? await this.client.conversations.replies({
          channel,
          ts: threadTs,
          include_all_metadata: true,
          limit: 200,
        })
      : await this.client.conversations.history({ channel, include_all_metadata: true, limit: 100 });
    const messages = (result.messages ?? []) as MessageWithMetadata[];
    const found = messages.find(
      (m) => m.metadata?.event_type === MARKER_EVENT && m.metadata.event_payload?.marker === marker,
    );
    return found?.ts ?? null;
  }
}
