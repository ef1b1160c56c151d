import type { HomeData } from '../../chatops/home.js';
import { usd } from '../../llm/budget.js';
import { slackDate } from '../../util/time.js';
import { approvalButtons } from './diagnosis.js';
import { code, context, escapeMrkdwn, section, truncate } from './text.js';

/**
 * The App Home: what needs someone now — open incidents, commands waiting for approval (with the
 * same Approve / Reject buttons as in the threads), today's LLM spend, noisy and flapping alerts.
 * At most 50 blocks, as Block Kit allows for a Home tab (100) and a message (50).
 */
export function homeView(data: HomeData, permalink: (channel: string, ts: string) => string | null) {
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: 'AALS — what needs attention', emoji: true } },
  ];
  const incidents = data.openIncidents.map((i) => {
    const link = i.channel && i.threadTs ? permalink(i.channel, i.threadTs) : null;
    const title = escapeMrkdwn(truncate(i.title, 150));
    return `• ${link ? `<${link}|${title}>` : title} · ${i.environment} · since ${slackDate(i.openedAt)}`;
  });
  blocks.push(
    section(`*Open incidents (${data.openIncidents.length})*\n${incidents.join('\n') || '_None._'}`),
  );
  blocks.push({ type: 'divider' });
  blocks.push(
    section(
      `*Commands waiting for approval (${data.pendingApprovals.length})*${data.pendingApprovals.length ? '' : '\n_None._'}`,
    ),
  );
  for (const request of data.pendingApprovals.slice(0, 10)) {
    blocks.push(
      section(
        `#${request.id} ${code(truncate(request.command, 200))} on ${code(request.host)} (${request.environment}) — *${request.risk}* · ${request.approvers.length}/${request.required} approvals${request.incidentId !== null ? ` · incident #${request.incidentId}` : ''}`,
      ),
      approvalButtons(request),
    );
  }
  blocks.push({ type: 'divider' });
  const spend = data.spendToday;
  blocks.push(
    section(`*LLM today:* ${usd(spend.costUsd)} · ${spend.calls} calls · ${escapeMrkdwn(data.llm)}`),
  );
  const noisy = data.noisy.map((n) => `• ${escapeMrkdwn(n.alertname)}: ${n.firings} firing notifications`);
  const flapping = data.flapping.map((f) => `• ${escapeMrkdwn(f.alertname)}: ${f.transitions} state changes`);
  blocks.push(section(`*Noisiest alerts (24 h)*\n${noisy.join('\n') || '_None._'}`));
  blocks.push(section(`*Flapping alerts (24 h)*\n${flapping.join('\n') || '_None._'}`));
  blocks.push(context(`Updated ${slackDate(new Date().toISOString(), '{time}')}`));
  return { type: 'home', blocks: blocks.slice(0, 50) };
}
