import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { FIXTURES } from '../support/fixtures.js';
import { freePort } from '../support/processes.js';
import { tempDir } from '../support/temp.js';

/** The CLI contracts from the guide, exercised through the real `aals` binary. */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'aals.js');

function aals(args: string[], options: { input?: string; cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync('node', [BIN, ...args], {
    input: options.input ?? '',
    cwd: options.cwd,
    env: { PATH: process.env.PATH, ...options.env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('aals parse', () => {
  test('an Alertmanager webhook body gives full labels and fingerprints', () => {
    const input = readFileSync(join(FIXTURES, 'alertmanager/webhook/firing-grouped.json'), 'utf8');
    const { status, stdout } = aals(['parse'], { input });
    expect(status).toBe(0);
    const { alerts } = JSON.parse(stdout);
    expect(alerts.map((a: { fingerprint: string }) => a.fingerprint)).toEqual(
      JSON.parse(input).alerts.map((a: { fingerprint: string }) => a.fingerprint),
    );
    for (const key of [
      'source',
      'status',
      'alertname',
      'severity',
      'labels',
      'annotations',
      'startsAt',
      'endsAt',
      'fingerprint',
      'count',
    ]) {
      expect(alerts[0]).toHaveProperty(key);
    }
  });

  test('the default Slack template gives status, alert name and count', () => {
    const input = readFileSync(join(FIXTURES, 'alertmanager/slack-default/firing-grouped.json'), 'utf8');
    const { alerts } = JSON.parse(aals(['parse'], { input }).stdout);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'firing', alertname: 'HighCPUUsage', count: 2 });
  });

  test('a Slack Events API envelope is unwrapped', () => {
    const event = { type: 'message', text: '[RESOLVED] disk full on db-01', ts: '1.2', channel: 'C1' };
    const { alerts } = JSON.parse(
      aals(['parse'], { input: JSON.stringify({ type: 'event_callback', event }) }).stdout,
    );
    expect(alerts[0]).toMatchObject({ source: 'text', status: 'resolved', labels: { host: 'db-01' } });
  });

  test('ordinary chat gives no alerts', () => {
    const result = aals(['parse'], {
      input: JSON.stringify({ type: 'message', text: 'anyone up for lunch?' }),
    });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ alerts: [] });
  });

  test.each([
    ['malformed JSON', '{"text": "FIRING', /not valid JSON/],
    ['empty input', '', /no input/],
    ['a JSON array', '[1,2]', /expected a JSON object/],
    ['an unknown shape', '{"foo":1}', /not a Slack message/],
  ])('%s exits 2 with a one-line reason', (_name, input, reason) => {
    const result = aals(['parse'], { input });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(reason);
  });

  test('unknown flags and commands exit 2', () => {
    expect(aals(['parse', '--nope']).status).toBe(2);
    expect(aals(['frobnicate']).status).toBe(2);
    expect(aals([]).status).toBe(2);
    expect(aals(['--help']).status).toBe(0);
  });

  test('--config naming a missing file exits 2', () => {
    const result = aals(['parse', '--config', 'missing.yaml'], { input: '{"text":"x"}' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/missing\.yaml does not exist/);
  });
});

describe('aals doctor', () => {
  test('built-in defaults: config valid, store ok, sandbox Slack, exit 0', () => {
    const dir = tempDir();
    try {
      const result = aals(['doctor', '--json'], { cwd: dir.path });
      expect(result.status).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.config).toMatchObject({ valid: true, path: null, slackMode: 'sandbox' });
      const byName = Object.fromEntries(report.checks.map((c: { name: string }) => [c.name, c]));
      expect(byName.store.status).toBe('ok');
      expect(byName.store.detail).toMatch(/sqlite-vec v\d/);
      expect(byName.prometheus.status).toBe('disabled');
    } finally {
      dir.cleanup();
    }
  });

  test('an unreachable enabled integration is reported and exits 1', async () => {
    const dir = tempDir();
    const port = await freePort();
    try {
      const result = aals(['doctor'], {
        cwd: dir.path,
        env: { ALERTMANAGER_URL: `http://127.0.0.1:${port}` },
      });
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/FAILING alertmanager\s+Alertmanager unreachable/);
    } finally {
      dir.cleanup();
    }
  });

  test('an invalid config is reported with the key and exits 2', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'aals.config.yaml'), 'slak: {}\nhttp: { port: 99999 }\n');
      const result = aals(['doctor'], { cwd: dir.path });
      expect(result.status).toBe(2);
      expect(result.stdout).toMatch(/unknown key 'slak' \(did you mean 'slack'\?\)/);
      expect(result.stdout).toMatch(/http\.port/);
    } finally {
      dir.cleanup();
    }
  });
});

describe('aals audit', () => {
  test('verify passes on an intact chain, tail lists records, and a tampered record is found', () => {
    const dir = tempDir();
    try {
      const store = Store.open(dir.path);
      for (let i = 1; i <= 5; i++) store.audit.append({ actor: 'test', action: `step.${i}`, details: { i } });
      store.close();
      const env = { AALS_DATA_DIR: dir.path };

      const ok = aals(['audit', 'verify'], { cwd: dir.path, env });
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/intact: 5 records/);

      const tail = aals(['audit', 'tail', '-n', '2'], { cwd: dir.path, env });
      expect(
        tail.stdout
          .trim()
          .split('\n')
          .map((l) => l.split('\t')[3]),
      ).toEqual(['step.4', 'step.5']);

      const db = openDatabase(dir.path);
      db.exec('DROP TRIGGER audit_log_no_update');
      db.prepare(`UPDATE audit_log SET details = '{"i":99}' WHERE id = 3`).run();
      db.close();
      const broken = aals(['audit', 'verify'], { cwd: dir.path, env });
      expect(broken.status).toBe(1);
      expect(broken.stdout).toMatch(/broken at record 3/);
    } finally {
      dir.cleanup();
    }
  });
});
