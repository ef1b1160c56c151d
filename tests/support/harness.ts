import winston from 'winston';
import Transport from 'winston-transport';
import { type AalsOptions, type RunningAals, startAals } from '../../src/app.js';
import { type ConfigInput, ConfigSchema } from '../../src/config/schema.js';
import { type EmulatorOptions, SlackEmulator } from '../../src/slack/emulator/emulator.js';
import type { EmulatedMessage } from '../../src/slack/emulator/workspace.js';
import { waitUntil } from './processes.js';
import { tempDir } from './temp.js';

/**
 * AALS (the real Bolt app, real SQLite) against the Slack emulator, in HTTP or Socket Mode.
 * Logs are kept in memory so a test can assert on them.
 */
export interface Harness {
  aals: RunningAals;
  slack: SlackEmulator;
  logs: Array<Record<string, unknown>>;
  dataDir: string;
  /** Posts as Alertmanager's incoming webhook would. */
  postAlert(payload: Record<string, unknown>, channel?: string): EmulatedMessage;
  /**
   * Waits until AALS has received every message in Slack (or those given), processed them, and told
   * Slack everything it has to.
   */
  settled(messages?: EmulatedMessage[]): Promise<void>;
  /** AALS's messages in the thread of `ts`, oldest first. */
  botReplies(ts: string, channel?: string): EmulatedMessage[];
  /** Waits for AALS's replies in the thread of `ts`. */
  waitForReplies(
    ts: string,
    count?: number,
    channel?: string,
    timeoutMs?: number,
  ): Promise<EmulatedMessage[]>;
  /** Stops AALS (not Slack) and starts it again on the same data, as after a crash or deploy. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  transport: 'http' | 'socket';
  config?: ConfigInput;
  emulator?: EmulatorOptions;
  app?: Partial<AalsOptions>;
  dataDir?: string;
}

export function memoryLogger(logs: Array<Record<string, unknown>>): winston.Logger {
  const transport = new (class extends Transport {
    override log(info: Record<string, unknown>, next: () => void) {
      logs.push(info);
      next();
    }
  })();
  return winston.createLogger({ level: 'debug', transports: [transport] });
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const slack = new SlackEmulator({ retryDelaysMs: [200, 500], ...options.emulator });
  await slack.start();
  const dir = options.dataDir ? null : tempDir();
  const dataDir = options.dataDir ?? (dir?.path as string);
  const logs: Array<Record<string, unknown>> = [];
  const base = {
    ...options.config,
    slack: {
      mode: options.transport,
      botToken: slack.app.botToken,
      ...(options.transport === 'socket'
        ? { appToken: slack.app.appToken }
        : { signingSecret: slack.signingSecret }),
      apiUrl: slack.apiUrl,
      alertChannels: ['#alerts'],
      ...options.config?.slack,
    },
    http: { port: 0, host: '127.0.0.1', ...options.config?.http },
    storage: { dataDir },
    logging: { console: false, level: 'debug' as const },
  };
  const config = ConfigSchema.parse(base);
  const launch = async () => {
    const running = await startAals({
      config,
      logger: memoryLogger(logs),
      inbox: { retryDelaysMs: [100, 300, 600] },
      dispatch: { updateIntervalMs: 100 },
      ...options.app,
    });
    slack.transport =
      options.transport === 'socket'
        ? { type: 'socket' }
        : { type: 'http', requestUrl: `${running.url}/slack/events` };
    if (options.transport === 'socket') await slack.waitFor(() => slack.socketConnections > 0 || null);
    return running;
  };
  let aals = await launch();
  return {
    get aals() {
      return aals;
    },
    slack,
    logs,
    dataDir,
    postAlert: (payload, channel = 'alerts') => slack.postWebhookMessage(channel, payload),
    settled: async (messages) => {
      const expected =
        messages ??
        [...slack.workspace.messages.values()]
          .flat()
          .filter((m) => m.bot_id !== slack.app.botId && !m.ephemeralTo);
      const received = () => {
        const stored = new Set(
          aals.store.rawEvents.recent(100_000).map((e) => `${e.channel}:${e.messageTs}`),
        );
        return expected.every((m) => stored.has(`${m.channel}:${m.ts}`));
      };
      await waitUntil(received, 10_000, 'AALS to receive every message');
      await aals.inbox.idle();
      await aals.dispatcher.settled();
    },
    botReplies: (ts, channel = 'alerts') =>
      slack.replies(channel, ts).filter((m) => m.bot_id === slack.app.botId),
    waitForReplies: (ts, count = 1, channel = 'alerts', timeoutMs = 5000) =>
      slack.waitFor(() => {
        const replies = slack.replies(channel, ts).filter((m) => m.bot_id === slack.app.botId);
        return replies.length >= count ? replies : null;
      }, timeoutMs),
    async restart() {
      await aals.stop();
      aals = await launch();
    },
    async stop() {
      await aals.stop();
      await slack.stop();
      dir?.cleanup();
    },
  };
}
