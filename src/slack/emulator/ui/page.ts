import { escapeHtml } from './render.js';

/**
 * The sandbox page: static HTML, CSS and a small vanilla script, shipped as strings so `tsc`
 * emits them with the rest (no bundler, no CDN). The script polls `ui/state` and posts user
 * actions to the `ui/*` endpoints; message HTML comes pre-rendered (and escaped) from render.ts.
 */

/** Served with the page: nothing but our own files may run, and no other site may frame it. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // Alert integrations link images (Grafana panels); uploaded files come from here.
  "img-src 'self' data: http: https:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function pageHtml(base: string): string {
  const b = escapeHtml(base);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AALS sandbox</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${b}/ui/app.css">
<script src="${b}/ui/app.js" defer></script>
</head>
<body data-base="${b}">
<aside class="sidebar">
  <div class="team" id="team">AALS Sandbox</div>
  <label class="side-label" for="user">You are</label>
  <select id="user" aria-label="Sandbox user"></select>
  <div class="side-label">Channels</div>
  <nav id="channels" aria-label="Channels"></nav>
  <p class="hint">A local Slack: nothing leaves this machine. Buttons send real block_actions payloads to AALS.</p>
</aside>
<main>
  <header class="channel-header"><h1 id="channel-name">#</h1><span id="status" role="status"></span></header>
  <section id="messages" aria-live="polite"></section>
  <footer class="composer">
    <div class="row">
      <select id="sample" aria-label="Sample alert"><option value="">Sample alerts…</option></select>
      <select id="post-as" aria-label="Post as">
        <option value="webhook">as Alertmanager (incoming webhook, JSON or text)</option>
        <option value="user">as me (a user message; @aals mentions the bot)</option>
      </select>
    </div>
    <textarea id="draft" rows="4" placeholder="Pick a sample alert, paste an incoming-webhook JSON body, or type a message. Ctrl+Enter posts."></textarea>
    <div class="row">
      <button type="button" class="btn primary" id="post">Post</button>
      <input id="command" type="text" placeholder="/aals help" aria-label="Slash command">
      <button type="button" class="btn" id="run-command">Run command</button>
    </div>
  </footer>
</main>
<dialog id="modal"></dialog>
</body>
</html>
`;
}

export const PAGE_CSS = `
* { box-sizing: border-box; }
body { margin: 0; display: flex; height: 100vh; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1c1d; }
.sidebar { width: 230px; background: #3f0e40; color: #e8dfe8; padding: 12px; display: flex; flex-direction: column; gap: 6px; overflow-y: auto; }
.team { font-weight: 700; font-size: 16px; margin-bottom: 8px; color: #fff; }
.side-label { font-size: 12px; text-transform: uppercase; opacity: .7; margin-top: 8px; }
.sidebar select { width: 100%; }
#channels button { display: flex; justify-content: space-between; width: 100%; text-align: left; background: none; border: 0; color: inherit; padding: 4px 8px; border-radius: 4px; cursor: pointer; font: inherit; }
#channels button:hover { background: #350d36; }
#channels button.active { background: #1164a3; color: #fff; }
.count { opacity: .7; font-size: 12px; }
.hint { font-size: 12px; opacity: .7; margin-top: auto; }
main { flex: 1; display: flex; flex-direction: column; min-width: 0; }
.channel-header { display: flex; align-items: center; gap: 12px; padding: 8px 16px; border-bottom: 1px solid #ddd; }
.channel-header h1 { font-size: 18px; margin: 0; }
#status { font-size: 12px; color: #616061; }
#status.error { color: #b3261e; }
#messages { flex: 1; overflow-y: auto; padding: 8px 16px; }
.msg { padding: 6px 8px; border-radius: 6px; }
.msg:hover { background: #f8f8f8; }
.msg.flash { background: #fff6d6; }
.msg.is-ephemeral { background: #f4f1fb; border-left: 3px solid #7b61c9; }
.meta { display: flex; gap: 8px; align-items: baseline; }
.author { font-weight: 700; }
time, .muted { color: #616061; font-size: 12px; }
.tag { font-size: 10px; background: #ddd; border-radius: 3px; padding: 0 4px; color: #444; }
.tag.ephemeral { background: #e4dcf7; color: #4a2d9c; }
.thread { margin: 0 0 8px 32px; border-left: 2px solid #e0e0e0; padding-left: 8px; }
.thread > summary { cursor: pointer; color: #1264a3; font-size: 13px; }
.b-header { font-size: 17px; font-weight: 700; margin: 6px 0; }
.b-section { display: flex; gap: 12px; margin: 4px 0; }
.b-main { flex: 1; min-width: 0; }
.b-text { white-space: normal; overflow-wrap: anywhere; }
.b-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; margin: 4px 0; }
.b-field.wide { grid-column: 1 / -1; }
.b-context { color: #616061; font-size: 12px; margin: 4px 0; }
.b-divider { border: 0; border-top: 1px solid #ddd; margin: 8px 0; }
.b-actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0; }
.b-image, .file { margin: 6px 0; }
.b-img { max-width: 480px; max-height: 320px; border: 1px solid #ddd; border-radius: 4px; display: block; }
.inline-img { height: 16px; vertical-align: middle; }
figcaption { font-size: 12px; color: #616061; }
.attachment { border-left: 4px solid #ddd; padding: 4px 10px; margin: 4px 0; }
.tone-good { border-color: #2eb67d; } .tone-warning { border-color: #ecb22e; } .tone-danger { border-color: #e01e5a; }
.a-title { font-weight: 700; }
code { background: #f1f1f1; border: 1px solid #e1e1e1; border-radius: 3px; padding: 0 3px; color: #c7254e; font-size: 12px; }
pre { background: #f8f8f8; border: 1px solid #e1e1e1; border-radius: 4px; padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; margin: 4px 0; }
.quote { border-left: 3px solid #ddd; padding-left: 8px; display: inline-block; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
.unsafe-link { text-decoration: underline dotted; }
.unsupported { color: #999; font-style: italic; }
.btn { font: inherit; font-weight: 600; padding: 4px 12px; border: 1px solid #bbb; border-radius: 4px; background: #fff; cursor: pointer; color: #1d1c1d; text-decoration: none; display: inline-block; }
.btn:hover { background: #f4f4f4; }
.btn.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.btn.danger { background: #fff; border-color: #e01e5a; color: #e01e5a; }
.btn:disabled { opacity: .5; cursor: default; }
.composer { border-top: 1px solid #ddd; padding: 8px 16px; display: flex; flex-direction: column; gap: 6px; }
.composer .row { display: flex; gap: 8px; align-items: center; }
#draft { width: 100%; font: 12px/1.4 ui-monospace, monospace; resize: vertical; }
#command { flex: 1; font: inherit; padding: 4px; }
dialog { border: 1px solid #ccc; border-radius: 8px; padding: 16px; min-width: 420px; max-width: 640px; }
dialog h2 { margin: 0 0 8px; font-size: 18px; }
.b-input-block { display: flex; flex-direction: column; gap: 4px; margin: 8px 0; }
.b-label { font-weight: 700; }
.b-input { font: inherit; padding: 4px; width: 100%; }
textarea.b-input { min-height: 80px; }
.optional { font-weight: 400; color: #616061; }
.modal-buttons { display: flex; justify-content: flex-end; gap: 8px; margin-top: 12px; }
`;

/** The page's script. Plain ES2020 in a closure; it never puts text from the server into innerHTML except the pre-rendered message and modal HTML. */
export const PAGE_JS = `
'use strict';
(() => {
  const base = document.body.dataset.base || '';
  const $ = (id) => document.getElementById(id);
  const ui = {
    channel: localStorage.getItem('aals.sandbox.channel') || '',
    user: localStorage.getItem('aals.sandbox.user') || '',
    threads: new Map(),
    closed: new Set(),
    modalId: null,
    jumpTo: null,
    samples: [],
    listKey: '',
  };

  function status(text, error) {
    const el = $('status');
    el.textContent = text;
    el.className = error ? 'error' : '';
  }

  async function call(path, body) {
    const init = body === undefined
      ? { headers: { accept: 'application/json' } }
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    const res = await fetch(base + path, init);
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.error || res.status + ' ' + res.statusText);
    return data;
  }

  function renderChannels(channels) {
    const key = JSON.stringify(channels) + ui.channel;
    if (key === ui.listKey) return;
    ui.listKey = key;
    const nav = $('channels');
    nav.replaceChildren(...channels.map((c) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.channel = c.id;
      b.className = c.id === ui.channel ? 'active' : '';
      const name = document.createElement('span');
      name.textContent = '# ' + c.name;
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = String(c.count);
      b.append(name, count);
      return b;
    }));
    const current = channels.find((c) => c.id === ui.channel);
    $('channel-name').textContent = '#' + (current ? current.name : '');
  }

  function renderUsers(users) {
    const select = $('user');
    if (select.options.length === users.length) return;
    select.replaceChildren(...users.map((u) => {
      const o = document.createElement('option');
      o.value = u.id;
      o.textContent = u.realName + ' (@' + u.name + ', ' + u.id + ')';
      return o;
    }));
    select.value = ui.user;
  }

  function localTimes(root) {
    for (const t of root.querySelectorAll('time[datetime]')) t.textContent = new Date(t.dateTime).toLocaleTimeString();
  }

  function renderThreads(threads) {
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const seen = new Set();
    let previous = null;
    for (const t of threads) {
      seen.add(t.ts);
      let entry = ui.threads.get(t.ts);
      if (!entry) {
        const el = document.createElement('article');
        el.className = 'entry';
        el.dataset.entry = t.ts;
        entry = { el, html: '' };
        ui.threads.set(t.ts, entry);
      }
      if (entry.html !== t.html) {
        entry.html = t.html;
        entry.el.innerHTML = t.html;
        const details = entry.el.querySelector('details.thread');
        if (details && ui.closed.has(t.ts)) details.open = false;
        localTimes(entry.el);
      }
      const expected = previous ? previous.nextSibling : list.firstChild;
      if (expected !== entry.el) list.insertBefore(entry.el, expected);
      previous = entry.el;
    }
    for (const [ts, entry] of ui.threads) {
      if (!seen.has(ts)) { entry.el.remove(); ui.threads.delete(ts); }
    }
    if (atBottom) list.scrollTop = list.scrollHeight;
    jump();
  }

  /** Scrolls to the message a permalink named, once it is on the page. */
  function jump() {
    if (!ui.jumpTo) return;
    const target = [...document.querySelectorAll('#messages .msg')].find((m) => m.dataset.ts === ui.jumpTo);
    if (!target) return;
    ui.jumpTo = null;
    const thread = target.closest('details.thread');
    if (thread) thread.open = true;
    target.scrollIntoView({ block: 'center' });
    target.classList.add('flash');
    setTimeout(() => target.classList.remove('flash'), 1500);
  }

  function renderModal(modal) {
    const dialog = $('modal');
    if (!modal) {
      if (dialog.open) dialog.close();
      ui.modalId = null;
      return;
    }
    if (ui.modalId === modal.id) return;
    ui.modalId = modal.id;
    dialog.innerHTML = modal.html;
    if (!dialog.open) dialog.showModal();
    const first = dialog.querySelector('.b-input');
    if (first) first.focus();
  }

  let timer = null;
  async function refresh() {
    clearTimeout(timer);
    try {
      const q = new URLSearchParams({ channel: ui.channel, user: ui.user });
      const state = await call('/ui/state?' + q);
      if (ui.channel !== state.channel) switchChannel(state.channel, false);
      ui.user = state.user;
      $('team').textContent = state.team;
      renderUsers(state.users);
      renderChannels(state.channels);
      renderThreads(state.threads);
      renderModal(state.modal);
      // Clear only our own "cannot reach" message; an action's error stays until the next action.
      if (ui.failed) status('');
      ui.failed = false;
    } catch (error) {
      ui.failed = true;
      status('Cannot reach AALS: ' + error.message, true);
    }
    timer = setTimeout(refresh, 1000);
  }

  function switchChannel(id, reload) {
    ui.channel = id;
    localStorage.setItem('aals.sandbox.channel', id);
    for (const entry of ui.threads.values()) entry.el.remove();
    ui.threads.clear();
    ui.listKey = '';
    if (reload) refresh();
  }

  async function act(path, body, done) {
    try {
      status('Sending…');
      const result = await call(path, body);
      const failed = result.status !== undefined && result.status !== 200;
      status(failed ? 'AALS did not acknowledge: ' + result.status : done || 'Delivered to AALS', failed);
    } catch (error) {
      status(error.message, true);
    }
    refresh();
  }

  async function post() {
    const draft = $('draft').value.trim();
    if (!draft) return;
    const as = $('post-as').value;
    let body;
    if (as === 'webhook') {
      let parsed;
      try { parsed = JSON.parse(draft); } catch { parsed = { text: draft }; }
      body = { channel: ui.channel, as, payloads: Array.isArray(parsed) ? parsed : [parsed] };
    } else {
      body = { channel: ui.channel, as, text: draft, userId: ui.user };
    }
    await act('/ui/post', body, 'Posted');
    $('draft').value = '';
    $('sample').value = '';
  }

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const channel = target && target.closest('#channels button');
    if (channel) return switchChannel(channel.dataset.channel, true);
    const permalink = target && target.closest('a[data-goto-ts]');
    if (permalink) {
      event.preventDefault();
      ui.jumpTo = permalink.dataset.gotoTs;
      if (permalink.dataset.gotoChannel !== ui.channel) return switchChannel(permalink.dataset.gotoChannel, true);
      return jump();
    }
    const button = target && target.closest('#messages button[data-action-id]');
    if (button) {
      const message = button.closest('.msg');
      button.disabled = true;
      setTimeout(() => { button.disabled = false; }, 1500);
      return act('/ui/click', {
        channel: ui.channel,
        ts: message.dataset.ts,
        actionId: button.dataset.actionId,
        blockId: button.dataset.blockId,
        userId: ui.user,
      });
    }
    const modalButton = target && target.closest('#modal [data-modal="close"]');
    if (modalButton) {
      const id = ui.modalId;
      $('modal').close();
      return act('/ui/close', { viewId: id }, 'Closed');
    }
  });

  document.addEventListener('toggle', (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.dataset.thread) return;
    if (details.open) ui.closed.delete(details.dataset.thread);
    else ui.closed.add(details.dataset.thread);
  }, true);

  $('modal').addEventListener('submit', (event) => {
    event.preventDefault();
    const values = {};
    for (const input of $('modal').querySelectorAll('.b-input')) {
      const block = input.dataset.blockId;
      values[block] = values[block] || {};
      values[block][input.dataset.actionId] = input.value;
    }
    const id = ui.modalId;
    $('modal').close();
    act('/ui/submit', { viewId: id, values, userId: ui.user });
  });

  $('modal').addEventListener('cancel', () => {
    if (ui.modalId) act('/ui/close', { viewId: ui.modalId }, 'Closed');
  });

  $('user').addEventListener('change', (event) => {
    ui.user = event.target.value;
    localStorage.setItem('aals.sandbox.user', ui.user);
    for (const entry of ui.threads.values()) entry.el.remove();
    ui.threads.clear();
    ui.modalId = null;
    refresh();
  });

  $('sample').addEventListener('change', (event) => {
    const sample = ui.samples.find((s) => s.id === event.target.value);
    if (!sample) return;
    $('post-as').value = 'webhook';
    const payloads = sample.payloads.length === 1 ? sample.payloads[0] : sample.payloads;
    $('draft').value = JSON.stringify(payloads, null, 2);
  });

  $('post').addEventListener('click', post);
  $('draft').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) post();
  });

  function runCommand() {
    const line = $('command').value.trim();
    if (!line) return;
    act('/ui/command', { channel: ui.channel, line, userId: ui.user }, 'Command sent');
    $('command').value = '';
  }
  $('run-command').addEventListener('click', runCommand);
  $('command').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') runCommand();
  });

  call('/ui/samples').then((samples) => {
    ui.samples = samples;
    for (const s of samples) {
      const o = document.createElement('option');
      o.value = s.id;
      o.textContent = s.label;
      $('sample').append(o);
    }
  }).catch((error) => status(error.message, true));
  refresh();
})();
`;
