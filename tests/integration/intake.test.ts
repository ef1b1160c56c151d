import { App } from '@slack/bolt';
import { SlackEmulator } from '../../src/slack/emulator/emulator.js';
import { fixture } from '../support/fixtures.js';
import { type Harness, startHarness } from '../support/harness.js';

describe('webhook basic auth, health and metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      transport: 'http',
      config: {
        intake: { alertmanager: { basicAuth: { username: 'alertmanager', password: 'correct horse' } } },
      },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  const post = (authorization?: string) =>
    fetch(`${h.aals.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(fixture('alertmanager/webhook/firing-single.json')),
    });
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  test('wrong or missing credentials get 401 and nothing is stored', async () => {
    const before = h.aals.store.rawEvents.recent(100).length;
    expect((await post()).status).toBe(401);
    expect((await post(basic('alertmanager', 'wrong'))).status).toBe(401);
    expect(h.aals.store.rawEvents.recent(100)).toHaveLength(before);
  });

  test('the right credentials are accepted and the same body again is a duplicate', async () => {
    const first = await post(basic('alertmanager', 'correct horse'));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'accepted' });
    const again = await post(basic('alertmanager', 'correct horse'));
    expect(await again.json()).toEqual({ status: 'duplicate' });
  });

  test('/healthz and /metrics report what happened', async () => {
    await h.aals.inbox.idle();
    const health = await (await fetch(`${h.aals.url}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, mode: 'http', slack: 'connected' });
    const metrics = await (await fetch(`${h.aals.url}/metrics`)).text();
    expect(metrics).toMatch(/aals_events_received_total\{kind="alertmanager_webhook",outcome="new"\} 1/);
    expect(metrics).toMatch(
      /aals_events_received_total\{kind="alertmanager_webhook",outcome="duplicate"\} 1/,
    );
    expect(metrics).toMatch(/aals_alerts_parsed_total\{source="alertmanager_webhook",status="firing"\} 1/);
    expect(metrics).toContain('aals_nodejs_eventloop_lag_p99_seconds');
  });
});

describe('emulator block actions reach a real Bolt app', () => {
  test('a button click is delivered signed over HTTP and the response_url replaces the message', async () => {
    const slack = new SlackEmulator({ retryDelaysMs: [] });
    await slack.start();
    const app = new App({
      token: slack.app.botToken,
      signingSecret: slack.signingSecret,
      clientOptions: { slackApiUrl: slack.apiUrl },
    });
    const clicks: string[] = [];
    app.action('approve', async ({ ack, body, respond }) => {
      await ack();
      clicks.push((body as { user: { id: string } }).user.id);
      await respond({ replace_original: true, text: 'Approved' });
    });
    await app.start(0);
    // biome-ignore lint/suspicious/noExplicitAny: Bolt does not expose the receiver's port
    const port = ((app as any).receiver.server.address() as { port: number }).port;
    slack.transport = { type: 'http', requestUrl: `http://127.0.0.1:${port}/slack/events` };
    try {
      const posted = await app.client.chat.postMessage({
        channel: slack.workspace.channelByName('alerts')?.id as string,
        text: 'Run it?',
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'approve',
                text: { type: 'plain_text', text: 'Approve' },
                value: 'req-1',
              },
            ],
          },
        ],
      });
      const result = await slack.clickButton('alerts', posted.ts as string, 'approve');
      expect(result.status).toBe(200);
      await slack.waitFor(
        () =>
          slack.workspace.find(posted.channel as string, posted.ts as string)?.text === 'Approved' || null,
      );
      expect(clicks).toEqual(['U0HUMAN01']);
    } finally {
      await app.stop();
      await slack.stop();
    }
  });
});
