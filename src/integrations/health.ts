import { resolve } from 'node:path';
import { isModuleEnabled, slackMode } from '../config/derived.js';
import type { AalsConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import { openDatabase, schemaVersion, vecVersion } from '../store/database.js';
import { AlertmanagerClient } from './alertmanager/client.js';

/** What `aals doctor` reports for each part: reachable, failing (and why), or switched off. */
export interface HealthResult {
  name: string;
  status: 'ok' | 'error' | 'disabled';
  detail: string;
}

export interface HealthDeps {
  fetch?: typeof fetch;
  cwd: string;
  /** Slack's auth.test, behind the Slack adapter. */
  slackAuthTest: (config: AalsConfig) => Promise<string>;
}

type Check = (config: AalsConfig, deps: HealthDeps) => Promise<HealthResult>;

const timeout = (ms: number) => AbortSignal.timeout(ms);

async function httpCheck(
  name: string,
  url: string,
  init: RequestInit,
  deps: HealthDeps,
  describe: (body: unknown) => string,
) {
  try {
    const response = await (deps.fetch ?? fetch)(url, { ...init, signal: timeout(5000) });
    if (!response.ok)
      return { name, status: 'error' as const, detail: `${url} answered HTTP ${response.status}` };
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { name, status: 'ok' as const, detail: describe(body) };
  } catch (error) {
    return { name, status: 'error' as const, detail: `${url} unreachable: ${errorMessage(error)}` };
  }
}

const checks: Record<string, Check> = {
  async store(config, deps) {
    try {
      const dataDir = resolve(deps.cwd, config.storage.dataDir);
      const db = openDatabase(dataDir);
      const detail = `${dataDir} (schema v${schemaVersion(db)}, sqlite-vec ${vecVersion(db)}, journal ${db.pragma('journal_mode', { simple: true })})`;
      db.close();
      return { name: 'store', status: 'ok', detail };
    } catch (error) {
      return { name: 'store', status: 'error', detail: errorMessage(error) };
    }
  },

  async slack(config, deps) {
    const mode = slackMode(config);
    if (mode === 'sandbox')
      return { name: 'slack', status: 'ok', detail: 'sandbox mode (no Slack tokens): local emulator' };
    const missing = !config.slack.botToken
      ? 'SLACK_BOT_TOKEN'
      : mode === 'socket' && !config.slack.appToken
        ? 'SLACK_APP_TOKEN'
        : mode === 'http' && !config.slack.signingSecret
          ? 'SLACK_SIGNING_SECRET'
          : null;
    if (missing) return { name: 'slack', status: 'error', detail: `${mode} mode needs ${missing}` };
    try {
      return { name: 'slack', status: 'ok', detail: `${mode} mode, ${await deps.slackAuthTest(config)}` };
    } catch (error) {
      return {
        name: 'slack',
        status: 'error',
        detail: `${mode} mode, auth.test failed: ${errorMessage(error)}`,
      };
    }
  },

  async alertmanager(config) {
    const { url, timeoutMs } = config.modules.alertmanager;
    if (!isModuleEnabled(config, 'alertmanager') || !url) {
      return {
        name: 'alertmanager',
        status: 'disabled',
        detail: 'set ALERTMANAGER_URL to resolve default Slack notifications',
      };
    }
    try {
      const { version } = await new AlertmanagerClient({ url, timeoutMs }).status();
      return { name: 'alertmanager', status: 'ok', detail: `${url} (version ${version})` };
    } catch (error) {
      return { name: 'alertmanager', status: 'error', detail: errorMessage(error) };
    }
  },

  async prometheus(config, deps) {
    const { url } = config.modules.prometheus;
    if (!isModuleEnabled(config, 'prometheus') || !url) {
      return { name: 'prometheus', status: 'disabled', detail: 'set PROMETHEUS_URL to analyze metrics' };
    }
    return httpCheck('prometheus', `${url.replace(/\/$/, '')}/api/v1/status/buildinfo`, {}, deps, (body) => {
      const version = (body as { data?: { version?: string } }).data?.version;
      return `${url} (version ${version ?? 'unknown'})`;
    });
  },

  async github(config, deps) {
    const { token, apiUrl } = config.modules.github;
    if (!isModuleEnabled(config, 'github')) {
      return { name: 'github', status: 'disabled', detail: 'set GITHUB_TOKEN to search GitHub issues' };
    }
    const base = (apiUrl ?? 'https://api.github.com').replace(/\/$/, '');
    return httpCheck(
      'github',
      `${base}/rate_limit`,
      { headers: { authorization: `Bearer ${token}` } },
      deps,
      (body) => {
        const core = (body as { resources?: { core?: { remaining?: number; limit?: number } } }).resources
          ?.core;
        return `${base} (rate limit ${core?.remaining ?? '?'}/${core?.limit ?? '?'})`;
      },
    );
  },

  async llm(config, deps) {
    const { anthropicApiKey, anthropicBaseUrl } = config.modules.llm;
    if (!isModuleEnabled(config, 'llm') || !anthropicApiKey) {
      return { name: 'llm', status: 'disabled', detail: 'no ANTHROPIC_API_KEY: rule-based diagnosis only' };
    }
    const base = (anthropicBaseUrl ?? 'https://api.anthropic.com').replace(/\/$/, '');
    return httpCheck(
      'llm',
      `${base}/v1/models`,
      { headers: { 'x-api-key': anthropicApiKey, 'anthropic-version': '2023-06-01' } },
      deps,
      () => `${base} reachable`,
    );
  },
};

export async function checkHealth(config: AalsConfig, deps: HealthDeps): Promise<HealthResult[]> {
  return Promise.all(Object.values(checks).map((check) => check(config, deps)));
}
