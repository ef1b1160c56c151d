import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reply, startFakeAnthropic } from '../../src/testing/fake-anthropic.js';
import { tempDir } from '../support/temp.js';

/** `aals diagnose` through the real binary: rules without a key, the LLM through the real SDK with one. */
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'aals.js');

/** Asynchronous, so the in-process fake LLM can answer while the CLI waits. */
function aals(args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('node', [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH, AALS_DATA_DIR: join(cwd, 'data'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const ALERT = {
  alertname: 'NodeFilesystemAlmostFull',
  status: 'firing',
  severity: 'critical',
  labels: {
    alertname: 'NodeFilesystemAlmostFull',
    instance: 'db-1:9100',
    mountpoint: '/var',
    env: 'production',
  },
  annotations: { summary: 'Filesystem /var on db-1 is 97% full' },
  startsAt: '2026-11-25T10:00:00Z',
  fingerprint: 'f00dfeedf00dfeed',
};

describe('aals diagnose', () => {
  const dir = tempDir('aals-cli-diagnose-');
  const alertFile = join(dir.path, 'alert.json');
  writeFileSync(alertFile, JSON.stringify(ALERT));
  afterAll(() => dir.cleanup());

  test('without an LLM: the rules diagnosis, commands classified for the alert’s environment', async () => {
    const result = await aals(['diagnose', '--alert', alertFile, '--json'], dir.path);
    expect(result.status).toBe(0);
    const diagnosis = JSON.parse(result.stdout);
    expect(diagnosis).toMatchObject({ source: 'rules', author: 'rules' });
    expect(diagnosis.rootCause.candidate).toBe('NodeFilesystemAlmostFull on db-1:9100');
    expect(diagnosis.actions[0]).toMatchObject({ command: 'df -h', host: 'db-1' });
    expect(diagnosis.actions[0].assessment).toMatchObject({
      risk: 'READ_ONLY',
      decision: 'auto',
      environment: 'production',
    });
  });

  test('plain text works too, as an alert or as a question; no input is a usage error', async () => {
    const text = await aals(['diagnose', 'disk full on db-01'], dir.path);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('Diagnosis (rules, no LLM');
    expect(text.stdout).toContain('df -h');
    const none = await aals(['diagnose'], dir.path);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('diagnose needs --alert FILE.json or the alert text');
  });

  test('with ANTHROPIC_API_KEY: the model’s diagnosis through the real SDK, its command classified by the policy', async () => {
    const key = `sk-ant-${'cli'.repeat(8)}`;
    const fake = await startFakeAnthropic({ apiKey: key });
    try {
      fake.script(
        reply.toolUse('submit_diagnosis', {
          summary: '/var on db-1 fills with logs.',
          rootCause: {
            candidate: 'NodeFilesystemAlmostFull on db-1',
            confidence: 0.7,
            reasoning: '97% used.',
          },
          evidence: [{ ref: 'A1', note: '97%' }],
          actions: [{ command: 'rm -rf /var/log', host: 'db-1', purpose: 'free space' }],
          nextChecks: [],
        }),
      );
      const result = await aals(['diagnose', '--alert', alertFile, '--json'], dir.path, {
        ANTHROPIC_API_KEY: key,
        ANTHROPIC_BASE_URL: fake.url,
      });
      expect(result.status).toBe(0);
      const diagnosis = JSON.parse(result.stdout);
      expect(diagnosis).toMatchObject({ source: 'llm', author: 'anthropic claude-sonnet-5-5' });
      expect(diagnosis.actions[0].assessment.decision).not.toMatch(/auto|notify/);
      expect(diagnosis.usage.costUsd).toBeGreaterThan(0);
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});
