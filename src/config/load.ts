import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { AalsError, ErrorCode, errorMessage } from '../errors.js';
import { type AalsConfig, ConfigSchema } from './schema.js';

export type Env = Record<string, string | undefined>;

export interface LoadedConfig {
  config: AalsConfig;
  /** The file read, or null when running on built-in defaults. */
  path: string | null;
}

export interface LoadOptions {
  /** --config FILE; when given the file must exist. */
  path?: string;
  env?: Env;
  cwd?: string;
}

/** Variables from `.env` in `cwd`, without overriding what the process environment already has. */
export function withDotEnv(env: Env, cwd: string): Env {
  const file = resolve(cwd, '.env');
  if (!existsSync(file)) return env;
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

/** Config file → `${VAR}` interpolation → environment overrides → zod validation. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? withDotEnv(process.env, cwd);
  const path = locateConfig(options.path, env, cwd);
  const fromFile = path ? readYaml(path, env) : {};
  const merged = applyEnvironment(fromFile, env);
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const where = path ?? 'configuration';
    const lines = parsed.error.issues.map((issue) => `  - ${describeIssue(issue)}`);
    throw new AalsError(ErrorCode.ConfigInvalid, `${where} is invalid:\n${lines.join('\n')}`, {
      issues: parsed.error.issues,
    });
  }
  return { config: parsed.data, path };
}

function locateConfig(explicit: string | undefined, env: Env, cwd: string): string | null {
  const named = explicit ?? env.AALS_CONFIG;
  if (named) {
    const file = resolve(cwd, named);
    if (!existsSync(file)) {
      throw new AalsError(
        ErrorCode.ConfigNotFound,
        `config file ${named} does not exist (from ${explicit ? '--config' : 'AALS_CONFIG'})`,
      );
    }
    return file;
  }
  const fallback = resolve(cwd, 'aals.config.yaml');
  return existsSync(fallback) ? fallback : null;
}

function readYaml(path: string, env: Env): Record<string, unknown> {
  const document = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    throw new AalsError(
      ErrorCode.ConfigInvalid,
      `${path} is not valid YAML: ${first?.message ?? 'parse error'}`,
    );
  }
  let value: unknown;
  try {
    value = interpolate(document.toJS() ?? {}, env);
  } catch (error) {
    // A YAML alias that refers to itself (a cycle) or expands without end ("billion laughs").
    throw new AalsError(
      ErrorCode.ConfigInvalid,
      `${path} cannot be read: its YAML aliases (*name) form a cycle or expand too much (${errorMessage(error)})`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AalsError(
      ErrorCode.ConfigInvalid,
      `${path} must hold a YAML mapping (key: value) at the top level`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string, so secrets can stay in the environment.
 * A value that interpolates to nothing counts as unset, so `url: ${PROMETHEUS_URL:-}` is optional.
 */
export function interpolate(value: unknown, env: Env): unknown {
  if (typeof value === 'string') {
    const pattern = /\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/gi;
    const result = value.replace(
      pattern,
      (_, name: string, fallback?: string) => env[name] || fallback || '',
    );
    return result === '' && value !== '' ? undefined : result;
  }
  if (Array.isArray(value))
    return value.map((item) => interpolate(item, env)).filter((item) => item !== undefined);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, item]) => [key, interpolate(item, env)])
        .filter(([, item]) => item !== undefined),
    );
  }
  return value;
}

/** The guide's environment variables, each mapped onto its config key. */
const ENV_KEYS: Array<[string, string[], (raw: string) => unknown]> = [
  ['SLACK_MODE', ['slack', 'mode'], String],
  ['SLACK_BOT_TOKEN', ['slack', 'botToken'], String],
  ['SLACK_APP_TOKEN', ['slack', 'appToken'], String],
  ['SLACK_SIGNING_SECRET', ['slack', 'signingSecret'], String],
  ['SLACK_API_URL', ['slack', 'apiUrl'], String],
  ['PORT', ['http', 'port'], toNumber],
  ['AALS_ENVIRONMENT', ['environment'], String],
  ['AALS_DATA_DIR', ['storage', 'dataDir'], String],
  ['AALS_LOG_LEVEL', ['logging', 'level'], String],
  ['AALS_LOG_DIR', ['logging', 'dir'], String],
  ['AALS_AUDIT_KEY', ['audit', 'key'], String],
  ['AALS_WEBHOOK_TOKEN', ['intake', 'alertmanager', 'bearerToken'], String],
  ['ALERTMANAGER_URL', ['modules', 'alertmanager', 'url'], String],
  ['PROMETHEUS_URL', ['modules', 'prometheus', 'url'], String],
  ['GITHUB_TOKEN', ['modules', 'github', 'token'], String],
  ['GITHUB_API_URL', ['modules', 'github', 'apiUrl'], String],
  ['ANTHROPIC_API_KEY', ['modules', 'llm', 'anthropicApiKey'], String],
  ['ANTHROPIC_BASE_URL', ['modules', 'llm', 'anthropicBaseUrl'], String],
  ['AALS_LLM_PROVIDER', ['modules', 'llm', 'provider'], String],
  ['AALS_LLM_MODEL', ['modules', 'llm', 'model'], String],
  ['AALS_LLM_LANGUAGE', ['modules', 'llm', 'language'], String],
  ['OPENAI_BASE_URL', ['modules', 'llm', 'openaiBaseUrl'], String],
  ['OPENAI_API_KEY', ['modules', 'llm', 'openaiApiKey'], String],
  ['AALS_GITHUB_REPOSITORIES', ['memory', 'githubRepositories'], toList],
  ['AALS_RUNBOOKS_DIR', ['memory', 'runbooksDir'], String],
  ['AALS_RUNBOOKS_URL', ['memory', 'runbooksUrl'], String],
  ['AALS_EMBEDDINGS_PROVIDER', ['memory', 'embeddings', 'provider'], String],
  ['AALS_EMBEDDINGS_URL', ['memory', 'embeddings', 'url'], String],
  ['AALS_EMBEDDINGS_MODEL', ['memory', 'embeddings', 'model'], String],
  ['AALS_EMBEDDINGS_API_KEY', ['memory', 'embeddings', 'apiKey'], String],
  ['AALS_EMBEDDINGS_DIMENSIONS', ['memory', 'embeddings', 'dimensions'], toNumber],
];

function toList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function toNumber(raw: string): unknown {
  return /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
}

function applyEnvironment(fromFile: Record<string, unknown>, env: Env): Record<string, unknown> {
  const result = structuredClone(fromFile);
  for (const [name, path, convert] of ENV_KEYS) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(result, path, convert(raw));
  }
  const extraChannels = env.AALS_ALERT_CHANNELS?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (extraChannels?.length) {
    const slack = ensureObject(result, 'slack');
    const existing = Array.isArray(slack.alertChannels) ? slack.alertChannels : ['#alerts'];
    slack.alertChannels = [...new Set([...existing, ...extraChannels])];
  }
  return result;
}

function ensureObject(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const current = parent[key];
  if (current && typeof current === 'object' && !Array.isArray(current))
    return current as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = ensureObject(node, key);
  node[path[path.length - 1] as string] = value;
}

const ENV_FOR_PATH = new Map(ENV_KEYS.map(([name, path]) => [path.join('.'), name]));

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.join('.') || '(top level)';
  const fromEnv = ENV_FOR_PATH.get(issue.path.join('.'));
  const origin = fromEnv ? ` (also set by ${fromEnv})` : '';
  if (issue.code === 'unrecognized_keys') {
    const hints = issue.keys.map((k) => {
      const suggestion = closestKey(k, knownKeys(issue.path));
      return suggestion ? `'${k}' (did you mean '${suggestion}'?)` : `'${k}'`;
    });
    return `${key}: unknown key ${hints.join(', ')}: remove it or fix its spelling`;
  }
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `${key}${origin}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${key}${origin}: ${issue.message}`;
}

function knownKeys(path: PropertyKey[]): string[] {
  let schema: unknown = ConfigSchema;
  for (const segment of path) {
    const shape = shapeOf(schema);
    schema = shape?.[String(segment)];
  }
  return Object.keys(shapeOf(schema) ?? {});
}

/** Unwraps defaults/optionals/refinements to reach an object schema's shape. */
function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as {
    shape?: Record<string, unknown>;
    unwrap?: () => unknown;
    def?: { innerType?: unknown };
  };
  for (let i = 0; i < 5 && current; i++) {
    if (current.shape) return current.shape;
    const inner =
      current.def?.innerType ?? (typeof current.unwrap === 'function' ? current.unwrap() : undefined);
    current = inner as typeof current;
  }
  return undefined;
}

function closestKey(input: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}
