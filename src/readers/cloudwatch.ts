import type { Alert, AlertStatus, Severity } from '../domain/alert.js';
import { messageLinks, messageText, type SlackMessage, stripMrkdwn } from './message.js';
import { buildAlert, type MessageParser, type ParseContext } from './parser.js';

/**
 * CloudWatch alarms in Slack, in the three shapes they arrive in:
 * - AWS Chatbot / Amazon Q: "CloudWatch Alarm | <name> | <region> | Account: <id>";
 * - the common Lambda bridge (terraform-aws-notify-slack): fields "Alarm Name", "Current State";
 * - the SNS alarm JSON itself (AlarmName, NewStateValue, …), often posted as a code block.
 */
type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

interface AlarmFacts {
  name: string;
  state: AlarmState;
  region?: string;
  account?: string;
  reason?: string;
  description?: string;
  changedAt?: string;
  dimensions?: Record<string, string>;
  metric?: string;
  namespace?: string;
}

const STATE_WORD = /\b(ALARM|OK|INSUFFICIENT_DATA)\b/;

function statusOf(state: AlarmState): AlertStatus {
  return state === 'OK' ? 'resolved' : 'firing';
}

function severityOf(state: AlarmState): Severity {
  return state === 'INSUFFICIENT_DATA' ? 'info' : 'unknown';
}

function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

/** The SNS alarm JSON, bare, fenced, or wrapped in an SNS envelope whose Message is a string. */
function alarmJson(text: string): AlarmFacts | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text.slice(start, end + 1));
    if (typeof value.Message === 'string') value = JSON.parse(value.Message);
  } catch {
    return null;
  }
  const detail = value.detail as Record<string, unknown> | undefined;
  if (typeof value.AlarmName === 'string' && typeof value.NewStateValue === 'string') {
    const trigger = (value.Trigger ?? {}) as Record<string, unknown>;
    const dimensions = Object.fromEntries(
      ((trigger.Dimensions as Array<{ name: string; value: string }> | undefined) ?? []).map((d) => [
        d.name,
        d.value,
      ]),
    );
    const arn = typeof value.AlarmArn === 'string' ? value.AlarmArn.split(':') : [];
    return {
      name: value.AlarmName,
      state: value.NewStateValue as AlarmState,
      ...(arn[3] ? { region: arn[3] } : {}),
      ...(typeof value.AWSAccountId === 'string' ? { account: value.AWSAccountId } : {}),
      ...(typeof value.NewStateReason === 'string' ? { reason: value.NewStateReason } : {}),
      ...(typeof value.AlarmDescription === 'string' ? { description: value.AlarmDescription } : {}),
      ...(typeof value.StateChangeTime === 'string' ? { changedAt: value.StateChangeTime } : {}),
      dimensions,
      ...(typeof trigger.MetricName === 'string' ? { metric: trigger.MetricName } : {}),
      ...(typeof trigger.Namespace === 'string' ? { namespace: trigger.Namespace } : {}),
    };
  }
  if (value['detail-type'] === 'CloudWatch Alarm State Change' && detail) {
    const state = (detail.state as { value?: string; reason?: string } | undefined) ?? {};
    return {
      name: String(detail.alarmName ?? 'CloudWatchAlarm'),
      state: (state.value ?? 'ALARM') as AlarmState,
      ...(typeof value.region === 'string' ? { region: value.region } : {}),
      ...(typeof value.account === 'string' ? { account: value.account } : {}),
      ...(state.reason ? { reason: state.reason } : {}),
      ...(typeof value.time === 'string' ? { changedAt: value.time } : {}),
    };
  }
  return null;
}

function chatbotTitle(message: SlackMessage, text: string): AlarmFacts | null {
  const title =
    /CloudWatch Alarm\s*\|\s*([^|\n]+?)\s*\|\s*([a-z]{2}(?:-[a-z]+)+-\d)\s*(?:\|\s*Account:\s*(\d+))?/i.exec(
      text,
    );
  if (!title) return null;
  const color = (message.attachments?.[0]?.color ?? '').replace('#', '').toLowerCase();
  const explicit =
    /changed state to (ALARM|OK|INSUFFICIENT_DATA)/i.exec(text)?.[1] ?? /State:\s*(\w+)/.exec(text)?.[1];
  const state = (explicit?.toUpperCase() ??
    (/^(good|2eb886|36a64f)$/.test(color) || /\bOK\b/.test(text.split('\n')[0] ?? '')
      ? 'OK'
      : 'ALARM')) as AlarmState;
  const reason = /(Threshold Crossed:[^\n]+)/.exec(text)?.[1];
  const description = message.attachments?.[0]?.text?.split('\n')[0];
  return {
    name: (title[1] as string).trim(),
    state,
    region: title[2] as string,
    ...(title[3] ? { account: title[3] } : {}),
    ...(reason ? { reason } : {}),
    ...(description && !description.startsWith('Threshold') ? { description } : {}),
  };
}

function lambdaFields(message: SlackMessage): AlarmFacts | null {
  const fields = message.attachments?.flatMap((a) => a.fields ?? []) ?? [];
  const get = (title: string) =>
    fields
      .find((f) => f.title?.toLowerCase() === title)
      ?.value?.replace(/`/g, '')
      .trim() ?? undefined;
  const name = get('alarm name');
  const state = get('current state')?.toUpperCase();
  if (!name || !state || !STATE_WORD.test(state)) return null;
  const link = get('link to alarm') ?? '';
  const region = /region=([a-z0-9-]+)/.exec(link)?.[1];
  const reason = get('alarm reason');
  const description = get('alarm description');
  return {
    name,
    state: state as AlarmState,
    ...(region ? { region } : {}),
    ...(reason ? { reason } : {}),
    ...(description ? { description } : {}),
  };
}

export const cloudwatchParser: MessageParser = {
  source: 'cloudwatch',
  parse(message: SlackMessage, context: ParseContext): Alert[] | null {
    const text = messageText(message);
    const links = messageLinks(message);
    const facts = alarmJson(stripMrkdwn(text)) ?? chatbotTitle(message, text) ?? lambdaFields(message);
    if (!facts || !STATE_WORD.test(facts.state)) return null;
    const labels: Record<string, string> = {};
    if (facts.region) labels.region = facts.region;
    if (facts.account) labels.account = facts.account;
    if (facts.namespace) labels.namespace = facts.namespace;
    if (facts.metric) labels.metric_name = facts.metric;
    for (const [name, value] of Object.entries(facts.dimensions ?? {})) labels[snakeCase(name)] = value;
    const consoleLink = links.find((l) => /console\.aws\.amazon\.com\/cloudwatch/.test(l));
    return [
      buildAlert(
        {
          source: 'cloudwatch',
          status: statusOf(facts.state),
          alertname: facts.name,
          labels,
          annotations: {
            state: facts.state,
            ...(facts.description ? { description: facts.description } : {}),
            ...(facts.reason ? { reason: facts.reason } : {}),
          },
          severity: severityOf(facts.state),
          startsAt: facts.state !== 'OK' ? (facts.changedAt ?? null) : null,
          endsAt: facts.state === 'OK' ? (facts.changedAt ?? null) : null,
          identity: { alarm: facts.name, region: facts.region ?? '', account: facts.account ?? '' },
          ...(consoleLink ? { url: consoleLink } : {}),
        },
        context,
      ),
    ];
  },
};
