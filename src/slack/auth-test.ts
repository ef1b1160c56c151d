import { webApi } from '@slack/bolt';
import type { AalsConfig } from '../config/schema.js';

/** Slack's auth.test with the configured bot token: who AALS is in which workspace. */
export async function slackAuthTest(config: AalsConfig): Promise<string> {
  const client = new webApi.WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: 5000,
  });
  const result = await client.auth.test();
  return `authenticated as ${result.user} in ${result.team}`;
}
