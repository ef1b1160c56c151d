import { promptRedactor } from '../../src/llm/redaction.js';
import { isSecretName, redact, redactText } from '../../src/observability/redact.js';

/**
 * Secrets as command output carries them (issue "Command safety by construction", item 3): private keys,
 * Kubernetes Secrets and kubeconfigs, KEY=VALUE environments, known token formats and password hashes.
 * Literal tokens are split ('xox' + 'b-…') so that no scanner mistakes this file for a leak.
 */
const R = '[REDACTED]';
const text = (...lines: string[]) => lines.join('\n');

/** [label, input, expected output] */
type Case = [string, string, string];

describe('private keys', () => {
  const KEY = 'PRIVATE' + ' KEY';
  const BODY = [
    'MIIEowIBAAKCAQEA7bqExampleKeyMaterialLine1AbCdEfGhIjKlMnOpQrStUvWx',
    'bm90IGEgcmVhbCBrZXkgYnV0IGxvbmcgZW5vdWdoIHRvIGxvb2sgbGlrZSBvbmUK',
    'kQ==',
  ];
  const pem = (label: string, body = BODY) => [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`];
  const FLAVOURS: Array<[string, string[]]> = [
    ['RSA', pem(`RSA ${KEY}`)],
    ['EC', pem(`EC ${KEY}`)],
    ['DSA', pem(`DSA ${KEY}`)],
    ['PKCS#8', pem(KEY)],
    ['encrypted PKCS#8', pem(`ENCRYPTED ${KEY}`)],
    [
      'OpenSSH',
      pem(`OPENSSH ${KEY}`, [
        'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz',
        'c2gtZWQyNTUxOQ==',
      ]),
    ],
    [
      'legacy encrypted RSA with headers',
      pem(`RSA ${KEY}`, [
        'Proc-Type: 4,ENCRYPTED',
        'DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF',
        '',
        ...BODY,
      ]),
    ],
    [
      'PGP',
      pem(`PGP ${KEY} BLOCK`, [
        'Version: GnuPG v2',
        '',
        'lQOYBF0Ex4sBCADExampleExampleExampleExampleExampleExampleExampleEx',
        '=AbCd',
      ]),
    ],
    [
      'SSH2 (ssh.com)',
      [
        `---- BEGIN SSH2 ENCRYPTED ${KEY} ----`,
        'Comment: "rsa-key-20240101"',
        'P2/56wAAA+oAAAA3aWYtbW9kbntzaWdue3JzYS1wa2NzMS1zaGExfSxlbmNyeXB0e3JzYS1w',
        `---- END SSH2 ENCRYPTED ${KEY} ----`,
      ],
    ],
  ];

  test.each(FLAVOURS)('a whole %s key block goes, the text around it stays', (_name, block) => {
    expect(redactText(text('$ cat key', ...block, 'done'))).toBe(text('$ cat key', R, 'done'));
  });

  test.each(FLAVOURS)(
    'a %s block cut off before its END line (truncated output) goes to the end',
    (_name, block) => {
      expect(redactText(text('$ cat key', ...block.slice(0, -1)))).toBe(text('$ cat key', R));
      const cut = block.join('\n').slice(0, (block[0] as string).length + 30);
      expect(redactText(text('$ head -c 300 key', cut))).toBe(text('$ head -c 300 key', R));
    },
  );

  test.each(FLAVOURS)('the tail of a %s block whose BEGIN line was cut off goes', (_name, block) => {
    const result = redactText(text('$ tail -2 key', ...block.slice(-2), 'done'));
    expect(result).toBe(text('$ tail -2 key', R, 'done'));
  });

  test('a tail of several lines goes whole, up to the first line that is not base64', () => {
    const input = text(
      '$ tail -4 id_rsa',
      'not base64: a line of prose',
      ...pem(`RSA ${KEY}`).slice(-4),
      'done',
    );
    expect(redactText(input)).toBe(text('$ tail -4 id_rsa', 'not base64: a line of prose', R, 'done'));
  });

  test('two keys in one output both go, with what is between them kept', () => {
    const input = text(...pem(`RSA ${KEY}`), 'between', ...pem(`EC ${KEY}`));
    expect(redactText(input)).toBe(text(R, 'between', R));
  });

  test('a key indented under a YAML block scalar, with the indentation kept', () => {
    const input = text(
      '  deploy.pem: |',
      ...pem(KEY).map((line) => `    ${line}`),
      '  deploy.pub: ssh-ed25519 AAAA',
    );
    expect(redactText(input)).toBe(text('  deploy.pem: |', `    ${R}`, '  deploy.pub: ssh-ed25519 AAAA'));
    // under a secret-like name the whole value goes, the block scalar's lines included
    expect(redactText(input.replace('deploy.pem', 'tls.key'))).toBe(
      text(`  tls.key: ${R}`, '  deploy.pub: ssh-ed25519 AAAA'),
    );
  });

  test('a JSON-escaped key in a service-account file, and its tail alone', () => {
    const escaped = pem(KEY).join('\\n');
    expect(
      redactText(`{"type": "service_account", "private_key": "${escaped}\\n", "client_email": "a@b.iam"}`),
    ).toBe(`{"type": "service_account", "private_key": "${R}", "client_email": "a@b.iam"}`);
    const tail = escaped.slice(escaped.indexOf('bm90'));
    expect(redactText(`…truncated…${tail}\\n", "client_email": "a@b.iam"}`)).toBe(
      `…truncated…${R}\\n", "client_email": "a@b.iam"}`,
    );
  });

  test('a key base64-encoded again (kubeconfig client-key-data, a tls.key value) goes wherever it is', () => {
    const encoded = Buffer.from(pem(`RSA ${KEY}`).join('\n')).toString('base64');
    expect(encoded.startsWith('LS0tLS1CRUdJTi')).toBe(true);
    expect(redactText(`    some-field: ${encoded}`)).toBe(`    some-field: ${R}`);
  });

  test('PuTTY .ppk: the private lines go, the public lines and the MAC stay', () => {
    const ppk = (privateLines: string[], count = privateLines.length) =>
      text(
        'PuTTY-User-Key-File-3: ssh-ed25519',
        'Encryption: none',
        'Comment: eddsa-key-20240101',
        'Public-Lines: 2',
        'AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExampleEx',
        'AAAA',
        `Private-Lines: ${count}`,
        ...privateLines,
        'Private-MAC: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      );
    expect(redactText(ppk(['AAAAIHNlY3JldCBwcml2YXRlIGJ5dGVzIG5vdCByZWFsIGF0IGFsbA==', 'AAAA']))).toBe(
      ppk([R], 2),
    );
  });

  test.each([
    [
      'a certificate',
      text(
        '-----BEGIN CERTIFICATE-----',
        'MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ',
        '-----END CERTIFICATE-----',
      ),
    ],
    [
      'a public key',
      text(
        '-----BEGIN PUBLIC KEY-----',
        'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA7bqExample',
        '-----END PUBLIC KEY-----',
      ),
    ],
    [
      'an authorized_keys line',
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExample deploy@bastion',
    ],
    ['a kubeconfig certificate', '    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM='],
    ['a host key fingerprint', '256 SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s root@db-01 (ED25519)'],
  ])('%s stays', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('Kubernetes Secrets and client credentials', () => {
  const CASES: Case[] = [
    [
      'kubectl get secret -o yaml, with the last-applied annotation',
      text(
        'apiVersion: v1',
        'data:',
        '  password: aHVudGVyMg==',
        '  username: YWRtaW4=',
        'kind: Secret',
        'metadata:',
        '  annotations:',
        '    kubectl.kubernetes.io/last-applied-configuration: |',
        '      {"apiVersion":"v1","data":{"password":"aHVudGVyMg==","username":"YWRtaW4="},"kind":"Secret","metadata":{"annotations":{},"name":"db","namespace":"app"},"type":"Opaque"}',
        '  creationTimestamp: "2024-05-01T10:00:00Z"',
        '  name: db',
        '  namespace: app',
        'type: Opaque',
      ),
      text(
        'apiVersion: v1',
        'data:',
        `  password: ${R}`,
        `  username: ${R}`,
        'kind: Secret',
        'metadata:',
        '  annotations:',
        '    kubectl.kubernetes.io/last-applied-configuration: |',
        `      {"apiVersion":"v1","data":{${R}},"kind":"Secret","metadata":{"annotations":{},"name":"db","namespace":"app"},"type":"Opaque"}`,
        '  creationTimestamp: "2024-05-01T10:00:00Z"',
        '  name: db',
        '  namespace: app',
        'type: Opaque',
      ),
    ],
    [
      'kubectl get secret -o json',
      text(
        '{',
        '    "apiVersion": "v1",',
        '    "data": {',
        '        ".dockerconfigjson": "eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6e319fQ==",',
        '        "tls.crt": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"',
        '    },',
        '    "kind": "Secret",',
        '    "metadata": {',
        '        "annotations": {',
        '            "kubectl.kubernetes.io/last-applied-configuration": "{\\"apiVersion\\":\\"v1\\",\\"data\\":{\\"tls.crt\\":\\"LS0t\\"},\\"kind\\":\\"Secret\\"}\\n"',
        '        },',
        '        "name": "regcred"',
        '    },',
        '    "type": "kubernetes.io/dockerconfigjson"',
        '}',
      ),
      text(
        '{',
        '    "apiVersion": "v1",',
        '    "data": {',
        `        ".dockerconfigjson": "${R}",`,
        `        "tls.crt": "${R}"`,
        '    },',
        '    "kind": "Secret",',
        '    "metadata": {',
        '        "annotations": {',
        `            "kubectl.kubernetes.io/last-applied-configuration": "{\\"apiVersion\\":\\"v1\\",\\"data\\":{${R}},\\"kind\\":\\"Secret\\"}\\n"`,
        '        },',
        '        "name": "regcred"',
        '    },',
        '    "type": "kubernetes.io/dockerconfigjson"',
        '}',
      ),
    ],
    [
      'a List of a ConfigMap and Secrets (-o yaml): only the Secrets lose their values, stringData included',
      text(
        'apiVersion: v1',
        'items:',
        '- apiVersion: v1',
        '  data:',
        '    app.properties: |',
        '      log.level=info',
        '      pool.size=10',
        '    checksum: YWJjZGVmZ2hpamtsbW5vcA==',
        '  kind: ConfigMap',
        '  metadata:',
        '    name: app-config',
        '- apiVersion: v1',
        '  data:',
        '    tls.key: bm90LWEtcmVhbC1rZXk=',
        '  kind: Secret',
        '  metadata:',
        '    name: web-tls',
        '  type: kubernetes.io/tls',
        '- apiVersion: v1',
        '  kind: Secret',
        '  stringData:',
        '    config.yaml: |',
        '      user: app',
        '      pass: s3cr3t',
        '    region: eu-west-1',
        '  type: Opaque',
        'kind: List',
        'metadata:',
        '  resourceVersion: ""',
      ),
      text(
        'apiVersion: v1',
        'items:',
        '- apiVersion: v1',
        '  data:',
        '    app.properties: |',
        '      log.level=info',
        '      pool.size=10',
        '    checksum: YWJjZGVmZ2hpamtsbW5vcA==',
        '  kind: ConfigMap',
        '  metadata:',
        '    name: app-config',
        '- apiVersion: v1',
        '  data:',
        `    tls.key: ${R}`,
        '  kind: Secret',
        '  metadata:',
        '    name: web-tls',
        '  type: kubernetes.io/tls',
        '- apiVersion: v1',
        '  kind: Secret',
        '  stringData:',
        `    config.yaml: ${R}`,
        `    region: ${R}`,
        '  type: Opaque',
        'kind: List',
        'metadata:',
        '  resourceVersion: ""',
      ),
    ],
    [
      'a List (-o json) of a Secret then a ConfigMap',
      text(
        '{',
        '    "apiVersion": "v1",',
        '    "items": [',
        '        {',
        '            "apiVersion": "v1",',
        '            "data": {',
        '                "token": "ZXlKaGJHY2lPaUpTVXpJMU5pSjk="',
        '            },',
        '            "kind": "Secret",',
        '            "type": "kubernetes.io/service-account-token"',
        '        },',
        '        {',
        '            "apiVersion": "v1",',
        '            "data": {',
        '                "ca.crt": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",',
        '                "mode": "cGFzc2l2ZQ=="',
        '            },',
        '            "kind": "ConfigMap"',
        '        }',
        '    ],',
        '    "kind": "List"',
        '}',
      ),
      text(
        '{',
        '    "apiVersion": "v1",',
        '    "items": [',
        '        {',
        '            "apiVersion": "v1",',
        '            "data": {',
        `                "token": "${R}"`,
        '            },',
        '            "kind": "Secret",',
        '            "type": "kubernetes.io/service-account-token"',
        '        },',
        '        {',
        '            "apiVersion": "v1",',
        '            "data": {',
        '                "ca.crt": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",',
        '                "mode": "cGFzc2l2ZQ=="',
        '            },',
        '            "kind": "ConfigMap"',
        '        }',
        '    ],',
        '    "kind": "List"',
        '}',
      ),
    ],
    [
      'helm get manifest: a Secret document, then a ConfigMap document',
      text(
        '---',
        '# Source: app/templates/secret.yaml',
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: app',
        'data:',
        '  api-key: c2VjcmV0LWFwaS1rZXk=',
        '---',
        '# Source: app/templates/configmap.yaml',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: app',
        'data:',
        '  greeting: aGVsbG8=',
      ),
      text(
        '---',
        '# Source: app/templates/secret.yaml',
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: app',
        'data:',
        `  api-key: ${R}`,
        '---',
        '# Source: app/templates/configmap.yaml',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: app',
        'data:',
        '  greeting: aGVsbG8=',
      ),
    ],
    [
      'kubectl get secrets -o json | jq -c .items[]',
      '{"apiVersion":"v1","data":{"a":"YQ==","b":"Yg=="},"kind":"Secret","metadata":{"name":"x"}}',
      `{"apiVersion":"v1","data":{${R}},"kind":"Secret","metadata":{"name":"x"}}`,
    ],
    [
      'a kubeconfig: tokens, client key, auth-provider tokens and password go; certificates and names stay',
      text(
        'users:',
        '- name: admin',
        '  user:',
        '    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
        '    client-key-data: bm90LWEtcmVhbC1jbGllbnQta2V5',
        '- name: sa',
        '  user:',
        '    token: eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9',
        '- name: oidc',
        '  user:',
        '    auth-provider:',
        '      config:',
        '        client-id: kubernetes',
        '        client-secret: 1db158f6-177d-4d9c-8a8b-d36869918ec5',
        '        id-token: eyJraWQiOiJDTj1vaWRjaWRwLnRyZW1vbG8ubGFuLCBPVT1EZW1vLCBPPVRybW9sbyBJbmMu',
        '        refresh-token: q1bKLFOyUiosTfawzA93TzZIDzH2TNa2SMm0zEiPKTUwME6BkEo6Sql5yUWVBSWpKUGphaWpxSVAfekBOZbBhaEW+VlFUeVRGcluyVF5JT4+haZmPsluFoFu5XkpXk5BXq',
        '      name: oidc',
        '- name: basic',
        '  user:',
        '    password: s3cr3t-Passw0rd',
        '    username: admin',
      ),
      text(
        'users:',
        '- name: admin',
        '  user:',
        '    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
        `    client-key-data: ${R}`,
        '- name: sa',
        '  user:',
        `    token: ${R}`,
        '- name: oidc',
        '  user:',
        '    auth-provider:',
        '      config:',
        '        client-id: kubernetes',
        `        client-secret: ${R}`,
        `        id-token: ${R}`,
        `        refresh-token: ${R}`,
        '      name: oidc',
        '- name: basic',
        '  user:',
        `    password: ${R}`,
        '    username: admin',
      ),
    ],
    [
      'docker config.json: the registry stays, its auth and tokens go',
      text(
        '{',
        '  "auths": {',
        '    "registry.example.com": {',
        '      "auth": "dXNlcjpodW50ZXIy"',
        '    }',
        '  },',
        '  "credHelpers": { "123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login" },',
        '  "identitytoken": "0a1b2c3d-refresh"',
        '}',
        '{"auths":{"ghcr.io":{"auth":"Z2g6dG9rZW4="}}}',
      ),
      text(
        '{',
        '  "auths": {',
        '    "registry.example.com": {',
        `      "auth": "${R}"`,
        '    }',
        '  },',
        '  "credHelpers": { "123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login" },',
        `  "identitytoken": "${R}"`,
        '}',
        `{"auths":{"ghcr.io":{"auth":"${R}"}}}`,
      ),
    ],
    [
      'a pod spec: plain env values of secret names go, secretKeyRef and secretName stay',
      text(
        '    env:',
        '    - name: DB_PASSWORD',
        '      value: hunter2',
        '    - name: LOG_LEVEL',
        '      value: info',
        '    - name: API_TOKEN',
        '      valueFrom:',
        '        secretKeyRef:',
        '          key: token',
        '          name: api',
        '  volumes:',
        '  - name: certs',
        '    secret:',
        '      defaultMode: 420',
        '      secretName: web-tls',
      ),
      text(
        '    env:',
        '    - name: DB_PASSWORD',
        `      value: ${R}`,
        '    - name: LOG_LEVEL',
        '      value: info',
        '    - name: API_TOKEN',
        '      valueFrom:',
        '        secretKeyRef:',
        '          key: token',
        '          name: api',
        '  volumes:',
        '  - name: certs',
        '    secret:',
        '      defaultMode: 420',
        '      secretName: web-tls',
      ),
    ],
    [
      'env as JSON (kubectl -o json, ECS task definitions)',
      text(
        '"env": [',
        '    {',
        '        "name": "STRIPE_API_KEY",',
        '        "value": "not-a-real-stripe-key"',
        '    },',
        '    {"name": "REGION", "value": "eu-west-1"},',
        '    {"name":"SESSION_SECRET","value":"keyboard cat"}',
        ']',
      ),
      text(
        '"env": [',
        '    {',
        '        "name": "STRIPE_API_KEY",',
        `        "value": "${R}"`,
        '    },',
        '    {"name": "REGION", "value": "eu-west-1"},',
        `    {"name":"SESSION_SECRET","value":"${R}"}`,
        ']',
      ),
    ],
  ];

  test.each(CASES)('%s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  test.each([
    [
      'kubectl get configmap -o yaml (base64-looking data, no secret names)',
      text(
        'apiVersion: v1',
        'data:',
        '  ca-bundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
        '  feature-flags: ZmxhZ3M9b24=',
        '  nginx.conf: |',
        '    worker_processes 4;',
        '    events { worker_connections 1024; }',
        '  replicas: "3"',
        'kind: ConfigMap',
        'metadata:',
        '  name: web',
        '  namespace: app',
      ),
    ],
    [
      'kubectl get secrets (the table)',
      text(
        'NAME                  TYPE                                  DATA   AGE',
        'db                    Opaque                                2      41d',
        'default-token-x7k2p   kubernetes.io/service-account-token   3      300d',
        'web-tls               kubernetes.io/tls                     2      12d',
      ),
    ],
    [
      'kubectl describe secret (sizes only)',
      text(
        'Name:         db',
        'Namespace:    app',
        'Labels:       <none>',
        'Annotations:  <none>',
        '',
        'Type:  Opaque',
        '',
        'Data',
        '====',
        'password:  8 bytes',
        'username:  5 bytes',
      ),
    ],
  ])('%s stays as it is', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('KEY=VALUE lines with secret-like names', () => {
  const CASES: Case[] = [
    ['env: DB_PASSWORD', 'DB_PASSWORD=hunter2', `DB_PASSWORD=${R}`],
    [
      'env: the whole value, spaces included',
      'SECRET_PHRASE=correct horse battery staple',
      `SECRET_PHRASE=${R}`,
    ],
    ['env: MYSQL_PWD', 'MYSQL_PWD=r00t!', `MYSQL_PWD=${R}`],
    ['env: PGPASSWORD', 'PGPASSWORD=pg-secret', `PGPASSWORD=${R}`],
    ['env: REDIS_PASS', 'REDIS_PASS=redis-secret', `REDIS_PASS=${R}`],
    ['env: PASSWD', 'SMTP_PASSWD=mail-secret', `SMTP_PASSWD=${R}`],
    [
      'env: AWS secret and session',
      'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      `AWS_SECRET_ACCESS_KEY=${R}`,
    ],
    ['env: AWS_SESSION_TOKEN', 'AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEXAMPLE', `AWS_SESSION_TOKEN=${R}`],
    ['env: API_KEY', 'DD_API_KEY=0123456789abcdef0123456789abcdef', `DD_API_KEY=${R}`],
    ['env: APIKEY', 'SENDGRID_APIKEY=abcdef', `SENDGRID_APIKEY=${R}`],
    ['env: ACCESS_KEY', 'MINIO_ACCESS_KEY=minio-access', `MINIO_ACCESS_KEY=${R}`],
    ['env: PRIVATE_KEY', 'JWT_PRIVATE_KEY=base64stuff', `JWT_PRIVATE_KEY=${R}`],
    ['env: SESSION_KEY', 'FLASK_SESSION_KEY=flask-session', `FLASK_SESSION_KEY=${R}`],
    ['env: CREDENTIALS', 'GOOGLE_CREDENTIALS={"type":"service_account"}', `GOOGLE_CREDENTIALS=${R}`],
    ['env: CREDENTIAL', 'DOCKER_CREDENTIAL=abc', `DOCKER_CREDENTIAL=${R}`],
    ['env: AUTH_TOKEN', 'ARGOCD_AUTH_TOKEN=argocd-token', `ARGOCD_AUTH_TOKEN=${R}`],
    ['env: AUTH alone', 'REDIS_AUTH=redis-auth', `REDIS_AUTH=${R}`],
    ['env: SECRET in the middle', 'SECRET_KEY_BASE=rails-secret', `SECRET_KEY_BASE=${R}`],
    ['env: DSN without a scheme', 'MYSQL_DSN=app:hunter2@tcp(db:3306)/app', `MYSQL_DSN=${R}`],
    ['env: SENTRY_DSN', 'SENTRY_DSN=https://abc123@o1.ingest.sentry.io/1', `SENTRY_DSN=${R}`],
    [
      'env: DATABASE_URL keeps all but the password',
      'DATABASE_URL=postgres://app:hunter2@db:5432/app',
      `DATABASE_URL=postgres://app:${R}@db:5432/app`,
    ],
    ['export', 'export GITHUB_TOKEN=not-a-real-token', `export GITHUB_TOKEN=${R}`],
    ['declare -x', 'declare -x VAULT_TOKEN="not-a-real-token"', `declare -x VAULT_TOKEN="${R}"`],
    ['.env with quotes', "STRIPE_SECRET='sk test value'", `STRIPE_SECRET='${R}'`],
    ['.properties', 'spring.datasource.password=hunter2', `spring.datasource.password=${R}`],
    ['ini with spaces', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG', `aws_secret_access_key = ${R}`],
    [
      'docker inspect Env',
      text(
        '            "Env": [',
        '                "DB_PASSWORD=hunter2",',
        '                "PATH=/usr/local/bin"',
        '            ],',
      ),
      text(
        '            "Env": [',
        `                "DB_PASSWORD=${R}",`,
        '                "PATH=/usr/local/bin"',
        '            ],',
      ),
    ],
    ['docker inspect Env, compact', '"Env":["API_TOKEN=abc","TZ=UTC"]', `"Env":["API_TOKEN=${R}","TZ=UTC"]`],
    [
      '/proc/1/environ with NULs',
      'HOSTNAME=web-1\0DB_PASSWORD=hunter2\0HOME=/root\0',
      `HOSTNAME=web-1\0DB_PASSWORD=${R}\0HOME=/root\0`,
    ],
    [
      '/proc/1/environ | tr "\\0" "\\n"',
      text('HOSTNAME=web-1', 'DB_PASSWORD=hunter2', 'HOME=/root'),
      text('HOSTNAME=web-1', `DB_PASSWORD=${R}`, 'HOME=/root'),
    ],
    [
      'ps aux with secrets in flags',
      'app  4242  1.0  2.0 1234 5678 ?  Ssl 10:00 0:01 /usr/bin/app --db-password=hunter2 --api-token=abc123 --port=8080',
      `app  4242  1.0  2.0 1234 5678 ?  Ssl 10:00 0:01 /usr/bin/app --db-password=${R} --api-token=${R} --port=8080`,
    ],
    [
      'a logfmt line',
      'level=info msg="login" user=bob password=hunter2 took=3ms',
      `level=info msg="login" user=bob password=${R} took=3ms`,
    ],
    [
      'a value inside another key=value',
      'cmd="mysql --password=hunter2 -h db"',
      `cmd="mysql --password=${R} -h db"`,
    ],
    [
      'a URL query string',
      'GET /reset?token=abc123&user=bob HTTP/1.1',
      `GET /reset?token=${R}&user=bob HTTP/1.1`,
    ],
    ['YAML camelCase', '  clientSecret: abc123', `  clientSecret: ${R}`],
    [
      'a YAML block scalar under a secret name',
      text('  password: |', '    line one', '    line two', '  user: bob'),
      text(`  password: ${R}`, '  user: bob'),
    ],
  ];

  test.each(CASES)('%s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  test.each([
    ['PWD, the working directory', 'PWD=/home/deploy'],
    ['OLDPWD', 'OLDPWD=/var/log'],
    ['AUTHOR', 'AUTHOR=Jane Doe'],
    ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_NAME=Jane Doe'],
    ['PATH, HOME, LANG', text('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin', 'HOME=/root', 'LANG=C.UTF-8')],
    ['SSH_AUTH_SOCK', 'SSH_AUTH_SOCK=/tmp/ssh-XXXXabcd/agent.1234'],
    ['a file holding a password', 'DB_PASSWORD_FILE=/run/secrets/db_password'],
    ['the name of a secret', 'VAULT_SECRET_NAME=app/db'],
    ['token counts', 'usage: input_tokens=1234 output_tokens=56 max_tokens=4096'],
    ['TOKENIZERS_PARALLELISM', 'TOKENIZERS_PARALLELISM=false'],
    ['Kubernetes service env vars', text('AUTH_SERVICE_HOST=10.96.0.12', 'AUTH_SERVICE_PORT=8080')],
    ['a DATABASE_URL without credentials', 'DATABASE_URL=postgres://db.internal:5432/app'],
    ['LS_COLORS', 'LS_COLORS=rs=0:di=01;34:ln=01;36:mh=00:pi=40;33'],
  ])('%s stays', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('known token formats', () => {
  /** [name, token]: the token must disappear whole, and the words around it stay. */
  const TOKENS: Array<[string, string]> = [
    ['Slack bot token', 'xox' + 'b-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['Slack user token', 'xox' + 'p-1234567890-1234567890-1234567890123-abcdef0123456789'],
    ['Slack refresh token', 'xox' + 'e-1-My00ODI0MDY3ODQ5LTYzODk2Nzk3NDI3MjQ'],
    ['Slack app token', 'xapp' + '-1-A0123456789-1234567890123-abcdef0123456789abcdef'],
    ['Slack workflow webhook', 'https://hooks.slack.com/' + 'workflows/T00000000/A00000000/123456789/AbCdEf'],
    ['GitHub classic PAT', 'gh' + 'p_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['GitHub OAuth token', 'gh' + 'o_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['GitHub user-to-server token', 'gh' + 'u_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['GitHub server-to-server token', 'gh' + 's_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['GitHub refresh token', 'gh' + 'r_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['GitHub fine-grained PAT', 'github' + '_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJ'],
    ['GitLab PAT', 'gl' + 'pat-abcdefghij0123456789'],
    ['AWS access key id', 'AKIA' + 'IOSFODNN7EXAMPLE'],
    ['AWS temporary access key id', 'ASIA' + 'IOSFODNN7EXAMPLE'],
    ['Google API key', 'AI' + 'zaSyA-abcdefghijklmnopqrstuvwxyz01234'],
    ['Google OAuth client secret', 'GOCSPX' + '-abcdefghijklmnopqrstuvwxyz01'],
    ['Google access token', 'ya' + '29.a0AfH6SMBexampleexampleexampleexample'],
    ['Stripe live secret key', 'sk' + '_live_abcdefghijklmnopqrstuvwx'],
    ['Stripe restricted key', 'rk' + '_live_abcdefghijklmnopqrstuvwx'],
    ['Stripe test key', 'sk' + '_test_abcdefghijklmnopqrstuvwx'],
    ['Stripe webhook secret', 'wh' + 'sec_abcdefghijklmnopqrstuvwxyz012345'],
    ['npm token', 'npm' + '_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['Anthropic key', 'sk-' + 'ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['OpenAI project key', 'sk-' + 'proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['Vault service token', 'hv' + 's.CAESIJexampleexampleexampleexampleGh4KHGh2cy5'],
    ['Vault legacy token', 's.' + 'Gh4KHGh2cy5abcdefghij123'],
    ['SendGrid key', 'SG' + '.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'],
    ['Twilio API key SID', 'SK' + '0123456789abcdef0123456789abcdef'],
    ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['a bare Bearer token', 'Bearer 4f9a8c7e6d5b4a3f2e1d'],
    ['a bare Basic credential', `Basic ${Buffer.from('deploy:hunter2').toString('base64')}`],
  ];

  test.each(TOKENS)('%s', (_name, token) => {
    const result = redactText(`before ${token} after`);
    expect(result).toMatch(/^before (?:Bearer |Basic )?\[REDACTED\] after$/);
  });

  const CASES: Case[] = [
    [
      'Authorization headers keep their scheme',
      text('Authorization: Bearer abc.def-123', 'Proxy-Authorization: Basic ZGVwbG95Omh1bnRlcjI='),
      text(`Authorization: Bearer ${R}`, `Proxy-Authorization: Basic ${R}`),
    ],
    [
      'curl -H with a header in quotes',
      `curl -sH "Authorization: Bearer abcdef123456" https://api.example.com/v1`,
      `curl -sH "Authorization: Bearer ${R}" https://api.example.com/v1`,
    ],
    ['every cookie on a Cookie line', 'Cookie: _ga=GA1.2.3; session=abc123; theme=dark', `Cookie: ${R}`],
    [
      'an Azure storage connection string',
      'DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net',
      `DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey=${R};EndpointSuffix=core.windows.net`,
    ],
    [
      'an Azure Service Bus connection string',
      'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=abc123def456=',
      `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${R}`,
    ],
    [
      'an Azure SAS and an S3 presigned URL: the signatures go',
      'https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=AbC%2Fdef%3D https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIDEXAMPLE%2F20240101&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027',
      `https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=${R} https://b.s3.amazonaws.com/k?X-Amz-Credential=${R}&X-Amz-Signature=${R}`,
    ],
    [
      'aws configure list / credentials file',
      text(
        '[default]',
        'aws_access_key_id = ' + 'AKIA' + 'IOSFODNN7EXAMPLE',
        'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      ),
      text('[default]', `aws_access_key_id = ${R}`, `aws_secret_access_key = ${R}`),
    ],
    [
      'aws sts assume-role',
      '{"Credentials": {"AccessKeyId": "' +
        'ASIA' +
        'IOSFODNN7EXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG", "SessionToken": "IQoJb3JpZ2lu", "Expiration": "2024-05-01T11:00:00Z"}}',
      `{"Credentials": {"AccessKeyId": "${R}", "SecretAccessKey": "${R}", "SessionToken": "${R}", "Expiration": "2024-05-01T11:00:00Z"}}`,
    ],
  ];

  test.each(CASES)('%s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

describe('password hashes', () => {
  const CASES: Case[] = [
    [
      '/etc/shadow: the hash field goes, the account and ageing fields stay',
      text(
        'root:$6$Zy8qXbJ3$K9mXtq1P0x2Wm8nVq7Lr4sTt9uVw0xYz1aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789./AbCdEfGhIjKlMnOpQrS:19700:0:99999:7:::',
        'daemon:*:19700:0:99999:7:::',
        'deploy:$y$j9T$abcdefghijklmnopqrstu.$ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcde:19701:0:99999:7:::',
        'locked:!$6$salt1234$hashhashhashhash:19702::::::',
        'nopass:!:19703::::::',
      ),
      text(
        `root:${R}:19700:0:99999:7:::`,
        'daemon:*:19700:0:99999:7:::',
        `deploy:${R}:19701:0:99999:7:::`,
        `locked:!${R}:19702::::::`,
        'nopass:!:19703::::::',
      ),
    ],
    [
      'htpasswd: apr1, bcrypt and {SHA}',
      text(
        'alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/',
        'bob:$2y$05$c4WoMPo3SXsafkva.HHa6uXQZWr7oboPiC2bT/r7q1BB8I2s0BRqC',
        'carol:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=',
      ),
      text(`alice:${R}`, `bob:${R}`, `carol:${R}`),
    ],
    [
      'an argon2id hash with its parameters',
      'password_hash=$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
      `password_hash=${R}`,
    ],
    [
      'MySQL mysql.user',
      text(
        '| user | authentication_string                     |',
        '| app  | *2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19 |',
      ),
      text('| user | authentication_string                     |', `| app  | ${R} |`),
    ],
    [
      'PostgreSQL pg_authid: SCRAM and md5',
      text(
        ' rolname  |                                                rolpassword',
        '----------+------------------------------------------------------------------------------------------------------------',
        ' app      | SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5c3RvcmVka2V5:c2VydmVya2V5c2VydmVya2V5',
        ' legacy   | md5' + '0123456789abcdef0123456789abcdef',
      ),
      text(
        ' rolname  |                                                rolpassword',
        '----------+------------------------------------------------------------------------------------------------------------',
        ` app      | ${R}`,
        ` legacy   | ${R}`,
      ),
    ],
  ];

  test.each(CASES)('%s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

describe('ordinary SRE output stays as it is', () => {
  test.each([
    [
      'ps aux',
      text(
        'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
        'root           1  0.0  0.1 167744 11604 ?        Ss   Apr30   0:12 /sbin/init splash',
        'postgres    1234  2.3  4.1 4312340 339012 ?     Ss   Apr30  10:01 postgres: 14/main: checkpointer',
        'www-data    2345  0.1  0.5 345678 45678 ?       S    10:00   0:01 nginx: worker process',
        'app         3456 93.2 12.0 2345678 987654 ?     Rl   09:58  45:12 java -Xmx2g -jar /opt/app/app.jar --spring.profiles.active=prod',
      ),
    ],
    [
      'df -h',
      text(
        'Filesystem      Size  Used Avail Use% Mounted on',
        '/dev/nvme0n1p1   97G   92G  5.0G  95% /',
        'tmpfs           3.9G     0  3.9G   0% /dev/shm',
        '/dev/nvme1n1    500G  480G   20G  97% /var/lib/postgresql',
      ),
    ],
    [
      'kubectl get pods',
      text(
        'NAME                                READY   STATUS             RESTARTS        AGE',
        'payments-api-7d9c8b6f5d-x2k4p       0/1     CrashLoopBackOff   12 (2m ago)     41m',
        'auth-service-5f6b7c8d9e-abcde       1/1     Running            0               3d',
        'token-refresher-28571234-q9w8e      0/1     Completed          0               5m',
      ),
    ],
    [
      'journald lines about token buckets and authentication',
      text(
        'May 01 10:00:01 web-1 kernel: net_ratelimit: 12 callbacks suppressed (token bucket empty)',
        'May 01 10:00:02 web-1 systemd-journald[312]: Suppressed 1523 messages from nginx.service',
        'May 01 10:00:03 web-1 envoy[900]: local rate limit: token bucket refilled, tokens: 100',
        'May 01 10:00:04 web-1 sshd[4242]: Accepted publickey for deploy from 10.0.0.5 port 52144 ssh2: ED25519 SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
        'May 01 10:00:05 web-1 sshd[4243]: Failed password for invalid user admin from 203.0.113.9 port 40000 ssh2',
        'May 01 10:00:06 web-1 app[77]: Bearer authentication failed for client web',
        'May 01 10:00:07 web-1 app[77]: using Basic authentication',
      ),
    ],
    ['AUTHOR', 'AUTHOR=Jane Doe <jane@example.com>'],
    [
      'git log with hashes',
      text(
        'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
        'Author: Jane Doe <jane@example.com>',
        '',
        '* 1a2b3c4 (HEAD -> main) fix: token refresh retries',
        '* 5d6e7f8 Merge pull request #42 from org/auth-fix',
        'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ),
    ],
    [
      'UUIDs and request ids',
      text(
        'request_id=3f2504e0-4f89-11d3-9a0c-0305e82c3301 trace_id=4bf92f3577b34da6a3ce929d0e0e4736',
        'pod uid 8c7e5c1f-1b2a-4e3f-9a8b-7c6d5e4f3a2b',
      ),
    ],
    [
      'stack traces, host:port and file:line',
      text(
        'java.lang.IllegalStateException: token expired',
        '\tat com.example.auth.TokenValidator.validate(TokenValidator.java:42)',
        'panic: runtime error at auth.go:123: nil map',
        'dial tcp auth-service:8080: connect: connection refused',
        'upstream vault.internal:8200 timed out',
      ),
    ],
    [
      'docker ps and systemctl status',
      text(
        'CONTAINER ID   IMAGE                 COMMAND                  STATUS          PORTS                    NAMES',
        'a1b2c3d4e5f6   postgres:16-alpine    "docker-entrypoint.s…"   Up 3 days       0.0.0.0:5432->5432/tcp   db',
        '● vault.service - HashiCorp Vault',
        '     Loaded: loaded (/lib/systemd/system/vault.service; enabled; vendor preset: enabled)',
        '     Active: active (running) since Wed 2024-05-01 09:00:00 UTC; 1h ago',
      ),
    ],
    [
      'an nginx access log line',
      '10.0.0.7 - - [01/May/2024:10:00:00 +0000] "GET /api/v1/orders?page=2 HTTP/1.1" 200 5123 "-" "curl/8.5.0"',
    ],
    [
      'free -m',
      text(
        '               total        used        free      shared  buff/cache   available',
        'Mem:           15884       14020         312         120        1551        1401',
      ),
    ],
    [
      'a Prometheus alert',
      'FIRING: HighCPUUsage instance=web-1:9100 job=node severity=critical value=93.2 summary="CPU above 90% for 10m"',
    ],
    ['shell prompts and money', text("awk '{print $1$2}' access.log", 'Total: $5$ per seat, $6 otherwise')],
  ])('%s', (_name, input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('isSecretName', () => {
  test.each([
    'password',
    'DB_PASSWORD',
    'dbPassword',
    'PGPASSWORD',
    'passwd',
    'MYSQL_PWD',
    'db.pass',
    'secret',
    'clientSecret',
    'client-secret',
    'SECRET_KEY_BASE',
    'token',
    'GITHUB_TOKEN',
    'accessToken',
    'id-token',
    'X-Auth-Token',
    'api_key',
    'apiKey',
    'X-Api-Key',
    'APIKEY',
    'ACCESS_KEY',
    'aws_secret_access_key',
    'private_key',
    'SESSION_KEY',
    'credentials',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'DB_CREDS',
    'auth',
    'REDIS_AUTH',
    'AUTH_TOKEN',
    'Authorization',
    'cookie',
    'SENTRY_DSN',
    'client-key-data',
    'AccountKey',
    'SharedAccessKey',
    'sig',
    'X-Amz-Signature',
    'JSESSIONID',
    'passphrase',
  ])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  test.each([
    'PWD',
    'OLDPWD',
    'AUTHOR',
    'GIT_AUTHOR_NAME',
    'author_email',
    'oauth',
    'PATH',
    'HOME',
    'user',
    'username',
    'key',
    'tokenizer',
    'max_tokens',
    'input_tokens',
    'TOKENIZERS_PARALLELISM',
    'secretName',
    'secretKeyRef',
    'DB_PASSWORD_FILE',
    'token_type',
    'auth_url',
    'SSH_AUTH_SOCK',
    'AUTH_SERVICE_HOST',
    'client-certificate-data',
    'bypass',
    'GIT_ASKPASS',
    'keyFile',
    'hostKeyFingerprint',
    'passwordless',
    'groupKey',
  ])('%s is not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('redact() on objects', () => {
  test('secret-named keys of any spelling lose their values, objects included; names that only point at a secret keep theirs', () => {
    const input = {
      env: { DB_PASSWORD: 'hunter2', 'client-key-data': 'bm90LWEta2V5', PWD: '/home/app', secretName: 'db' },
      usage: { input_tokens: 1200, output_tokens: 80 },
      auth: { user: 'bob', password: 'x' },
      author: 'Jane',
      key: 'k',
      Key: 'logs/2024/05/01.gz',
    };
    expect(redact(input)).toEqual({
      env: { DB_PASSWORD: R, 'client-key-data': R, PWD: '/home/app', secretName: 'db' },
      usage: { input_tokens: 1200, output_tokens: 80 },
      auth: R,
      author: 'Jane',
      key: R,
      Key: 'logs/2024/05/01.gz',
    });
  });

  test('command output inside an object is scrubbed like text', () => {
    const secret = text('apiVersion: v1', 'data:', '  password: aHVudGVyMg==', 'kind: Secret');
    const result = redact({
      command: 'kubectl get secret db -o yaml',
      stdout: secret,
      env: ['DB_PASSWORD=hunter2', 'TZ=UTC'],
      key: text('-----BEGIN OPENSSH ' + 'PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAA'),
    });
    expect(result).toEqual({
      command: 'kubectl get secret db -o yaml',
      stdout: text('apiVersion: v1', 'data:', `  password: ${R}`, 'kind: Secret'),
      env: [`DB_PASSWORD=${R}`, 'TZ=UTC'],
      key: R,
    });
  });
});

describe('linear time on adversarial near-misses', () => {
  const SIZE = 200_000;
  const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
  const INPUTS: Array<[string, string]> = [
    ['dotted words (URL schemes, e-mail local parts)', fill('a.')],
    ['dashed words (JWT and token prefixes)', fill('eyJa-')],
    ['JWT-like segments without a third part', fill('eyJaaaaaaaaa.eyJaaaaaaaa.')],
    ['name=name=name…', fill('a=')],
    ['name:name:name…', fill('a:')],
    ['unclosed quotes', fill('password="')],
    ['a secret name and spaces, no separator', `password${' '.repeat(SIZE)}x`],
    ['a long name made of secret words', fill('_password')],
    ['BEGIN lines without PRIVATE KEY', fill('-----BEGIN ')],
    ['a BEGIN line that never closes', `-----BEGIN ${fill('A')}`],
    ['END lines without keys', fill('-----END RSA PRIVATE KEY-----\n')],
    ['base64 lines with no END', fill('QUFBQUFBQUFBQUFBQUFBQUFB\n')],
    ['URL schemes without credentials', fill('a://b:')],
    ['crypt prefixes', fill('$6$')],
    ['name: lines never followed by value:', fill('- name: DB_PASSWORD\n')],
    ['Secret data lines', `kind: Secret\n${fill('data:\n')}`],
    ['indented Secret data lines', `kind: Secret\n${fill('  data:\n')}`],
    ['compact Secret data without a closing brace', fill('"kind":"Secret","data":{')],
    ['PuTTY headers', fill('Private-Lines: 1\n')],
    ['Bearer words', fill('Bearer a')],
    ['YAML block scalars under secret names', fill('password: |\n')],
    ['NUL-separated names', fill('\0A_TOKEN')],
    ['e-mail near-misses', `x@${fill('b.')}`],
    ['IPv6 near-misses', fill('a:')],
    ['escaped quotes and backslashes', fill('\\"')],
  ];
  const everything = promptRedactor({ emails: true, ips: true });

  /** Linear, not quadratic: ten times the input takes far less than a hundred times as long. */
  test.each(INPUTS)('%s: 200 KB in linear time', (_name, input) => {
    const time = (redactor: (text: string) => string, text: string) => {
      const started = performance.now();
      redactor(text);
      return performance.now() - started;
    };
    for (const redactor of [redactText, everything]) {
      const small = Math.min(...[0, 1, 2].map(() => time(redactor, input.slice(0, input.length / 10))));
      const large = time(redactor, input);
      expect(large).toBeLessThan(Math.max(small * 40, 20) + 200);
    }
  });
});
