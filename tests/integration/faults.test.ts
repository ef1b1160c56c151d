import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ExecutorConfigSchema } from '../../src/execution/config.js';
import { SshExecutor } from '../../src/execution/ssh-executor.js';
import { DATABASE_FILE } from '../../src/store/database.js';
import { type Harness, startHarness } from '../support/harness.js';
import { waitUntil } from '../support/processes.js';
import { executorHost, type Sshd, startSshd } from '../support/sshd.js';
import { tempDir } from '../support/temp.js';

/**
 * Faults of AALS's own dependencies (issue 9, part 1) that other suites do not cover: SQLite busy
 * and full, sshd dropping a running command, Prometheus answering garbage or too slowly through the
 * whole app, Slack answering 5xx. Each test checks what the thread says and what the store holds
 * afterwards. See docs/reliability.md for the whole fault table.
 */
const ROOT = join(import.meta.dirname, '..', '..');

const problems = (h: Harness) => h.logs.filter((l) => l.level === 'error' || l.level === 'warn');

/** Another process (a backup, the CLI, sqlite3) holding the write lock on AALS's database. */
async function holdWriteLock(file: string, releaseAfterMs: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(process.argv[2]));
  `;
  const child: ChildProcess = spawn(process.execPath, ['-e', script, file, String(releaseAfterMs)], {
    cwd: ROOT,
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const released = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`lock holder: ${output}`))));
  });
  await waitUntil(() => output.length > 0, 5000, 'the lock holder');
  if (!output.startsWith('locked')) throw new Error(`lock holder: ${output}`);
  return { released };
}

function webhookBody(instance: string) {
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="DiskWriteErrors", instance="${instance}"}`,
    status: 'firing',
    receiver: 'aals',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'DiskWriteErrors', instance, severity: 'critical' },
        annotations: { summary: `write errors on ${instance}` },
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: `fp-${instance}`,
      },
    ],
  });
}

const postWebhook = (h: Harness, body: string) =>
  fetch(`${h.aals.url}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

describe('SQLite busy: another process holds the write lock', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ transport: 'http' });
    await h.settled([]);
  });
  afterEach(async () => {
    await h.stop();
  });

  test('a lock shorter than busy_timeout: the alert waits for it, is stored once and answered', async () => {
    const lockedAt = Date.now();
    const lock = await holdWriteLock(join(h.dataDir, DATABASE_FILE), 1000);
    const message = h.postAlert({ text: 'FIRING: disk busy on db-3' });
    const [reply] = await h.waitForReplies(message.ts, 1, 'alerts', 10_000);
    // The insert could only happen after the other process committed.
    expect(Date.now() - lockedAt).toBeGreaterThanOrEqual(900);
    expect(JSON.stringify(reply?.blocks)).toContain('db-3');
    await lock.released;
    await h.settled();
    const events = h.aals.store.rawEvents.recent(10).filter((e) => e.messageTs === message.ts);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'done', attempts: 1, error: null });
    expect(h.botReplies(message.ts)).toHaveLength(1);
    expect(problems(h)).toEqual([]);
  }, 20_000);

  test('a lock held past busy_timeout: the webhook answers 500 so Alertmanager retries; the retry is processed', async () => {
    const body = webhookBody('db-7:9100');
    // busy_timeout is 5 s (src/store/database.ts): hold the lock a little longer.
    const lock = await holdWriteLock(join(h.dataDir, DATABASE_FILE), 6500);
    const refused = await postWebhook(h, body);
    expect(refused.status).toBe(500);
    expect(problems(h)).toContainEqual(
      expect.objectContaining({ message: 'http handler failed', error: 'database is locked' }),
    );
    await lock.released;
    expect(h.aals.store.rawEvents.recent(100).filter((e) => e.body === body)).toHaveLength(0);
    // What Alertmanager does next: send the same notification again.
    const retried = await postWebhook(h, body);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ status: 'accepted' });
    await h.settled([]);
    const [event] = h.aals.store.rawEvents.recent(100).filter((e) => e.body === body);
    expect(event?.status).toBe('done');
    expect(h.aals.store.alerts.byRawEvent(event?.id as number)).toHaveLength(1);
    const [incident] = h.aals.store.incidents.recent(1);
    const summary = h.slack.workspace.find(incident?.channel as string, incident?.summaryTs as string);
    expect(JSON.stringify(summary?.blocks)).toContain('DiskWriteErrors');
  }, 20_000);
});

describe('disk full', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ transport: 'http' });
    await h.settled([]);
  });
  afterEach(async () => {
    await h.stop();
  });

  /** SQLITE_FULL for any write that needs a new page: the file may not grow past its current size. */
  const fill = () => {
    const pages = Number(h.aals.store.db.pragma('page_count', { simple: true }));
    h.aals.store.db.pragma(`max_page_count = ${pages}`);
  };
  const unfill = () => h.aals.store.db.pragma('max_page_count = 1073741823');
  // Far more than the free space left in the file's pages, so storing it needs new pages.
  const padding = 'x'.repeat(300_000);

  test('webhook: 500 with the error logged, nothing half-stored; once there is space the retry is answered', async () => {
    const body = webhookBody('db-8:9100').replace(
      '"receiver":"aals"',
      `"receiver":"aals","padding":"${padding}"`,
    );
    fill();
    try {
      const refused = await postWebhook(h, body);
      expect(refused.status).toBe(500);
      expect(problems(h)).toContainEqual(
        expect.objectContaining({ message: 'http handler failed', error: 'database or disk is full' }),
      );
      expect(h.aals.store.rawEvents.recent(100)).toHaveLength(0);
    } finally {
      unfill();
    }
    const retried = await postWebhook(h, body);
    expect(retried.status).toBe(200);
    await h.settled([]);
    const [event] = h.aals.store.rawEvents.recent(100);
    expect(event).toMatchObject({ body, status: 'done' });
    const [incident] = h.aals.store.incidents.recent(1);
    const summary = h.slack.workspace.find(incident?.channel as string, incident?.summaryTs as string);
    expect(JSON.stringify(summary?.blocks)).toContain('DiskWriteErrors');
  }, 20_000);

  test('Slack event: the failed insert is not acknowledged, so Slack delivers it again and it is answered once there is space', async () => {
    fill();
    let lost: { ts: string } | undefined;
    try {
      lost = h.postAlert({ text: `FIRING: disk full on db-4 ${padding}` });
      await waitUntil(
        () =>
          problems(h).some(
            (l) => l.message === 'slack listener failed' && l.error === 'database or disk is full',
          ),
        5000,
        'the error to be logged',
      );
      expect(h.aals.store.rawEvents.recent(100)).toHaveLength(0);
    } finally {
      unfill();
    }
    // Slack's redelivery (the emulator retries like Slack) brings the first alert in after all.
    const [redelivered] = await h.waitForReplies((lost as { ts: string }).ts, 1, 'alerts', 10_000);
    expect(JSON.stringify(redelivered?.blocks)).toContain('db-4');
    const again = h.postAlert({ text: 'FIRING: disk full on db-5' });
    const [reply] = await h.waitForReplies(again.ts);
    expect(JSON.stringify(reply?.blocks)).toContain('db-5');
    await h.settled([]);
    expect(h.aals.store.rawEvents.recent(100).find((e) => e.messageTs === again.ts)?.status).toBe('done');
    expect((await fetch(`${h.aals.url}/healthz`)).status).toBe(200);
  }, 20_000);

  test('a write failing while the alert is processed: retried, then recorded as failed with the error; later alerts are answered', async () => {
    // The raw event fits, but the alert rows cannot be written (as when the disk fills mid-pipeline).
    h.aals.store.db.exec(`CREATE TEMP TRIGGER disk_full BEFORE INSERT ON main.alerts
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const first = h.postAlert({ text: 'FIRING: disk full on db-6' });
    try {
      await h.settled([first]);
    } finally {
      h.aals.store.db.exec('DROP TRIGGER temp.disk_full');
    }
    const [event] = h.aals.store.rawEvents.recent(10).filter((e) => e.messageTs === first.ts);
    expect(event).toMatchObject({ status: 'failed', attempts: 4, error: 'database or disk is full' });
    expect(problems(h).filter((l) => l.message === 'event processing will be retried')).toHaveLength(3);
    expect(problems(h)).toContainEqual(
      expect.objectContaining({ message: 'event processing failed', error: 'database or disk is full' }),
    );
    expect(h.botReplies(first.ts)).toHaveLength(0);
    const second = h.postAlert({ text: 'FIRING: disk full on db-9' });
    const [reply] = await h.waitForReplies(second.ts);
    expect(JSON.stringify(reply?.blocks)).toContain('db-9');
  }, 20_000);

  test('the store still unwritable when the failure is recorded: logged, the event stays unfinished, the lane goes on, a restart answers it', async () => {
    h.aals.store.db.exec(`CREATE TEMP TRIGGER disk_full BEFORE INSERT ON main.alerts
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    h.aals.store.db.exec(`CREATE TEMP TRIGGER disk_full_too BEFORE UPDATE OF status ON main.raw_events
      WHEN NEW.status = 'failed' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const first = h.postAlert({ text: 'FIRING: disk full on db-7' });
    try {
      await h.settled([first]);
    } finally {
      h.aals.store.db.exec('DROP TRIGGER temp.disk_full');
      h.aals.store.db.exec('DROP TRIGGER temp.disk_full_too');
    }
    const stranded = () => h.aals.store.rawEvents.recent(10).find((e) => e.messageTs === first.ts);
    expect(stranded()).toMatchObject({ status: 'processing', attempts: 4 });
    expect(problems(h)).toContainEqual(
      expect.objectContaining({
        message: 'could not record the failed event',
        error: 'database or disk is full',
      }),
    );
    // The channel's queue was not stopped by it.
    const second = h.postAlert({ text: 'FIRING: disk full on db-8' });
    const [reply] = await h.waitForReplies(second.ts);
    expect(JSON.stringify(reply?.blocks)).toContain('db-8');
    // The next start picks the unfinished event up again (one attempt is left); with room on the
    // disk it is answered.
    await h.restart();
    const [late] = await h.waitForReplies(first.ts, 1, 'alerts', 10_000);
    expect(JSON.stringify(late?.blocks)).toContain('db-7');
    await h.settled([]);
    expect(stranded()).toMatchObject({ status: 'done', attempts: 5 });
  }, 30_000);
});

describe('sshd dropping the connection mid-command', () => {
  let sshd: Sshd;
  const files = tempDir('aals-faults-ssh-');
  let knownHosts: string;

  beforeAll(async () => {
    // `sleep` is read-only: it runs without approval only as a host's readOnlyUser.
    sshd = await startSshd({ login: 'unprivileged', readOnlyUser: true });
    knownHosts = join(files.path, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  }, 20_000);
  afterAll(async () => {
    await sshd?.stop();
    files.cleanup();
  });

  test('executor: the command fails as started (never "did not run"), is not sent again, and the next dial works', async () => {
    const ssh = new SshExecutor(
      ExecutorConfigSchema.parse({
        knownHostsFile: knownHosts,
        hosts: [
          {
            name: 'db-1',
            address: '127.0.0.1',
            port: sshd.port,
            user: sshd.user,
            keyFile: sshd.userKeyPath,
            environment: 'production',
          },
        ],
      }),
    );
    try {
      const running = ssh.run('db-1', 'sleep 5');
      await waitUntil(() => /session opened|Starting session/i.test(sshd.log()), 5000, 'the session');
      await new Promise((r) => setTimeout(r, 300));
      await sshd.pause();
      const result = await running;
      expect(result).toMatchObject({ status: 'error', started: true, exitCode: null });
      expect(result.error).toMatch(/may or may not have finished|without an exit status/);
      expect(result.durationMs).toBeLessThan(4000);
      expect(ssh.stats().dials).toBe(1);
    } finally {
      await sshd.start();
      await ssh.close();
    }
  }, 20_000);

  test('approvals: the thread shows a failed result, the request is failed, audited once, never run again', async () => {
    const h = await startHarness({
      transport: 'http',
      config: {
        modules: {
          executor: {
            enabled: true,
            knownHostsFile: knownHosts,
            hosts: [executorHost(sshd, 'dev-1', 'development', {}, { readOnlyUser: true })],
          },
        },
        environments: {
          development: { approvers: [] },
          staging: { approvers: ['U0APPROV01'] },
          production: { approvers: ['U0APPROV01', 'U0APPROV02'] },
        },
      },
    });
    try {
      const requester = 'U0REQUEST1';
      h.slack.workspace.addUser({ id: requester, name: 'requester', realName: 'Requester', isBot: false });
      const command = 'sleep 5';
      await h.slack.slashCommand('/aals', `run dev-1 -- ${command}`, 'alerts', requester);
      const requestId = () =>
        h.aals.store.db.prepare('SELECT id FROM approvals WHERE command = ?').pluck().get(command) as
          | number
          | undefined;
      await waitUntil(
        () => h.aals.store.approvals.get(requestId() ?? -1)?.status === 'executing',
        10_000,
        'the command to start',
      );
      const id = requestId() as number;
      await waitUntil(() => /session opened|Starting session/i.test(sshd.log()), 5000, 'the session');
      await new Promise((r) => setTimeout(r, 300));
      await sshd.pause();
      try {
        const result = await h.slack.waitFor(
          () => h.slack.messages('alerts').find((m) => m.text.startsWith(`Failed: ${command}`)) ?? null,
          10_000,
        );
        expect(JSON.stringify(result.blocks)).toMatch(
          /error: .*(may or may not have finished|without an exit status)/,
        );
        const row = h.aals.store.approvals.get(id);
        expect(row?.status).toBe('failed');
      } finally {
        await sshd.start();
      }
      // A restart must not pick the command up again.
      await h.restart();
      await h.settled([]);
      await h.aals.execution?.idle();
      expect(h.aals.store.approvals.get(id)?.status).toBe('failed');
      const audit = h.aals.store.audit.tail(100).filter((r) => r.subject === `approval:${id}`);
      expect(audit.filter((r) => r.action === 'command.started')).toHaveLength(1);
      expect(audit.filter((r) => r.action === 'command.executed')).toHaveLength(1);
      expect(audit.find((r) => r.action === 'command.executed')?.details).toMatchObject({ status: 'error' });
      expect(h.slack.messages('alerts').filter((m) => m.text.startsWith(`Failed: ${command}`))).toHaveLength(
        1,
      );
      expect(h.aals.store.audit.verify().ok).toBe(true);
    } finally {
      await h.stop();
    }
  }, 30_000);
});

describe('Prometheus failing through the whole app', () => {
  let mode: 'garbage' | 'slow' = 'garbage';
  let server: Server;
  let url: string;
  const held = new Set<ServerResponse>();
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      if (mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>502 Bad Gateway from the proxy</body></html>');
      } else {
        held.add(res); // never answers
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function incidentSummary(h: Harness) {
    const response = await postWebhook(h, webhookBody('web-3:9100'));
    expect(response.status).toBe(200);
    await waitUntil(() => Boolean(h.aals.store.incidents.recent(1)[0]?.summaryTs), 10_000, 'the first reply');
    const first = h.slack.apiCalls.find((c) => c.method === 'chat.postMessage');
    await h.aals.analysis?.idle();
    await h.settled([]);
    const [incident] = h.aals.store.incidents.recent(1);
    const summary = h.slack.workspace.find(incident?.channel as string, incident?.summaryTs as string);
    return { first: JSON.stringify(first?.params), rendered: JSON.stringify(summary?.blocks) };
  }

  test('garbage (HTML with a 200): each query says Prometheus gave no Prometheus answer; the incident is still answered', async () => {
    mode = 'garbage';
    requests = 0;
    const h = await startHarness({
      transport: 'http',
      config: { modules: { prometheus: { url, timeoutMs: 300, deadlineMs: 500 } } },
    });
    try {
      const { rendered } = await incidentSummary(h);
      expect(rendered).toContain('DiskWriteErrors');
      expect(rendered).toContain('*Metrics* (Prometheus');
      expect(rendered).toContain(
        'query failed (Prometheus answered 200 (HTTP 200 without a Prometheus answer))',
      );
      expect(rendered).toContain('*Diagnosis*');
      expect(requests).toBeGreaterThan(0);
      expect(h.aals.store.rawEvents.countByStatus()).toEqual({ done: 1 });
    } finally {
      await h.stop();
    }
  }, 20_000);

  test('slow beyond the deadline: the first reply does not wait; the summary then says the queries failed', async () => {
    mode = 'slow';
    requests = 0;
    const h = await startHarness({
      transport: 'http',
      config: { modules: { prometheus: { url, timeoutMs: 600, deadlineMs: 500 } } },
    });
    try {
      const { first, rendered } = await incidentSummary(h);
      // The first reply went out while Prometheus still held the queries.
      expect(first).toContain('DiskWriteErrors');
      expect(first).not.toContain('query failed');
      expect(rendered).toMatch(
        /query failed \((analysis deadline of 500 ms reached|Prometheus did not answer within 600 ms)\)/,
      );
      expect(rendered).toContain('*Diagnosis*');
      expect(requests).toBeGreaterThan(0);
      expect(h.aals.store.rawEvents.countByStatus()).toEqual({ done: 1 });
    } finally {
      await h.stop();
    }
  }, 20_000);
});

describe('Slack answering 5xx', () => {
  test('chat.postMessage failing with 503 a few times: the reply is retried and lands once', async () => {
    const h = await startHarness({ transport: 'http' });
    try {
      let failures = 0;
      h.slack.beforeApiCall = async (request) => {
        if (request.method !== 'chat.postMessage' || failures >= 3) return undefined;
        failures++;
        return { status: 503, body: { ok: false, error: 'service_unavailable' } };
      };
      const message = h.postAlert({ text: 'FIRING: Slack is flaky on web-5' });
      const [reply] = await h.waitForReplies(message.ts, 1, 'alerts', 15_000);
      expect(JSON.stringify(reply?.blocks)).toContain('web-5');
      await h.settled();
      expect(failures).toBe(3);
      expect(h.botReplies(message.ts)).toHaveLength(1);
      expect(h.aals.store.rawEvents.countByStatus()).toEqual({ done: 1 });
      const [incident] = h.aals.store.incidents.recent(1);
      expect(incident?.summaryTs).toBe(reply?.ts);
      expect(h.logs.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await h.stop();
    }
  }, 20_000);
});
