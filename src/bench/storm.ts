import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { SlackEmulator } from '../slack/emulator/emulator.js';
import type { EmulatedMessage } from '../slack/emulator/workspace.js';
import { labelledSlackAlert } from '../testing/alert-messages.js';
import { botEnv } from '../testing/bot-env.js';
import { freePort, spawnProcess } from '../testing/processes.js';
import { tempDir } from '../testing/temp.js';
import { BENCH_CHANNELS, withAals } from './harness.js';
import { ms, stats } from './stats.js';

/**
 * An alert storm through Slack: 10,000 Alertmanager messages (a popular template that lists labels)
 * posted into four channels within 60 s, from 40 cascading incidents of 250 alerts each. Measures
 * that every message is stored, each incident gets one thread, Slack's rate limit (1 message/s
 * per channel, burst 3) is respected, and how fast each incident's first alert is answered.
 */
const INCIDENTS = 40;
const TOTAL = 10_000;
const DURATION_MS = 60_000;
const SERVICES = ['db', 'orders', 'checkout', 'api'];

interface Planned {
  at: number;
  incident: number;
  channel: string;
  payload: Record<string, unknown>;
}

function message(
  incident: number,
  service: string,
  pod: number,
  alertname: string,
  status: 'firing' | 'resolved' = 'firing',
): Record<string, unknown> {
  return labelledSlackAlert(
    {
      alertname,
      cluster: `c-${incident}`,
      service: `${service}-${incident}`,
      instance: `${service}-${incident}-${pod}:8080`,
      severity: 'critical',
    },
    status,
  );
}

function plan(): { messages: Planned[]; topology: Record<string, string[]> } {
  const messages: Planned[] = [];
  const topology: Record<string, string[]> = {};
  const perIncident = TOTAL / INCIDENTS;
  for (let k = 0; k < INCIDENTS; k++) {
    topology[`orders-${k}`] = [`db-${k}`];
    topology[`checkout-${k}`] = [`orders-${k}`];
    topology[`api-${k}`] = [`checkout-${k}`];
    const start = (k * DURATION_MS * 0.8) / INCIDENTS;
    const channel = BENCH_CHANNELS[k % BENCH_CHANNELS.length] as string;
    messages.push({ at: start, incident: k, channel, payload: message(k, 'db', 0, 'DatabaseDown') });
    for (let i = 1; i < perIncident; i++) {
      const service = SERVICES[1 + (i % 3)] as string;
      const at = start + 500 + (i / perIncident) * 0.2 * DURATION_MS;
      messages.push({
        at,
        incident: k,
        channel,
        payload: message(k, service, i, i % 2 ? 'HighErrorRate' : 'HighLatency'),
      });
    }
  }
  return { messages: messages.sort((a, b) => a.at - b.at), topology };
}

export async function slackStorm(print: (line: string) => void): Promise<void> {
  const { messages, topology } = plan();
  await withAals(
    'http',
    { rateLimit: { perSecond: 1, burst: 3 } },
    async (slack, aals) => {
      const firstPost = new Map<number, { ts: string; channel: string; at: number }>();
      const firstReply = new Map<number, number>();
      const incidentOfThread = new Map<string, number>();
      const botPostsPerSecond = new Map<string, number>();
      const onMessage = (m: EmulatedMessage) => {
        if (m.bot_id !== slack.app.botId) return;
        const second = `${m.channel}:${Math.floor(performance.now() / 1000)}`;
        botPostsPerSecond.set(second, (botPostsPerSecond.get(second) ?? 0) + 1);
        const incident = m.thread_ts ? incidentOfThread.get(m.thread_ts) : undefined;
        if (incident !== undefined && !firstReply.has(incident)) firstReply.set(incident, performance.now());
      };
      slack.workspace.on('message', onMessage);
      let edits = 0;
      slack.afterApiCall = (request) => {
        if (request.method === 'chat.update') edits++;
      };

      // Peak memory of the whole process (AALS and the emulator share it, so this overstates AALS).
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 100);
      const started = performance.now();
      await postOnSchedule(slack, messages, (planned, posted) => {
        if (firstPost.has(planned.incident)) return;
        firstPost.set(planned.incident, { ts: posted.ts, channel: planned.channel, at: performance.now() });
        incidentOfThread.set(posted.ts, planned.incident);
      });
      const postedIn = (performance.now() - started) / 1000;
      await aals.inbox.idle();
      await Promise.race([aals.dispatcher.settled(), new Promise((r) => setTimeout(r, 120_000))]);
      slack.workspace.off('message', onMessage);
      clearInterval(sampler);

      const stored = aals.store.rawEvents.countByStatus();
      const storedTotal = Object.values(stored).reduce((a, b) => a + b, 0);
      const incidents = aals.store.incidents.recent(1000).filter((i) => i.status !== 'merged');
      const withThread = incidents.filter((i) => i.summaryTs);
      const latencies = [...firstPost.entries()].map(
        ([k, post]) => (firstReply.get(k) ?? Number.POSITIVE_INFINITY) - post.at,
      );
      const s = stats(latencies);
      const maxPerSecond = Math.max(...botPostsPerSecond.values());
      const outbox = aals.store.outbox.counts();
      print(
        `storm: ${TOTAL.toLocaleString('en-US')} alert messages from ${INCIDENTS} incidents posted into 4 channels in ${postedIn.toFixed(1)} s: stored ${storedTotal} (${JSON.stringify(stored)}), AALS incidents ${incidents.length}, incident threads ${withThread.length}`,
      );
      print(
        `storm: first alert of each incident → first reply: p50 ${ms(s.p50)} p95 ${ms(s.p95)} max ${ms(s.max)}; Slack 429s ${slack.rateLimitedCount}; most AALS posts in one channel-second ${maxPerSecond}; pointers sent ${outbox['pointer.sent'] ?? 0}, dropped ${outbox['pointer.dropped'] ?? 0}; summary edits (chat.update) ${edits}`,
      );
      print(
        `storm: peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (AALS and the Slack emulator in one process)   [target ≤ 300 MB]`,
      );
    },
    { correlation: { topology } },
  );
}

/** Posts each planned message at its time (relative to now), calling `onPosted` for each. */
async function postOnSchedule(
  slack: SlackEmulator,
  messages: Planned[],
  onPosted: (planned: Planned, posted: EmulatedMessage) => void = () => undefined,
): Promise<void> {
  const started = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now() - started;
      while (next < messages.length && (messages[next] as Planned).at <= now) {
        const planned = messages[next++] as Planned;
        onPosted(planned, slack.postWebhookMessage(planned.channel, planned.payload));
      }
      if (next < messages.length) setTimeout(tick, 10);
      else resolve();
    };
    tick();
  });
}

/**
 * The same storm with the bot as its own process (`node dist/main.js`, as in production), so its
 * memory is measured alone: peak RSS is the kernel's high-water mark (VmHWM) for that process.
 */
export async function stormBotMemory(print: (line: string) => void): Promise<void> {
  const { messages, topology } = plan();
  const { slack, bot, base, stop } = await startBot({ correlation: { topology } });
  try {
    const health = async () =>
      (await fetch(`${base}/healthz`).then(
        (r) => (r.ok ? (r.json() as Promise<{ backlog: number }>) : null),
        () => null,
      )) as { backlog: number } | null;
    for (let i = 0; i < 200 && !(await health()); i++) await new Promise((r) => setTimeout(r, 100));
    slack.transport = { type: 'http', requestUrl: `${base}/slack/events` };
    const started = performance.now();
    await postOnSchedule(slack, messages);
    for (let i = 0; i < 600; i++) {
      const state = await health();
      if (state && state.backlog === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    const status = readFileSync(`/proc/${bot.child.pid}/status`, 'utf8');
    const peak = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    const now = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    print(
      `storm, bot as its own process: ${TOTAL.toLocaleString('en-US')} alert messages read in ${seconds.toFixed(1)} s; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB, at the end ${(now / 2 ** 20).toFixed(0)} MiB   [target ≤ 300 MB]`,
    );
  } finally {
    await stop();
  }
}

/**
 * Soak: `AALS_SOAK_ALERTS` (100,000) alert messages over `AALS_SOAK_MINUTES` (10) into the bot as its
 * own process: half of them alerts starting to fire (500 incidents of 100 alerts, one after another),
 * the other half the same alerts resolving a minute later, as they do in real life — so what AALS
 * has to keep in memory is bounded, and growth would be a leak. Samples the bot's RSS every 5 s and
 * its event-loop lag p99 (per 5 s) from /metrics; at the end checks every message was stored.
 */
export async function soak(print: (line: string) => void): Promise<void> {
  const total = Number(process.env.AALS_SOAK_ALERTS ?? 100_000);
  const minutes = Number(process.env.AALS_SOAK_MINUTES ?? 10);
  const { slack, bot, base, stop } = await startBot({});
  const rss: Array<{ at: number; bytes: number }> = [];
  const lagP99: number[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    slack.transport = { type: 'http', requestUrl: `${base}/slack/events` };
    const started = performance.now();
    const sampler = setInterval(() => {
      let status = '';
      try {
        status = readFileSync(`/proc/${bot.child.pid}/status`, 'utf8');
      } catch {
        return; // a missed sample (e.g. out of file descriptors) must not end the soak
      }
      rss.push({
        at: performance.now() - started,
        bytes: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024,
      });
      void fetch(`${base}/metrics`)
        .then((r) => r.text())
        .then((text) => {
          const value = /^aals_nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text)?.[1];
          if (value !== undefined) lagP99.push(Number(value));
        })
        .catch(() => undefined);
    }, 5000);
    const alerts = Math.floor(total / 2);
    const resolveAfterMs = Math.min(60_000, (minutes * 60_000) / 4);
    const spacing = (minutes * 60_000 - resolveAfterMs) / alerts;
    const planned: Planned[] = Array.from({ length: alerts }, (_, i) => {
      const incident = Math.floor(i / 100) % 500;
      const channel = BENCH_CHANNELS[incident % BENCH_CHANNELS.length] as string;
      const alert = [
        incident,
        SERVICES[i % 4] as string,
        i % 50,
        i % 3 ? 'HighErrorRate' : 'HighLatency',
      ] as const;
      return [
        { at: i * spacing, incident, channel, payload: message(...alert) },
        { at: i * spacing + resolveAfterMs, incident, channel, payload: message(...alert, 'resolved') },
      ];
    })
      .flat()
      .sort((a, b) => a.at - b.at);
    await postOnSchedule(slack, planned);
    for (let i = 0; i < 1200; i++) {
      const state = await fetch(`${base}/healthz`).then(
        (r) => r.json() as Promise<{ backlog: number }>,
        () => null,
      );
      if (state && state.backlog === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const status = readFileSync(`/proc/${bot.child.pid}/status`, 'utf8');
    const peak = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    const warm = rss.filter((s) => s.at >= 60_000);
    const firstWarm = warm[0]?.bytes ?? 0;
    const lastWarm = warm.at(-1)?.bytes ?? 0;
    const received = await fetch(`${base}/metrics`)
      .then((r) => r.text())
      .then((text) =>
        [...text.matchAll(/^aals_events_received_total\{[^}]*outcome="new"[^}]*\} (\d+)/gm)].reduce(
          (sum, m) => sum + Number(m[1]),
          0,
        ),
      );
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    print(
      `soak: ${planned.length.toLocaleString('en-US')} alert messages (${alerts.toLocaleString('en-US')} alerts firing, then resolving) over ${minutes} min into the bot (own process): all read in ${seconds.toFixed(0)} s; stored (new events) ${received.toLocaleString('en-US')}; RSS after 1 min warm-up ${mib(firstWarm)} → at the end ${mib(lastWarm)}, peak ${mib(peak)} (RSS per minute: ${perMinute(rss).map(mib).join(', ')}); event-loop lag p99 per 5 s: median ${ms(stats(lagP99).p50 * 1000)}, worst ${ms(stats(lagP99).max * 1000)}   [targets: memory bounded, lag p99 ≤ 50 ms, every alert stored]`,
    );
  } finally {
    await stop();
  }
}

/** The last RSS sample of each minute. */
function perMinute(samples: Array<{ at: number; bytes: number }>): number[] {
  const byMinute = new Map<number, number>();
  for (const s of samples) byMinute.set(Math.floor(s.at / 60_000), s.bytes);
  return [...byMinute.values()];
}

/**
 * The emulator and the bot as its own process (`node dist/main.js`), run as `npm start` runs it
 * (a small young generation keeps its peak memory down), with `config` as its aals.config.yaml.
 */
async function startBot(config: Record<string, unknown>) {
  const slack = new SlackEmulator({
    channels: [...BENCH_CHANNELS, 'general'],
    rateLimit: { perSecond: 1, burst: 3 },
  });
  await slack.start();
  const dir = tempDir('aals-bench-bot-');
  const port = await freePort();
  writeFileSync(join(dir.path, 'aals.config.yaml'), stringify(config));
  const nodeArgs = (process.env.AALS_BENCH_NODE_ARGS ?? '--max-semi-space-size=2').split(' ').filter(Boolean);
  const bot = spawnProcess(
    process.execPath,
    [...nodeArgs, fileURLToPath(new URL('../main.js', import.meta.url))],
    botEnv(slack, port, join(dir.path, 'data'), {
      AALS_CONFIG: join(dir.path, 'aals.config.yaml'),
      AALS_ALERT_CHANNELS: BENCH_CHANNELS.map((c) => `#${c}`).join(','),
      AALS_LOG_LEVEL: 'error',
    }),
  );
  return {
    slack,
    bot,
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      await bot.stop();
      await slack.stop();
      dir.cleanup();
    },
  };
}
