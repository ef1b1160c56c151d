import { type Harness, startHarness } from '../support/harness.js';

/** Malformed, oversized, unknown and non-ASCII input: a clear error or an unparsed record, never a crash. */
describe('bad input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ transport: 'http', config: { http: { maxBodyBytes: 1024 * 1024 } } });
  });
  afterAll(async () => {
    await h.stop();
  });

  const postWebhook = (body: string) =>
    fetch(`${h.aals.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  const stored = (id: number) => h.aals.store.rawEvents.get(id);

  test('malformed JSON on the webhook: 400 with the reason, raw body kept', async () => {
    const body = '{"version":"4","alerts":[{"status":"firing",';
    const response = await postWebhook(body);
    const answer = (await response.json()) as { error: string; id: number };
    expect(response.status).toBe(400);
    expect(answer.error).toMatch(/not valid JSON/);
    expect(stored(answer.id)).toMatchObject({ status: 'unparsed', body });
  });

  test('JSON that is not an Alertmanager body: 400, kept', async () => {
    const response = await postWebhook('{"hello":"world"}');
    const answer = (await response.json()) as { error: string; id: number };
    expect(response.status).toBe(400);
    expect(answer.error).toMatch(/"alerts" array/);
    expect(stored(answer.id)?.body).toBe('{"hello":"world"}');
  });

  test('an Alertmanager body with missing fields is accepted, then recorded as unparsed with the field named', async () => {
    const response = await postWebhook(JSON.stringify({ version: '4', alerts: [{ status: 'firing' }] }));
    const answer = (await response.json()) as { id: number };
    expect(response.status).toBe(200);
    await h.aals.inbox.idle();
    expect(stored(answer.id)?.status).toBe('unparsed');
    expect(stored(answer.id)?.error).toMatch(/alerts\.0\.labels/);
  });

  test('a body over http.maxBodyBytes: 413, the first bytes kept', async () => {
    const body = JSON.stringify({ version: '4', alerts: [], padding: 'x'.repeat(1_500_000) });
    const response = await postWebhook(body);
    const answer = (await response.json()) as { error: string; id: number };
    expect(response.status).toBe(413);
    expect(answer.error).toMatch(/larger than 1048576 bytes/);
    expect(stored(answer.id)?.size).toBe(1024 * 1024);
    expect(stored(answer.id)?.status).toBe('unparsed');
  });

  test('a 1 MB alert message is stored whole and answered within Block Kit limits', async () => {
    const text = `FIRING: log volume exploded on web-7\n${'x'.repeat(1_000_000)}`;
    const message = h.postAlert({ text, username: 'cron-alerts' });
    const [reply] = await h.waitForReplies(message.ts, 1, 'alerts', 10000);
    expect(JSON.stringify(reply?.blocks)).toContain('web-7');
    await h.aals.inbox.idle();
    const event = h.aals.store.rawEvents.recent(5).find((e) => e.messageTs === message.ts);
    expect(event?.body.length).toBeGreaterThan(1_000_000);
    expect(event?.status).toBe('done');
  });

  test('a Slack request over http.maxBodyBytes is refused with 413 before Bolt reads it; one without Content-Length gets 411', async () => {
    const url = `${h.aals.url}/slack/events`;
    const big = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'event_callback', padding: 'x'.repeat(1_100_000) }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toMatch(/larger than 1048576 bytes/);
    const chunked = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob(['{}']).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(411);
    // A normal-sized request still reaches Bolt (which refuses it for its missing signature).
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unsigned.status).toBe(401);
  });

  test('an unknown format in the alert channel is kept as ignored, with no reply', async () => {
    const message = h.postAlert({ attachments: [{ title: 'Weekly cost report', text: 'Spend is up 3%' }] });
    await new Promise((r) => setTimeout(r, 150));
    await h.aals.inbox.idle();
    const event = h.aals.store.rawEvents.recent(5).find((e) => e.messageTs === message.ts);
    expect(event?.status).toBe('ignored');
    expect(event?.body).toContain('Weekly cost report');
    expect(h.slack.replies('alerts', message.ts)).toHaveLength(0);
  });

  test('emoji and Japanese text are read and answered intact', async () => {
    const message = h.postAlert({ text: '🚨 FIRING: 決済APIのエラー率上昇 on pay-1 (本番)' });
    const [reply] = await h.waitForReplies(message.ts);
    expect(JSON.stringify(reply?.blocks)).toContain('決済APIのエラー率上昇');
    expect(JSON.stringify(reply?.blocks)).toContain('pay-1');
  });

  test('alert text cannot inject Slack mentions or links into the reply', async () => {
    const message = h.postAlert({ text: 'FIRING: <!channel> click <http://evil.example|here> on web-9' });
    const [reply] = await h.waitForReplies(message.ts);
    const rendered = JSON.stringify(reply?.blocks);
    expect(rendered).not.toContain('<!channel>');
    expect(rendered).not.toContain('<http://evil.example');
  });

  test('AALS is still healthy afterwards', async () => {
    const response = await fetch(`${h.aals.url}/healthz`);
    expect(response.status).toBe(200);
  });
});
