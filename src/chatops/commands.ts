import type { ApprovalService } from '../approvals/service.js';
import { requestMessage } from '../approvals/views.js';
import type { CorrelationSettings } from '../correlation/types.js';
import type { Diagnoser } from '../diagnosis/diagnoser.js';
import { type BudgetLimits, usd } from '../llm/budget.js';
import type { IncidentMemory } from '../memory/service.js';
import type { SlackText } from '../slack/views/incident-summary.js';
import { hitLine } from '../slack/views/similar.js';
import { escapeMrkdwn, truncate } from '../slack/views/text.js';
import type { DiagnosisMode } from '../store/diagnoses.js';
import type { Store } from '../store/store.js';
import { textDiagnosis } from './diagnose.js';

/** `/aals <subcommand>`: the answers, independent of how Slack delivers them. */
export interface CommandContext {
  store: Store;
  /** Incident memory, for `history`. */
  memory?: IncidentMemory | undefined;
  now: Date;
  mode: string;
  commandName: string;
  modules: Record<string, boolean>;
  /** Who ran the command (Slack user ID), and where. */
  userId?: string;
  channelId?: string;
  /** The approval workflow, when command execution is on. */
  approvals?: ApprovalService | undefined;
  /** Whether the caller may use a subcommand (permissions in the config); everyone when absent. */
  mayUse?: (what: 'diagnose' | 'run', userId: string) => Promise<boolean>;
  diagnosis?: DiagnosisCommands | undefined;
}

export interface DiagnosisCommands {
  diagnoser: Diagnoser;
  correlation: CorrelationSettings;
  environmentOf: (labels: Record<string, string>) => string;
  budget: BudgetLimits;
  /** Queues a diagnosis of an incident; an error message when it cannot. */
  request(incidentId: number, mode: DiagnosisMode, userId: string, question?: string): string | null;
}

export interface CommandReply extends SlackText {
  /** in_channel answers are for the whole channel; ephemeral ones only for the caller. */
  responseType: 'in_channel' | 'ephemeral';
  /** A fuller answer that takes longer than Slack's 3 s (the LLM's): sent after the first one. */
  followUp?: () => Promise<CommandReply>;
}

export function helpText(commandName: string): string {
  return [
    `*${commandName} diagnose <alert text or question>* — a diagnosis of the alert or the recent alerts it names (rules at once, the LLM's when configured)`,
    `*${commandName} diagnose #<incident> [--deep]* — diagnose an incident again; --deep gives the LLM more time and steps`,
    `*${commandName} run <host> -- <command>* — ask AALS to run a command on a host; the risk policy decides whether it runs at once, after approvals by others, or never`,
    `*${commandName} approve <N>* — approve command request #N (the same as its Approve button)`,
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
      if (!(await allowed(ctx, 'diagnose'))) return refused('diagnose', ctx);
      if (!argument) {
        return ephemeral(`Tell me what to look at: \`${ctx.commandName} diagnose HighCPUUsage on web-1\``);
      }
      return diagnose(argument, ctx);
    case 'status':
      return status(ctx);
    case 'run':
      if (!(await allowed(ctx, 'run'))) return refused('run', ctx);
      return run(argument, ctx);
    case 'approve':
      return approve(argument, ctx);
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
    llmLine(ctx),
  ];
  if (ctx.memory) lines.push(memoryLine(ctx.memory));
  if (noisy.length) {
    lines.push('*Noisiest alerts (24 h):*');
    for (const n of noisy) lines.push(`• ${escapeMrkdwn(n.alertname)}: ${n.firings} firing notifications`);
  }
  return ephemeral(lines.join('\n'));
}

async function allowed(ctx: CommandContext, what: 'diagnose' | 'run'): Promise<boolean> {
  return ctx.mayUse ? ctx.mayUse(what, ctx.userId ?? '') : true;
}

function refused(what: string, ctx: CommandContext): CommandReply {
  return ephemeral(`You are not allowed to use \`${ctx.commandName} ${what}\` here (permissions.${what}).`);
}

/** `/aals approve N`: the same as the Approve button, for a request number. */
async function approve(argument: string, ctx: CommandContext): Promise<CommandReply> {
  const id = Number(/^#?(\d+)$/.exec(argument.trim())?.[1]);
  if (!Number.isInteger(id))
    return ephemeral(`Usage: \`${ctx.commandName} approve 12\` (the request number, #12)`);
  if (!ctx.approvals) return ephemeral('Command execution is off here (modules.executor.enabled: false).');
  return ephemeral((await ctx.approvals.approve(id, ctx.userId ?? 'unknown')).message);
}

/** `/aals run HOST -- COMMAND`: a request to run a command, decided by the policy and approvers. */
async function run(argument: string, ctx: CommandContext): Promise<CommandReply> {
  const match = /^(\S+)\s+(?:--\s+)?([\s\S]+)$/.exec(argument);
  if (!match)
    return ephemeral(
      `Usage: \`${ctx.commandName} run HOST -- COMMAND\`, e.g. \`${ctx.commandName} run db-1 -- df -h\``,
    );
  if (!ctx.approvals) return ephemeral('Command execution is off here (modules.executor.enabled: false).');
  const [, host, command] = match as unknown as [string, string, string];
  const answer = await ctx.approvals.request(
    ctx.userId ?? 'unknown',
    ctx.channelId ?? '',
    host,
    command.trim(),
  );
  if (!answer.request) return ephemeral(answer.message);
  return { ...requestMessage(answer.request, answer.message), responseType: 'in_channel' };
}

async function diagnose(argument: string, ctx: CommandContext): Promise<CommandReply> {
  const diagnosis = ctx.diagnosis;
  if (!diagnosis) return ephemeral('Diagnosis is not available.');
  const deep = /(^|\s)--deep(\s|$)/.test(argument);
  const rest = argument.replace(/(^|\s)--deep(?=\s|$)/g, ' ').trim();
  const incident = /^#?(\d+)(?:\s+([\s\S]*))?$/.exec(rest);
  if (incident) {
    const id = Number(incident[1]);
    const error = diagnosis.request(
      id,
      deep ? 'deep' : 'normal',
      ctx.userId ?? 'unknown',
      incident[2]?.trim() || undefined,
    );
    if (error) return ephemeral(error);
    return ephemeral(
      `Diagnosing incident #${id}${deep ? ' in depth (up to the deep deadline)' : ''}; its summary updates when the diagnosis is ready.`,
    );
  }
  if (deep) return ephemeral(`--deep diagnoses an incident: \`${ctx.commandName} diagnose #12 --deep\``);
  const textCtx = {
    store: ctx.store,
    diagnoser: diagnosis.diagnoser,
    correlation: diagnosis.correlation,
    environmentOf: diagnosis.environmentOf,
    now: ctx.now,
  };
  const first = await textDiagnosis(rest, textCtx, { rulesOnly: true });
  return {
    ...first,
    responseType: 'in_channel',
    ...(diagnosis.diagnoser.usesLlm
      ? {
          followUp: async () => ({
            ...(await textDiagnosis(rest, { ...textCtx, now: new Date() }, { rulesOnly: false })),
            responseType: 'in_channel' as const,
          }),
        }
      : {}),
  };
}

/** Who diagnoses, and what the LLM cost today and this month against the budgets. */
function llmLine(ctx: CommandContext): string {
  const diagnosis = ctx.diagnosis;
  if (!diagnosis?.diagnoser.usesLlm) return 'LLM: off (rule-based diagnosis) · spend today $0.00';
  const today = ctx.store.llmUsage.today();
  const month = ctx.store.llmUsage.thisMonth();
  const breaker = diagnosis.diagnoser.breaker.openedUntil();
  return `LLM: ${escapeMrkdwn(diagnosis.diagnoser.author)} · spend today *${usd(today.costUsd)}* of ${usd(diagnosis.budget.dailyUsd)} (${today.calls} calls, ${today.inputTokens + today.outputTokens} tokens) · this month ${usd(month.costUsd)} of ${usd(diagnosis.budget.monthlyUsd)}${
    breaker
      ? ` · :warning: provider failing, rules until ${new Date(breaker).toISOString().slice(11, 16)} UTC`
      : ''
  }`;
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
