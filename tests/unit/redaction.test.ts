import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { errorMessage } from '../../src/errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { neutralizeControl, redact, redactText } from '../../src/observability/redact.js';
import { tempDir } from '../support/temp.js';

const R = '[REDACTED]';

/** [name, secret as it appears in text, the part that must disappear] */
const SECRETS: Array<[string, string, string]> = [
  ['Slack bot token', 'xox' + 'b-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xox' + 'b-1234567890'],
  [
    'Slack user token',
    'xox' + 'p-1234567890-1234567890-1234567890123-abcdef0123456789',
    'xox' + 'p-1234567890',
  ],
  [
    'Slack app token',
    'xapp' + '-1-A0123456789-1234567890123-abcdef0123456789abcdef',
    'xapp' + '-1-A0123456789',
  ],
  [
    'Slack incoming webhook URL',
    'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    'T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
  ],
  [
    'Anthropic key',
    'sk-' + 'ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
    'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
  ],
  [
    'GitHub token',
    'gh' + 'p_abcdefghijklmnopqrstuvwxyz0123456789',
    'gh' + 'p_abcdefghijklmnopqrstuvwxyz0123456789',
  ],
  ['AWS access key', 'AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
  [
    'JWT',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  ],
  ['password=…', 'password=hunter2secret', 'hunter2secret'],
  ['"api_key": "…"', '"api_key": "abc123secretvalue"', 'abc123secretvalue'],
  ['Authorization: Bearer …', 'Authorization: Bearer abc.def.ghi-secret-token', 'abc.def.ghi-secret-token'],
  ['Authorization: Basic …', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
  ['postgres URL credentials', 'postgres://admin:s3cr3tP4ss@db.internal:5432/app', 's3cr3tP4ss'],
  ['redis URL password', 'redis://:r3disPass@cache:6379/0', 'r3disPass'],
  ['client_secret=…', 'client_secret=0a1b2c3d4e5f', '0a1b2c3d4e5f'],
];

const PEM = [
  '-----BEGIN RSA ' + 'PRIVATE KEY-----',
  'MIIEowIBAAKCAQEA7bqExampleKeyMaterialLine1',
  'bm90IGEgcmVhbCBrZXkgYnV0IGxvbmcgZW5vdWdo',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

describe('redactText', () => {
  test.each(SECRETS)('removes a %s and keeps the surrounding text', (_name, secret, core) => {
    const result = redactText(`before ${secret} after`);
    expect(result).not.toContain(core);
    expect(result).toContain(R);
    expect(result.startsWith('before ')).toBe(true);
    expect(result.endsWith(' after')).toBe(true);
  });

  test('removes a whole PEM private key block', () => {
    const result = redactText(`key:\n${PEM}\ndone`);
    expect(result).toBe(`key:\n${R}\ndone`);
  });

  test('removes a PEM block cut off before its END line', () => {
    const result = redactText('-----BEGIN OPENSSH ' + 'PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA');
    expect(result).toBe(R);
  });

  test('keeps the key name and the URL user, drops only the secret', () => {
    expect(redactText('password=hunter2secret')).toBe(`password=${R}`);
    expect(redactText('postgres://admin:s3cr3tP4ss@db.internal:5432/app')).toBe(
      `postgres://admin:${R}@db.internal:5432/app`,
    );
    expect(redactText('{"api_key": "abc123secretvalue"}')).toBe(`{"api_key": "${R}"}`);
  });

  test('redacts every occurrence, not only the first', () => {
    const result = redactText('a xox' + 'b-1111111111-aaaaaaaaaa b xox' + 'b-2222222222-bbbbbbbbbb c');
    expect(result).toBe(`a ${R} b ${R} c`);
  });

  test.each([
    ['HighCPUUsage on web-1:9100 is 93.2% (threshold 90)'],
    ['The token count=5 and the tokenizer are fine'],
    ['see https://grafana.example.com/d/abc?orgId=1&from=now-1h'],
    ['mysql://root@localhost/db has no password'],
    ['障害: DBサーバー db-01 応答なし 🔥'],
    [''],
  ])('leaves ordinary text unchanged: %j', (text) => {
    expect(redactText(text)).toBe(text);
  });
});

describe('redact', () => {
  test('masks secret-named keys at any depth and scrubs every string', () => {
    const input = {
      alertname: 'HighCPUUsage',
      password: 'hunter2',
      nested: {
        apiKey: 'plain-looking',
        api_key: 12345,
        Authorization: 'Bearer abc',
        signing_secret: 's',
        deeper: [{ token: 'tok' }, 'xox' + 'b-1234567890-abcdefghij', { note: 'db postgres://u:pw123@h/db' }],
      },
      count: 3,
      ok: true,
      nothing: null,
    };
    expect(redact(input)).toEqual({
      alertname: 'HighCPUUsage',
      password: R,
      nested: {
        apiKey: R,
        api_key: R,
        Authorization: R,
        signing_secret: R,
        deeper: [{ token: R }, R, { note: `db postgres://u:${R}@h/db` }],
      },
      count: 3,
      ok: true,
      nothing: null,
    });
  });

  test('does not change its input', () => {
    const input = { password: 'hunter2', list: ['xox' + 'b-1234567890-abcdefghij'] };
    redact(input);
    expect(input).toEqual({ password: 'hunter2', list: ['xox' + 'b-1234567890-abcdefghij'] });
  });

  test('null and undefined secret-named values stay as they are', () => {
    expect(redact({ token: null, password: undefined })).toEqual({ token: null, password: undefined });
  });

  test('handles cycles', () => {
    const input: Record<string, unknown> = { name: 'loop', secret: 'x' };
    input.self = input;
    input.list = [input];
    expect(redact(input)).toEqual({ name: 'loop', secret: R, self: '[Circular]', list: ['[Circular]'] });
  });

  test('turns Error objects into plain records with redacted message and stack', () => {
    const error = new TypeError('call failed with xox' + 'b-1234567890-abcdefghij');
    const result = redact({ error }) as { error: { name: string; message: string; stack: string } };
    expect(result.error.name).toBe('TypeError');
    expect(result.error.message).toBe(`call failed with ${R}`);
    expect(result.error.stack).toContain(`TypeError: call failed with ${R}`);
    expect(JSON.stringify(result)).not.toContain('xoxb-');
  });

  test('primitives pass through; strings are scrubbed', () => {
    expect(redact(42)).toBe(42);
    expect(redact(undefined)).toBeUndefined();
    expect(redact('password=abc')).toBe(`password=${R}`);
  });
});

describe('errors from another realm (native addons under a VM context)', () => {
  const foreign = runInNewContext('new Error("database is locked password=hunter2")') as Error;

  it("is not instanceof this realm's Error, yet its message is read", () => {
    expect(foreign instanceof Error).toBe(false);
    expect(errorMessage(foreign)).toBe('database is locked password=hunter2');
  });

  it('is redacted like a local error, message kept and scrubbed', () => {
    expect(redact({ error: foreign })).toEqual({
      error: expect.objectContaining({ name: 'Error', message: `database is locked password=${R}` }),
    });
  });
});

describe('neutralizeControl', () => {
  test('removes ANSI colour and cursor escapes', () => {
    expect(neutralizeControl('\u001b[31mred\u001b[0m \u001b[2Kcleared \u001b[?25lhidden')).toBe(
      'red cleared hidden',
    );
  });

  test('escapes carriage returns, bells, NUL, DEL and bare ESC', () => {
    expect(neutralizeControl('a\rb')).toBe('a\\u000db');
    expect(neutralizeControl('bell\u0007')).toBe('bell\\u0007');
    expect(neutralizeControl('nul\u0000')).toBe('nul\\u0000');
    expect(neutralizeControl('del\u007f')).toBe('del\\u007f');
    expect(neutralizeControl('c1 next-line\u0085csi\u009b')).toBe('c1 next-line\\u0085csi\\u009b');
    expect(neutralizeControl('line\u2028para\u2029')).toBe('line\\u2028para\\u2029');
    expect(neutralizeControl('日本語 é ü')).toBe('日本語 é ü');
    expect(neutralizeControl('esc\u001bx')).toBe('esc\\u001bx');
  });

  test('leaves printable text, including non-ASCII, unchanged', () => {
    expect(neutralizeControl('HighCPUUsage 93% 障害 🔥')).toBe('HighCPUUsage 93% 障害 🔥');
  });
});

describe('logger', () => {
  let dir: ReturnType<typeof tempDir>;

  beforeEach(() => {
    dir = tempDir('aals-logs-');
  });

  afterEach(() => {
    dir.cleanup();
  });

  const localDate = (date: Date) =>
    `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

  async function writeAndRead(write: (logger: ReturnType<typeof createLogger>) => void, lines: number) {
    const before = localDate(new Date());
    const logger = createLogger({
      level: 'info',
      dir: dir.path,
      maxSize: '20m',
      maxFiles: '14d',
      console: false,
    });
    write(logger);
    const finished = new Promise<void>((resolve) => logger.on('finish', () => resolve()));
    logger.end();
    await finished;
    const deadline = Date.now() + 5000;
    for (;;) {
      const files = readdirSync(dir.path).filter((f) => /^aals-\d{4}-\d{2}-\d{2}\.log$/.test(f));
      const file = files[0];
      const content =
        file && existsSync(join(dir.path, file)) ? readFileSync(join(dir.path, file), 'utf8') : '';
      const written = content.split('\n').filter(Boolean);
      if (written.length >= lines) {
        expect(files).toHaveLength(1);
        expect([`aals-${before}.log`, `aals-${localDate(new Date())}.log`]).toContain(file);
        return { content, written };
      }
      if (Date.now() > deadline)
        throw new Error(`log file has ${written.length} of ${lines} lines: ${files.join(',')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  test('writes JSON lines to aals-YYYY-MM-DD.log with every secret redacted', async () => {
    const { content, written } = await writeAndRead((logger) => {
      logger.info(
        'posting with xox' +
          'b-1234567890-abcdefghijkl to https://hooks.slack.com/services/T0AAA/B0BBB/ZZZZZZZZ',
        {
          botToken: 'xox' + 'b-999999999-zzzzzzzzzz',
          request: {
            url: 'postgres://app:pw-Secret-123@db/app',
            headers: { authorization: 'Bearer eyJraWQ' },
          },
          note: 'key gh' + 'p_abcdefghijklmnopqrstuvwxyz0123456789',
        },
      );
      logger.error('failed', { error: new Error('AKIAIOSFODNN7EXAMPLE rejected') });
    }, 2);
    for (const secret of [
      'xox' + 'b-1234567890',
      'xox' + 'b-999999999',
      'T0AAA/B0BBB',
      'pw-Secret-123',
      'eyJraWQ',
      'ghp_abcdefghij',
      'AKIAIOSFODNN7EXAMPLE',
    ]) {
      expect(content).not.toContain(secret);
    }
    expect(written).toHaveLength(2);
    const first = JSON.parse(written[0] as string);
    expect(first).toMatchObject({
      level: 'info',
      message: `posting with ${R} to ${R}`,
      botToken: R,
      request: { url: `postgres://app:${R}@db/app`, headers: { authorization: R } },
      note: `key ${R}`,
    });
    expect(typeof first.timestamp).toBe('string');
    const second = JSON.parse(written[1] as string);
    expect(second.level).toBe('error');
    expect(second.error.message).toBe(`${R} rejected`);
  });

  test('a message with newlines and ANSI codes is written on one line without the escapes', async () => {
    const { written } = await writeAndRead((logger) => {
      logger.warn('line one\nline two \u001b[31mred\u001b[0m\r\nfake: {"level":"error"}');
    }, 1);
    expect(written).toHaveLength(1);
    const record = JSON.parse(written[0] as string);
    expect(record.level).toBe('warn');
    expect(record.message).not.toContain('\u001b');
    expect(record.message).toContain('red');
    expect(record.message.startsWith('line one')).toBe(true);
  });

  test('messages below the level are not written', async () => {
    const { written } = await writeAndRead((logger) => {
      logger.debug('not written');
      logger.info('written');
    }, 1);
    expect(written.map((line) => JSON.parse(line).message)).toEqual(['written']);
  });
});

describe('redaction of values that would leak partly', () => {
  test('quoted values with spaces disappear whole', () => {
    expect(redactText('PASSWORD: "Sup3r Secret"')).toBe(`PASSWORD: "${R}"`);
    expect(redactText('{"password":"p4ss word","user":"bob"}')).toBe(`{"password":"${R}","user":"bob"}`);
  });

  test('cookies in text are redacted', () => {
    expect(redactText('Cookie: session=abc123def')).not.toContain('abc123def');
  });

  test('newlines are escaped so a value cannot start a forged log line', () => {
    expect(neutralizeControl('line1\n{"level":"error"}')).toBe('line1\\u000a{"level":"error"}');
    expect(neutralizeControl('tab\tkept')).toBe('tab\tkept');
  });
});
