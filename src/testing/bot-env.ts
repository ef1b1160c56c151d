import type { SlackEmulator } from '../slack/emulator/emulator.js';

/** The environment that runs AALS (`node dist/main.js`) in HTTP mode against a Slack emulator. */
export function botEnv(
  slack: Pick<SlackEmulator, 'app' | 'signingSecret' | 'apiUrl'>,
  port: number,
  dataDir: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    SLACK_MODE: 'http',
    SLACK_BOT_TOKEN: slack.app.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    AALS_DATA_DIR: dataDir,
    ...extra,
  };
}
