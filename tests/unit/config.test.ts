// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config interpolation syntax under test
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { approvalBlocker, environmentOf, isModuleEnabled, slackMode } from '../../src/config/derived.js';
import { type Env, interpolate, type LoadOptions, loadConfig, withDotEnv } from '../../src/config/load.js';
import { type AalsConfig, type ConfigInput, ConfigSchema } from '../../src/config/schema.js';
import { AalsError, ErrorCode } from '../../src/errors.js';
import { tempDir } from '../support/temp.js';

let dir: ReturnType<typeof tempDir>;

beforeEach(() => {
  dir = tempDir('aals-config-');
});

afterEach(() => {
  dir.cleanup();
});

function writeConfig(yaml: string, name = 'aals.config.yaml'): string {
  const file = join(dir.path, name);
  writeFileSync(file, yaml);
  return file;
}

/** Always a temp cwd and an explicit env, so the developer's files and environment never leak in. */
function load(env: Env = {}, options: Omit<LoadOptions, 'env' | 'cwd'> = {}) {
  return loadConfig({ cwd: dir.path, env, ...options });
}

function loadError(env: Env = {}, options: Omit<LoadOptions, 'env' | 'cwd'> = {}): AalsError {
  try {
    load(env, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AalsError);
    return error as AalsError;
  }
  throw new Error('expected loadConfig to fail');
}

const configOf = (input: ConfigInput): AalsConfig => ConfigSchema.parse(input);

describe('loadConfig: defaults and files', () => {
  test('with no file and no environment it runs on built-in defaults', () => {
    const { config, path } = load();
    expect(path).toBeNull();
    expect(config.environment).toBe('development');
    expect(config.http).toEqual({ port: 3000, host: '0.0.0.0', maxBodyBytes: 5 * 1024 * 1024 });
    expect(config.slack.mode).toBe('auto');
    expect(config.slack.alertChannels).toEqual(['#alerts']);
    expect(config.slack.commandName).toBe('/aals');
    expect(config.storage.dataDir).toBe('./data');
    expect(config.logging).toMatchObject({ level: 'info', dir: null, console: true });
    expect(config.environments.production).toEqual({ approvers: [], requiredApprovals: 2 });
    expect(config.environments.staging.requiredApprovals).toBe(1);
    expect(config.modules.executor.enabled).toBe(false);
    expect(config.patterns).toEqual({
      recurring: { count: 3, windowMinutes: 1440 },
      flapping: { transitions: 4, windowMinutes: 60 },
    });
    expect(config.environmentLabels).toEqual(['env', 'environment']);
  });

  test('an empty file is the same as no file', () => {
    const file = writeConfig('');
    const { config, path } = load();
    expect(path).toBe(file);
    expect(config).toEqual(configOf({}));
    expect(config.http.port).toBe(3000);
  });

  test('aals.config.yaml in cwd is read', () => {
    const file = writeConfig(
      [
        'environment: staging',
        'http:',
        '  port: 8080',
        'slack:',
        '  alertChannels: ["#ops"]',
        '  channelEnvironments:',
        '    "#alerts-prod": production',
        'patterns:',
        '  flapping: { transitions: 6 }',
      ].join('\n'),
    );
    const { config, path } = load();
    expect(path).toBe(file);
    expect(config.environment).toBe('staging');
    expect(config.http.port).toBe(8080);
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.slack.alertChannels).toEqual(['#ops']);
    expect(config.slack.channelEnvironments).toEqual({ '#alerts-prod': 'production' });
    expect(config.patterns.flapping).toEqual({ transitions: 6, windowMinutes: 60 });
  });

  test('--config names another file, relative to cwd', () => {
    writeConfig('http:\n  port: 1111\n');
    writeConfig('http:\n  port: 2222\n', 'other.yaml');
    const { config, path } = load({}, { path: 'other.yaml' });
    expect(path).toBe(resolve(dir.path, 'other.yaml'));
    expect(config.http.port).toBe(2222);
  });

  test('AALS_CONFIG names the file when --config is not given', () => {
    writeConfig('http:\n  port: 3333\n', 'from-env.yaml');
    expect(load({ AALS_CONFIG: 'from-env.yaml' }).config.http.port).toBe(3333);
  });

  test('--config pointing at a missing file is AALS_CONFIG_NOT_FOUND naming the file', () => {
    const error = loadError({}, { path: 'missing.yaml' });
    expect(error.code).toBe(ErrorCode.ConfigNotFound);
    expect(error.message).toContain('missing.yaml');
    expect(error.message).toContain('--config');
  });

  test('AALS_CONFIG pointing at a missing file is AALS_CONFIG_NOT_FOUND naming the variable', () => {
    const error = loadError({ AALS_CONFIG: 'nope.yaml' });
    expect(error.code).toBe('AALS_CONFIG_NOT_FOUND');
    expect(error.message).toContain('AALS_CONFIG');
  });

  test('the shipped aals.config.yaml is valid with an empty environment', () => {
    const shipped = resolve('aals.config.yaml');
    const { config, path } = loadConfig({ cwd: dir.path, env: {}, path: shipped });
    expect(path).toBe(shipped);
    // Its optional URLs are "${VAR:-}", so with no environment the modules stay off.
    expect(isModuleEnabled(config, 'prometheus')).toBe(false);
    expect(isModuleEnabled(config, 'alertmanager')).toBe(false);
  });
});

describe('loadConfig: environment variables', () => {
  test('override the file', () => {
    writeConfig(
      [
        'http: { port: 8080 }',
        'slack: { botToken: xoxb-from-file, mode: http }',
        'storage: { dataDir: /from/file }',
        'modules: { alertmanager: { url: "http://file:9093" } }',
      ].join('\n'),
    );
    const { config } = load({
      PORT: '9090',
      SLACK_MODE: 'socket',
      SLACK_BOT_TOKEN: 'xoxb-from-env',
      SLACK_APP_TOKEN: 'xapp-1-from-env',
      SLACK_SIGNING_SECRET: 'signing-from-env',
      SLACK_API_URL: 'http://127.0.0.1:4000/api/',
      AALS_DATA_DIR: '/from/env',
      ALERTMANAGER_URL: 'http://env:9093',
    });
    expect(config.http.port).toBe(9090);
    expect(config.slack).toMatchObject({
      mode: 'socket',
      botToken: 'xoxb-from-env',
      appToken: 'xapp-1-from-env',
      signingSecret: 'signing-from-env',
      apiUrl: 'http://127.0.0.1:4000/api/',
    });
    expect(config.storage.dataDir).toBe('/from/env');
    expect(config.modules.alertmanager.url).toBe('http://env:9093');
  });

  test('empty variables do not override', () => {
    writeConfig('http: { port: 8080 }\n');
    expect(load({ PORT: '', SLACK_BOT_TOKEN: '' }).config.http.port).toBe(8080);
    expect(load({ PORT: '', SLACK_BOT_TOKEN: '' }).config.slack.botToken).toBeUndefined();
  });

  test('AALS_ALERT_CHANNELS appends to the file’s channels, trimmed and without duplicates', () => {
    writeConfig('slack: { alertChannels: ["#alerts", "C0PROD"] }\n');
    expect(
      load({ AALS_ALERT_CHANNELS: ' #db-alerts, C0PROD ,,#alerts-prod' }).config.slack.alertChannels,
    ).toEqual(['#alerts', 'C0PROD', '#db-alerts', '#alerts-prod']);
  });

  test('AALS_ALERT_CHANNELS appends to the default channel when the file has none', () => {
    expect(load({ AALS_ALERT_CHANNELS: '#db-alerts' }).config.slack.alertChannels).toEqual([
      '#alerts',
      '#db-alerts',
    ]);
  });

  test('a non-numeric PORT is reported under http.port with the variable’s name', () => {
    const error = loadError({ PORT: 'eighty' });
    expect(error.code).toBe(ErrorCode.ConfigInvalid);
    expect(error.message).toContain('http.port (also set by PORT)');
  });
});

describe('withDotEnv', () => {
  test('.env in cwd is read but does not override the given environment', () => {
    writeFileSync(
      join(dir.path, '.env'),
      'PORT=5000\nSLACK_BOT_TOKEN=xoxb-dotenv\n# a comment\nAALS_DATA_DIR=/dotenv/data\n',
    );
    const env = withDotEnv({ PORT: '4000' }, dir.path);
    expect(env.PORT).toBe('4000');
    expect(env.SLACK_BOT_TOKEN).toBe('xoxb-dotenv');
    const { config } = load(env);
    expect(config.http.port).toBe(4000);
    expect(config.slack.botToken).toBe('xoxb-dotenv');
    expect(config.storage.dataDir).toBe('/dotenv/data');
  });

  test('without .env the environment is returned as is', () => {
    const env = { PORT: '4000' };
    expect(withDotEnv(env, dir.path)).toBe(env);
  });
});

describe('interpolation', () => {
  test('${VAR} and ${VAR:-default} are replaced from the environment', () => {
    writeConfig(
      [
        'slack:',
        '  botToken: ${BOT}',
        '  notifyChannel: "${NOTIFY:-#alerts-notify}"',
        'modules:',
        '  prometheus: { url: "http://${PROM_HOST}:9090" }',
        '  alertmanager: { url: "${AM_URL:-http://am.default:9093}" }',
      ].join('\n'),
    );
    const { config } = load({ BOT: 'xoxb-interp', PROM_HOST: 'prom.internal' });
    expect(config.slack.botToken).toBe('xoxb-interp');
    expect(config.slack.notifyChannel).toBe('#alerts-notify');
    expect(config.modules.prometheus.url).toBe('http://prom.internal:9090');
    expect(config.modules.alertmanager.url).toBe('http://am.default:9093');
  });

  test('a set variable wins over the default', () => {
    writeConfig('slack: { notifyChannel: "${NOTIFY:-#fallback}" }\n');
    expect(load({ NOTIFY: '#chosen' }).config.slack.notifyChannel).toBe('#chosen');
  });

  test('a value that interpolates to nothing counts as unset', () => {
    writeConfig(
      [
        'modules:',
        '  prometheus: { url: "${PROMETHEUS_URL_UNSET:-}" }',
        '  github: { token: "${GITHUB_TOKEN_UNSET}" }',
        'slack:',
        '  alertChannels: ["#alerts", "${EXTRA_CHANNEL}"]',
      ].join('\n'),
    );
    const { config } = load();
    expect(config.modules.prometheus.url).toBeUndefined();
    expect(config.modules.github.token).toBeUndefined();
    expect(isModuleEnabled(config, 'prometheus')).toBe(false);
    expect(config.slack.alertChannels).toEqual(['#alerts']);
  });

  test('interpolate works on nested values and leaves non-strings alone', () => {
    expect(interpolate({ a: ['${X}', 1, true], b: { c: '${Y:-y}' }, d: null }, { X: 'x' })).toEqual({
      a: ['x', 1, true],
      b: { c: 'y' },
      d: null,
    });
  });
});

describe('validation errors', () => {
  const invalid = (yaml: string, env: Env = {}) => {
    writeConfig(yaml);
    const error = loadError(env);
    expect(error.code).toBe(ErrorCode.ConfigInvalid);
    return error.message;
  };

  test('an out-of-range port names http.port and the limit', () => {
    const message = invalid('http:\n  port: 70000\n');
    expect(message).toContain('http.port');
    expect(message).toContain('65535');
  });

  test('a typo key names the key and suggests the right one', () => {
    const message = invalid('slak:\n  botToken: xox' + 'b-1\n');
    expect(message).toContain("'slak'");
    expect(message).toContain("did you mean 'slack'");
    expect(message).toContain('remove it or fix its spelling');
  });

  test('a nested typo suggests a key of that object', () => {
    const message = invalid('http:\n  prot: 8080\n');
    expect(message).toContain('http: unknown key');
    expect(message).toContain("did you mean 'port'");
  });

  test('executor on without approvers names environments.production.approvers and how to fix', () => {
    const message = invalid('modules:\n  executor:\n    enabled: true\n');
    expect(message).toContain('environments.production.approvers');
    expect(message).toContain('at least 2 approver');
    expect(message).toContain('modules.executor.enabled: false');
    expect(message).toContain('environments.staging.approvers');
    expect(message).not.toContain('environments.development.approvers');
  });

  test('executor on with enough approvers is valid', () => {
    writeConfig(
      [
        'modules: { executor: { enabled: true } }',
        'environments:',
        '  staging: { approvers: [U024BE7LH] }',
        '  production: { approvers: [U024BE7LH, S0SREGROUP] }',
      ].join('\n'),
    );
    const { config } = load();
    expect(config.environments.production.approvers).toEqual(['U024BE7LH', 'S0SREGROUP']);
    expect(approvalBlocker(config, 'production')).toBeNull();
  });

  test('prometheus enabled without url names modules.prometheus.url and the variable to set', () => {
    const message = invalid('modules:\n  prometheus:\n    enabled: true\n');
    expect(message).toContain('modules.prometheus.url');
    expect(message).toContain('PROMETHEUS_URL');
    expect(message).toContain('modules.prometheus.enabled: false');
  });

  test('alertmanager enabled without url is reported too', () => {
    expect(invalid('modules: { alertmanager: { enabled: true } }\n')).toContain('modules.alertmanager.url');
  });

  test('a bad approver ID names its position and the expected format', () => {
    const message = invalid('environments:\n  production:\n    approvers: [U024BE7LH, bob]\n');
    expect(message).toContain('environments.production.approvers.1');
    expect(message).toContain('Slack user ID');
    expect(message).toContain('U024BE7LH');
  });

  test('an unknown enum value lists the allowed ones', () => {
    const message = invalid('environment: prod\n');
    expect(message).toContain('environment');
    expect(message).toContain('"development", "staging", "production"');
  });

  test('a non-http URL is rejected with an example', () => {
    expect(invalid('modules: { prometheus: { url: "ftp://x" } }\n')).toContain('must be an http(s) URL');
  });

  test('the message names the file', () => {
    const message = invalid('http: { port: -1 }\n');
    expect(message).toContain(join(dir.path, 'aals.config.yaml'));
  });

  test('issues are kept in the error details', () => {
    writeConfig('http: { port: 70000 }\n');
    const issues = loadError().details.issues as Array<{ path: unknown[] }>;
    expect(issues.map((i) => i.path)).toEqual([['http', 'port']]);
  });

  test('invalid YAML gives a clear message with the position', () => {
    const message = invalid('http: [\n  port: 1\n');
    expect(message).toContain('is not valid YAML');
    expect(message).toMatch(/line \d+/);
  });

  test('a top-level list is not a mapping', () => {
    expect(invalid('- a\n- b\n')).toContain('must hold a YAML mapping');
  });
});

describe('slackMode', () => {
  test.each([
    [{ appToken: 'xapp-1', signingSecret: 's' }, 'socket'],
    [{ signingSecret: 's' }, 'http'],
    [{ botToken: 'xox' + 'b-1' }, 'sandbox'],
    [{}, 'sandbox'],
    [{ mode: 'http' as const, appToken: 'xapp-1' }, 'http'],
    [{ mode: 'sandbox' as const, appToken: 'xapp-1', signingSecret: 's' }, 'sandbox'],
    [{ mode: 'socket' as const }, 'socket'],
  ])('%j → %s', (slack, expected) => {
    expect(slackMode(configOf({ slack }))).toBe(expected);
  });
});

describe('isModuleEnabled', () => {
  test('off by default', () => {
    const config = configOf({});
    for (const name of ['alertmanager', 'prometheus', 'github', 'llm', 'executor'] as const) {
      expect(isModuleEnabled(config, name)).toBe(false);
    }
  });

  test('on when its endpoint or key is configured', () => {
    const config = configOf({
      modules: {
        alertmanager: { url: 'http://am:9093' },
        prometheus: { url: 'http://prom:9090' },
        github: { token: 'ghp_x' },
        llm: { anthropicApiKey: 'sk-ant-x' },
      },
    });
    expect(isModuleEnabled(config, 'alertmanager')).toBe(true);
    expect(isModuleEnabled(config, 'prometheus')).toBe(true);
    expect(isModuleEnabled(config, 'github')).toBe(true);
    expect(isModuleEnabled(config, 'llm')).toBe(true);
  });

  test('an explicit switch wins over a configured endpoint', () => {
    const config = configOf({
      modules: { prometheus: { enabled: false, url: 'http://prom:9090' }, executor: { enabled: true } },
      environments: { staging: { approvers: ['U1AB'] }, production: { approvers: ['U1AB', 'U2CD'] } },
    });
    expect(isModuleEnabled(config, 'prometheus')).toBe(false);
    expect(isModuleEnabled(config, 'executor')).toBe(true);
  });
});

describe('environmentOf', () => {
  const config = configOf({
    environment: 'staging',
    slack: { channelEnvironments: { C0PRODALERT: 'production', '#alerts-dev': 'development' } },
  });

  test.each([
    [{ env: 'prod' }, 'production'],
    [{ env: 'PRD' }, 'production'],
    [{ environment: 'live' }, 'production'],
    [{ env: 'stg' }, 'staging'],
    [{ env: 'stage' }, 'staging'],
    [{ env: 'dev' }, 'development'],
    [{ environment: 'test' }, 'development'],
    [{ env: 'production' }, 'production'],
  ])('label %j → %s', (labels, expected) => {
    expect(environmentOf(config, labels)).toBe(expected);
  });

  test('the env label wins over the channel mapping', () => {
    expect(environmentOf(config, { env: 'dev' }, { id: 'C0PRODALERT' })).toBe('development');
  });

  test('the first configured label name wins', () => {
    expect(environmentOf(config, { env: 'prod', environment: 'dev' })).toBe('production');
  });

  test('an unknown label value falls through to the channel mapping by ID', () => {
    expect(environmentOf(config, { env: 'qa' }, { id: 'C0PRODALERT', name: 'whatever' })).toBe('production');
  });

  test('the channel mapping is found by #name', () => {
    expect(environmentOf(config, {}, { id: 'C0OTHER', name: 'alerts-dev' })).toBe('development');
  });

  test('with no label and no mapping the configured default is used', () => {
    expect(environmentOf(config, {}, { id: 'C0UNMAPPED', name: 'random' })).toBe('staging');
    expect(environmentOf(config, { severity: 'critical' })).toBe('staging');
  });

  test('custom environmentLabels are honoured', () => {
    const custom = configOf({ environmentLabels: ['stage_name'] });
    expect(environmentOf(custom, { stage_name: 'prod', env: 'dev' })).toBe('production');
  });
});

describe('approvalBlocker', () => {
  test('command execution off blocks every environment', () => {
    const config = configOf({});
    expect(approvalBlocker(config, 'development')).toBe(
      'command execution is off (modules.executor.enabled: false)',
    );
    expect(approvalBlocker(config, 'production')).toContain('modules.executor.enabled: false');
  });

  test('too few approvers blocks that environment and says how many are missing', () => {
    const config = configOf({
      modules: { executor: { enabled: true } },
      environments: {
        staging: { approvers: ['U1AB'] },
        production: { approvers: ['U1AB', 'U2CD'], requiredApprovals: 2 },
      },
    });
    expect(approvalBlocker(config, 'development')).toBe(
      'environments.development.approvers names 0 of the 1 approvers required',
    );
    expect(approvalBlocker(config, 'staging')).toBeNull();
    expect(approvalBlocker(config, 'production')).toBeNull();
  });
});
