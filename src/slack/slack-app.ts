import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { Logger } from 'winston';
import type { ApprovalService } from '../approvals/service.js';
import { type CommandContext, runCommand } from '../chatops/commands.js';
import { type TextDiagnosisContext, textDiagnosis } from '../chatops/diagnose.js';
import type { HomeData } from '../chatops/home.js';
import { errorMessage } from '../errors.js';
import type { Inbox } from '../pipeline/inbox.js';
import { unwrapEdit } from '../readers/registry.js';
import type { Store } from '../store/store.js';
import { registerApprovals } from './approvals.js';
import { boltLogger } from './bolt-logger.js';
import { ChannelDirectory } from './channels.js';
import { type FeedbackDeps, registerFeedback } from './feedback.js';
import { homeView } from './views/home.js';

/** The Bolt app in Socket Mode or HTTP mode, and the listeners that feed AALS. */
export interface SlackAppOptions {
  mode: 'socket' | 'http';
  botToken: string;
  appToken?: string | undefined;
  signingSecret?: string | undefined;
  apiUrl?: string | undefined;
  alertChannels: string[];
  commandName: string;
  logger: Logger;
  store: Store;
  inbox: Inbox;
  commandContext: () => Omit<CommandContext, 'store' | 'commandName' | 'now'>;
  /** What mentions need to diagnose a question. */
  mentionContext: () => Omit<TextDiagnosisContext, 'store' | 'now'>;
  /** What the App Home shows, read when a user opens it. */
  homeData: () => HomeData;
  /** The approval workflow behind Approve / Reject (absent when command execution is off). */
  approvals: () => ApprovalService | undefined;
  /** Incident memory behind the feedback buttons, and who to tell when they change something. */
  feedback: Omit<FeedbackDeps, 'store' | 'logger'>;
  now?: () => Date;
}

export interface SlackRuntime {
  app: App;
  client: webApi.WebClient;
  directory: ChannelDirectory;
  /** HTTP mode: the handler for POST /slack/events. */
  requestListener?: (req: IncomingMessage, res: ServerResponse) => void;
  botUserId: string;
  /** https://<workspace>.slack.com/ from auth.test, for permalinks. */
  workspaceUrl: string | undefined;
  stop(): Promise<void>;
}

/** Message subtypes that are not someone posting something. */
const IGNORED_SUBTYPES = new Set([
  'message_deleted',
  'channel_join',
  'channel_leave',
  'channel_topic',
  'channel_purpose',
  'channel_name',
  'pinned_item',
  'unpinned_item',
  'message_replied',
  'reminder_add',
]);

const RETRY_CONFIG = { retries: 4, factor: 2, minTimeout: 250, maxTimeout: 4000 };

export async function startSlackApp(options: SlackAppOptions): Promise<SlackRuntime> {
  const { logger, store, inbox } = options;
  const now = options.now ?? (() => new Date());
  const clientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: RETRY_CONFIG,
  };
  const slackLogger = boltLogger(logger);
  let receiver: Receiver;
  let httpReceiver: HTTPReceiver | undefined;
  if (options.mode === 'socket') {
    receiver = new SocketModeReceiver({
      appToken: options.appToken as string,
      logger: slackLogger,
      installerOptions: { clientOptions },
    });
  } else {
    httpReceiver = new HTTPReceiver({
      signingSecret: options.signingSecret as string,
      endpoints: ['/slack/events'],
      // Answer Slack only after the payload is stored, so an acknowledged event is never lost.
      processBeforeResponse: true,
      logger: slackLogger,
    });
    receiver = httpReceiver;
  }
  const app = new App({
    token: options.botToken,
    receiver,
    clientOptions,
    logger: slackLogger,
    ignoreSelf: true,
  });
  const identity = await app.client.auth.test();
  const botUserId = identity.user_id as string;
  const botId = identity.bot_id as string;
  const directory = new ChannelDirectory(app.client, options.alertChannels, logger);
  await directory.load();

  app.error(async (error) => {
    logger.error('slack listener failed', { error: errorMessage(error) });
    // An event AALS could not store must not be acknowledged: Slack then delivers it again (the
    // dedup key makes that safe). Other listener failures are answered normally.
    if (isStoreFailure(error)) throw error;
  });

  app.event('message', async ({ event, body }) => {
    const raw = event as unknown as Record<string, unknown>;
    const channel = String(raw.channel ?? '');
    if (!directory.isAlertChannel(channel)) return;
    const message = unwrapEdit(raw);
    if (message.bot_id === botId || message.user === botUserId) return;
    const ts = String(message.ts ?? raw.ts ?? '');
    const subtype = raw.subtype as string | undefined;
    const edited = subtype === 'message_changed';
    const threadTs = message.thread_ts as string | undefined;
    const reason =
      subtype && IGNORED_SUBTYPES.has(subtype)
        ? `message subtype ${subtype}`
        : threadTs && threadTs !== ts
          ? 'a reply in a thread'
          : null;
    inbox.accept({
      kind: 'slack_event',
      body: JSON.stringify(body),
      dedupKey: edited
        ? `slack:${channel}:${ts}:edit:${(message.edited as { ts?: string } | undefined)?.ts ?? body.event_id}`
        : `slack:${channel}:${ts}`,
      channel,
      messageTs: ts,
      ...(reason ? { status: 'ignored' as const, error: reason } : {}),
    });
  });

  app.event('app_mention', async ({ event, body, client }) => {
    const stored = store.rawEvents.insert({
      kind: 'slack_event',
      body: JSON.stringify(body),
      dedupKey: `event:${body.event_id}`,
      channel: event.channel,
      messageTs: event.ts,
      status: 'done',
    });
    if (!stored) return;
    const question = (event.text ?? '').replace(/<@[A-Z0-9]+>/g, '').trim();
    const context = { ...options.mentionContext(), store, now: now() };
    const answer = await textDiagnosis(question, context, { rulesOnly: true });
    const posted = await client.chat.postMessage({
      channel: event.channel,
      thread_ts: event.thread_ts ?? event.ts,
      text: answer.text,
      blocks: answer.blocks as never,
      unfurl_links: false,
    });
    if (context.diagnoser.usesLlm && posted.ts) {
      // The rules answer is up; the LLM's replaces it in place when it arrives. Not awaited: in
      // HTTP mode Slack's 3 s acknowledgement waits for this listener.
      const ts = posted.ts;
      void textDiagnosis(question, { ...context, now: now() }, { rulesOnly: false })
        .then((full) =>
          client.chat.update({ channel: event.channel, ts, text: full.text, blocks: full.blocks as never }),
        )
        .catch((error) => logger.warn('mention diagnosis failed', { error: errorMessage(error) }));
    }
    store.audit.append({
      actor: event.user ?? 'unknown',
      action: 'mention.answered',
      subject: `raw_event:${stored.id}`,
    });
  });

  const publishHome = async (userId: string) => {
    const permalink = (channel: string, ts: string) =>
      identity.url
        ? `${String(identity.url).replace(/\/$/, '')}/archives/${channel}/p${ts.replace('.', '')}`
        : null;
    await app.client.views.publish({
      user_id: userId,
      view: homeView(options.homeData(), permalink) as never,
    });
  };
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await publishHome(event.user);
  });

  registerFeedback(app, { ...options.feedback, store, logger });
  registerApprovals(app, { store, logger, service: options.approvals, refreshHome: publishHome });

  app.command(options.commandName, async ({ command, ack, body, respond }) => {
    store.rawEvents.insert({
      kind: 'slack_command',
      body: JSON.stringify(body),
      channel: command.channel_id,
      status: 'done',
    });
    const reply = await runCommand(command.text, {
      ...options.commandContext(),
      store,
      commandName: options.commandName,
      now: now(),
      userId: command.user_id,
      channelId: command.channel_id,
      approvals: options.approvals(),
    });
    await ack({ response_type: reply.responseType, text: reply.text, blocks: reply.blocks as never });
    if (reply.followUp) {
      // Not awaited, for the same reason as mentions: the acknowledgement must not wait for the LLM.
      void reply
        .followUp()
        .then((later) =>
          respond({ response_type: later.responseType, text: later.text, blocks: later.blocks as never }),
        )
        .catch((error) => logger.warn('command follow-up failed', { error: errorMessage(error) }));
    }
    store.audit.append({
      actor: command.user_id,
      action: 'command',
      subject: `${options.commandName} ${command.text.split(/\s+/)[0] ?? ''}`.trim(),
      details: { channel: command.channel_id },
    });
  });

  if (options.mode === 'socket') await app.start();
  return {
    app,
    client: app.client,
    directory,
    botUserId,
    workspaceUrl: identity.url,
    ...(httpReceiver ? { requestListener: httpReceiver.requestListener } : {}),
    stop: async () => {
      if (options.mode === 'socket') await app.stop();
    },
  };
}

/** SQLite could not write (disk full, locked past the busy timeout, I/O error). */
function isStoreFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (
    let e: unknown = error;
    e && typeof e === 'object' && !seen.has(e);
    e = (e as { original?: unknown; cause?: unknown }).original ?? (e as { cause?: unknown }).cause
  ) {
    seen.add(e);
    const code = String((e as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_') || (e as { name?: unknown }).name === 'SqliteError') return true;
  }
  return false;
}
