import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningAals, startAals } from '../app.js';
import { type ConfigInput, ConfigSchema } from '../config/schema.js';
import { silentLogger } from '../observability/logger.js';
import { type EmulatorOptions, SlackEmulator } from '../slack/emulator/emulator.js';

export const BENCH_CHANNELS = ['alerts', 'alerts-2', 'alerts-3', 'alerts-4'];

/** AALS (real Bolt app, real SQLite) against the Slack emulator, for one benchmark. */
export async function withAals<T>(
  transport: 'http' | 'socket',
  emulator: EmulatorOptions,
  work: (slack: SlackEmulator, aals: RunningAals) => Promise<T>,
  config: ConfigInput = {},
): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aals-bench-'));
  const slack = new SlackEmulator({ channels: [...BENCH_CHANNELS, 'general'], ...emulator });
  await slack.start();
  const parsed = ConfigSchema.parse({
    ...config,
    slack: {
      mode: transport,
      botToken: slack.app.botToken,
      ...(transport === 'socket' ? { appToken: slack.app.appToken } : { signingSecret: slack.signingSecret }),
      apiUrl: slack.apiUrl,
      alertChannels: BENCH_CHANNELS.map((c) => `#${c}`),
      ...config.slack,
    },
    http: { port: 0, host: '127.0.0.1' },
    storage: { dataDir },
    logging: { console: false },
  });
  const aals = await startAals({ config: parsed, logger: silentLogger() });
  slack.transport =
    transport === 'http' ? { type: 'http', requestUrl: `${aals.url}/slack/events` } : { type: 'socket' };
  if (transport === 'socket') await slack.waitFor(() => slack.socketConnections > 0 || null);
  try {
    return await work(slack, aals);
  } finally {
    await aals.stop();
    await slack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
