import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAals } from '../app.js';
import { ConfigSchema } from '../config/schema.js';
import { silentLogger } from '../observability/logger.js';
import { parsePayload } from '../readers/registry.js';
import { SlackEmulator } from '../slack/emulator/emulator.js';
import type { EmulatedMessage } from '../slack/emulator/workspace.js';

/**
 * `npm run bench`: alert message → threaded reply latency through the real Bolt app and the Slack
 * emulator (HTTP and Socket Mode), burst throughput, parser throughput and memory.
 */
interface Stats {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted[sorted.length - 1] as number,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

const ALERT = (i: number) => ({
  username: 'Alertmanager',
  attachments: [
    {
      title: `[FIRING:1] Monitoring Event Notification`,
      title_link: 'http://alertmanager.example:9093/#/alerts?receiver=slack',
      fallback: `[FIRING:1] HighLatency prod checkout-${i % 50} (production node warning)`,
      color: 'danger',
      text: `*Alert:* p99 latency above 500 ms - \`warning\`\n*Details:*\n • *alertname:* \`HighLatency\`\n • *instance:* \`web-${i}:9100\`\n • *service:* \`checkout-${i % 50}\`\n • *severity:* \`warning\`\n`,
    },
  ],
});

async function withAals<T>(
  transport: 'http' | 'socket',
  rate: { perSecond: number; burst: number },
  work: (slack: SlackEmulator) => Promise<T>,
): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aals-bench-'));
  const slack = new SlackEmulator({
    rateLimit: rate,
    channels: ['alerts', 'alerts-2', 'alerts-3', 'alerts-4', 'general'],
  });
  await slack.start();
  const config = ConfigSchema.parse({
    slack: {
      mode: transport,
      botToken: slack.app.botToken,
      ...(transport === 'socket' ? { appToken: slack.app.appToken } : { signingSecret: slack.signingSecret }),
      apiUrl: slack.apiUrl,
      alertChannels: ['#alerts', '#alerts-2', '#alerts-3', '#alerts-4'],
    },
    http: { port: 0, host: '127.0.0.1' },
    storage: { dataDir },
    logging: { console: false },
  });
  const aals = await startAals({ config, logger: silentLogger() });
  slack.transport =
    transport === 'http' ? { type: 'http', requestUrl: `${aals.url}/slack/events` } : { type: 'socket' };
  if (transport === 'socket') await slack.waitFor(() => slack.socketConnections > 0 || null);
  try {
    return await work(slack);
  } finally {
    await aals.stop();
    await slack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Sequential alerts, each timed from the moment Slack has the message to AALS's reply in its thread. */
async function replyLatency(transport: 'http' | 'socket', count: number): Promise<Stats> {
  return withAals(transport, { perSecond: 1000, burst: 1000 }, async (slack) => {
    const samples: number[] = [];
    for (let i = 0; i < count + 20; i++) {
      const started = performance.now();
      const message = slack.postWebhookMessage('alerts', ALERT(i));
      await slack.waitFor(() => slack.replies('alerts', message.ts).length > 0 || null, 10000);
      if (i >= 20) samples.push(performance.now() - started); // the first 20 warm up the JIT and SQLite
    }
    return stats(samples);
  });
}

/** A storm of alerts across four channels at once: how fast all of them are answered. */
async function burst(count: number): Promise<{ seconds: number; perSecond: number; latency: Stats }> {
  return withAals('http', { perSecond: 10_000, burst: 10_000 }, async (slack) => {
    const channels = ['alerts', 'alerts-2', 'alerts-3', 'alerts-4'];
    const started = performance.now();
    const posted = Array.from({ length: count }, (_, i) => {
      const channel = channels[i % channels.length] as string;
      return { channel, at: performance.now(), message: slack.postWebhookMessage(channel, ALERT(i)) };
    });
    const postedAt = new Map(posted.map(({ message, at }) => [message.ts, at]));
    const answered = new Map<string, number>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${answered.size} of ${count} answered in 120 s`)),
        120_000,
      );
      const onMessage = (reply: EmulatedMessage) => {
        const at = reply.thread_ts ? postedAt.get(reply.thread_ts) : undefined;
        if (at === undefined || reply.bot_id !== slack.app.botId || answered.has(reply.thread_ts as string))
          return;
        answered.set(reply.thread_ts as string, performance.now() - at);
        if (answered.size === count) {
          clearTimeout(timer);
          slack.workspace.off('message', onMessage);
          resolve();
        }
      };
      slack.workspace.on('message', onMessage);
    });
    const seconds = (performance.now() - started) / 1000;
    return { seconds, perSecond: count / seconds, latency: stats([...answered.values()]) };
  });
}

function parserThroughput(): Array<[string, number]> {
  const payloads: Array<[string, unknown]> = [
    ['alertmanager default', ALERT(1)],
    ['plain text', { text: 'FIRING: disk full on db-01 (/var/lib/postgresql 96%)' }],
    ['chat (no alert)', { text: 'anyone up for lunch at noon?' }],
  ];
  return payloads.map(([name, payload]) => {
    const context = { receivedAt: new Date() };
    const iterations = 20_000;
    for (let i = 0; i < 1000; i++) parsePayload(payload, context);
    const started = performance.now();
    for (let i = 0; i < iterations; i++) parsePayload(payload, context);
    return [name, iterations / ((performance.now() - started) / 1000)];
  });
}

async function main(): Promise<void> {
  const count = Number(process.env.AALS_BENCH_ALERTS ?? 300);
  const lines: string[] = ['AALS benchmark', `node ${process.version}, ${new Date().toISOString()}`, ''];
  const print = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  process.stdout.write(`${lines.join('\n')}\n`);

  for (const transport of ['http', 'socket'] as const) {
    const s = await replyLatency(transport, count);
    print(
      `alert message → threaded reply (${transport}, ${count} sequential): p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  max ${ms(s.max)}`,
    );
  }
  const storm = await burst(2000);
  print(
    `burst of 2000 alerts over 4 channels (http): all answered in ${storm.seconds.toFixed(2)} s = ${storm.perSecond.toFixed(0)} alerts/s; reply latency p50 ${ms(storm.latency.p50)} p95 ${ms(storm.latency.p95)}`,
  );
  for (const [name, rate] of parserThroughput())
    print(`parser: ${name}: ${Math.round(rate).toLocaleString('en-US')} messages/s`);
  const memory = process.memoryUsage();
  print(
    `memory after the runs: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
  print('target (issue 2): HTTP reply latency p95 ≤ 300 ms');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
