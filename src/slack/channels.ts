import type { webApi } from '@slack/bolt';
import type { Logger } from 'winston';
import { errorMessage } from '../errors.js';

/**
 * Maps the configured alert channels (IDs like C0123 or names like #alerts) to channel IDs.
 * Names are looked up once with conversations.list; unknown IDs seen later are named lazily.
 */
export class ChannelDirectory {
  private readonly names = new Map<string, string>();
  private readonly alertIds = new Set<string>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly configured: string[],
    private readonly logger: Logger,
  ) {}

  async load(): Promise<void> {
    for (const entry of this.configured) if (/^[CGD][A-Z0-9]{6,}$/.test(entry)) this.alertIds.add(entry);
    const wanted = new Set(
      this.configured.filter((c) => !this.alertIds.has(c)).map((c) => c.replace(/^#/, '')),
    );
    try {
      let cursor: string | undefined;
      do {
        const page = await this.client.conversations.list({
          limit: 1000,
          exclude_archived: true,
          types: 'public_channel,private_channel',
          ...(cursor ? { cursor } : {}),
        });
        for (const channel of page.channels ?? []) {
          if (!channel.id || !channel.name) continue;
          this.names.set(channel.id, channel.name);
          if (wanted.has(channel.name)) this.alertIds.add(channel.id);
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
    } catch (error) {
      this.logger.warn('could not list channels; channel names in alertChannels will not match', {
        error: errorMessage(error),
      });
    }
    const found = new Set([...this.alertIds].map((id) => this.names.get(id)));
    const missing = [...wanted].filter((name) => !found.has(name));
    if (missing.length)
      this.logger.warn('alert channels not found (invite AALS or use channel IDs)', { missing });
  }

  isAlertChannel(channelId: string): boolean {
    return this.alertIds.has(channelId);
  }

  /** A channel ID for an ID or name, if known. */
  idOf(channel: string): string | undefined {
    if (this.names.has(channel) || /^[CGD][A-Z0-9]{6,}$/.test(channel)) return channel;
    const bare = channel.replace(/^#/, '');
    return [...this.names.entries()].find(([, name]) => name === bare)?.[0];
  }

  nameOf(channelId: string): string | undefined {
    return this.names.get(channelId);
  }

  get alertChannelIds(): string[] {
    return [...this.alertIds];
  }
}
