import { parsePayload } from '../../src/readers/registry.js';
import { HUMAN, SlackEmulator, TEAMMATE } from '../../src/slack/emulator/emulator.js';
import type { SampleAlert } from '../../src/slack/emulator/ui/samples.js';

/** The sandbox page's HTTP side on a bare emulator (no app connected), mounted under a prefix as in sandbox mode. */
let emulator: SlackEmulator;
let base: string;

beforeEach(async () => {
  emulator = new SlackEmulator({ pathPrefix: '/slack-sandbox', retryDelaysMs: [], deliveryTimeoutMs: 200 });
  base = await emulator.start(0);
});
afterEach(() => emulator.stop());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

interface UiState {
  user: string;
  channel: string;
  users: Array<{ id: string }>;
  channels: Array<{ id: string; name: string; count: number }>;
  threads: Array<{ ts: string; html: string }>;
  modal: { id: string; html: string } | null;
}

const state = async (query: Record<string, string> = {}) =>
  (await (await fetch(`${base}/ui/state?${new URLSearchParams(query)}`)).json()) as UiState;

test('`/` is the page for browsers and stays JSON for scripts; `/state` is JSON', async () => {
  const json = await fetch(`${base}/`);
  expect(json.headers.get('content-type')).toContain('application/json');
  expect(((await json.json()) as { team: { id: string } }).team.id).toBe('T0AALS001');
  const page = await fetch(`${base}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  const html = await page.text();
  expect(html).toContain('data-base="/slack-sandbox"');
  expect(html).toContain('src="/slack-sandbox/ui/app.js"');
  expect(html).not.toMatch(/<script>|\son\w+=/);
  expect(
    (await fetch(`${base}/state`, { headers: { accept: 'text/html' } })).headers.get('content-type'),
  ).toContain('application/json');
  const script = await fetch(`${base}/ui/app.js`);
  expect(script.headers.get('content-type')).toContain('text/javascript');
  expect(await script.text()).toContain("call('/ui/state?'");
});

test('the samples are alerts AALS parses', async () => {
  const samples = (await (await fetch(`${base}/ui/samples`)).json()) as SampleAlert[];
  expect(samples.map((s) => s.id)).toEqual(['disk-full-db', 'high-cpu', 'postgres-down-checkout']);
  for (const sample of samples) {
    const alerts = sample.payloads.flatMap((p) => parsePayload(p, { receivedAt: new Date() }).alerts);
    expect(alerts.length).toBe(sample.payloads.length);
    for (const alert of alerts) expect(alert.labels.instance).toBeTruthy();
  }
});

test('posting as the webhook and as a user; user text is escaped like a Slack client does', async () => {
  const samples = (await (await fetch(`${base}/ui/samples`)).json()) as SampleAlert[];
  const outage = samples.find((s) => s.id === 'postgres-down-checkout') as SampleAlert;
  const hook = await post('/ui/post', { channel: 'alerts', as: 'webhook', payloads: outage.payloads });
  expect(hook.status).toBe(200);
  expect(emulator.messages('alerts').map((m) => m.username)).toEqual(['Alertmanager', 'Alertmanager']);

  const typed = await post('/ui/post', {
    channel: 'general',
    as: 'user',
    text: '<b>hi</b> & @aals @nobody',
    userId: TEAMMATE.id,
  });
  expect(typed.status).toBe(200);
  const [message] = emulator.messages('general');
  expect(message?.user).toBe(TEAMMATE.id);
  expect(message?.text).toBe('&lt;b&gt;hi&lt;/b&gt; &amp; <@U0AALSBOT1> @nobody');

  const view = await state({ channel: 'general', user: TEAMMATE.id });
  expect(view.threads[0]?.html).toContain(
    '&lt;b&gt;hi&lt;/b&gt; &amp; <span class="mention">@aals</span> @nobody',
  );
  expect(view.channels.find((c) => c.name === 'alerts')?.count).toBe(2);

  expect(
    (await post('/ui/post', { channel: 'alerts', as: 'webhook', payloads: [{ username: 'x' }] })).status,
  ).toBe(400);
  expect(
    (await post('/ui/post', { channel: 'alerts', as: 'user', text: 'x', userId: 'U0AALSBOT1' })).status,
  ).toBe(400);
});

test('state: users are the people, ephemeral messages only reach their user, a modal only its user', async () => {
  const channel = emulator.workspace.resolveChannel('alerts')?.id as string;
  emulator.workspace.post({ channel, text: 'secret for oncall', ephemeralTo: HUMAN.id, user: 'U0AALSBOT1' });
  emulator.views.set('V1', {
    id: 'V1',
    userId: HUMAN.id,
    view: { type: 'modal', title: { type: 'plain_text', text: 'Why?' } },
  });
  const mine = await state({ channel: 'alerts', user: HUMAN.id });
  expect(mine.users.map((u) => u.id)).toEqual([HUMAN.id, TEAMMATE.id]);
  expect(mine.threads).toHaveLength(1);
  expect(mine.modal?.id).toBe('V1');
  const theirs = await state({ channel: 'alerts', user: TEAMMATE.id });
  expect(theirs.threads).toHaveLength(0);
  expect(theirs.modal).toBeNull();
  const fallback = await state({ channel: 'nope', user: 'nobody' });
  expect([fallback.channel, fallback.user]).toEqual([channel, HUMAN.id]);
  expect((await post('/ui/submit', { viewId: 'V1', values: {}, userId: TEAMMATE.id })).status).toBe(404);
  expect((await post('/ui/close', { viewId: 'V1' })).status).toBe(200);
  expect(emulator.views.size).toBe(0);
});

test('clicks and commands go to the app; with none connected the page is told so', async () => {
  const message = emulator.postWebhookMessage('alerts', {
    blocks: [
      {
        type: 'actions',
        block_id: 'approval_1',
        elements: [
          {
            type: 'button',
            action_id: 'approval_approve',
            value: '1',
            text: { type: 'plain_text', text: 'Approve' },
          },
        ],
      },
    ],
  });
  const click = await post('/ui/click', {
    channel: 'alerts',
    ts: message.ts,
    actionId: 'approval_approve',
    blockId: 'approval_1',
    userId: HUMAN.id,
  });
  expect(await click.json()).toEqual({ ok: true, status: 'no_connection' });
  expect(emulator.deliveries.at(-1)?.kind).toBe('action');
  const missing = await post('/ui/click', {
    channel: 'alerts',
    ts: message.ts,
    actionId: 'nope',
    userId: HUMAN.id,
  });
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: string }).error).toContain('no button nope');
  const command = await post('/ui/command', { channel: 'alerts', line: 'help', userId: HUMAN.id });
  expect(await command.json()).toEqual({ ok: true, status: 'no_connection' });
  expect(emulator.deliveries.at(-1)?.kind).toBe('command');
});

test('state-changing requests must be same-origin JSON', async () => {
  const body = { channel: 'alerts', as: 'user', text: 'approve me', userId: HUMAN.id };
  const form = await fetch(`${base}/ui/post`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify(body),
  });
  expect(form.status).toBe(403);
  expect((await post('/ui/post', body, { origin: 'https://evil.example' })).status).toBe(403);
  expect((await post('/ui/post', body, { origin: 'null' })).status).toBe(403);
  expect((await post('/ui/post', body, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  expect((await post('/ui/post', body, { origin: new URL(base).origin })).status).toBe(200);
  expect((await fetch(`${base}/ui/post`)).status).toBe(405);
  expect(emulator.messages('alerts')).toHaveLength(1);
});

test('uploaded files: PNGs inline, anything else as a download', async () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  emulator.workspace.files.set('F1', {
    id: 'F1',
    name: 'chart.png',
    title: 'chart',
    mimetype: 'image/png',
    size: png.length,
    data: png,
  });
  const html = Buffer.from('<script>alert(1)</script>');
  emulator.workspace.files.set('F2', {
    id: 'F2',
    name: 'x.html',
    title: 'x',
    mimetype: 'application/octet-stream',
    size: html.length,
    data: html,
  });
  const image = await fetch(`${base}/files/F1`);
  expect(image.headers.get('content-type')).toBe('image/png');
  expect(Buffer.from(await image.arrayBuffer())).toEqual(png);
  const other = await fetch(`${base}/files/F2`);
  expect(other.headers.get('content-type')).toBe('application/octet-stream');
  expect(other.headers.get('content-disposition')).toContain('attachment');
  expect((await fetch(`${base}/files/F404`)).status).toBe(404);
});
