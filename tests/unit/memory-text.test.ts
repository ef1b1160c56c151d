import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HashedEmbedding } from '../../src/memory/embeddings.js';
import { extractCommands, extractKnowledge } from '../../src/memory/extract.js';
import { buildMatcher } from '../../src/memory/glossary.js';
import { alertnamesIn, parseImport } from '../../src/memory/import.js';
import { MemoryIndex } from '../../src/memory/index.js';
import { insideDirectory, readRunbooks } from '../../src/memory/runbooks.js';
import { ftsText, normalize, tokenize } from '../../src/memory/tokenize.js';
import { openDatabase } from '../../src/store/database.js';
import { tempDir } from '../support/temp.js';

describe('tokenize: Latin words and identifiers', () => {
  test('CamelCase alert names are kept whole and split into their words', () => {
    const { words } = tokenize('NodeFilesystemAlmostFull');
    expect(words).toEqual(['nodefilesystemalmostfull', 'node', 'filesystem', 'almost', 'full']);
  });

  test('acronyms inside identifiers split before the next capitalised word', () => {
    expect(tokenize('HTTPServerError').words).toEqual(['httpservererror', 'http', 'server', 'error']);
  });

  test('snake_case and hyphenated identifiers are kept whole and split', () => {
    expect(tokenize('max_connections').words).toEqual(['max_connections', 'max', 'connections']);
    expect(tokenize('db-01').words).toEqual(['db-01', 'db', '01']);
  });

  test('trailing punctuation is not part of a word', () => {
    expect(tokenize('restarted db-01.').words).toEqual(['restarted', 'db-01', 'db', '01']);
    expect(tokenize('(checkout)').words).toEqual(['checkout']);
  });

  test('English stop words are dropped, also from the parts of a split identifier', () => {
    expect(tokenize('The disk is full and it was slow').words).toEqual(['disk', 'full', 'slow']);
    // The identifier itself stays; only its stop-word parts go.
    expect(tokenize('TheDiskIsFull').words).toEqual(['thediskisfull', 'disk', 'full']);
  });

  test('NFKC: full-width letters, digits and hyphen become ASCII', () => {
    const tokens = tokenize('ＤＢ－０１ の ＣＰＵ');
    expect(tokens.words).toEqual(['db-01', 'db', '01', 'cpu']);
    expect(tokens.concepts).toEqual(expect.arrayContaining(['database', 'cpu']));
    expect(normalize('ＡＢＣ１２３')).toBe('abc123');
  });

  test('NFKC: half-width katakana becomes full-width and still maps to its concept', () => {
    const tokens = tokenize('ﾃﾞｨｽｸ');
    expect(tokens.cjk).toEqual(['ディ', 'ィス', 'スク']);
    expect(tokens.concepts).toContain('disk');
  });
});

describe('tokenize: Japanese', () => {
  test('CJK runs become overlapping bigrams', () => {
    expect(tokenize('再起動').cjk).toEqual(['再起', '起動']);
    expect(tokenize('障害').cjk).toEqual(['障害']);
  });

  test('a lone CJK character is kept as a token', () => {
    expect(tokenize('鍵').cjk).toEqual(['鍵']);
  });

  test('kana-only (hiragana) pairs are dropped, mixed pairs are kept', () => {
    expect(tokenize('している').cjk).toEqual([]);
    expect(tokenize('発生している').cjk).toEqual(['発生', '生し']);
  });

  test('katakana pairs are content words and are kept', () => {
    expect(tokenize('ディスク').cjk).toEqual(['ディ', 'ィス', 'スク']);
  });

  test('Latin words inside Japanese text are tokenized as words, not bigrams', () => {
    const tokens = tokenize('db-01でディスク逼迫');
    expect(tokens.words).toEqual(['db-01', 'db', '01']);
    expect(tokens.cjk).toEqual(['でデ', 'ディ', 'ィス', 'スク', 'ク逼', '逼迫']);
  });
});

describe('glossary concepts', () => {
  test('「ディスク使用率が逼迫」 and "disk usage almost full" share disk, usage and full', () => {
    const ja = tokenize('ディスク使用率が逼迫').concepts;
    const en = tokenize('disk usage almost full').concepts;
    for (const concept of ['disk', 'usage', 'full']) {
      expect(ja).toContain(concept);
      expect(en).toContain(concept);
    }
  });

  test('English phrases and Japanese variants map to the same concept', () => {
    expect(tokenize('we rolled back the release').concepts).toContain('rollback');
    expect(tokenize('切り戻しを実施').concepts).toContain('rollback');
    expect(tokenize('request timed out').concepts).toContain('timeout');
    expect(tokenize('タイムアウトが多発').concepts).toContain('timeout');
  });

  test('a variant the glossary lists under two concepts yields both', () => {
    // 遅延 is listed under latency and under lag; "partition" under disk and network.
    expect(tokenize('応答の遅延').concepts).toEqual(expect.arrayContaining(['latency', 'lag']));
    expect(tokenize('partition').concepts).toEqual(expect.arrayContaining(['disk', 'network']));
    const matcher = buildMatcher({ a: ['shared', '共有'], b: ['shared', '共有'] });
    expect(matcher.concepts('shared', ['shared']).sort()).toEqual(['a', 'b']);
    expect(matcher.concepts('共有', []).sort()).toEqual(['a', 'b']);
  });

  test('unrelated text has no concepts', () => {
    expect(tokenize('lorem ipsum').concepts).toEqual([]);
  });

  test('ftsText writes concepts as zc-prefixed single words after the words and bigrams', () => {
    const tokens = { words: ['disk'], cjk: ['逼迫'], concepts: ['disk', 'full'] };
    expect(ftsText(tokens)).toBe('disk 逼迫 zcdisk zcfull');
  });

  describe('buildMatcher on a custom glossary', () => {
    const matcher = buildMatcher({
      pool: ['connection pool', 'コネクションプール'],
      cache: ['redis'],
    });
    const concepts = (text: string) => {
      const normalized = normalize(text);
      return matcher.concepts(normalized, tokenize(text).words).sort();
    };

    test('single words are looked up among the tokens', () => {
      expect(concepts('Redis is slow')).toEqual(['cache']);
      // Only whole tokens: a word containing the variant does not count.
      expect(concepts('redisson client')).toEqual([]);
    });

    test('a phrase matches across spaces, hyphens and underscores but only on word boundaries', () => {
      expect(concepts('the connection pool is exhausted')).toEqual(['pool']);
      expect(concepts('connection-pool exhausted')).toEqual(['pool']);
      expect(concepts('connection_pool exhausted')).toEqual(['pool']);
      expect(concepts('connection poolside')).toEqual([]);
    });

    test('Japanese variants match inside running text, full-width or half-width', () => {
      expect(concepts('コネクションプールが枯渇')).toEqual(['pool']);
      expect(concepts('ｺﾈｸｼｮﾝﾌﾟｰﾙが枯渇')).toEqual(['pool']);
    });
  });
});

describe('extractKnowledge: English', () => {
  const postmortem = [
    '# Disk full on db-01',
    '',
    'Summary: pg_wal grew until the disk filled.',
    '',
    'Root cause: the IAM key used by wal-g was rotated and archive_command kept failing.',
    '',
    '## Resolution',
    '- Re-rendered /etc/wal-g.env with the new key',
    '- Ran a CHECKPOINT so old segments were recycled',
    '',
    '## Follow-ups',
    '- alert on archiver failures',
    '',
    '```bash',
    '$ puppet agent -t --tags walg',
    '$ psql -c "CHECKPOINT;"',
    'this line is prose, not a command',
    '```',
  ].join('\n');

  test('root cause from an inline "Root cause:" line', () => {
    expect(extractKnowledge(postmortem).rootCause).toBe(
      'the IAM key used by wal-g was rotated and archive_command kept failing.',
    );
  });

  test('resolution from a heading, its bullet list joined, stopping at the next heading', () => {
    expect(extractKnowledge(postmortem).resolution).toBe(
      'Re-rendered /etc/wal-g.env with the new key Ran a CHECKPOINT so old segments were recycled',
    );
  });

  test('bold headings and the lines under them', () => {
    const knowledge = extractKnowledge('**Cause**\nA bad deploy of checkout v2.3.\n\n**Fix**: rolled back.');
    expect(knowledge.rootCause).toBe('A bad deploy of checkout v2.3.');
    expect(knowledge.resolution).toBe('rolled back.');
  });

  test('"Resolved" does not match inside a longer word, and no sections means none reported', () => {
    const knowledge = extractKnowledge('Resolvedness: unclear\nNothing to see.');
    expect(knowledge.resolution).toBeUndefined();
    expect(knowledge.rootCause).toBeUndefined();
    expect(knowledge.commands).toEqual([]);
  });

  test('commands from code blocks (prompt stripped), known programs only', () => {
    expect(extractKnowledge(postmortem).commands).toEqual(['psql -c "CHECKPOINT;"']);
  });
});

describe('extractCommands', () => {
  test('code blocks keep only lines that start with a known program', () => {
    const text = '```\n$ kubectl rollout undo deploy/checkout\n# systemctl restart nginx\nwaited a bit\n```';
    expect(extractCommands(text)).toEqual([
      'kubectl rollout undo deploy/checkout',
      'systemctl restart nginx',
    ]);
  });

  test('`$ ` lines outside code blocks', () => {
    expect(extractCommands('We ran:\n  $ df -h /var/lib/postgresql\n  $ make coffee\n')).toEqual([
      'df -h /var/lib/postgresql',
    ]);
  });

  test('inline code: a known program with arguments, not a bare word or unknown program', () => {
    const text = 'Ran `redis-cli CONFIG SET activedefrag yes`, checked `kubectl`, then `foo --bar`.';
    expect(extractCommands(text)).toEqual(['redis-cli CONFIG SET activedefrag yes']);
  });

  test('the same command in several places is listed once', () => {
    const text = '```\ndf -h\n```\n$ df -h\nand `df -h`';
    expect(extractCommands(text)).toEqual(['df -h']);
  });

  test('at most 20 commands', () => {
    const text = Array.from({ length: 30 }, (_, i) => `$ kill ${i}`).join('\n');
    expect(extractCommands(text)).toHaveLength(20);
  });
});

describe('extractKnowledge: Japanese', () => {
  test('「原因」「対応」 headings with full-width colons and bullet lines', () => {
    const text = [
      '概要: cache-redis-02 で RedisMemoryHigh が発火。',
      '',
      '原因：大量のキー削除の後に jemalloc のページが解放されず断片化した。',
      '',
      '## 対応',
      '- `redis-cli CONFIG SET activedefrag yes` を実行',
      '- `redis-cli MEMORY PURGE` も実行',
    ].join('\n');
    const knowledge = extractKnowledge(text);
    expect(knowledge.rootCause).toBe('大量のキー削除の後に jemalloc のページが解放されず断片化した。');
    expect(knowledge.resolution).toBe(
      '`redis-cli CONFIG SET activedefrag yes` を実行 `redis-cli MEMORY PURGE` も実行',
    );
    expect(knowledge.commands).toEqual(['redis-cli CONFIG SET activedefrag yes', 'redis-cli MEMORY PURGE']);
  });

  test('「復旧」 as a heading on its own line, ending at the next 「原因」', () => {
    const text = '## 復旧\nデプロイを切り戻した。\n## 根本原因\n設定ミス。';
    const knowledge = extractKnowledge(text);
    expect(knowledge.resolution).toBe('デプロイを切り戻した。');
    expect(knowledge.rootCause).toBe('設定ミス。');
  });
});

describe('parseImport', () => {
  const now = new Date('2025-03-01T00:00:00.000Z');
  const line = (value: Record<string, unknown>) => JSON.stringify(value);

  test('problems carry line numbers (blank lines counted), good lines still import', () => {
    const text = [
      line({ id: 'A', title: 'first', body: 'x' }),
      '',
      '{not json',
      line({ id: 'B', body: 'no title' }),
      line({ id: 'C', title: 'third' }),
    ].join('\n');
    const { documents, problems } = parseImport(text, now);
    expect(documents.map((d) => d.id)).toEqual(['import:A', 'import:C']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ line: 3 });
    expect(problems[0]?.error).toMatch(/^not valid JSON/);
    expect(problems[1]).toMatchObject({ line: 4 });
    expect(problems[1]?.error).toMatch(/^title: /);
  });

  test('firstLine offsets the reported line numbers (files read in pieces)', () => {
    const text = ['{"id":"A","title":"ok"}', 'oops'].join('\n');
    expect(parseImport(text, now, 101).problems).toEqual([
      { line: 102, error: expect.stringMatching(/^not valid JSON/) },
    ]);
  });

  test('CRLF line endings', () => {
    const text = `${line({ id: 'A', title: 'a' })}\r\n${line({ id: 'B', title: 'b' })}\r\n`;
    const { documents, problems } = parseImport(text, now);
    expect(problems).toEqual([]);
    expect(documents.map((d) => d.id)).toEqual(['import:A', 'import:B']);
  });

  test('an empty title or a missing id is a problem; a JSON value that is not an object too', () => {
    const text = [line({ id: 'A', title: '' }), line({ title: 'no id' }), '42'].join('\n');
    const { documents, problems } = parseImport(text, now);
    expect(documents).toEqual([]);
    expect(problems.map((p) => p.line)).toEqual([1, 2, 3]);
    expect(problems[0]?.error).toMatch(/^title: /);
    expect(problems[1]?.error).toMatch(/^id: /);
    expect(problems[2]?.error).toMatch(/^value: /);
  });

  test('services from service: labels; an explicit services list wins', () => {
    const text = [
      line({ id: 1, title: 't', labels: ['sev2', 'service:checkout', 'service:payments', 'host:web-3'] }),
      line({ id: 2, title: 't', labels: ['service:checkout'], services: ['orders'] }),
    ].join('\n');
    const [first, second] = parseImport(text, now).documents;
    expect(first?.id).toBe('import:1');
    expect(first?.services).toEqual(['checkout', 'payments']);
    expect(first?.labels).toEqual(['sev2', 'service:checkout', 'service:payments', 'host:web-3']);
    expect(second?.services).toEqual(['orders']);
  });

  test('createdAt is normalized to UTC ISO; missing or unparseable falls back to now', () => {
    const text = [
      line({ id: 'a', title: 't', createdAt: '2025-01-07T04:35:00+09:00' }),
      line({ id: 'b', title: 't', createdAt: '2025-01-07' }),
      line({ id: 'c', title: 't', createdAt: 'last tuesday' }),
      line({ id: 'd', title: 't' }),
    ].join('\n');
    const created = parseImport(text, now).documents.map((d) => d.createdAt);
    expect(created).toEqual([
      '2025-01-06T19:35:00.000Z',
      '2025-01-07T00:00:00.000Z',
      now.toISOString(),
      now.toISOString(),
    ]);
  });

  test('resolution and root cause come from the body unless a resolution is given', () => {
    const body = 'Root cause: expired cert.\n\nResolution: renewed it with `certbot renew --force-renewal`.';
    const [extracted, given] = parseImport(
      [line({ id: 'a', title: 't', body }), line({ id: 'b', title: 't', body, resolution: 'manual' })].join(
        '\n',
      ),
      now,
    ).documents;
    expect(extracted).toMatchObject({
      rootCause: 'expired cert.',
      resolution: 'renewed it with `certbot renew --force-renewal`.',
      commands: ['certbot renew --force-renewal'],
    });
    expect(given?.resolution).toBe('manual');
  });

  test('alert names from CamelCase words in title and body, unless given', () => {
    const [found, given] = parseImport(
      [
        line({
          id: 'a',
          title: 'HighCPUUsage on web-3',
          body: 'then KubePodCrashLooping fired. Postgres ok.',
        }),
        line({ id: 'b', title: 'HighCPUUsage', alertnames: ['Custom'] }),
      ].join('\n'),
      now,
    ).documents;
    expect(found?.alertnames).toEqual(['HighCPUUsage', 'KubePodCrashLooping']);
    expect(given?.alertnames).toEqual(['Custom']);
    expect(alertnamesIn('Postgres TargetDown TargetDown')).toEqual(['TargetDown']);
  });

  test('re-importing an id updates the same document instead of adding one', async () => {
    const db = openDatabase(':memory:');
    try {
      const index = new MemoryIndex(db, new HashedEmbedding());
      const v1 = parseImport(line({ id: 'INC-7', title: 'Kafka consumer lag', body: 'rebalance loop' }), now);
      const later = new Date('2025-04-01T00:00:00.000Z');
      const same = parseImport(
        line({ id: 'INC-7', title: 'Kafka consumer lag', body: 'rebalance loop' }),
        later,
      );
      const v2 = parseImport(
        line({ id: 'INC-7', title: 'Kafka consumer lag', body: 'hot partition' }),
        later,
      );
      expect(same.documents[0]?.id).toBe(v1.documents[0]?.id);
      expect(await index.upsert(v1.documents)).toEqual({ added: 1, updated: 0, unchanged: 0 });
      expect(await index.upsert(same.documents)).toEqual({ added: 0, updated: 0, unchanged: 1 });
      expect(await index.upsert(v2.documents)).toEqual({ added: 0, updated: 1, unchanged: 0 });
      expect(index.count()).toBe(1);
      expect(index.idsOf('import')).toEqual(['import:INC-7']);
    } finally {
      db.close();
    }
  });
});

describe('readRunbooks', () => {
  let dir: ReturnType<typeof tempDir>;
  const write = (path: string, text: string) => {
    const full = join(dir.path, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
  };
  const byId = (runbooks: ReturnType<typeof readRunbooks>) =>
    new Map(runbooks.map((r) => [r.document.id, r]));

  beforeEach(() => {
    dir = tempDir('aals-runbooks-');
  });

  afterEach(() => {
    dir.cleanup();
  });

  test('front matter: YAML lists and comma-separated strings', () => {
    write(
      'disk.md',
      [
        '---',
        'title: Disk almost full',
        'alerts: [NodeFilesystemAlmostFull, NodeFilesystemFilesFull]',
        'services: checkout, payments',
        'tags:',
        '  - disk',
        '  - linux',
        '---',
        '# Heading that is not the title',
        '',
        'Check `df -h` first.',
      ].join('\n'),
    );
    const [runbook] = readRunbooks(dir.path);
    expect(runbook?.alerts).toEqual(['NodeFilesystemAlmostFull', 'NodeFilesystemFilesFull']);
    expect(runbook?.document).toMatchObject({
      id: 'runbook:disk.md',
      source: 'runbook',
      title: 'Disk almost full',
      services: ['checkout', 'payments'],
      labels: ['disk', 'linux'],
      alertnames: ['NodeFilesystemAlmostFull', 'NodeFilesystemFilesFull'],
      commands: ['df -h'],
    });
    // The front matter is not part of the body.
    expect(runbook?.document.body.startsWith('# Heading that is not the title')).toBe(true);
  });

  test('title from the first # heading without front matter, else from the file name', () => {
    write('cpu.md', 'Intro line\n\n# High CPU on web hosts\n\nSteps…');
    write('plain.md', 'no heading here');
    const runbooks = byId(readRunbooks(dir.path));
    expect(runbooks.get('runbook:cpu.md')?.document.title).toBe('High CPU on web hosts');
    expect(runbooks.get('runbook:plain.md')?.document.title).toBe('plain.md');
    expect(runbooks.get('runbook:cpu.md')?.alerts).toEqual([]);
  });

  test('broken YAML front matter: no metadata, the whole text is the body', () => {
    write('broken.md', '---\nalerts: [unclosed\n---\n# Broken\n');
    const [runbook] = readRunbooks(dir.path);
    expect(runbook?.alerts).toEqual([]);
    expect(runbook?.document.title).toBe('Broken');
    expect(runbook?.document.body.startsWith('---')).toBe(true);
  });

  test('resolution from the runbook body', () => {
    write('cert.md', '# Certificates\n\n## Fix\nRenew with certbot and reload nginx.\n');
    expect(readRunbooks(dir.path)[0]?.document.resolution).toBe('Renew with certbot and reload nginx.');
  });

  test('nested directories give ids with the relative path; non-Markdown and dotfiles are skipped', () => {
    write('db/postgres/wal.md', '# WAL');
    write('db/notes.txt', 'not a runbook');
    write('.drafts/secret.md', '# draft');
    write('.hidden.md', '# hidden');
    write('README.markdown', '# Index');
    const ids = readRunbooks(dir.path)
      .map((r) => r.document.id)
      .sort();
    expect(ids).toEqual(['runbook:README.markdown', 'runbook:db/postgres/wal.md']);
  });

  test('symbolic links (to files and to directories) are skipped', () => {
    const outside = tempDir('aals-outside-');
    try {
      writeFileSync(join(outside.path, 'passwd.md'), '# not a runbook');
      mkdirSync(join(outside.path, 'more'));
      writeFileSync(join(outside.path, 'more', 'x.md'), '# nor this');
      write('real.md', '# Real');
      symlinkSync(join(outside.path, 'passwd.md'), join(dir.path, 'link.md'));
      symlinkSync(join(outside.path, 'more'), join(dir.path, 'linked-dir'));
      symlinkSync(join(dir.path, 'real.md'), join(dir.path, 'alias.md'));
      expect(readRunbooks(dir.path).map((r) => r.document.id)).toEqual(['runbook:real.md']);
    } finally {
      outside.cleanup();
    }
  });

  test('files over 1 MiB are skipped, files at the limit are read', () => {
    write('huge.md', `# Huge\n${'x'.repeat(1024 * 1024)}`);
    write('limit.md', `# Limit\n${'x'.repeat(1024 * 1024 - 8)}`);
    expect(readRunbooks(dir.path).map((r) => r.document.id)).toEqual(['runbook:limit.md']);
  });

  test('baseUrl: a link per runbook with each path segment encoded; a url in front matter wins', () => {
    write('disk full/100% ディスク.md', '# Disk');
    write('own.md', '---\nurl: https://wiki.example.com/own\n---\n# Own');
    const runbooks = byId(readRunbooks(dir.path, 'https://github.com/acme/runbooks/blob/main/'));
    expect(runbooks.get('runbook:disk full/100% ディスク.md')?.document.url).toBe(
      'https://github.com/acme/runbooks/blob/main/disk%20full/100%25%20%E3%83%87%E3%82%A3%E3%82%B9%E3%82%AF.md',
    );
    expect(runbooks.get('runbook:own.md')?.document.url).toBe('https://wiki.example.com/own');
    expect(
      readRunbooks(dir.path).find((r) => r.document.id === 'runbook:disk full/100% ディスク.md')?.document
        .url,
    ).toBeUndefined();
  });

  test('Japanese runbooks are indexed: a Japanese query finds them', async () => {
    write(
      'ja/証明書.md',
      '---\nalerts: CertificateExpiringSoon\n---\n# 証明書の期限切れ対応\n\n証明書の有効期限が近い場合は certbot で更新する。',
    );
    write('en/kafka.md', '# Kafka consumer lag\n\nCheck the consumer group and rebalance.');
    const db = openDatabase(':memory:');
    try {
      const index = new MemoryIndex(db, new HashedEmbedding());
      await index.upsert(readRunbooks(dir.path).map((r) => r.document));
      const hits = await index.search('証明書が期限切れ', { limit: 2 });
      expect(hits[0]?.id).toBe('runbook:ja/証明書.md');
      expect(hits[0]?.title).toBe('証明書の期限切れ対応');
      // Plain BM25 has no glossary: the match is on the indexed CJK bigrams themselves.
      const plain = await index.search('有効期限', { mode: 'bm25' });
      expect(plain.map((h) => h.id)).toEqual(['runbook:ja/証明書.md']);
    } finally {
      db.close();
    }
  });
});

describe('insideDirectory', () => {
  const root = resolve('/srv/runbooks');

  test('paths inside the directory resolve to full paths', () => {
    expect(insideDirectory(root, 'db/wal.md')).toBe(join(root, 'db', 'wal.md'));
    expect(insideDirectory(root, 'db/../disk.md')).toBe(join(root, 'disk.md'));
    expect(insideDirectory(root, '.')).toBe(root);
  });

  test('.. out of the directory, absolute paths elsewhere and sibling prefixes are rejected', () => {
    expect(insideDirectory(root, '../etc/passwd')).toBeNull();
    expect(insideDirectory(root, 'db/../../etc/passwd')).toBeNull();
    expect(insideDirectory(root, '/etc/passwd')).toBeNull();
    expect(insideDirectory(root, '../runbooks-evil/x.md')).toBeNull();
  });
});
