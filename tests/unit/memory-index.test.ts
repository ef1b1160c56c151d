import type { MemoryDocument } from '../../src/memory/documents.js';
import { type EmbeddingProvider, HashedEmbedding } from '../../src/memory/embeddings.js';
import { MemoryIndex } from '../../src/memory/index.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import { memoryDoc } from '../support/memory-docs.js';

const NOW = new Date('2025-06-01T00:00:00.000Z');

const doc = memoryDoc;

/** Small hand-written corpus: English and Japanese incidents on different topics. */
const CORPUS: MemoryDocument[] = [
  doc(
    'import:disk-en',
    'db-01 disk almost full',
    'The filesystem on db-01 filled up because WAL archiving was failing. Disk usage reached 97%.',
  ),
  doc(
    'import:cert-ja',
    '決済 API の証明書期限切れ',
    '決済 API の TLS 証明書の有効期限が切れ、クライアントからの接続がすべて失敗した。証明書を更新して復旧。',
  ),
  doc(
    'import:kafka-en',
    'Kafka consumer lag on orders',
    'The orders consumer group lagged behind after a rebalance loop; messages piled up in the queue.',
  ),
  doc(
    'import:redis-ja',
    'キャッシュの Redis でメモリ断片化',
    'cache-redis-02 で RSS が増え続けた。大量のキー削除の後に断片化が進んだ。activedefrag を有効化。',
  ),
  doc(
    'import:dns-en',
    'DNS resolution failures in the cluster',
    'CoreDNS was overloaded and lookups timed out for several services.',
  ),
];

let db: Db;
let index: MemoryIndex;

beforeEach(() => {
  db = openDatabase(':memory:');
  index = new MemoryIndex(db, new HashedEmbedding(), () => NOW);
});

afterEach(() => {
  if (db.open) db.close();
});

const ids = (hits: Array<{ id: string }>) => hits.map((h) => h.id);

describe('upsert, remove, count', () => {
  test('added, then unchanged, then updated counts', async () => {
    expect(await index.upsert(CORPUS)).toEqual({ added: 5, updated: 0, unchanged: 0 });
    expect(await index.upsert(CORPUS)).toEqual({ added: 0, updated: 0, unchanged: 5 });
    const changed = CORPUS.map((d) =>
      d.id === 'import:dns-en' ? { ...d, body: `${d.body} Scaled CoreDNS.` } : d,
    );
    expect(await index.upsert(changed)).toEqual({ added: 0, updated: 1, unchanged: 4 });
    expect(index.count()).toBe(5);
    expect(index.count('import')).toBe(5);
    expect(index.count('runbook')).toBe(0);
  });

  test('only the time of an update changing is not a change', async () => {
    await index.upsert(CORPUS);
    const touched = CORPUS.map((d) => ({ ...d, updatedAt: NOW.toISOString() }));
    expect(await index.upsert(touched)).toEqual({ added: 0, updated: 0, unchanged: 5 });
  });

  test('an updated document matches its new words and no longer its old ones', async () => {
    await index.upsert([doc('import:x', 'Outage', 'zanzibar gateway misconfigured')]);
    expect(ids(await index.search('zanzibar'))).toEqual(['import:x']);
    await index.upsert([doc('import:x', 'Outage', 'timbuktu gateway misconfigured')]);
    expect(await index.search('zanzibar')).toEqual([]);
    expect(ids(await index.search('timbuktu'))).toEqual(['import:x']);
    expect(ids(await index.search('zanzibar', { mode: 'bm25' }))).toEqual([]);
  });

  test('remove: gone from counts, ids and search; removing twice is false', async () => {
    await index.upsert(CORPUS);
    expect(ids(await index.search('Kafka consumer lag'))[0]).toBe('import:kafka-en');
    expect(index.remove('import:kafka-en')).toBe(true);
    expect(index.remove('import:kafka-en')).toBe(false);
    expect(index.count()).toBe(4);
    expect(index.idsOf('import')).not.toContain('import:kafka-en');
    expect(ids(await index.search('Kafka consumer lag', { limit: 10 }))).not.toContain('import:kafka-en');
    expect(ids(await index.search('Kafka consumer lag', { limit: 10, mode: 'bm25' }))).not.toContain(
      'import:kafka-en',
    );
  });

  test('idsOf lists one source only', async () => {
    await index.upsert([...CORPUS, doc('runbook:disk.md', 'Disk runbook', 'df -h', { source: 'runbook' })]);
    expect(index.idsOf('runbook')).toEqual(['runbook:disk.md']);
    expect(index.idsOf('import').sort()).toEqual(CORPUS.map((d) => d.id).sort());
  });
});

describe('secrets are redacted before they are stored', () => {
  const slackToken = 'xox' + 'b-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';

  test('password=… and Slack tokens never reach the stored text, the index or the hits', async () => {
    await index.upsert([
      doc(
        'import:leak',
        `Bot token ${slackToken} leaked`,
        'The deploy log printed password=hunter2 for db-01.',
        {
          resolution: `Rotated ${slackToken} and the db password=hunter2`,
          rootCause: 'config had password=hunter2 inline',
          commands: [`curl -H "Authorization: Bearer ${slackToken}" https://slack.com/api/auth.test`],
        },
      ),
    ]);
    const row = db
      .prepare('SELECT title, body, root_cause, resolution, commands FROM memory_docs WHERE id = ?')
      .get('import:leak') as Record<string, string>;
    const stored = JSON.stringify(row);
    expect(stored).not.toContain('hunter2');
    expect(stored).not.toContain('xox' + 'b-1234567890');
    expect(row.body).toBe('The deploy log printed password=[REDACTED] for db-01.');
    expect(row.title).toBe('Bot token [REDACTED] leaked');

    // The full-text index was built from the redacted text: the secret cannot be searched for.
    expect(await index.search('hunter2')).toEqual([]);
    expect(await index.search('hunter2', { mode: 'bm25' })).toEqual([]);
    const [hit] = await index.search('deploy log db-01');
    expect(hit?.id).toBe('import:leak');
    expect(JSON.stringify(hit)).not.toMatch(new RegExp(['hunter2', `${'xox'}b-1234567890`].join('|')));
  });

  test('the caller’s document object is not modified', async () => {
    const original = doc('import:leak', 'leak', 'password=hunter2');
    await index.upsert([original]);
    expect(original.body).toBe('password=hunter2');
  });
});

describe('cross-language search', () => {
  beforeEach(async () => {
    await index.upsert(CORPUS);
  });

  test('a Japanese query finds the English incident', async () => {
    const hits = await index.search('ディスク使用率が逼迫しています');
    expect(hits[0]?.id).toBe('import:disk-en');
    expect(hits[0]?.why).toContain('about disk');
  });

  test('an English query finds the Japanese incident', async () => {
    const hits = await index.search('TLS certificate expired');
    expect(hits[0]?.id).toBe('import:cert-ja');
  });

  test('an English query finds the Japanese Redis incident by concepts', async () => {
    expect((await index.search('Redis memory fragmentation'))[0]?.id).toBe('import:redis-ja');
  });

  test('plain BM25 misses the cross-language incident that hybrid finds', async () => {
    const query = 'ディスク使用率が逼迫しています';
    expect(ids(await index.search(query, { mode: 'bm25', limit: 10 }))).not.toContain('import:disk-en');
    expect(ids(await index.search(query, { mode: 'hybrid', limit: 10 }))[0]).toBe('import:disk-en');
  });

  test('plain BM25 still finds same-language matches', async () => {
    expect(ids(await index.search('Kafka consumer lag', { mode: 'bm25' }))[0]).toBe('import:kafka-en');
  });

  test('FTS query syntax in the query is taken literally, not parsed', async () => {
    for (const query of [
      '"db-01" OR disk*',
      'NEAR(disk full)',
      'disk AND NOT full',
      '^kafka: -lag "',
      'col:disk',
    ]) {
      await expect(index.search(query)).resolves.toEqual(expect.any(Array));
      await expect(index.search(query, { mode: 'bm25' })).resolves.toEqual(expect.any(Array));
    }
    expect((await index.search('"db-01" OR disk*'))[0]?.id).toBe('import:disk-en');
  });

  test('a query with no known word finds nothing', async () => {
    expect(await index.search('qwertyuiop asdfghjkl')).toEqual([]);
    expect(await index.search('')).toEqual([]);
  });

  test('limit caps the hits; hits carry title, url, resolution and createdAt', async () => {
    await index.upsert([
      doc('import:with-url', 'Disk full on web-3', 'inodes exhausted by session files', {
        url: 'https://tracker.example.com/INC-9',
        resolution: 'Deleted old session files',
      }),
    ]);
    expect(await index.search('disk full', { limit: 1 })).toHaveLength(1);
    const hit = (await index.search('inodes session files web-3'))[0];
    expect(hit).toMatchObject({
      id: 'import:with-url',
      source: 'import',
      title: 'Disk full on web-3',
      url: 'https://tracker.example.com/INC-9',
      resolution: 'Deleted old session files',
      helpful: 0,
      unhelpful: 0,
      createdAt: '2025-05-01T00:00:00.000Z',
    });
    expect(hit?.score).toBeGreaterThan(0);
  });
});

describe('context boosts', () => {
  // Same text; only the alert names (same words, another order) or the services differ.
  const body = 'Queue consumers stalled and messages piled up on the orders topic.';

  test('the alert name reorders otherwise-tied incidents and shows in why', async () => {
    await index.upsert([
      doc('import:a', 'Orders queue stuck', body, { alertnames: ['QueueBacklogHigh'] }),
      doc('import:b', 'Orders queue stuck', body, { alertnames: ['HighQueueBacklog'] }),
    ]);
    const plain = await index.search('orders queue stuck');
    expect(plain).toHaveLength(2);
    const [first, second] = plain.map((h) => h.score) as [number, number];
    expect(second / first).toBeGreaterThan(0.95);
    expect(plain.every((h) => !h.why.includes('same alert'))).toBe(true);

    for (const [alertname, expected] of [
      ['HighQueueBacklog', 'import:b'],
      ['queuebackloghigh', 'import:a'],
    ] as const) {
      const hits = await index.search('orders queue stuck', { context: { alertname } });
      expect(hits[0]?.id).toBe(expected);
      expect(hits[0]?.why).toContain(`same alert ${alertname}`);
      expect(hits[1]?.why).not.toContain('same alert');
      expect((hits[0]?.score as number) / (hits[1]?.score as number)).toBeGreaterThan(1.4);
    }
  });

  test('a shared service reorders otherwise-tied incidents and shows in why', async () => {
    await index.upsert([
      doc('import:a', 'Orders queue stuck', body, { services: ['checkout'] }),
      doc('import:b', 'Orders queue stuck', body, { services: ['payments'] }),
    ]);
    for (const [service, expected] of [
      ['checkout', 'import:a'],
      ['payments', 'import:b'],
    ] as const) {
      const hits = await index.search('orders queue stuck', { context: { services: ['search', service] } });
      expect(hits[0]?.id).toBe(expected);
      expect(hits[0]?.why).toContain(`same service ${service}`);
      expect(hits[1]?.why).not.toContain('same service');
    }
  });

  test('shared labels (cluster, namespace) reorder otherwise-tied incidents and show in why', async () => {
    await index.upsert([
      doc('import:a', 'Orders queue stuck', body, { labels: ['cluster:prod-tokyo'] }),
      doc('import:b', 'Orders queue stuck', body, { labels: ['cluster:prod-osaka'] }),
    ]);
    for (const [cluster, expected] of [
      ['prod-tokyo', 'import:a'],
      ['prod-osaka', 'import:b'],
    ] as const) {
      const hits = await index.search('orders queue stuck', { context: { labels: { cluster } } });
      expect(hits[0]?.id).toBe(expected);
      expect(hits[0]?.why).toContain(`same cluster=${cluster}`);
      expect(hits[1]?.why).not.toContain('same cluster');
    }
  });

  test('plain BM25 mode applies no boosts', async () => {
    await index.upsert([
      doc('import:a', 'Orders queue stuck', body, { alertnames: ['QueueBacklogHigh'] }),
      doc('import:b', 'Orders queue stuck', body, { alertnames: ['HighQueueBacklog'] }),
    ]);
    const hits = await index.search('orders queue stuck', {
      mode: 'bm25',
      context: { alertname: 'HighQueueBacklog', services: ['checkout'] },
    });
    expect(hits).toHaveLength(2);
    expect(hits[0]?.score).toBeCloseTo(hits[1]?.score as number, 9);
    expect(hits.every((h) => !h.why.includes('same alert'))).toBe(true);
  });
});

describe('votes', () => {
  const twins = [
    doc(
      'import:first',
      'Checkout 5xx after deploy',
      'Checkout returned 502 errors after the v2.3 deploy. Rolled back.',
    ),
    doc(
      'import:second',
      'Checkout 502 errors',
      'Checkout answered 502 errors after a deploy of v2.4; rolled back.',
    ),
    doc('import:other', 'Kafka lag', 'orders consumer lag after rebalance'),
  ];
  const query = 'checkout 502 errors after deploy';

  beforeEach(async () => {
    await index.upsert(twins);
  });

  test('👍 on the second result moves it first and shows in why', async () => {
    const before = ids(await index.search(query));
    expect(before.slice(0, 2).sort()).toEqual(['import:first', 'import:second']);
    const second = before[1] as string;
    index.vote(second, 'U1', 1);
    const hits = await index.search(query);
    expect(hits[0]?.id).toBe(second);
    expect(hits[0]?.helpful).toBe(1);
    expect(hits[0]?.why).toContain('marked helpful 1×');
  });

  test('👎 on the first result moves it down', async () => {
    const before = ids(await index.search(query));
    const first = before[0] as string;
    index.vote(first, 'U1', -1);
    const hits = await index.search(query);
    expect(hits[0]?.id).not.toBe(first);
    expect(ids(hits).indexOf(first)).toBeGreaterThan(0);
    expect(hits.find((h) => h.id === first)?.why).toContain('marked unhelpful 1×');
  });

  test('votes from different people add up; votes() counts them', () => {
    index.vote('import:first', 'U1', 1, 7);
    index.vote('import:first', 'U2', 1, 7);
    index.vote('import:first', 'U3', -1, 7);
    expect(index.votes('import:first')).toEqual({ helpful: 2, unhelpful: 1 });
    expect(index.votes('import:other')).toEqual({ helpful: 0, unhelpful: 0 });
  });

  test('the same person voting again on the same incident replaces their vote', async () => {
    index.vote('import:first', 'U1', 1, 7);
    index.vote('import:first', 'U1', -1, 7);
    expect(index.votes('import:first')).toEqual({ helpful: 0, unhelpful: 1 });
    const hit = (await index.search(query)).find((h) => h.id === 'import:first');
    expect(hit).toMatchObject({ helpful: 0, unhelpful: 1 });
  });

  test('the same person voting again without an incident replaces their vote', () => {
    index.vote('import:first', 'U1', 1);
    index.vote('import:first', 'U1', -1);
    expect(index.votes('import:first')).toEqual({ helpful: 0, unhelpful: 1 });
  });

  test('a vote before the document exists counts once it is indexed', async () => {
    index.vote('import:later', 'U1', 1, 3);
    expect(index.votes('import:later')).toEqual({ helpful: 1, unhelpful: 0 });
    await index.upsert([
      doc('import:later', 'Checkout 502 errors again', 'Checkout 502 errors after a deploy.'),
    ]);
    const hit = (await index.search(query, { limit: 10 })).find((h) => h.id === 'import:later');
    expect(hit).toMatchObject({ helpful: 1, unhelpful: 0 });
    expect(hit?.why).toContain('marked helpful 1×');
  });

  test('the vote boost is clamped between ×0.4 and ×2', async () => {
    const score = async (id: string) =>
      (await index.search(query, { limit: 3 })).find((h) => h.id === id)?.score;
    const neutral = (await score('import:second')) as number;
    for (let i = 0; i < 4; i++) index.vote('import:second', `U${i}`, 1, 1);
    expect(await score('import:second')).toBeCloseTo(neutral * 2, 9);
    for (let i = 4; i < 20; i++) index.vote('import:second', `U${i}`, 1, 1);
    expect(await score('import:second')).toBeCloseTo(neutral * 2, 9);
    expect((await index.search(query))[0]?.why).toContain('marked helpful 20×');

    const before = (await score('import:first')) as number;
    for (let i = 0; i < 3; i++) index.vote('import:first', `U${i}`, -1, 1);
    expect(await score('import:first')).toBeCloseTo(before * 0.4, 9);
    for (let i = 3; i < 10; i++) index.vote('import:first', `U${i}`, -1, 1);
    expect(await score('import:first')).toBeCloseTo(before * 0.4, 9);
  });
});

describe('sources filter and recency', () => {
  test('sources restricts hits to those sources', async () => {
    await index.upsert([
      doc('import:disk', 'Disk full on db-01', 'pg_wal filled the disk'),
      doc('runbook:disk.md', 'Disk full runbook', 'how to clean pg_wal when the disk is full', {
        source: 'runbook',
      }),
      doc('github:acme/ops#1', 'Disk full', 'pg_wal disk full again', { source: 'github' }),
    ]);
    expect(ids(await index.search('disk full pg_wal', { limit: 10 })).sort()).toEqual([
      'github:acme/ops#1',
      'import:disk',
      'runbook:disk.md',
    ]);
    expect(ids(await index.search('disk full pg_wal', { sources: ['runbook'] }))).toEqual([
      'runbook:disk.md',
    ]);
    expect(ids(await index.search('disk full pg_wal', { sources: ['import', 'github'] })).sort()).toEqual([
      'github:acme/ops#1',
      'import:disk',
    ]);
  });

  test('sources finds a matching runbook even when many incidents match better', async () => {
    const incidents = Array.from({ length: 150 }, (_, i) =>
      doc(
        `import:disk-${i}`,
        `Disk full on db-01 (${i})`,
        'pg_wal filled the disk on db-01; disk full alert',
      ),
    );
    await index.upsert([
      ...incidents,
      doc('runbook:disk.md', 'Storage runbook', 'When a disk is full, look at pg_wal first.', {
        source: 'runbook',
      }),
    ]);
    const hits = await index.search('disk full pg_wal db-01', { sources: ['runbook'] });
    expect(ids(hits)).toEqual(['runbook:disk.md']);
  });

  test('of two identical incidents the recent one ranks first, by the recency boost', async () => {
    const old = doc('import:old', 'Redis evictions', 'maxmemory reached, keys evicted', {
      createdAt: '2022-06-01T00:00:00.000Z',
    });
    const recent = doc('import:recent', 'Redis evictions', 'maxmemory reached, keys evicted', {
      createdAt: '2025-05-31T00:00:00.000Z',
    });
    await index.upsert([old, recent]);
    const hits = await index.search('redis evictions');
    expect(ids(hits)).toEqual(['import:recent', 'import:old']);
    const ratio = (hits[0]?.score as number) / (hits[1]?.score as number);
    const expected = (1 + 0.15 * Math.exp(-1 / 180)) / (1 + 0.15 * Math.exp(-(3 * 365) / 180));
    expect(ratio).toBeCloseTo(expected, 3);
  });

  test('a creation date in the future counts as new, not as extra-new', async () => {
    await index.upsert([
      doc('import:future', 'Redis evictions', 'maxmemory reached, keys evicted', {
        createdAt: '2030-01-01T00:00:00.000Z',
      }),
      doc('import:today', 'Redis evictions', 'maxmemory reached, keys evicted', {
        createdAt: NOW.toISOString(),
      }),
    ]);
    const [a, b] = await index.search('redis evictions');
    expect(a?.score).toBeCloseTo(b?.score as number, 9);
  });
});

/**
 * A semantic provider stand-in: texts about cats (kitten, feline) point one way, about dogs another,
 * everything else a third — whatever their words. Deterministic, no network.
 */
class ConceptProvider implements EmbeddingProvider {
  readonly lexical = false;
  readonly id: string;
  calls = 0;

  constructor(readonly dimensions = 8) {
    this.id = `fake-semantic:${dimensions}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    return texts.map((text) => {
      const v = new Float32Array(this.dimensions);
      const t = text.toLowerCase();
      if (/kitten|feline|cat\b/.test(t)) v[0] = 1;
      else if (/puppy|canine|dog\b/.test(t)) v[1] = 1;
      else v[2] = 1;
      v[3] = 0.1;
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    });
  }
}

describe('semantic provider (vec0 nearest neighbours)', () => {
  const animals = [
    doc('import:kitten', 'Kitten stuck in a tree', 'The fire brigade came with a ladder.'),
    doc('import:puppy', 'Puppy chewed the power cable', 'The office lost power for an hour.'),
    doc('import:disk', 'Disk full on db-01', 'pg_wal filled the disk'),
  ];

  test('documents go into memory_vec; a query sharing no word is found by its vector', async () => {
    const semantic = new MemoryIndex(db, new ConceptProvider(), () => NOW);
    await semantic.upsert(animals);
    expect(db.prepare('SELECT COUNT(*) FROM memory_vec').pluck().get()).toBe(3);
    // No word in common with the kitten incident: only the vector channel can find it.
    expect(await semantic.search('feline', { mode: 'bm25' })).toEqual([]);
    expect((await semantic.search('feline'))[0]?.id).toBe('import:kitten');
    expect((await semantic.search('canine'))[0]?.id).toBe('import:puppy');
  });

  test('remove deletes the vector too', async () => {
    const semantic = new MemoryIndex(db, new ConceptProvider(), () => NOW);
    await semantic.upsert(animals);
    semantic.remove('import:kitten');
    expect(db.prepare('SELECT COUNT(*) FROM memory_vec').pluck().get()).toBe(2);
    expect(ids(await semantic.search('feline'))).not.toContain('import:kitten');
  });

  test('an updated document replaces its vector', async () => {
    const semantic = new MemoryIndex(db, new ConceptProvider(), () => NOW);
    await semantic.upsert(animals);
    await semantic.upsert([
      doc('import:kitten', 'Dog stuck in a tree', 'The fire brigade came with a ladder.'),
    ]);
    expect(db.prepare('SELECT COUNT(*) FROM memory_vec').pluck().get()).toBe(3);
    const canine = ids(await semantic.search('canine'));
    expect(canine.slice(0, 2).sort()).toEqual(['import:kitten', 'import:puppy']);
  });

  test('changing the dimensions makes every document stale; reembed reports progress and fixes it', async () => {
    const first = new MemoryIndex(db, new ConceptProvider(8), () => NOW);
    await first.upsert(animals);
    expect(first.staleCount()).toBe(0);

    const resized = new MemoryIndex(db, new ConceptProvider(16), () => NOW);
    expect(resized.staleCount()).toBe(3);
    const progress: Array<[number, number]> = [];
    expect(await resized.reembed((done, total) => progress.push([done, total]))).toBe(3);
    expect(progress).toEqual([[3, 3]]);
    expect(resized.staleCount()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM memory_vec').pluck().get()).toBe(3);
    expect((await resized.search('feline'))[0]?.id).toBe('import:kitten');
    // Nothing left to do.
    expect(await resized.reembed()).toBe(0);
  });

  test('reembed works in batches of 200 and reports each', async () => {
    const many = Array.from({ length: 450 }, (_, i) =>
      doc(`import:n${i}`, `note ${i}`, `plain note number ${i}`),
    );
    await new MemoryIndex(db, new ConceptProvider(8), () => NOW).upsert(many);
    const resized = new MemoryIndex(db, new ConceptProvider(16), () => NOW);
    const progress: Array<[number, number]> = [];
    await resized.reembed((done, total) => progress.push([done, total]));
    expect(progress).toEqual([
      [200, 450],
      [400, 450],
      [450, 450],
    ]);
    expect(resized.staleCount()).toBe(0);
  });

  test('switching back to the hashed provider makes documents stale for it', async () => {
    await new MemoryIndex(db, new ConceptProvider(), () => NOW).upsert(animals);
    const hashed = new MemoryIndex(db, new HashedEmbedding(), () => NOW);
    expect(hashed.staleCount()).toBe(3);
    await hashed.reembed();
    expect(hashed.staleCount()).toBe(0);
    expect((await hashed.search('disk full db-01'))[0]?.id).toBe('import:disk');
  });

  test('unchanged documents are re-embedded when the provider changed', async () => {
    await new MemoryIndex(db, new ConceptProvider(8), () => NOW).upsert(animals);
    const resized = new MemoryIndex(db, new ConceptProvider(16), () => NOW);
    expect(await resized.upsert(animals)).toEqual({ added: 0, updated: 3, unchanged: 0 });
    expect(resized.staleCount()).toBe(0);
  });
});

describe('postings budget', () => {
  test('a query of common words plus one rare word returns the rare document first', async () => {
    // 3,000 documents with the same eight common words (their postings far exceed the budget), and
    // one more with the same words plus a rare one.
    const common = ['service', 'latency', 'error', 'timeout', 'request', 'host', 'failed', 'deploy'];
    const rotated = (i: number) => [...common.slice(i % 8), ...common.slice(0, i % 8)].join(' ');
    const docs: MemoryDocument[] = [];
    for (let i = 0; i < 3000; i++) {
      docs.push(doc(`import:g${i}`, `Incident ${i}`, `${rotated(i)} on web-${i % 50}`));
    }
    docs.push(doc('import:rare', 'Incident 3000', `${rotated(3)} frobnicator on web-7`));
    for (let i = 0; i < docs.length; i += 1000) await index.upsert(docs.slice(i, i + 1000));
    expect(index.count()).toBe(3001);

    // Control: on the common words alone the rare document is one among thousands.
    expect(ids(await index.search(common.join(' '), { limit: 5 }))).not.toContain('import:rare');

    const query = `${common.join(' ')} frobnicator`;
    expect((await index.search(query, { limit: 5 }))[0]?.id).toBe('import:rare');
    expect((await index.search(query, { limit: 5, mode: 'bm25' }))[0]?.id).toBe('import:rare');
    expect(ids(await index.search('frobnicator'))).toEqual(['import:rare']);
  }, 60_000);
});
