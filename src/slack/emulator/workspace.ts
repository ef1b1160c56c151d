import { EventEmitter } from 'node:events';

/** In-memory state of one emulated Slack workspace: users, channels, messages, files. */

export interface EmulatedUser {
  id: string;
  name: string;
  realName: string;
  isBot: boolean;
  botId?: string;
}

export interface EmulatedChannel {
  id: string;
  name: string;
  isPrivate: boolean;
}

export interface EmulatedMessage {
  type: 'message';
  channel: string;
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  username?: string;
  text: string;
  attachments?: unknown[];
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  files?: EmulatedFile[];
  edited?: { user: string; ts: string };
  reply_count?: number;
  /** Only the user in `ephemeralTo` sees it. */
  ephemeralTo?: string;
  bot_profile?: { id: string; name: string; app_id?: string };
}

export interface EmulatedFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  data: Buffer;
  channel?: string;
  threadTs?: string;
}

export const TEAM = { id: 'T0AALS001', domain: 'aals-sandbox', name: 'AALS Sandbox' } as const;

export class Workspace extends EventEmitter {
  readonly users = new Map<string, EmulatedUser>();
  /** The App Home each user was last shown (views.publish). */
  readonly homeViews = new Map<string, Record<string, unknown>>();
  /** User group (S…) → member user IDs, for usergroups.users.list. */
  readonly userGroups = new Map<string, string[]>();
  readonly channels = new Map<string, EmulatedChannel>();
  readonly messages = new Map<string, EmulatedMessage[]>();
  readonly files = new Map<string, EmulatedFile>();
  private lastTs = 0;
  private sequence = 0;

  constructor() {
    super();
    this.setMaxListeners(100);
  }

  addUser(user: EmulatedUser): EmulatedUser {
    this.users.set(user.id, user);
    return user;
  }

  addChannel(name: string, id?: string, isPrivate = false): EmulatedChannel {
    const existing = this.channelByName(name);
    if (existing) return existing;
    const channel = { id: id ?? this.nextId('C'), name: name.replace(/^#/, ''), isPrivate };
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
    return channel;
  }

  channelByName(name: string): EmulatedChannel | undefined {
    const bare = name.replace(/^#/, '');
    return [...this.channels.values()].find((c) => c.name === bare);
  }

  /** A channel by ID or name. */
  resolveChannel(idOrName: string): EmulatedChannel | undefined {
    return this.channels.get(idOrName) ?? this.channelByName(idOrName);
  }

  nextId(prefix: string): string {
    this.sequence++;
    return `${prefix}${Date.now().toString(36).toUpperCase()}${this.sequence.toString(36).toUpperCase().padStart(4, '0')}`;
  }

  /** Slack timestamps are unique per channel and increasing: seconds.micros. */
  nextTs(): string {
    const now = Date.now() * 1000;
    this.lastTs = Math.max(now, this.lastTs + 1);
    return `${Math.floor(this.lastTs / 1e6)}.${String(this.lastTs % 1e6).padStart(6, '0')}`;
  }

  post(message: Omit<EmulatedMessage, 'type' | 'ts'> & { ts?: string }): EmulatedMessage {
    const list = this.messages.get(message.channel);
    if (!list) throw new Error(`channel_not_found: ${message.channel}`);
    const stored: EmulatedMessage = {
      type: 'message',
      ts: message.ts ?? this.nextTs(),
      ...message,
    } as EmulatedMessage;
    list.push(stored);
    if (stored.thread_ts && stored.thread_ts !== stored.ts) {
      const parent = list.find((m) => m.ts === stored.thread_ts);
      if (parent) parent.reply_count = (parent.reply_count ?? 0) + 1;
    }
    this.emit('message', stored);
    return stored;
  }

  find(channel: string, ts: string): EmulatedMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  update(
    channel: string,
    ts: string,
    changes: Partial<EmulatedMessage>,
    editor: string,
  ): EmulatedMessage | undefined {
    const message = this.find(channel, ts);
    if (!message) return undefined;
    Object.assign(message, changes, { edited: { user: editor, ts: this.nextTs() } });
    this.emit('message_changed', message);
    return message;
  }

  /** Top-level messages of a channel, newest first (as conversations.history returns them). */
  history(channel: string): EmulatedMessage[] {
    return (this.messages.get(channel) ?? []).filter((m) => !m.thread_ts || m.thread_ts === m.ts).reverse();
  }

  /** The parent message and its replies, oldest first (as conversations.replies returns them). */
  thread(channel: string, ts: string): EmulatedMessage[] {
    return (this.messages.get(channel) ?? []).filter((m) => m.ts === ts || m.thread_ts === ts);
  }
}
