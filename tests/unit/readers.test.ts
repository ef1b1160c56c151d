import type { Alert } from '../../src/domain/alert.js';
import { labelsFingerprint } from '../../src/domain/fingerprint.js';
import { AalsError, ErrorCode } from '../../src/errors.js';
import { alertmanagerSlackParser, parseAlertmanagerTitle } from '../../src/readers/alertmanager-slack.js';
import { parseAlertmanagerWebhook } from '../../src/readers/alertmanager-webhook.js';
import { cloudwatchParser } from '../../src/readers/cloudwatch.js';
import { datadogParser } from '../../src/readers/datadog.js';
import { grafanaBlocks, grafanaParser } from '../../src/readers/grafana.js';
import { labelListsIn } from '../../src/readers/label-lists.js';
import { messageText, type SlackMessage, slackToPlain, stripMrkdwn } from '../../src/readers/message.js';
import { pagerdutyParser } from '../../src/readers/pagerduty.js';
import { type ParseOutcome, parsePayload, unwrapEdit } from '../../src/readers/registry.js';
import { normalizeSeverity, severityInText } from '../../src/readers/severity.js';
import { textParser } from '../../src/readers/text.js';
import { fixture, fixtureNames } from '../support/fixtures.js';

const RECEIVED_AT = new Date('2024-06-10T12:00:00.000Z');
const context = { receivedAt: RECEIVED_AT };

const parse = (payload: unknown): ParseOutcome => parsePayload(payload, context);
const parseFixture = (path: string): ParseOutcome => parse(fixture(path));
const only = (path: string): Alert => {
  const { alerts } = parseFixture(path);
  expect(alerts).toHaveLength(1);
  return alerts[0] as Alert;
};
const plaintext = fixture<SlackMessage[]>('slack/plaintext-examples.json');
const plain = (index: number): Alert[] => parse(plaintext[index]).alerts;

function badInput(payload: unknown): AalsError {
  try {
    parse(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(AalsError);
    return error as AalsError;
  }
  throw new Error(`expected ${JSON.stringify(payload)} to be rejected`);
}

// ---------------------------------------------------------------------------------------------
// Alertmanager slack_configs, default template: label values only
// ---------------------------------------------------------------------------------------------

type Row = [
  file: string,
  status: Alert['status'],
  alertname: string,
  severity: Alert['severity'],
  count: number,
];

const SLACK_DEFAULT: Row[] = [
  ['firing-single.json', 'firing', 'HighMemoryUsage', 'critical', 1],
  ['resolved-single.json', 'resolved', 'HighMemoryUsage', 'critical', 1],
  ['firing-grouped.json', 'firing', 'HighCPUUsage', 'warning', 2],
  ['resolved-grouped.json', 'resolved', 'HighCPUUsage', 'warning', 1],
  ['firing-grouped-no-endsat.json', 'firing', 'HighCPUUsage', 'warning', 2],
  ['firing-grouped-partially-resolved.json', 'firing', 'HighCPUUsage', 'warning', 1],
  ['resolved-grouped-after-partial.json', 'resolved', 'HighCPUUsage', 'warning', 1],
  ['firing-minimal-labels.json', 'firing', 'Watchdog', 'unknown', 1],
  ['resolved-minimal-labels.json', 'resolved', 'Watchdog', 'unknown', 1],
];

const GROUP_KEYS: Record<string, string> = {
  HighMemoryUsage: 'alertmanager-slack:HighMemoryUsage prod-tokyo checkout',
  Watchdog: 'alertmanager-slack:Watchdog',
};

describe('parsePayload: Alertmanager Slack notifications, default template', () => {
  test('the fixture table covers every capture', () => {
    expect(SLACK_DEFAULT.map(([file]) => file).sort()).toEqual(
      fixtureNames('alertmanager/slack-default').sort(),
    );
  });

  test.each(SLACK_DEFAULT)('%s → %s %s (%s, count %d)', (file, status, alertname, severity, count) => {
    const outcome = parseFixture(`alertmanager/slack-default/${file}`);
    expect(outcome.parser).toBe('alertmanager');
    expect(outcome.alerts).toHaveLength(1);
    const alert = outcome.alerts[0] as Alert;
    expect(alert).toMatchObject({ source: 'alertmanager', status, alertname, severity, count });
    // Only the values are in the message, so the only label AALS can name is alertname.
    expect(alert.labels).toEqual({ alertname });
    expect(alert.url).toBe('http://alertmanager.example:9093/#/alerts?receiver=team-alerts');
    expect(alert.endsAt).toBe(status === 'resolved' ? RECEIVED_AT.toISOString() : null);
    if (GROUP_KEYS[alertname]) expect(alert.groupKey).toBe(GROUP_KEYS[alertname]);
  });

  test('grouped notifications are keyed by the group label values', () => {
    expect(only('alertmanager/slack-default/firing-grouped.json').groupKey).toBe(
      'alertmanager-slack:HighCPUUsage prod-tokyo checkout',
    );
    expect(only('alertmanager/slack-default/firing-grouped-no-endsat.json').groupKey).toBe(
      'alertmanager-slack:HighCPUUsage prod-tokyo payments',
    );
  });

  test.each([
    ['firing-single.json', 'resolved-single.json'],
    ['firing-grouped.json', 'resolved-grouped.json'],
    ['firing-grouped-no-endsat.json', 'resolved-grouped-after-partial.json'],
    ['firing-minimal-labels.json', 'resolved-minimal-labels.json'],
  ])('%s and %s share groupKey and fingerprint', (firingFile, resolvedFile) => {
    const firing = only(`alertmanager/slack-default/${firingFile}`);
    const resolved = only(`alertmanager/slack-default/${resolvedFile}`);
    expect(firing.status).toBe('firing');
    expect(resolved.status).toBe('resolved');
    expect(resolved.groupKey).toBe(firing.groupKey);
    expect(resolved.fingerprint).toBe(firing.fingerprint);
  });

  test('different groups get different fingerprints', () => {
    const checkout = only('alertmanager/slack-default/firing-grouped.json');
    const payments = only('alertmanager/slack-default/firing-grouped-no-endsat.json');
    const memory = only('alertmanager/slack-default/firing-single.json');
    expect(new Set([checkout.fingerprint, payments.fingerprint, memory.fingerprint]).size).toBe(3);
  });

  test('the alertmanager parser ignores messages from other senders', () => {
    expect(alertmanagerSlackParser.parse({ text: '[FIRING:1] HighCPUUsage' }, context)).toBeNull();
    expect(
      alertmanagerSlackParser.parse({ username: 'someone', attachments: [{ title: 'hello' }] }, context),
    ).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Alertmanager slack_configs, templates that list every label or use fields
// ---------------------------------------------------------------------------------------------

interface WebhookFixture {
  groupKey: string;
  externalURL: string;
  alerts: Array<{
    status: Alert['status'];
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }>;
}
const webhook = (file: string) => fixture<WebhookFixture>(`alertmanager/webhook/${file}`);
const byFingerprint = (alerts: Array<{ fingerprint: string }>) => alerts.map((a) => a.fingerprint).sort();

describe('parsePayload: Alertmanager Slack notifications listing every label', () => {
  const files = fixtureNames('alertmanager/slack-custom-labels');

  test.each(files)('%s gives the same alerts (full labels, same fingerprints) as the webhook', (file) => {
    const outcome = parseFixture(`alertmanager/slack-custom-labels/${file}`);
    const expected = webhook(file).alerts;
    expect(outcome.parser).toBe('alertmanager');
    expect(byFingerprint(outcome.alerts)).toEqual(byFingerprint(expected));
    for (const alert of outcome.alerts) {
      const twin = expected.find((e) => e.fingerprint === alert.fingerprint);
      expect(alert.labels).toEqual(twin?.labels);
      expect(alert.fingerprint).toBe(labelsFingerprint(alert.labels));
      expect(alert.severity).toBe(twin?.labels.severity ?? 'unknown');
      expect(alert.count).toBe(1);
    }
  });

  test.each(files.filter((f) => f !== 'firing-grouped-partially-resolved.json'))(
    '%s: every alert has the status Alertmanager sent',
    (file) => {
      const outcome = parseFixture(`alertmanager/slack-custom-labels/${file}`);
      for (const alert of outcome.alerts) {
        const twin = webhook(file).alerts.find((e) => e.fingerprint === alert.fingerprint);
        expect(alert.status).toBe(twin?.status);
      }
    },
  );

  test('annotations and the graph link are taken from the lines near each alert', () => {
    const alerts = parseFixture('alertmanager/slack-custom-labels/firing-grouped.json').alerts;
    const node1 = alerts.find((a) => a.labels.instance === 'checkout-node-1:9100');
    const node2 = alerts.find((a) => a.labels.instance === 'checkout-node-2:9100');
    expect(node1?.annotations.summary).toContain('checkout-node-1:9100');
    expect(node2?.annotations.summary).toContain('checkout-node-2:9100');
    expect(node1?.generatorURL).toMatch(/^http:\/\/prometheus\.example:9090\/graph\?g0\.expr=/);
  });

  test('firing-single and resolved-single share the fingerprint of the labels', () => {
    const firing = only('alertmanager/slack-custom-labels/firing-single.json');
    const resolved = only('alertmanager/slack-custom-labels/resolved-single.json');
    expect(firing.status).toBe('firing');
    expect(resolved.status).toBe('resolved');
    expect(resolved.fingerprint).toBe(firing.fingerprint);
    expect(firing.fingerprint).toBe('4b997c9ba63cfff6');
  });
});

describe('parsePayload: Alertmanager Slack notifications with fields', () => {
  const CUSTOM_FIELDS: Row[] = SLACK_DEFAULT;

  test.each(CUSTOM_FIELDS)('%s → %s %s (%s, count %d)', (file, status, alertname, severity, count) => {
    const alert = only(`alertmanager/slack-custom-fields/${file}`);
    expect(alert).toMatchObject({ source: 'alertmanager', status, alertname, severity, count });
    // Same identity as the default template: both only know the group's values.
    expect(alert.fingerprint).toBe(only(`alertmanager/slack-default/${file}`).fingerprint);
  });

  test('fields become labels', () => {
    const alert = only('alertmanager/slack-custom-fields/firing-single.json');
    expect(alert.labels).toMatchObject({
      alertname: 'HighMemoryUsage',
      severity: 'critical',
      cluster: 'prod-tokyo',
      service: 'checkout',
      instance: 'checkout-node-1:9100',
    });
  });

  test('the default title in the fallback wins over a custom title for the group key', () => {
    // The custom title is "[FIRING:1] HighMemoryUsage (prod-tokyo)"; the fallback has all group values.
    expect(only('alertmanager/slack-custom-fields/firing-single.json').groupKey).toBe(
      'alertmanager-slack:HighMemoryUsage prod-tokyo checkout',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Alertmanager webhook
// ---------------------------------------------------------------------------------------------

describe('parsePayload: Alertmanager webhook bodies', () => {
  test.each(fixtureNames('alertmanager/webhook'))(
    '%s keeps full labels and Alertmanager fingerprints',
    (file) => {
      const body = webhook(file);
      const outcome = parse(body);
      expect(outcome.parser).toBe('alertmanager_webhook');
      expect(outcome.alerts).toHaveLength(body.alerts.length);
      outcome.alerts.forEach((alert, i) => {
        const sent = body.alerts[i] as WebhookFixture['alerts'][number];
        expect(alert.source).toBe('alertmanager_webhook');
        expect(alert.status).toBe(sent.status);
        expect(alert.labels).toEqual(sent.labels);
        expect(alert.annotations).toEqual(sent.annotations);
        expect(alert.fingerprint).toBe(sent.fingerprint);
        expect(alert.alertname).toBe(sent.labels.alertname);
        expect(alert.severity).toBe(sent.labels.severity ?? 'unknown');
        expect(alert.groupKey).toBe(body.groupKey);
        expect(alert.generatorURL).toBe(sent.generatorURL);
        expect(alert.url).toBe(`${body.externalURL.replace(/\/$/, '')}/#/alerts`);
        expect(alert.startsAt).toBe(new Date(sent.startsAt).toISOString());
        // Go's zero time means "no end" while firing.
        expect(alert.endsAt).toBe(sent.status === 'resolved' ? new Date(sent.endsAt).toISOString() : null);
      });
    },
  );

  test('a partially resolved group keeps each alert’s own status', () => {
    const statuses = parse(webhook('firing-grouped-partially-resolved.json')).alerts.map((a) => [
      a.labels.instance,
      a.status,
    ]);
    expect(statuses).toEqual([
      ['payments-node-1:9100', 'resolved'],
      ['payments-node-2:9100', 'firing'],
    ]);
  });

  test('without a fingerprint in the body AALS computes the same one', () => {
    const body = webhook('firing-single.json');
    const stripped = { ...body, alerts: body.alerts.map(({ fingerprint: _fp, ...rest }) => rest) };
    const [alert] = parseAlertmanagerWebhook(stripped, context);
    expect(alert?.fingerprint).toBe(body.alerts[0]?.fingerprint);
  });

  test('an alert with an invalid status is bad input', () => {
    const error = badInput({ version: '4', alerts: [{ status: 'exploded', labels: { alertname: 'X' } }] });
    expect(error.code).toBe(ErrorCode.BadInput);
    expect(error.message).toContain('alerts.0.status');
  });
});

// ---------------------------------------------------------------------------------------------
// Other tools' Slack messages
// ---------------------------------------------------------------------------------------------

type SlackRow = [
  file: string,
  parser: string,
  status: Alert['status'],
  alertname: string,
  severity: Alert['severity'],
  labels: Record<string, string>,
];

const SLACK_FIXTURES: SlackRow[] = [
  [
    'grafana-firing.json',
    'grafana',
    'firing',
    'HighCPUUsage',
    'critical',
    { instance: 'web-1:9100', job: 'node' },
  ],
  [
    'grafana-firing-v9-valuestring.json',
    'grafana',
    'firing',
    'HighCPUUsage',
    'critical',
    { instance: 'web-1:9100' },
  ],
  ['grafana-resolved.json', 'grafana', 'resolved', 'HighCPUUsage', 'critical', { instance: 'web-1:9100' }],
  [
    'datadog-triggered.json',
    'datadog',
    'firing',
    'High CPU on host:web-1',
    'error',
    { host: 'web-1', env: 'prod' },
  ],
  [
    'datadog-recovered.json',
    'datadog',
    'resolved',
    'High CPU on host:web-1',
    'error',
    { monitor_id: '12345678' },
  ],
  ['datadog-warn.json', 'datadog', 'firing', 'High CPU on host:web-1', 'warning', { priority: 'P3' }],
  ['datadog-no-data.json', 'datadog', 'firing', 'High CPU on host:web-1', 'error', { service: 'checkout' }],
  [
    'pagerduty-triggered.json',
    'pagerduty',
    'firing',
    'High CPU on web-1',
    'critical',
    { incident_id: 'Q2W8XZ3L9ABCDE', incident_number: '1234', service: 'checkout-api', urgency: 'high' },
  ],
  ['pagerduty-acknowledged.json', 'pagerduty', 'firing', 'High CPU on web-1', 'critical', { priority: 'P1' }],
  [
    'pagerduty-resolved.json',
    'pagerduty',
    'resolved',
    'High CPU on web-1',
    'critical',
    { service: 'checkout-api' },
  ],
  [
    'pagerduty-v1-triggered-attachment.json',
    'pagerduty',
    'firing',
    'High CPU on web-1',
    'error',
    { urgency: 'high' },
  ],
  [
    'chatbot-cloudwatch-alarm.json',
    'cloudwatch',
    'firing',
    'HighCPU-web-1',
    'unknown',
    { region: 'us-east-1', account: '123456789012' },
  ],
  [
    'chatbot-cloudwatch-ok.json',
    'cloudwatch',
    'resolved',
    'HighCPU-web-1',
    'unknown',
    { region: 'us-east-1' },
  ],
  [
    'cloudwatch-raw-json-in-text.json',
    'cloudwatch',
    'firing',
    'HighCPU-web-1',
    'unknown',
    { namespace: 'AWS/EC2', metric_name: 'CPUUtilization', instance_id: 'i-0abc123def4567890' },
  ],
  [
    'lambda-notify-slack-cloudwatch-alarm.json',
    'cloudwatch',
    'firing',
    'HighCPU-web-1',
    'unknown',
    { region: 'us-east-1' },
  ],
  [
    'icinga2-slack-problem.json',
    'text',
    'firing',
    'HTTP CRITICAL',
    'critical',
    { host: 'web-3', service: 'HTTP' },
  ],
  [
    'zabbix-slack-problem.json',
    'text',
    'firing',
    '/var/lib/postgresql: Disk space is critically low (used > 90%)',
    'error',
    { host: 'db-01' },
  ],
  [
    'zabbix-slack-resolved-update.json',
    'text',
    'resolved',
    '/var/lib/postgresql: Disk space is critically low (used > 90%)',
    'error',
    { host: 'db-01' },
  ],
];

describe('parsePayload: other tools’ Slack messages', () => {
  test.each(SLACK_FIXTURES)(
    '%s → %s parser, %s %s (%s)',
    (file, parser, status, alertname, severity, labels) => {
      const outcome = parseFixture(`slack/${file}`);
      expect(outcome.parser).toBe(parser);
      expect(outcome.alerts).toHaveLength(1);
      const alert = outcome.alerts[0] as Alert;
      expect(alert).toMatchObject({ source: parser, status, alertname, severity, count: 1 });
      expect(alert.labels).toMatchObject({ ...labels, alertname });
    },
  );

  test('grafana firing and resolved share fingerprint and group key', () => {
    const firing = only('slack/grafana-firing.json');
    const resolved = only('slack/grafana-resolved.json');
    expect(resolved.fingerprint).toBe(firing.fingerprint);
    expect(firing.fingerprint).toBe(labelsFingerprint(firing.labels));
    expect(firing.groupKey).toBe('grafana:HighCPUUsage Infrastructure');
    expect(resolved.groupKey).toBe(firing.groupKey);
    expect(firing.annotations).toMatchObject({
      summary: 'High CPU usage on web-1:9100',
      value: 'A=93.27, C=1',
    });
    expect(firing.generatorURL).toBe(
      'https://grafana.example.com/alerting/grafana/ddlq2x7a8b9c0e/view?orgId=1',
    );
    // Grafana stamps the attachment: firing starts then, resolved ends then.
    expect(firing.startsAt).toBe(new Date(1718029335 * 1000).toISOString());
    expect(resolved.endsAt).not.toBeNull();
  });

  test('grafana "[FIRING:1, RESOLVED:1]" gives one firing and one resolved alert in one group', () => {
    const outcome = parseFixture('slack/grafana-firing-and-resolved.json');
    expect(outcome.parser).toBe('grafana');
    expect(outcome.alerts.map((a) => [a.status, a.labels.instance])).toEqual([
      ['firing', 'db-01:9100'],
      ['resolved', 'db-02:9100'],
    ]);
    for (const alert of outcome.alerts) {
      expect(alert.alertname).toBe('DiskAlmostFull');
      expect(alert.groupKey).toBe('grafana:DiskAlmostFull Infrastructure');
      expect(alert.fingerprint).toBe(labelsFingerprint(alert.labels));
    }
    expect(outcome.alerts[0]?.fingerprint).not.toBe(outcome.alerts[1]?.fingerprint);
  });

  test('datadog triggered and recovered share a fingerprint (monitor and group), warn too', () => {
    const triggered = only('slack/datadog-triggered.json');
    const recovered = only('slack/datadog-recovered.json');
    const warn = only('slack/datadog-warn.json');
    expect(recovered.fingerprint).toBe(triggered.fingerprint);
    expect(warn.fingerprint).toBe(triggered.fingerprint);
    expect(triggered.annotations.transition).toBe('Triggered');
    expect(recovered.annotations.transition).toBe('Recovered');
    expect(triggered.startsAt).toBe('2024-06-10T14:22:15.000Z');
  });

  test('pagerduty triggered, acknowledged and resolved are one incident', () => {
    const triggered = only('slack/pagerduty-triggered.json');
    const acknowledged = only('slack/pagerduty-acknowledged.json');
    const resolved = only('slack/pagerduty-resolved.json');
    const v1 = only('slack/pagerduty-v1-triggered-attachment.json');
    expect([triggered.status, acknowledged.status, resolved.status]).toEqual([
      'firing',
      'firing',
      'resolved',
    ]);
    expect([triggered, acknowledged, resolved].map((a) => a.annotations.incident_status)).toEqual([
      'triggered',
      'acknowledged',
      'resolved',
    ]);
    expect(acknowledged.fingerprint).toBe(triggered.fingerprint);
    expect(resolved.fingerprint).toBe(triggered.fingerprint);
    expect(v1.fingerprint).toBe(triggered.fingerprint);
    expect(triggered.url).toBe('https://acme.pagerduty.com/incidents/Q2W8XZ3L9ABCDE');
  });

  test('cloudwatch alarm and ok (Chatbot) share a fingerprint with the raw SNS JSON', () => {
    const alarm = only('slack/chatbot-cloudwatch-alarm.json');
    const ok = only('slack/chatbot-cloudwatch-ok.json');
    const raw = only('slack/cloudwatch-raw-json-in-text.json');
    expect(alarm.annotations.state).toBe('ALARM');
    expect(ok.annotations.state).toBe('OK');
    expect(ok.fingerprint).toBe(alarm.fingerprint);
    expect(raw.fingerprint).toBe(alarm.fingerprint);
    expect(raw.startsAt).toBe('2024-06-10T14:22:15.123Z');
    expect(alarm.url).toMatch(/^https:\/\/console\.aws\.amazon\.com\/cloudwatch\//);
  });

  test('zabbix problem and its resolved edit (message_changed) share a fingerprint', () => {
    const problem = only('slack/zabbix-slack-problem.json');
    const resolved = only('slack/zabbix-slack-resolved-update.json');
    expect(resolved.fingerprint).toBe(problem.fingerprint);
  });

  test('every parser returns null for a message that is not its format', () => {
    const chat: SlackMessage = { text: 'lunch?', user: 'U123' };
    for (const parser of [
      grafanaParser,
      alertmanagerSlackParser,
      datadogParser,
      pagerdutyParser,
      cloudwatchParser,
    ]) {
      expect(parser.parse(chat, context)).toBeNull();
    }
    expect(textParser.parse(chat, context)).toBeNull();
  });

  test('an Events API envelope is unwrapped to its message event', () => {
    const event = fixture('slack/grafana-firing.json');
    const outcome = parse({ type: 'event_callback', event_id: 'Ev1', event });
    expect(outcome.parser).toBe('grafana');
    expect(outcome.alerts[0]?.alertname).toBe('HighCPUUsage');
  });

  test('unwrapEdit takes the new content of a message_changed event and keeps the channel', () => {
    const edited = unwrapEdit({ subtype: 'message_changed', channel: 'C1', message: { text: 'new' } });
    expect(edited).toEqual({ text: 'new', channel: 'C1' });
    const plainEvent = { text: 'as is' };
    expect(unwrapEdit(plainEvent)).toBe(plainEvent);
  });
});

// ---------------------------------------------------------------------------------------------
// Plain text
// ---------------------------------------------------------------------------------------------

describe('parsePayload: plain text alerts', () => {
  type TextRow = [
    index: number,
    status: Alert['status'],
    alertname: string,
    severity: Alert['severity'],
    host?: string,
  ];
  const TEXT: TextRow[] = [
    [0, 'firing', 'disk full on db-01 (/var/lib/postgresql 96%)', 'unknown', 'db-01'],
    [1, 'resolved', 'disk full on db-01', 'unknown', 'db-01'],
    [2, 'firing', 'host web-3 down', 'critical', 'web-3'],
    [3, 'firing', 'HTTP CRITICAL', 'critical', 'web-3'],
    [4, 'resolved', 'Host UP', 'info', 'web-3'],
    [
      5,
      'firing',
      '/var/lib/postgresql: Disk space is critically low (used > 90%) on db-01',
      'unknown',
      'db-01',
    ],
    [6, 'firing', 'checkout-api 5xx rate 12.4% > 5% (prod)', 'critical', undefined],
    [7, 'firing', 'replication lag on db-02 is 45s', 'warning', 'db-02'],
    [8, 'resolved', 'replication lag on db-02 is 0s', 'unknown', 'db-02'],
    [10, 'firing', 'web-1 cpu pegged at 100% since 14:20 UTC', 'unknown', 'web-1'],
  ];

  test.each(TEXT)('plaintext-examples[%i] → %s "%s" (%s)', (index, status, alertname, severity, host) => {
    const outcome = parse(plaintext[index]);
    expect(outcome.parser).toBe('text');
    expect(outcome.alerts).toHaveLength(1);
    const alert = outcome.alerts[0] as Alert;
    expect(alert).toMatchObject({ source: 'text', status, alertname, severity, count: 1 });
    expect(alert.labels.host).toBe(host);
  });

  test.each([
    [0, 'FIRING: disk full on db-01 (/var/lib/postgresql 96%)'],
    [1, '[RESOLVED] disk full on db-01'],
    // Nagios' "** … **" decoration is mrkdwn bold and is dropped.
    [3, 'PROBLEM Service Alert: web-3/HTTP is CRITICAL'],
    [7, 'WARNING: replication lag on db-02 is 45s'],
  ])('plaintext-examples[%i] keeps its text as the text annotation', (index, text) => {
    expect(plain(index)[0]?.annotations.text).toBe(text);
  });

  test('"disk full" FIRING and RESOLVED share a fingerprint', () => {
    expect(plain(0)[0]?.fingerprint).toBe(plain(1)[0]?.fingerprint);
  });

  test('"replication lag" WARNING and OK share a fingerprint although the numbers differ', () => {
    expect(plain(7)[0]?.fingerprint).toBe(plain(8)[0]?.fingerprint);
  });

  test('different problems on the same host do not share a fingerprint', () => {
    expect(plain(0)[0]?.fingerprint).not.toBe(plain(7)[0]?.fingerprint);
    expect(plain(2)[0]?.fingerprint).not.toBe(plain(3)[0]?.fingerprint);
  });

  test('nagios host PROBLEM and RECOVERY share a fingerprint', () => {
    const down = parse({ text: '** PROBLEM Host Alert: web-3 is DOWN **' }).alerts[0];
    const up = plain(4)[0];
    expect(down?.status).toBe('firing');
    expect(down?.fingerprint).toBe(up?.fingerprint);
  });

  test.each([
    ['heads up: seeing 502s from api-gw in eu-west-1, investigating'],
    ['ok thanks'],
    ['lunch?'],
    ['Down for lunch, back at 1'],
    ['error in my query, nvm'],
  ])('ordinary chat "%s" gives no alerts', (text) => {
    expect(parse({ type: 'message', user: 'U02ONCALL1', text })).toEqual({ alerts: [], parser: null });
  });

  test('the chat message in plaintext-examples (with rich_text blocks) gives no alerts', () => {
    expect(plaintext[9]?.text).toMatch(/^heads up/);
    expect(parse(plaintext[9])).toEqual({ alerts: [], parser: null });
  });

  test.each([
    ['障害: DBサーバー db-01 応答なし 🔥', 'firing', 'DBサーバー db-01 応答なし 🔥', 'db-01'],
    ['🚨 FIRING: 決済APIのエラー率上昇 on pay-1', 'firing', '決済APIのエラー率上昇 on pay-1', 'pay-1'],
    ['復旧: DBサーバー db-01 応答なし', 'resolved', 'DBサーバー db-01 応答なし', 'db-01'],
  ])('Japanese/emoji "%s" parses and keeps the text', (text, status, alertname, host) => {
    const outcome = parse({ text });
    expect(outcome.alerts).toHaveLength(1);
    const alert = outcome.alerts[0] as Alert;
    expect(alert.status).toBe(status);
    expect(alert.alertname).toBe(alertname);
    expect(alert.labels.host).toBe(host);
    expect(alert.annotations.text).toBe(text);
  });

  test('Japanese 障害 and 復旧 for the same server share a fingerprint', () => {
    const firing = parse({ text: '障害: DBサーバー db-01 応答なし' }).alerts[0];
    const resolved = parse({ text: '復旧: DBサーバー db-01 応答なし' }).alerts[0];
    expect(firing?.status).toBe('firing');
    expect(resolved?.fingerprint).toBe(firing?.fingerprint);
  });

  test('a 1 MB alert message parses in well under a second, trimmed to bounded fields', () => {
    const line =
      'ts=2024-06-10T14:22:15Z level=error msg="upstream timeout" host=web-1 path=/api/v1/orders 日本語 🔥\n';
    const body = `FIRING: checkout latency high on web-1\n${line.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(line)))}`;
    expect(Buffer.byteLength(body)).toBeGreaterThanOrEqual(1024 * 1024);
    const started = performance.now();
    const outcome = parse({ text: body });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(500);
    expect(outcome.alerts).toHaveLength(1);
    expect(outcome.alerts[0]?.alertname).toBe('checkout latency high on web-1');
    expect(outcome.alerts[0]?.annotations.text?.length).toBe(2000);
  });

  test('1 MB of ordinary chat parses in well under a second and gives no alerts', () => {
    const body = 'we looked at the dashboards and nothing stood out, will check again later\n'.repeat(14_000);
    expect(body.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    const outcome = parse({ text: body });
    expect(performance.now() - started).toBeLessThan(500);
    expect(outcome.alerts).toEqual([]);
  });
});

describe('parsePayload: bad payloads', () => {
  test.each([
    ['an array', []],
    ['a number', 42],
    ['null', null],
    ['a string', 'FIRING: x'],
    ['an empty object', {}],
    ['alerts that are not a list', { alerts: 'x', version: '4' }],
  ])('%s throws AalsError AALS_BAD_INPUT', (_name, payload) => {
    expect(badInput(payload).code).toBe('AALS_BAD_INPUT');
  });
});

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

describe('slackToPlain', () => {
  test.each([
    ['<https://example.com/a?b=1&amp;c=2|the dashboard>', 'the dashboard'],
    ['see <https://example.com/x>', 'see https://example.com/x'],
    ['<mailto:sre@example.com|mail us>', 'mail us'],
    ['in <#C0123ABCD|alerts-prod>', 'in #alerts-prod'],
    ['ping <@U024BE7LH>', 'ping @U024BE7LH'],
    ['ping <@U024BE7LH|bob>', 'ping @U024BE7LH'],
    ['<!channel> and <!here> and <!everyone>', '@channel and @here and @everyone'],
    ['a &lt;b&gt; &amp; c', 'a <b> & c'],
    ['&amp;lt; decodes once', '&lt; decodes once'],
  ])('%j → %j', (input, expected) => {
    expect(slackToPlain(input)).toBe(expected);
  });
});

describe('stripMrkdwn', () => {
  test.each([
    ['*bold* _italic_ ~strike~', 'bold italic strike'],
    ['**double** bold', 'double bold'],
    ['run `kubectl get pods` now', 'run kubectl get pods now'],
    ['```\ncode block\n```', '\ncode block\n'],
    ['• *alertname:* `HighCPUUsage`', '• alertname: HighCPUUsage'],
    ['snake_case_name and 2*3*4 stay', 'snake_case_name and 2*3*4 stay'],
  ])('%j → %j', (input, expected) => {
    expect(stripMrkdwn(input)).toBe(expected);
  });
});

describe('messageText', () => {
  test('reads text, attachment parts and fields, footer and fallback-only attachments', () => {
    const text = messageText({
      text: 'top',
      attachments: [
        {
          pretext: 'pre',
          author_name: 'author',
          title: 'Title',
          text: 'body',
          fields: [{ title: 'Severity', value: 'high' }, { value: 'untitled field' }],
          footer: 'foot',
        },
        { fallback: 'only a fallback' },
        { title: 'has title', fallback: 'hidden fallback' },
      ],
    });
    expect(text.split('\n')).toEqual([
      'top',
      'pre',
      'author',
      'Title',
      'body',
      'Severity: high',
      'untitled field',
      'foot',
      'only a fallback',
      'has title',
    ]);
  });

  test('reads blocks: header, section text and fields, context, rich_text with links; decodes Slack markup', () => {
    const text = messageText({
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Head' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'section <@U1>' },
          fields: [{ type: 'mrkdwn', text: 'field one' }],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'context &amp; more' }] },
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'rich text' },
                { type: 'link', url: 'https://labelled.example', text: 'label' },
                { type: 'link', url: 'https://bare.example' },
              ],
            },
          ],
        },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Ack' } }] },
      ],
    });
    expect(text.split('\n')).toEqual([
      'Head',
      'section @U1',
      'field one',
      'context & more',
      'rich text',
      'label',
      'https://bare.example',
      'Ack',
    ]);
  });

  test('reads blocks inside attachments', () => {
    const text = messageText({
      attachments: [{ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'inner block' } }] }],
    });
    expect(text).toBe('inner block');
  });
});

describe('labelListsIn', () => {
  test('reads each run of bulleted label lines as one list', () => {
    const text = [
      'Details:',
      '  • *alertname:* `HighCPUUsage`',
      '  • *instance:* `web-1:9100`',
      '',
      ' - alertname = DiskFull',
      ' - mountpoint = /var',
      'Value: 92',
      '* job: node',
    ].join('\n');
    expect(labelListsIn(text)).toEqual([
      { alertname: 'HighCPUUsage', instance: 'web-1:9100' },
      { alertname: 'DiskFull', mountpoint: '/var' },
      { job: 'node' },
    ]);
  });

  test('prose such as "Value: 92" without a bullet is not a label', () => {
    expect(labelListsIn('Value: 92\nSummary: disk full')).toEqual([]);
  });
});

describe('parseAlertmanagerTitle', () => {
  test.each([
    [
      '[FIRING:2] HighCPUUsage prod-tokyo checkout (production node warning)',
      {
        status: 'firing',
        count: 2,
        groupValues: ['HighCPUUsage', 'prod-tokyo', 'checkout'],
        commonValues: ['production', 'node', 'warning'],
      },
    ],
    ['[FIRING:1] Watchdog ', { status: 'firing', count: 1, groupValues: ['Watchdog'], commonValues: [] }],
    [
      '[RESOLVED] HighCPUUsage',
      { status: 'resolved', count: 1, groupValues: ['HighCPUUsage'], commonValues: [] },
    ],
    [
      '[FIRING:3] A B | http://alertmanager.example:9093/#/alerts',
      { status: 'firing', count: 3, groupValues: ['A', 'B'], commonValues: [] },
    ],
    ['[firing:1] lower', { status: 'firing', count: 1, groupValues: ['lower'], commonValues: [] }],
  ])('%j', (title, expected) => {
    expect(parseAlertmanagerTitle(title)).toEqual(expected);
  });

  test.each([
    ['hello'],
    [''],
    ['FIRING: no brackets'],
    ['[FIRING:1, RESOLVED:1] DiskAlmostFull Infrastructure (a b)'],
  ])('%j is not an Alertmanager title', (title) => {
    expect(parseAlertmanagerTitle(title)).toBeNull();
  });

  test('the grafana parser handles the mixed "[FIRING:1, RESOLVED:1]" title itself', () => {
    const [alert] = grafanaParser.parse(
      {
        attachments: [
          {
            footer: 'Grafana v10.4.2',
            title: '[FIRING:1, RESOLVED:1] DiskAlmostFull Infrastructure (warning)',
            text: 'custom',
          },
        ],
      },
      context,
    ) as Alert[];
    expect(alert?.groupKey).toBe('grafana:DiskAlmostFull Infrastructure');
    expect(alert?.alertname).toBe('DiskAlmostFull');
  });
});

describe('grafanaBlocks', () => {
  test('splits the default message into alerts under their Firing/Resolved headers', () => {
    const text =
      '**Firing**\n\nValue: A=1\nLabels:\n - alertname = One\n - instance = a\nAnnotations:\n - summary = first\nSource: https://g/1\n\n' +
      '**Resolved**\n\nValue: A=0\nLabels:\n - alertname = Two\n';
    expect(grafanaBlocks(text)).toEqual([
      {
        status: 'firing',
        values: 'A=1',
        labels: { alertname: 'One', instance: 'a' },
        annotations: { summary: 'first' },
        source: 'https://g/1',
      },
      { status: 'resolved', values: 'A=0', labels: { alertname: 'Two' }, annotations: {} },
    ]);
  });
});

describe('normalizeSeverity and severityInText', () => {
  test.each([
    ['CRITICAL', 'critical'],
    ['crit', 'critical'],
    ['P1', 'critical'],
    ['Sev 1', 'critical'],
    ['disaster', 'critical'],
    ['P2', 'error'],
    ['sev-2', 'error'],
    ['High', 'error'],
    ['major', 'error'],
    [' Warning ', 'warning'],
    ['warn', 'warning'],
    ['average', 'warning'],
    ['P3', 'warning'],
    ['INFO', 'info'],
    ['low', 'info'],
    ['none', 'info'],
    ['nonsense', 'unknown'],
    ['', 'unknown'],
    [undefined, 'unknown'],
    [null, 'unknown'],
  ])('normalizeSeverity(%j) = %s', (input, expected) => {
    expect(normalizeSeverity(input)).toBe(expected);
  });

  test.each([
    ['CRITICAL - host down', 'critical'],
    ['WARNING: replication lag', 'warning'],
    ['disk at p3 level', 'warning'],
    ['Sev 2 incident on checkout', 'error'],
    ['an error occurred', 'error'],
    ['the errorrate is fine', 'unknown'],
    ['all good', 'unknown'],
  ])('severityInText(%j) = %s', (text, expected) => {
    expect(severityInText(text)).toBe(expected);
  });
});

describe('pathological input stays fast', () => {
  const context = { receivedAt: new Date('2026-01-01T00:00:00Z') };
  test.each([
    ['one 1 MB word', { text: 'a'.repeat(1 << 20) }],
    [
      'a firing line followed by 1 MB of one word',
      { text: `FIRING: disk full on db-01 ${'x'.repeat(1 << 20)}` },
    ],
    ['unterminated links', { text: '<https://a|'.repeat(30_000) }],
    [
      'a 1 MB Alertmanager title',
      {
        username: 'Alertmanager',
        attachments: [{ title: `[FIRING:1] ${'x '.repeat(1 << 19)}`, title_link: 'http://am/#/alerts' }],
      },
    ],
  ])('%s parses in under a second', (_name, payload) => {
    const started = performance.now();
    parsePayload(payload, context);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('message text read once', () => {
  test('a message typed by a person is not read twice from its rich_text block', () => {
    const text = 'ALERT web-1 cpu pegged at 100%';
    const message: SlackMessage = {
      text,
      blocks: [
        { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] },
      ],
    };
    expect(messageText(message)).toBe(text);
  });

  test('user-group mentions keep their handle or ID', () => {
    expect(slackToPlain('<!subteam^S0SRE|@sre> look')).toBe('@sre look');
    expect(slackToPlain('<!subteam^S0SRE> look')).toBe('@S0SRE look');
  });
});
