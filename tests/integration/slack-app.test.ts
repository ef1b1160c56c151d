import { signedHeaders } from '../../src/slack/emulator/signing.js';
import { fixture } from '../support/fixtures.js';
import { type Harness, startHarness } from '../support/harness.js';

/** The real Bolt app against the Slack emulator, over HTTP and over Socket Mode. */
describe.each(['http', 'socket'] as const)('AALS in Slack (%s mode)', (transport) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ transport });
  });
  afterAll(async () => {
    await h.stop();
  });

  test('an alert message gets a threaded reply saying what fired, where, how severe and since when', async () => {
    const message = h.postAlert(fixture('alertmanager/slack-custom-labels/firing-grouped.json'));
    const [reply] = await h.waitForReplies(message.ts);
    const text = JSON.stringify(reply?.blocks);
    expect(reply?.thread_ts).toBe(message.ts);
    expect(text).toContain('HighCPUUsage');
    expect(text).toContain('is *firing*');
    expect(text).toContain('severity *warning*');
    expect(text).toContain('checkout-node-1:9100');
    expect(text).toContain('*Since:*');
    expect(text).toContain('first time AALS has seen it fire');
    expect(h.aals.store.alerts.byRawEvent(1)).toHaveLength(2);
  });

  test('the RESOLVED message is answered in the firing alert thread with how long it lasted', async () => {
    const firing = h.postAlert(fixture('alertmanager/slack-default/firing-single.json'));
    await h.waitForReplies(firing.ts);
    const resolved = h.postAlert(fixture('alertmanager/slack-default/resolved-single.json'));
    const replies = await h.waitForReplies(firing.ts, 2);
    expect(replies[1]?.text).toContain('resolved');
    expect(JSON.stringify(replies[1]?.blocks)).toMatch(/resolved after \*\d+ s\*/);
    await h.aals.inbox.idle();
    expect(h.slack.replies('alerts', resolved.ts)).toHaveLength(0);
  });

  test('ordinary chat in the alert channel gets no reply but is kept', async () => {
    const chat = h.slack.postAsUser('alerts', 'heads up: deploying checkout in 5 minutes');
    await h.aals.inbox.idle();
    await new Promise((r) => setTimeout(r, 200));
    await h.aals.inbox.idle();
    expect(h.slack.replies('alerts', chat.ts)).toHaveLength(0);
    const stored = h.aals.store.rawEvents.recent(20).find((e) => e.messageTs === chat.ts);
    expect(stored?.status).toBe('ignored');
    expect(stored?.body).toContain('deploying checkout');
  });

  test('a duplicate delivery of the same event produces one reply', async () => {
    const message = h.postAlert(fixture('alertmanager/slack-custom-labels/firing-single.json'));
    await h.waitForReplies(message.ts);
    const delivered = [...h.slack.deliveries]
      .reverse()
      .find((d) => d.kind === 'event' && d.status === 200)?.id;
    expect(delivered).toBeDefined();
    await h.slack.redeliver(delivered as string, 1);
    await h.slack.redeliver(delivered as string, 2);
    await h.aals.inbox.idle();
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.replies('alerts', message.ts).filter((m) => m.bot_id === h.slack.app.botId)).toHaveLength(
      1,
    );
  });

  test('/aals help, status and diagnose answer', async () => {
    const help = await h.slack.slashCommand('/aals', 'help');
    expect(help.status).toBe(200);
    expect(help.body?.text).toContain('/aals diagnose');

    const status = await h.slack.slashCommand('/aals', 'status');
    expect(status.body?.text).toMatch(/Open incidents: \*\d+\*/);
    expect(status.body?.response_type).toBe('ephemeral');

    const diagnose = await h.slack.slashCommand('/aals', 'diagnose disk full on db-01');
    expect(diagnose.body?.response_type).toBe('in_channel');
    expect(JSON.stringify(diagnose.body?.blocks)).toContain('disk space');
    expect(JSON.stringify(diagnose.body?.blocks)).toContain('df -h');
    const posted = h.slack.messages('alerts').find((m) => m.text.startsWith('Diagnosis: disk full'));
    expect(posted).toBeDefined();
  });

  test('a mention is answered in its thread with the alerts it refers to', async () => {
    const mention = h.slack.postAsUser('general', `<@${h.slack.app.botUserId}> what is wrong with checkout?`);
    const [answer] = await h.slack.waitFor(() => {
      const replies = h.slack.replies('general', mention.ts);
      return replies.length ? replies : null;
    });
    expect(JSON.stringify(answer?.blocks)).toContain('HighCPUUsage');
  });
});

describe('HTTP mode request verification', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: 'http' });
  });
  afterAll(async () => {
    await h.stop();
  });

  const event = (text: string) =>
    JSON.stringify({
      type: 'event_callback',
      event_id: 'EvFORGED1',
      team_id: 'T0AALS001',
      event: {
        type: 'message',
        channel: h.slack.workspace.channelByName('alerts')?.id,
        text,
        ts: '1.000001',
        user: 'U0HUMAN01',
      },
    });

  test('a bad signature is refused with 401 and nothing is stored', async () => {
    const body = event('FIRING: forged alert on web-1');
    const headers = signedHeaders('not-the-secret', body);
    const response = await fetch(`${h.aals.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    expect(response.status).toBe(401);
    expect(h.aals.store.rawEvents.recent(10).some((e) => e.body.includes('forged alert'))).toBe(false);
  });

  test('a stale timestamp (older than 5 minutes) is refused with 401', async () => {
    const body = event('FIRING: replayed alert on web-1');
    const headers = signedHeaders(h.slack.signingSecret, body, Math.floor(Date.now() / 1000) - 600);
    const response = await fetch(`${h.aals.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    expect(response.status).toBe(401);
    expect(h.aals.store.rawEvents.recent(10).some((e) => e.body.includes('replayed alert'))).toBe(false);
  });

  test('a correctly signed event is accepted', async () => {
    const body = event('FIRING: signed alert on web-1');
    const response = await fetch(`${h.aals.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(h.slack.signingSecret, body) },
      body,
    });
    expect(response.status).toBe(200);
    expect(h.aals.store.rawEvents.recent(10).some((e) => e.body.includes('signed alert'))).toBe(true);
  });
});
