import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

/** `aals correlate` through the real binary (the global setup builds dist/ first). */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'aals.js');

function aals(args: string[], options: { input?: string; cwd?: string } = {}) {
  const result = spawnSync('node', [BIN, ...args], {
    input: options.input ?? '',
    cwd: options.cwd,
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const T0 = Date.parse('2026-01-05T09:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

interface InputAlert {
  fingerprint: string;
  alertname: string;
  status: 'firing' | 'resolved';
  severity: string;
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string | null;
  [key: string]: unknown;
}

function alert(fingerprint: string, alertname: string, service: string, seconds: number): InputAlert {
  return {
    source: 'alertmanager_webhook',
    fingerprint,
    alertname,
    status: 'firing',
    severity: 'critical',
    labels: { alertname, service, env: 'production', cluster: 'prod-tokyo' },
    annotations: { summary: `${alertname} on ${service}` },
    startsAt: at(seconds),
    endsAt: null,
    count: 1,
  };
}

const DB = alert('0000000000000db1', 'DatabaseDown', 'orders-db', 0);
const CHECKOUT = alert('00000000000c0c01', 'HighErrorRate', 'checkout', 30);
const PAYMENTS = alert('0000000000000fa1', 'HighLatency', 'payments', 60);
const SEARCH = alert('00000000000005e1', 'HighLatency', 'search', 90);

/** A bare alert per line, and one `{"alerts":[…]}` line as `aals parse` prints. */
const CASCADE_INPUT = [
  JSON.stringify(DB),
  JSON.stringify({ alerts: [CHECKOUT, PAYMENTS] }),
  '',
  JSON.stringify(SEARCH),
  '',
].join('\n');

interface Output {
  incidents: Array<{
    id: number;
    alerts: string[];
    rootCause: string | null;
    reason: string | null;
    status: string;
    environment: string;
    alertnames: string[];
    mergedFrom: number[];
  }>;
}

let dir: ReturnType<typeof tempDir>;
let config: string;

beforeEach(() => {
  dir = tempDir('aals-correlate-');
  config = join(dir.path, 'topology.yaml');
  writeFileSync(
    config,
    'correlation: { topology: { checkout: [orders-db, payments], payments: [orders-db] } }\n',
  );
});

afterEach(() => {
  dir.cleanup();
});

function correlate(input: string, args: string[] = ['--config', config]) {
  return aals(['correlate', ...args], { input, cwd: dir.path });
}

describe('aals correlate', () => {
  test('a cascade is one incident rooted at orders-db; an unrelated alert is its own', () => {
    const result = correlate(CASCADE_INPUT);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout) as Output;
    expect(Object.keys(output)).toEqual(['incidents']);
    expect(output.incidents).toHaveLength(2);
    const [cascade, search] = output.incidents;
    expect(cascade).toEqual({
      id: 1,
      alerts: [DB.fingerprint, CHECKOUT.fingerprint, PAYMENTS.fingerprint],
      rootCause: DB.fingerprint,
      reason: 'orders-db is upstream of checkout and payments, and fired first',
      status: 'open',
      environment: 'production',
      alertnames: ['DatabaseDown', 'HighErrorRate', 'HighLatency'],
      mergedFrom: [],
    });
    expect(cascade?.reason).toMatch(/upstream/);
    expect(search).toMatchObject({
      id: 2,
      alerts: [SEARCH.fingerprint],
      rootCause: SEARCH.fingerprint,
      reason: 'the only alert',
      status: 'open',
    });
  });

  test('the root is found even when the symptoms arrive first', () => {
    const input = [CHECKOUT, PAYMENTS, DB].map((a) => JSON.stringify(a)).join('\n');
    const output = JSON.parse(correlate(input).stdout) as Output;
    expect(output.incidents).toHaveLength(1);
    expect(output.incidents[0]?.alerts).toEqual([CHECKOUT.fingerprint, PAYMENTS.fingerprint, DB.fingerprint]);
    expect(output.incidents[0]?.rootCause).toBe(DB.fingerprint);
  });

  test('without the topology config the services stay separate', () => {
    const result = correlate(CASCADE_INPUT, []);
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout) as Output;
    expect(output.incidents.map((i) => i.alerts)).toEqual([
      [DB.fingerprint],
      [CHECKOUT.fingerprint],
      [PAYMENTS.fingerprint],
      [SEARCH.fingerprint],
    ]);
    expect(output.incidents.every((i) => i.reason === 'the only alert')).toBe(true);
  });

  test('resolved alerts (timed at endsAt) resolve the incident', () => {
    const resolved = [DB, CHECKOUT, PAYMENTS].map((a) => ({ ...a, status: 'resolved', endsAt: at(600) }));
    const input = [CASCADE_INPUT, ...resolved.map((a) => JSON.stringify(a))].join('\n');
    const output = JSON.parse(correlate(input).stdout) as Output;
    expect(output.incidents.map((i) => [i.id, i.status])).toEqual([
      [1, 'resolved'],
      [2, 'open'],
    ]);
  });

  test('the other cluster or environment is a separate incident', () => {
    const osaka = {
      ...CHECKOUT,
      fingerprint: '00000000000c0c02',
      labels: { ...CHECKOUT.labels, cluster: 'prod-osaka' },
    };
    const staging = {
      ...PAYMENTS,
      fingerprint: '0000000000000fa2',
      labels: { ...PAYMENTS.labels, env: 'staging' },
    };
    const input = [DB, osaka, staging].map((a) => JSON.stringify(a)).join('\n');
    const output = JSON.parse(correlate(input).stdout) as Output;
    expect(output.incidents.map((i) => [i.alerts, i.environment])).toEqual([
      [[DB.fingerprint], 'production'],
      [[osaka.fingerprint], 'production'],
      [[staging.fingerprint], 'staging'],
    ]);
  });

  test('an alert related to two incidents merges them; only the survivor is listed', () => {
    const merging = join(dir.path, 'merging.yaml');
    // payments and checkout are three hops apart; orders-db is near both.
    writeFileSync(
      merging,
      'correlation:\n  topology:\n    checkout: [orders-db]\n    payments: [ledger]\n    ledger: [orders-db]\n',
    );
    const input = [PAYMENTS, CHECKOUT, DB].map((a) => JSON.stringify(a)).join('\n');
    const result = correlate(input, ['--config', merging]);
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout) as Output;
    expect(output.incidents).toHaveLength(1);
    expect(output.incidents[0]).toMatchObject({
      id: 1,
      mergedFrom: [2],
      rootCause: DB.fingerprint,
    });
    expect([...(output.incidents[0]?.alerts ?? [])].sort()).toEqual(
      [PAYMENTS.fingerprint, CHECKOUT.fingerprint, DB.fingerprint].sort(),
    );
  });

  test('what `aals parse` prints can be piped in', () => {
    const webhook = readFileSync(join(FIXTURES, 'alertmanager/webhook/firing-grouped.json'), 'utf8');
    const parsed = aals(['parse'], { input: webhook, cwd: dir.path });
    expect(parsed.status).toBe(0);
    const fingerprints = (JSON.parse(parsed.stdout) as { alerts: Array<{ fingerprint: string }> }).alerts.map(
      (a) => a.fingerprint,
    );
    expect(fingerprints.length).toBeGreaterThan(1);
    const output = JSON.parse(correlate(parsed.stdout).stdout) as Output;
    // One notification group: one incident.
    expect(output.incidents).toHaveLength(1);
    expect(output.incidents[0]?.alerts).toEqual(fingerprints);
  });

  test('empty input gives no incidents', () => {
    const result = correlate('\n{"alerts":[]}\n');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ incidents: [] });
  });

  test('a malformed JSON line exits 2 naming the line', () => {
    const result = correlate(`${JSON.stringify(DB)}\n{"fingerprint": \n`);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/line 2/);
    expect(result.stderr).toMatch(/not valid JSON/);
  });

  test('an alert missing its fingerprint exits 2 naming the line and the field', () => {
    const { fingerprint: _omitted, ...noFingerprint } = CHECKOUT;
    const result = correlate(
      `${JSON.stringify(DB)}\n\n${JSON.stringify({ alerts: [PAYMENTS, noFingerprint] })}\n`,
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/line 3/);
    expect(result.stderr).toMatch(/fingerprint/);
  });

  test('an alert with a bad status exits 2 naming the field', () => {
    const result = correlate(JSON.stringify({ ...DB, status: 'pending' }));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/line 1/);
    expect(result.stderr).toMatch(/status/);
  });

  test('positional arguments are a usage error', () => {
    const result = correlate(CASCADE_INPUT, ['alerts.jsonl']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/takes no arguments/);
  });
});
