import { labelsFingerprint } from '../../src/domain/fingerprint.js';
import { fixture, fixtureNames } from '../support/fixtures.js';

interface WebhookAlert {
  labels: Record<string, string>;
  fingerprint: string;
}

const WEBHOOK = 'alertmanager/webhook';

const capturedAlerts = fixtureNames(WEBHOOK).flatMap((file) =>
  fixture<{ alerts: WebhookAlert[] }>(`${WEBHOOK}/${file}`).alerts.map(
    (alert, index) => [`${file} alert ${index}`, alert] as const,
  ),
);

describe('labelsFingerprint', () => {
  test('the webhook captures hold alerts to compare against', () => {
    expect(fixtureNames(WEBHOOK)).toHaveLength(9);
    expect(capturedAlerts.length).toBeGreaterThanOrEqual(12);
  });

  test.each(capturedAlerts)("equals Alertmanager's own fingerprint: %s", (_name, alert) => {
    expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(labelsFingerprint(alert.labels)).toBe(alert.fingerprint);
  });

  test('empty labels give the FNV-1a 64 offset basis', () => {
    expect(labelsFingerprint({})).toBe('cbf29ce484222325');
  });

  test('the order of keys does not matter', () => {
    const forward = { alertname: 'HighCPUUsage', cluster: 'prod-tokyo', instance: 'web-1:9100', job: 'node' };
    const backward = {
      job: 'node',
      instance: 'web-1:9100',
      cluster: 'prod-tokyo',
      alertname: 'HighCPUUsage',
    };
    expect(labelsFingerprint(backward)).toBe(labelsFingerprint(forward));
  });

  test('a different label value gives a different fingerprint', () => {
    const a = labelsFingerprint({ alertname: 'HighCPUUsage', instance: 'web-1:9100' });
    const b = labelsFingerprint({ alertname: 'HighCPUUsage', instance: 'web-2:9100' });
    expect(a).not.toBe(b);
  });

  test('a name and value cannot be shifted across the separator', () => {
    expect(labelsFingerprint({ ab: 'c' })).not.toBe(labelsFingerprint({ a: 'bc' }));
  });

  test('is always 16 lowercase hex digits, also for non-ASCII values', () => {
    expect(labelsFingerprint({ alertname: '障害', note: '🔥' })).toMatch(/^[0-9a-f]{16}$/);
  });
});
