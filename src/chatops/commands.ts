import type { IncidentMemory } from '../memory/service.js';
import type { SlackText } from '../slack/views/incident-summary.js';
import { hitLine } from '../slack/views/similar.js';
import { escapeMrkdwn, truncate } from '../slack/views/text.js';
import type { Store } from '../store/store.js';
import { quickDiagnosis } from './diagnose.js';

/** `/aals <subcommand>`: the answers, independent of how Slack delivers them. */
export interface CommandContext {
  store: Store;
  /** Incident memory, for `history`. */
  memory?: IncidentMemory | undefined;
  now: Date;
  mode: string;
  commandName: string;
  modules: Record<string, boolean>;
}

export interface CommandReply extends SlackText {
  /** in_channel answers are for the whole channel; ephemeral ones only for the caller. */
  responseType: 'in_channel' | 'ephemeral';
}

export function helpText(commandName: string): string {
  return [
    `*${commandName} diagnose <alert text or question>* — rule-based first steps and related recent alerts`,
    `*${commandName} history <query>* — similar past incidents (GitHub, AALS's own, imported, runbooks) and what fixed them`,
    `*${commandName} status* — what AALS has seen and whether its integrations are on`,
    `*${commandName} help* — this list`,
    'Mention me in a thread or channel ("@aals what is wrong with checkout?") to ask about recent alerts.',
  ].join('\n');
}

export async function runCommand(text: string, ctx: CommandContext): Promise<CommandReply> {
  const [sub = 'help', ...rest] = text.trim().split(/\s+/);
  const argument = rest.join(' ').trim();
  switch (sub.toLowerCase()) {
    case 'diagnose':
      if (!argument) {
        return ephemeral(`Tell me what to look at: \`${ctx.commandName} diagnose HighCPUUsage on web-1\``);
      }
      return { ...quickDiagnosis(argument, ctx.store, ctx.now), responseType: 'in_channel' };
    case 'status':
      return status(ctx);
    case 'history':
      if (!argument)
        return ephemeral(`What should I look for? \`${ctx.commandName} history disk full on db-01\``);
      return history(argument, ctx);
    case 'help':
      return ephemeral(helpText(ctx.commandName));
    default:
      return ephemeral(`Unknown command \`${escapeMrkdwn(sub)}\`.\n${helpText(ctx.commandName)}`);
  }
}

function status(ctx: CommandContext): CommandReply {
  const { store, now } = ctx;
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  const counts = store.rawEvents.countByStatus();
  const incidents = store.incidents.counts();
  const received = Object.values(counts).reduce((a, b) => a + b, 0);
  const noisy = store.alerts.noisiest(dayAgo, 5);
  const modules = Object.entries(ctx.modules)
    .map(([name, on]) => `${name} ${on ? 'on' : 'off'}`)
    .join(', ');
  const lines = [
    `*AALS status* (${ctx.mode} mode)`,
    `Open incidents: *${incidents.open ?? 0}* (resolved ${incidents.resolved ?? 0}, merged ${incidents.merged ?? 0}) · alerts stored: *${store.alerts.count()}* · payloads received: *${received}*`,
    `Processing: ${
      Object.entries(counts)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ') || 'nothing yet'
    }`,
    `Integrations: ${modules}`,
    'LLM spend today: $0.00 (no LLM configured: rule-based diagnosis)',
  ];
  if (ctx.memory) lines.push(memoryLine(ctx.memory));
  if (noisy.length) {
    lines.push('*Noisiest alerts (24 h):*');
    for (const n of noisy) lines.push(`• ${escapeMrkdwn(n.alertname)}: ${n.firings} firing notifications`);
  }
  return ephemeral(lines.join('\n'));
}

function memoryLine(memory: IncidentMemory): string {
  const { index } = memory;
  const stale = index.staleCount();
  const sources = (['aals', 'github', 'import', 'runbook'] as const).map((s) => `${s} ${index.count(s)}`);
  return `Incident memory: *${index.count()}* documents (${sources.join(', ')})${stale ? ` · re-embedding ${stale} for the new embedding provider` : ''}`;
}

async function history(query: string, ctx: CommandContext): Promise<CommandReply> {
  if (!ctx.memory) return ephemeral('Incident memory is not available.');
  const hits = await ctx.memory.index.search(query, { limit: 5 });
  if (hits.length === 0) return ephemeral(`Nothing in incident memory matches _${escapeMrkdwn(query)}_.`);
  const lines = hits.map((hit, i) => hitLine(hit, i, 300));
  return ephemeral(truncate(`*Past incidents like _${escapeMrkdwn(query)}_:*\n${lines.join('\n')}`, 3000));
}

function ephemeral(text: string): CommandReply {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }], responseType: 'ephemeral' };
}
