import { SlackEmulator } from '../../src/slack/emulator/emulator.js';
import { RateLimiter } from '../../src/util/rate-limiter.js';

const TOKEN = 'xoxb-unittest';

interface ApiResult {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

let emulator: SlackEmulator | undefined;
let base: string;

async function start(options: ConstructorParameters<typeof SlackEmulator>[0] = {}) {
  // No redelivery delays: no app is connected, and stop() must not wait for retries.
  const started = new SlackEmulator({ botToken: TOKEN, retryDelaysMs: [], ...options });
  emulator = started;
  base = await started.start(0);
}

/** A Web API call as Slack's SDKs make it: form-urlencoded, structured arguments JSON-encoded. */
async function api(
  method: string,
  params: Record<string, unknown> = {},
  token: string | null = TOKEN,
): Promise<ApiResult> {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    form.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const response = await fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: form.toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

/** The running emulator of the current test. */
function em(): SlackEmulator {
  if (!emulator) throw new Error('emulator not started');
  return emulator;
}

describe('SlackEmulator Web API over HTTP', () => {
  beforeEach(async () => {
    await start();
  });

  test('start on port 0 gives a real loopback URL', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(em().apiUrl).toBe(`${base}/api/`);
  });

  test('auth.test answers ok with the bot identity', async () => {
    const { status, body } = await api('auth.test');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      user_id: em().app.botUserId,
      bot_id: em().app.botId,
      user: 'aals',
    });
  });

  test('a wrong token is invalid_auth, no token is not_authed', async () => {
    expect((await api('auth.test', {}, 'xoxb-wrong')).body).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await api('auth.test', {}, null)).body).toEqual({ ok: false, error: 'not_authed' });
  });

  test('the token may also come as a form field', async () => {
    expect((await api('auth.test', { token: TOKEN }, null)).body.ok).toBe(true);
  });

  test('an unknown method is unknown_method', async () => {
    expect((await api('chat.doesNotExist')).body).toEqual({ ok: false, error: 'unknown_method' });
  });

  test('chat.postMessage posts into the channel and returns its ts', async () => {
    const { body } = await api('chat.postMessage', {
      channel: 'alerts',
      text: 'hello',
      blocks: [section('*hello*')],
    });
    expect(body).toMatchObject({ ok: true, channel: em().workspace.channelByName('alerts')?.id });
    const messages = em().messages('alerts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      ts: body.ts,
      text: 'hello',
      bot_id: em().app.botId,
      blocks: [section('*hello*')],
    });
  });

  test('chat.postMessage to an unknown channel is channel_not_found', async () => {
    expect((await api('chat.postMessage', { channel: 'nope', text: 'x' })).body.error).toBe(
      'channel_not_found',
    );
  });

  test('chat.postMessage with 51 blocks is invalid_blocks and posts nothing', async () => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`block ${i}`));
    const { body } = await api('chat.postMessage', { channel: 'alerts', text: 'too many', blocks });
    expect(body.ok).toBe(false);
    expect(body.error).toBe('invalid_blocks');
    expect(JSON.stringify(body.response_metadata)).toContain('no more than 50 items');
    expect(em().messages('alerts')).toHaveLength(0);
  });

  test('50 blocks are accepted', async () => {
    const blocks = Array.from({ length: 50 }, (_, i) => section(`block ${i}`));
    expect((await api('chat.postMessage', { channel: 'alerts', text: 'max', blocks })).body.ok).toBe(true);
  });

  test('a section text of 3001 characters is invalid_blocks; 3000 is fine', async () => {
    const tooLong = await api('chat.postMessage', {
      channel: 'alerts',
      text: 'x',
      blocks: [section('a'.repeat(3001))],
    });
    expect(tooLong.body).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(JSON.stringify(tooLong.body.response_metadata)).toContain('/blocks/0');
    const atLimit = await api('chat.postMessage', {
      channel: 'alerts',
      text: 'x',
      blocks: [section('a'.repeat(3000))],
    });
    expect(atLimit.body.ok).toBe(true);
  });

  test('malformed blocks JSON is invalid_blocks_format', async () => {
    const form = new URLSearchParams({ channel: 'alerts', text: 'x', blocks: '[{not json' });
    const response = await fetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${TOKEN}` },
      body: form.toString(),
    });
    expect(await response.json()).toEqual({ ok: false, error: 'invalid_blocks_format' });
  });

  test('a JSON body is accepted too', async () => {
    const response = await fetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ channel: 'general', text: 'json body 障害 🔥' }),
    });
    expect(((await response.json()) as { ok: boolean }).ok).toBe(true);
    expect(em().messages('general')[0]?.text).toBe('json body 障害 🔥');
  });

  test('a reply to a thread that does not exist is thread_not_found', async () => {
    const { body } = await api('chat.postMessage', { channel: 'alerts', text: 'x', thread_ts: '1.000001' });
    expect(body.error).toBe('thread_not_found');
  });

  test('an incoming webhook POST /hooks/<channel> creates a bot_message', async () => {
    const channelId = em().workspace.channelByName('alerts-prod')?.id as string;
    expect(em().incomingWebhookUrl('alerts-prod')).toBe(`${base}/hooks/${channelId}`);
    const response = await fetch(`${base}/hooks/${channelId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'Alertmanager',
        text: '',
        attachments: [{ title: '[FIRING:1] HighCPUUsage', color: 'danger' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    const [message] = em().messages('alerts-prod');
    expect(message).toMatchObject({
      subtype: 'bot_message',
      username: 'Alertmanager',
      attachments: [{ title: '[FIRING:1] HighCPUUsage', color: 'danger' }],
    });
    expect(message?.bot_id).toBeDefined();
    expect(message?.user).toBeUndefined();
  });

  test('an incoming webhook without content is 400 no_text; an unknown channel is 404', async () => {
    const channelId = em().workspace.channelByName('alerts')?.id as string;
    const empty = await fetch(`${base}/hooks/${channelId}`, { method: 'POST', body: '{}' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toBe('no_text');
    const unknown = await fetch(`${base}/hooks/C0NOSUCH`, { method: 'POST', body: '{"text":"x"}' });
    expect(unknown.status).toBe(404);
    expect(em().messages('alerts')).toHaveLength(0);
  });

  test('conversations.replies returns the thread, with metadata only when include_all_metadata is set', async () => {
    const parent = await api('chat.postMessage', { channel: 'alerts', text: 'parent' });
    const threadTs = parent.body.ts as string;
    const metadata = { event_type: 'aals_reply', event_payload: { marker: 'raw-1:part-0' } };
    await api('chat.postMessage', { channel: 'alerts', text: 'reply one', thread_ts: threadTs, metadata });
    await api('chat.postMessage', { channel: 'alerts', text: 'reply two', thread_ts: threadTs });
    await api('chat.postMessage', { channel: 'alerts', text: 'elsewhere' });

    const plain = await api('conversations.replies', { channel: 'alerts', ts: threadTs });
    const messages = plain.body.messages as Array<Record<string, unknown>>;
    expect(messages.map((m) => m.text)).toEqual(['parent', 'reply one', 'reply two']);
    expect(messages[0]?.reply_count).toBe(2);
    expect(messages.every((m) => m.metadata === undefined)).toBe(true);

    const withMetadata = await api('conversations.replies', {
      channel: 'alerts',
      ts: threadTs,
      include_all_metadata: 'true',
    });
    const replies = withMetadata.body.messages as Array<Record<string, unknown>>;
    expect(replies[1]?.metadata).toEqual(metadata);
    expect(replies[2]?.metadata).toBeUndefined();
  });

  test('conversations.replies for an unknown ts is thread_not_found', async () => {
    expect((await api('conversations.replies', { channel: 'alerts', ts: '9.000009' })).body.error).toBe(
      'thread_not_found',
    );
  });

  test('files.getUploadURLExternal → POST bytes → files.completeUploadExternal posts the file in the thread', async () => {
    const parent = await api('chat.postMessage', { channel: 'alerts', text: 'graph below' });
    const threadTs = parent.body.ts as string;
    const bytes = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(100, 7),
    ]);

    const upload = await api('files.getUploadURLExternal', {
      filename: 'cpu.png',
      length: String(bytes.length),
    });
    expect(upload.body.ok).toBe(true);
    const uploadUrl = upload.body.upload_url as string;
    const fileId = upload.body.file_id as string;
    expect(uploadUrl).toBe(`${base}/upload/${fileId}`);

    const put = await fetch(uploadUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(put.status).toBe(200);
    expect(await put.text()).toBe(`OK - ${bytes.length}`);

    const channelId = em().workspace.channelByName('alerts')?.id as string;
    const complete = await api('files.completeUploadExternal', {
      files: [{ id: fileId, title: 'CPU last hour' }],
      channel_id: channelId,
      thread_ts: threadTs,
      initial_comment: 'CPU graph',
    });
    expect(complete.body).toMatchObject({
      ok: true,
      files: [{ id: fileId, title: 'CPU last hour', name: 'cpu.png', size: bytes.length }],
    });

    const replies = em().replies('alerts', threadTs);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ text: 'CPU graph', thread_ts: threadTs });
    expect(replies[0]?.files?.[0]).toMatchObject({ id: fileId, mimetype: 'image/png', size: bytes.length });
    expect(replies[0]?.files?.[0]?.data.equals(bytes)).toBe(true);

    const listed = await api('conversations.replies', { channel: channelId, ts: threadTs });
    const files = (listed.body.messages as Array<{ files?: Array<Record<string, unknown>> }>)[1]?.files;
    expect(files?.[0]).toMatchObject({ id: fileId, size: bytes.length });
    expect(files?.[0]?.data).toBeUndefined();
  });

  test('completing an upload that received no bytes is file_not_found', async () => {
    const upload = await api('files.getUploadURLExternal', { filename: 'empty.txt', length: '10' });
    const complete = await api('files.completeUploadExternal', { files: [{ id: upload.body.file_id }] });
    expect(complete.body).toEqual({ ok: false, error: 'file_not_found' });
  });

  test('getUploadURLExternal without a filename or length is invalid_arguments', async () => {
    expect((await api('files.getUploadURLExternal', { length: '5' })).body.error).toBe('invalid_arguments');
    expect((await api('files.getUploadURLExternal', { filename: 'x', length: '0' })).body.error).toBe(
      'invalid_arguments',
    );
  });
});

describe('SlackEmulator rate limit', () => {
  test('the third quick chat.postMessage to one channel answers 429 with Retry-After; another channel is fine', async () => {
    await start({ rateLimit: { perSecond: 1, burst: 2 } });
    const first = await api('chat.postMessage', { channel: 'alerts', text: '1' });
    const second = await api('chat.postMessage', { channel: 'alerts', text: '2' });
    const third = await api('chat.postMessage', { channel: 'alerts', text: '3' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(third.body).toEqual({ ok: false, error: 'ratelimited' });
    expect(
      em()
        .messages('alerts')
        .map((m) => m.text),
    ).toEqual(['1', '2']);

    const other = await api('chat.postMessage', { channel: 'general', text: 'other channel' });
    expect(other.status).toBe(200);
    expect(other.body.ok).toBe(true);
  });

  test('the token bucket refills at the sustained rate and says how long to wait', () => {
    let clock = 0;
    const limiter = new RateLimiter(1, 2, () => clock);
    expect([limiter.take('C1'), limiter.take('C1'), limiter.take('C1')]).toEqual([0, 0, 1000]);
    expect(limiter.take('C2')).toBe(0);
    clock += 500;
    expect(limiter.take('C1')).toBe(500);
    clock += 500;
    expect(limiter.take('C1')).toBe(0);
    clock += 10_000;
    // Never more than the burst, however long it was idle.
    expect([limiter.take('C1'), limiter.take('C1'), limiter.take('C1')]).toEqual([0, 0, 1000]);
  });
});
