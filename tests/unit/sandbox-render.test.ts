import {
  escapeHtml,
  mrkdwn,
  permalinkTarget,
  type RenderContext,
  renderAttachment,
  renderBlocks,
  renderChannel,
  renderMessage,
  renderView,
  safeUrl,
} from '../../src/slack/emulator/ui/render.js';
import type { EmulatedMessage } from '../../src/slack/emulator/workspace.js';

const ctx: RenderContext = {
  userName: (id) => ({ U0HUMAN01: 'oncall', U0AALSBOT1: 'aals' })[id],
  channelName: (id) => ({ C0ALERTS: 'alerts' })[id],
  fileUrl: (id) => `/slack-sandbox/files/${id}`,
};

const message = (fields: Partial<EmulatedMessage>): EmulatedMessage => ({
  type: 'message',
  channel: 'C0ALERTS',
  ts: '1700000000.000100',
  text: '',
  ...fields,
});

/** Every tag the renderer wrote: anything else in the output would be injected markup. */
const tags = (html: string) => [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => m[1]?.toLowerCase());
const ALLOWED = new Set([
  'a',
  'br',
  'button',
  'code',
  'del',
  'details',
  'div',
  'em',
  'figcaption',
  'figure',
  'form',
  'h2',
  'hr',
  'img',
  'input',
  'label',
  'pre',
  'span',
  'strong',
  'summary',
  'textarea',
  'time',
]);

describe('mrkdwn', () => {
  test('formatting: bold, italic, strike, code, code blocks, quotes, line breaks', () => {
    expect(mrkdwn('*bold* and _italic_ and ~gone~', ctx)).toBe(
      '<strong>bold</strong> and <em>italic</em> and <del>gone</del>',
    );
    expect(mrkdwn('run `df -h` now', ctx)).toBe('run <code>df -h</code> now');
    expect(mrkdwn('```\nline 1\n*not bold*\n```', ctx)).toBe('<pre>line 1\n*not bold*\n</pre>');
    expect(mrkdwn('a\nb', ctx)).toBe('a<br>b');
    expect(mrkdwn('&gt; quoted', ctx)).toBe('<span class="quote">quoted</span>');
  });

  test('snake_case, arithmetic and lone markers stay as text', () => {
    expect(mrkdwn('node_filesystem_avail_bytes', ctx)).toBe('node_filesystem_avail_bytes');
    expect(mrkdwn('2*3*4 = 24', ctx)).toBe('2*3*4 = 24');
    expect(mrkdwn('* not a list', ctx)).toBe('* not a list');
  });

  test('links, mentions, channels, dates and emoji', () => {
    expect(mrkdwn('<https://grafana.example/d/1?a=1&amp;b=2|dashboard>', ctx)).toBe(
      '<a href="https://grafana.example/d/1?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">dashboard</a>',
    );
    expect(mrkdwn('<@U0HUMAN01> and <@U0UNKNOWN>', ctx)).toBe(
      '<span class="mention">@oncall</span> and <span class="mention">@U0UNKNOWN</span>',
    );
    expect(mrkdwn('in <#C0ALERTS>', ctx)).toBe('in <span class="mention">#alerts</span>');
    expect(mrkdwn('<!date^1700000000^{date_short} {time}|Nov 14 22:13 UTC>', ctx)).toBe('Nov 14 22:13 UTC');
    expect(mrkdwn('<!here> :red_circle: :white_check_mark: :not_an_emoji: 12:30:45', ctx)).toBe(
      '<span class="mention">@here</span> 🔴 ✅ :not_an_emoji: 12:30:45',
    );
    expect(mrkdwn('*<https://a.example|bold link>*', ctx)).toContain('<strong><a href="https://a.example/"');
  });

  test('Slack entities show as the characters they stand for, escaped once for HTML', () => {
    expect(mrkdwn('a &lt; b &amp;&amp; c &gt; d "q" \'s\'', ctx)).toBe(
      'a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &#39;s&#39;',
    );
    expect(mrkdwn('`&lt;tag&gt;`', ctx)).toBe('<code>&lt;tag&gt;</code>');
  });

  test('XSS: tags, attributes and script URLs in message text stay text', () => {
    const attacks = [
      '<script>alert(1)</script>',
      '&lt;script&gt;alert(1)&lt;/script&gt;',
      '<img src=x onerror=alert(1)>',
      '<javascript:alert(1)|click me>',
      '<JavaScript:alert(1)>',
      '<data:text/html;base64,PHNjcmlwdD4=|data>',
      '<https://ok.example" onmouseover="alert(1)|quote>',
      '<@U1"><img src=x onerror=alert(1)>>',
      '*<b>bold</b>* _<i>x</i>_ `<svg onload=alert(1)>` ```<iframe src=x>```',
      '\u00000\u0000 <https://a.example|\u00000\u0000>',
    ];
    for (const attack of attacks) {
      const html = mrkdwn(attack, ctx);
      expect(
        tags(html).every((t) => ['a', 'span', 'strong', 'em', 'code', 'pre', 'br'].includes(t ?? '')),
      ).toBe(true);
      expect(html).not.toMatch(/<(script|img|svg|iframe|b|i)\b/i);
      expect(html).not.toMatch(/href="(?!https?:)/i);
      expect(html).not.toMatch(/\son\w+="/i);
      expect(html).not.toContain('\u0000');
    }
    expect(mrkdwn('<javascript:alert(1)|click me>', ctx)).toBe('<span class="unsafe-link">click me</span>');
    expect(mrkdwn('<https://ok.example" onmouseover="alert(1)|q>', ctx)).toBe(
      '<span class="unsafe-link">q</span>',
    );
    expect(mrkdwn('<JavaScript:alert(1)>', ctx)).toBe('&lt;JavaScript:alert(1)&gt;');
  });
});

test('permalinks into the workspace say where to jump; others are plain links', () => {
  const jumping: RenderContext = {
    ...ctx,
    permalink: (url) => (url.startsWith('https://aals-sandbox.slack.com/') ? permalinkTarget(url) : null),
  };
  expect(
    mrkdwn('<https://aals-sandbox.slack.com/archives/C0ALERTS/p1700000000000100|incident #2>', jumping),
  ).toBe(
    '<a href="https://aals-sandbox.slack.com/archives/C0ALERTS/p1700000000000100" data-goto-channel="C0ALERTS" data-goto-ts="1700000000.000100" target="_blank" rel="noopener noreferrer">incident #2</a>',
  );
  expect(mrkdwn('<https://other.slack.com/archives/C1/p1700000000000100|x>', jumping)).not.toContain(
    'data-goto',
  );
  expect(permalinkTarget('https://x.example/archives/C1/nope')).toBeNull();
});

describe('safeUrl', () => {
  test('http(s) and mailto only', () => {
    expect(safeUrl('https://example.com/x')).toBe('https://example.com/x');
    expect(safeUrl('mailto:oncall@example.com')).toBe('mailto:oncall@example.com');
    for (const bad of [
      'javascript:alert(1)',
      ' JAVASCRIPT:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      '/relative',
      '//evil.example',
      'file:///etc/passwd',
    ])
      expect(safeUrl(bad)).toBeNull();
  });
  test('escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('Block Kit', () => {
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: ':red_circle: <b>Disk</b> full', emoji: true } },
    {
      type: 'section',
      block_id: 'summary',
      text: { type: 'mrkdwn', text: '*Summary:* `/var` at 97%' },
      fields: [
        { type: 'mrkdwn', text: '*Host*\ndb-1' },
        { type: 'plain_text', text: 'env: staging' },
      ],
      accessory: { type: 'button', action_id: 'more', text: { type: 'plain_text', text: 'More' } },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'rules, no LLM' }] },
    { type: 'image', image_url: 'https://grafana.example/p.png', alt_text: 'chart "1"' },
    { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'bad' },
    { type: 'image', slack_file: { id: 'F123' }, alt_text: 'uploaded' },
    { type: 'divider' },
    {
      type: 'actions',
      block_id: 'approval_7',
      elements: [
        {
          type: 'button',
          action_id: 'approval_approve',
          value: '7',
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve #7' },
        },
        {
          type: 'button',
          action_id: 'approval_reject',
          value: '7',
          style: 'danger',
          text: { type: 'plain_text', text: 'Reject #7' },
        },
        { type: 'button', action_id: 'x"><script>', text: { type: 'plain_text', text: 'odd id' } },
        { type: 'button', url: 'javascript:alert(1)', text: { type: 'plain_text', text: 'bad link' } },
        {
          type: 'button',
          url: 'https://runbooks.example/disk',
          text: { type: 'plain_text', text: 'Runbook' },
        },
        { type: 'static_select', action_id: 'pick' },
      ],
    },
    { type: 'rich_text', elements: [] },
  ];
  const html = renderBlocks(blocks, ctx);

  test('each block type renders readably', () => {
    expect(html).toContain('<div class="b-header">🔴 &lt;b&gt;Disk&lt;/b&gt; full</div>');
    expect(html).toContain('<strong>Summary:</strong> <code>/var</code> at 97%');
    expect(html).toContain('<div class="b-field"><strong>Host</strong><br>db-1</div>');
    expect(html).toContain('<div class="b-field">env: staging</div>');
    expect(html).toContain('data-action-id="more" data-block-id="summary"');
    expect(html).toContain('<div class="b-context"><span>rules, no LLM</span></div>');
    expect(html).toContain('src="https://grafana.example/p.png" alt="chart &quot;1&quot;"');
    expect(html).toContain('[image: bad]');
    expect(html).toContain('src="/slack-sandbox/files/F123"');
    expect(html).toContain('<hr class="b-divider">');
    expect(html).toContain('[static_select]');
    expect(html).toContain('[rich_text block]');
  });

  test('buttons carry their action and block ids, styles, and never an unsafe URL', () => {
    expect(html).toContain(
      '<button type="button" class="btn primary" data-action-id="approval_approve" data-block-id="approval_7">Approve #7</button>',
    );
    expect(html).toContain('class="btn danger" data-action-id="approval_reject"');
    expect(html).toContain('data-action-id="x&quot;&gt;&lt;script&gt;"');
    expect(html).toContain('<button type="button" class="btn" disabled>bad link</button>');
    expect(html).toContain('<a class="btn" href="https://runbooks.example/disk" target="_blank"');
    expect(html).not.toContain('javascript:');
    expect(tags(html).every((t) => ALLOWED.has(t ?? ''))).toBe(true);
  });

  test('Alertmanager attachments: colour, linked title, mrkdwn text, fields, URL buttons', () => {
    const out = renderAttachment(
      {
        color: 'danger',
        title: '[FIRING:1] HighCPUUsage',
        title_link: 'http://alertmanager.example:9093/#/alerts',
        text: '*Alert:* CPU on `web-1` <img src=x>',
        fields: [{ title: 'Severity', value: 'critical', short: true }],
        actions: [
          { type: 'button', text: 'Query :mag:', url: 'http://prometheus.example:9090/graph' },
          { type: 'button', text: 'evil', url: 'javascript:alert(1)' },
        ],
      },
      ctx,
    );
    expect(out).toContain('class="attachment tone-danger"');
    expect(out).toContain('<a href="http://alertmanager.example:9093/#/alerts"');
    expect(out).toContain('<strong>Alert:</strong> CPU on <code>web-1</code> &lt;img src=x&gt;');
    expect(out).toContain('<strong>Severity</strong><br>critical');
    expect(out).toContain('Query 🔍');
    expect(out).not.toContain('evil');
  });
});

describe('messages, threads and modals', () => {
  const parent = message({
    ts: '1.000001',
    text: 'Disk full',
    username: 'Alertmanager',
    bot_id: 'B0WEBHOOK1',
  });
  const reply = message({
    ts: '1.000002',
    thread_ts: '1.000001',
    text: 'ignored when blocks exist',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Diagnosis' } }],
    bot_profile: { id: 'B0AALS0001', name: 'aals' },
    bot_id: 'B0AALS0001',
  });
  const mine = message({ ts: '1.000003', text: 'only for oncall', ephemeralTo: 'U0HUMAN01' });
  const theirs = message({ ts: '1.000004', text: 'only for teammate', ephemeralTo: 'U0HUMAN02' });
  const chart = message({
    ts: '1.000005',
    thread_ts: '1.000001',
    text: '',
    files: [
      { id: 'F9', name: 'chart.png', title: 'CPU', mimetype: 'image/png', size: 10, data: Buffer.alloc(10) },
    ],
  });
  const user = message({ ts: '1.000006', text: '&lt;script&gt;alert(1)&lt;/script&gt;', user: 'U0HUMAN01' });

  test('a thread renders under its parent; ephemeral messages only for their user', () => {
    const threads = renderChannel([parent, reply, mine, theirs, chart, user], ctx, { viewer: 'U0HUMAN01' });
    expect(threads.map((t) => t.ts)).toEqual(['1.000001', '1.000003', '1.000006']);
    const [first, second, third] = threads.map((t) => t.html);
    expect(first).toContain(
      '<details class="thread" open data-thread="1.000001"><summary>2 replies</summary>',
    );
    expect(first).toContain('Diagnosis');
    expect(first).not.toContain('ignored when blocks exist');
    expect(first).toContain('<img class="b-img" src="/slack-sandbox/files/F9" alt="CPU"');
    expect(first).toContain('<span class="tag">APP</span>');
    expect(second).toContain('Only visible to you');
    expect(second).toContain('is-ephemeral');
    expect(JSON.stringify(threads)).not.toContain('only for teammate');
    expect(third).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(third).toContain('<span class="author">oncall</span>');
  });

  test('the message container carries its ts for clicks, escaped', () => {
    expect(renderMessage(message({ ts: '1"><b>' }), ctx)).toContain('data-ts="1&quot;&gt;&lt;b&gt;"');
  });

  test('a modal renders its inputs by block and action id', () => {
    const html = renderView(
      'V1',
      {
        type: 'modal',
        title: { type: 'plain_text', text: 'Reject command' },
        submit: { type: 'plain_text', text: 'Reject' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: '`touch /tmp/x` on `db-1`' } },
          {
            type: 'input',
            block_id: 'reason',
            label: { type: 'plain_text', text: 'Why not?' },
            element: {
              type: 'plain_text_input',
              action_id: 'text',
              multiline: true,
              max_length: 500,
              initial_value: '</textarea><script>',
            },
          },
          {
            type: 'input',
            block_id: 'note',
            optional: true,
            label: { type: 'plain_text', text: 'Note' },
            element: { type: 'plain_text_input', action_id: 'value' },
          },
        ],
      },
      ctx,
    );
    expect(html).toContain('data-view-id="V1"');
    expect(html).toContain('<h2>Reject command</h2>');
    expect(html).toContain(
      '<textarea class="b-input" data-block-id="reason" data-action-id="text" maxlength="500" required>&lt;/textarea&gt;&lt;script&gt;</textarea>',
    );
    expect(html).toContain(
      '<input class="b-input" type="text" data-block-id="note" data-action-id="value" value="">',
    );
    expect(html).toContain('data-modal="submit">Reject</button>');
    expect(tags(html).every((t) => ALLOWED.has(t ?? ''))).toBe(true);
  });
});
