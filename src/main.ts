import { startAals } from './app.js';
import { loadConfig } from './config/load.js';
import { errorMessage } from './errors.js';
import { createLogger } from './observability/logger.js';

/** `npm start`: runs AALS with the configuration from aals.config.yaml, the environment and .env. */
async function main(): Promise<void> {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig();
  } catch (error) {
    process.stderr.write(`aals: ${errorMessage(error)}\n`);
    process.exit(2);
  }
  const { config, path } = loaded;
  const logger = createLogger(config.logging);
  const aals = await startAals({ config, logger });
  logger.info('configuration', { path: path ?? 'built-in defaults', environment: config.environment });
  if (aals.sandbox)
    printSandboxHelp(aals.url, aals.sandbox.incomingWebhookUrl(config.slack.alertChannels[0] ?? 'alerts'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    await aals.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function printSandboxHelp(url: string, hookUrl: string): void {
  const sample = JSON.stringify({
    username: 'Alertmanager',
    attachments: [
      {
        title: '[FIRING:1] HighCPUUsage prod-tokyo checkout (production web-1:9100 node warning)',
        title_link: 'http://alertmanager.example:9093/#/alerts?receiver=slack',
        fallback: '[FIRING:1] HighCPUUsage prod-tokyo checkout (production web-1:9100 node warning)',
        color: 'danger',
        text: '',
      },
    ],
  });
  process.stderr.write(
    [
      '',
      'AALS is running against its local Slack sandbox (no Slack tokens set).',
      `  Sandbox Slack UI:  ${url}/slack-sandbox/   (open in a browser: post sample alerts, click buttons)`,
      `  Health:            ${url}/healthz`,
      `  Sandbox state:     ${url}/slack-sandbox/state`,
      `  Alertmanager hook: ${url}/webhooks/alertmanager`,
      '',
      'Post a sample alert into #alerts (AALS answers in its thread):',
      `  curl -s -X POST ${hookUrl} -H 'content-type: application/json' -d '${sample}'`,
      `Then read the thread in the browser, or: curl -s ${url}/slack-sandbox/state`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`aals: ${errorMessage(error)}\n`);
  process.exit(1);
});
