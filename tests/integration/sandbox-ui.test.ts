import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type RunningAals, SANDBOX_PREFIX, startAals } from '../../src/app.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { HUMAN, TEAMMATE } from '../../src/slack/emulator/emulator.js';
import { type FakeAnthropic, reply, startFakeAnthropic } from '../../src/testing/fake-anthropic.js';
import { memoryLogger } from '../support/harness.js';
import { requireBinary, waitUntil } from '../support/processes.js';
import { executorHost, type Sshd, startSshd } from '../support/sshd.js';
import { tempDir } from '../support/temp.js';

/**
 * The sandbox page in a real browser (Debian's Chromium driven by playwright-core, headless, no
 * browser download): AALS in sandbox mode with its emulator mounted, the real Bolt app, the real
 * Anthropic SDK against the local fake, a real sshd. A sample alert posted from the page gets its
 * thread and diagnosis; clicking Approve in the page sends a real block_actions payload; the
 * command runs over SSH and its output shows up in the page. Missing Chromium fails the suite.
 */
const CHROMIUM = '/usr/bin/chromium';
const KEY = `sk-ant-${'sandbox-ui'.repeat(3)}`;
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'sandbox-ui.png');

describe('sandbox web UI in Chromium', () => {
  let sshd: Sshd;
  let fake: FakeAnthropic;
  let aals: RunningAals;
  let browser: Browser;
  let page: Page;
  const logs: Array<Record<string, unknown>> = [];
  const data = tempDir('aals-sandbox-ui-');
  let log: string;
  let gzip: string;
  let remove: string;

  beforeAll(async () => {
    requireBinary(CHROMIUM, 'chromium');
    sshd = await startSshd();
    log = join(sshd.workDir, 'postgresql-2024-01.log');
    writeFileSync(log, 'LOG:  checkpoint complete\n'.repeat(2000));
    gzip = `gzip -v ${log}`;
    remove = `rm -v ${log}`;
    fake = await startFakeAnthropic({ apiKey: KEY });
    // Every model call proposes the same two commands on db-1, whichever incident asks.
    fake.handle(() =>
      reply.toolUse('submit_diagnosis', {
        summary: '/var on db-1 is filling up with old PostgreSQL logs.',
        rootCause: {
          candidate: 'Uncompressed PostgreSQL logs on db-1',
          confidence: 0.8,
          reasoning: 'Usage at 97%; old logs were never rotated.',
        },
        evidence: [{ ref: 'A1', note: '97% full' }],
        actions: [
          { command: gzip, host: 'db-1', purpose: 'compress the old log' },
          { command: remove, host: 'db-1', purpose: 'delete the old log' },
        ],
        nextChecks: ['logrotate configuration'],
      }),
    );
    const config = ConfigSchema.parse({
      slack: { mode: 'sandbox', alertChannels: ['#alerts'] },
      http: { port: 0, host: '127.0.0.1' },
      storage: { dataDir: data.path },
      logging: { console: false, level: 'info' },
      modules: {
        llm: { provider: 'anthropic', anthropicApiKey: KEY, anthropicBaseUrl: fake.url },
        executor: {
          enabled: true,
          hosts: [executorHost(sshd, 'db-1', 'staging', { instance: 'db-1:9100' })],
        },
      },
      // Staging needs one approval, from the sandbox's default user.
      environments: {
        staging: { approvers: [HUMAN.id] },
        production: { approvers: [HUMAN.id, TEAMMATE.id] },
      },
    });
    aals = await startAals({
      config,
      logger: memoryLogger(logs),
      inbox: { retryDelaysMs: [100, 300, 600] },
      dispatch: { updateIntervalMs: 100 },
      llmRetry: { attempts: 2, baseMs: 10, maxMs: 50 },
      evidenceWaitMs: 100,
      sandbox: { retryDelaysMs: [200, 500] },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await aals?.stop();
    await fake?.close();
    await sshd?.stop();
    data.cleanup();
  });

  /** Runs a browser step; on failure keeps a screenshot and AALS's warnings for the report. */
  async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page?.screenshot({ path: join(ARTIFACTS, 'sandbox-ui-failure.png') }).catch(() => undefined);
      const warnings = logs
        .filter((l) => l.level === 'warn' || l.level === 'error')
        .slice(-10)
        .map((l) => JSON.stringify(l));
      throw new Error(`${name}: ${(error as Error).message}\nAALS warnings:\n${warnings.join('\n')}`);
    }
  }

  const requestId = (command: string) =>
    aals.store.db.prepare('SELECT id FROM approvals WHERE command = ?').pluck().get(command) as
      | number
      | undefined;
  const messages = () => page.locator('#messages');

  test('sample alert → diagnosis thread → Approve → the command output; Reject asks for a reason', async () => {
    await step('open the page', async () => {
      const response = await page.goto(`${aals.url}${SANDBOX_PREFIX}/`);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.locator('#channels button.active', { hasText: 'alerts' }).waitFor();
      await page.locator('#sample option[value="disk-full-db"]').waitFor({ state: 'attached' });
    });

    await step('post the sample alert', async () => {
      await page.selectOption('#sample', 'disk-full-db');
      expect(await page.inputValue('#draft')).toContain('NodeFilesystemAlmostFull');
      await page.click('#post');
      await messages().locator('.attachment', { hasText: 'Filesystem /var on db-1 is 97% full' }).waitFor();
    });

    const [gzipId, removeId] = await step('see the diagnosis thread with the proposed commands', async () => {
      await waitUntil(
        () => requestId(gzip) !== undefined && requestId(remove) !== undefined,
        20_000,
        'the requests',
      );
      const ids: [number, number] = [requestId(gzip) as number, requestId(remove) as number];
      const thread = messages().locator('details.thread');
      await thread.locator('.msg', { hasText: 'Uncompressed PostgreSQL logs on db-1' }).waitFor();
      await thread
        .locator(`button[data-block-id="approval_${ids[0]}"][data-action-id="approval_approve"]`)
        .waitFor();
      expect(await thread.locator('.b-text code', { hasText: gzip }).count()).toBeGreaterThan(0);
      return ids;
    });

    await step('click Approve and see the output', async () => {
      await messages()
        .locator(`button[data-block-id="approval_${gzipId}"][data-action-id="approval_approve"]`)
        .click();
      const result = messages().locator('details.thread .msg', { hasText: `${log}.gz` });
      await result.waitFor({ timeout: 20_000 });
      const text = (await result.textContent()) ?? '';
      // gzip -v reports on stderr: the page shows what the host printed.
      expect(text).toMatch(/replaced with .*postgresql-2024-01\.log\.gz/);
      expect(text).toContain('approved by @oncall');
      expect(existsSync(`${log}.gz`)).toBe(true);
      expect(aals.store.approvals.get(gzipId)?.status).toBe('executed');
    });

    await step('click Reject, give a reason in the modal', async () => {
      await messages()
        .locator(`button[data-block-id="approval_${removeId}"][data-action-id="approval_reject"]`)
        .click();
      const dialog = page.locator('#modal[open]');
      await dialog.locator('h2', { hasText: 'Reject command' }).waitFor();
      await dialog.locator('textarea[data-block-id="reason"]').fill('keep it for the audit');
      await dialog.locator('button[data-modal="submit"]').click();
      await waitUntil(
        () => aals.store.approvals.get(removeId)?.status === 'rejected',
        10_000,
        'the rejection',
      );
      await messages().locator('.msg', { hasText: 'keep it for the audit' }).first().waitFor();
      expect(await page.locator('#modal[open]').count()).toBe(0);
    });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
  }, 90_000);

  test('typed text stays text; /aals help answers only the user who ran it', async () => {
    await step('switch to #general and post markup as a user', async () => {
      await page.locator('#channels button', { hasText: 'general' }).click();
      await page.locator('#channel-name', { hasText: '#general' }).waitFor();
      await page.selectOption('#post-as', 'user');
      await page.fill('#draft', '<img src=x onerror="window.pwned=1"> *is* this escaped?');
      await page.click('#post');
      const posted = messages().locator('.msg', { hasText: 'is this escaped?' });
      await posted.waitFor();
      expect(await posted.textContent()).toContain('<img src=x onerror="window.pwned=1">');
      expect(await posted.locator('img').count()).toBe(0);
      expect(await posted.locator('strong', { hasText: 'is' }).count()).toBe(1);
      // Strings, not functions: they run in the page, and the tests compile without the DOM types.
      expect(await page.evaluate('window.pwned')).toBeUndefined();
    });

    await step('/aals help is ephemeral', async () => {
      await page.fill('#command', '/aals help');
      await page.press('#command', 'Enter');
      const answer = messages().locator('.msg.is-ephemeral');
      await answer.first().waitFor();
      expect(await answer.first().textContent()).toContain('Only visible to you');
      await page.selectOption('#user', TEAMMATE.id);
      await page.locator('.msg', { hasText: 'is this escaped?' }).waitFor();
      await page.waitForFunction("document.querySelectorAll('.msg.is-ephemeral').length === 0");
      await page.selectOption('#user', HUMAN.id);
      await messages().locator('.msg.is-ephemeral').first().waitFor();
    });
  }, 60_000);
});
