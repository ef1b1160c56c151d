import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import winston from 'winston';
import { ConfigSchema } from '../../src/config/schema.js';
import { diagnosisToolbox } from '../../src/diagnosis/toolbox.js';
import type { MemoryDocument } from '../../src/memory/documents.js';
import { HashedEmbedding } from '../../src/memory/embeddings.js';
import { IncidentMemory } from '../../src/memory/service.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import { memoryDoc } from '../support/memory-docs.js';
import { tempDir } from '../support/temp.js';

const logger = winston.createLogger({ silent: true });

const incident = (id: string, title: string, body: string, extra: Partial<MemoryDocument> = {}) =>
  memoryDoc(id, title, body, { source: 'aals', ...extra });

const DISK_INCIDENTS = [
  incident(
    'aals:incident:1',
    'NodeFilesystemAlmostFull on db-01',
    'pg_wal filled /var/lib/postgresql on db-01.',
  ),
  incident(
    'aals:incident:2',
    'db-01 disk full again',
    'Disk on db-01 at 97%: pg_wal kept growing, archive failing.',
  ),
  incident(
    'import:INC-3',
    'Disk almost full on db-01',
    'Debug logging filled the disk of db-01 /var/lib/postgresql.',
    {
      source: 'import',
    },
  ),
  incident(
    'import:INC-4',
    'db-01 filesystem 95%',
    'WAL held by an abandoned replication slot filled db-01.',
    {
      source: 'import',
    },
  ),
  incident('import:INC-5', 'Kafka consumer lag', 'orders consumers lagged after a rebalance loop.', {
    source: 'import',
  }),
];

let db: Db;
let dir: ReturnType<typeof tempDir>;

const write = (path: string, text: string) => {
  const full = join(dir.path, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
};

function memoryWith(memory: Record<string, unknown> = {}): IncidentMemory {
  const config = ConfigSchema.parse({ memory: { runbooksDir: dir.path, ...memory } });
  return new IncidentMemory(db, config, logger, { provider: new HashedEmbedding() });
}

beforeEach(() => {
  db = openDatabase(':memory:');
  dir = tempDir('aals-memory-service-');
});

afterEach(() => {
  if (db.open) db.close();
  dir.cleanup();
});

describe('similar', () => {
  const query = 'NodeFilesystemAlmostFull db-01 /var/lib/postgresql';
  const context = { alertname: 'NodeFilesystemAlmostFull', services: ['orders-db'] };

  test('never lists the incident itself, and shows similarShown past incidents', async () => {
    const memory = memoryWith({ similarShown: 3 });
    for (const doc of DISK_INCIDENTS) await memory.remember(doc);
    // Without exclusion the incident itself is the best match…
    const all = await memory.similar(query, context);
    expect(all.hits[0]?.id).toBe('aals:incident:1');
    // …with it, it is gone and the list is still full.
    const { hits } = await memory.similar(query, context, 'aals:incident:1');
    expect(hits.map((h) => h.id)).not.toContain('aals:incident:1');
    expect(hits).toHaveLength(3);
    expect(hits.every((h) => h.id !== 'import:INC-5')).toBe(true);
  });

  test('similarShown limits the hits; 0 shows none', async () => {
    for (const [shown, expected] of [
      [1, 1],
      [2, 2],
      [0, 0],
    ] as const) {
      const memory = memoryWith({ similarShown: shown });
      for (const doc of DISK_INCIDENTS) await memory.remember(doc);
      expect((await memory.similar(query, context, 'aals:incident:1')).hits).toHaveLength(expected);
    }
  });

  test('runbooks are not listed as past incidents', async () => {
    write('disk.md', '# NodeFilesystemAlmostFull on db-01\n\npg_wal filled /var/lib/postgresql on db-01.');
    const memory = memoryWith({ similarShown: 10 });
    await memory.syncRunbooks();
    for (const doc of DISK_INCIDENTS) await memory.remember(doc);
    const { hits, runbooks } = await memory.similar(query, context);
    expect(hits.every((h) => h.source !== 'runbook')).toBe(true);
    expect(runbooks.map((r) => r.id)).toEqual(['runbook:disk.md']);
  });

  test('the runbook naming the alert in its front matter is always included, however unlike the text', async () => {
    write(
      'postgres/wal.md',
      '---\nalerts: [NodeFilesystemAlmostFull, PostgresWALArchiveFailing]\n---\n# Storage housekeeping\n\nGeneral notes.',
    );
    write('db-disk.md', '# db-01 /var/lib/postgresql disk full\n\nNodeFilesystemAlmostFull db-01 pg_wal.');
    const memory = memoryWith();
    await memory.syncRunbooks();
    for (const doc of DISK_INCIDENTS) await memory.remember(doc);
    const { runbooks } = await memory.similar(query, context);
    expect(runbooks).toHaveLength(1);
    expect(runbooks[0]).toMatchObject({
      id: 'runbook:postgres/wal.md',
      source: 'runbook',
      title: 'Storage housekeeping',
      why: 'the runbook for NodeFilesystemAlmostFull',
    });
    // Another alert named in the same front matter finds it too.
    expect(memory.runbooksFor('PostgresWALArchiveFailing').map((r) => r.id)).toEqual([
      'runbook:postgres/wal.md',
    ]);
  });

  test('without a runbook for the alert, the best matching runbook is shown', async () => {
    write('db-disk.md', '# db-01 /var/lib/postgresql disk full\n\nNodeFilesystemAlmostFull db-01 pg_wal.');
    write('kafka.md', '# Kafka consumer lag\n\nrebalance');
    const memory = memoryWith();
    await memory.syncRunbooks();
    const { runbooks } = await memory.similar(query, context);
    expect(runbooks.map((r) => r.id)).toEqual(['runbook:db-disk.md']);
  });

  test('with no runbooks at all, looking up a new incident is one search, not two', async () => {
    const memory = memoryWith();
    for (const doc of DISK_INCIDENTS) await memory.remember(doc);
    const searches = jest.spyOn(memory.index, 'search');
    const { hits, runbooks } = await memory.similar(query, context);
    expect(hits.length).toBeGreaterThan(0);
    expect(runbooks).toEqual([]);
    expect(searches).toHaveBeenCalledTimes(1);
  });

  test('runbooksFor matches whole alert names only', async () => {
    write('cpu.md', '---\nalerts: HighCPUUsage\n---\n# CPU');
    const memory = memoryWith();
    await memory.syncRunbooks();
    expect(memory.runbooksFor('HighCPUUsage')).toHaveLength(1);
    expect(memory.runbooksFor('CPU')).toEqual([]);
    expect(memory.runbooksFor('HighCPU')).toEqual([]);
  });

  test('runbooksFor finds snake_case alert names', async () => {
    write('lag.md', '---\nalerts: [postgres_replication_lag]\n---\n# Replication lag');
    write('lag-v1.md', '---\nalerts: [postgres-replication-lag]\n---\n# Replication lag (old alert)');
    const memory = memoryWith();
    await memory.syncRunbooks();
    // `_` is part of the name, not a wildcard matching the hyphenated alert.
    expect(memory.runbooksFor('postgres_replication_lag').map((r) => r.id)).toEqual(['runbook:lag.md']);
    expect(memory.runbooksFor('postgres-replication-lag').map((r) => r.id)).toEqual(['runbook:lag-v1.md']);
  });
});

describe('syncRunbooks', () => {
  test('indexes new files, skips unchanged ones, re-indexes changed ones and removes deleted ones', async () => {
    write('disk.md', '# Disk full\n\nClean up old zanzibar logs.');
    write('nested/cpu.md', '# High CPU\n\nFind the hot process.');
    const memory = memoryWith();
    expect(await memory.syncRunbooks()).toEqual({ runbooks: 2, indexed: 2, removed: 0 });
    expect(await memory.syncRunbooks()).toEqual({ runbooks: 2, indexed: 0, removed: 0 });

    write('disk.md', '# Disk full\n\nClean up old timbuktu logs.');
    expect(await memory.syncRunbooks()).toEqual({ runbooks: 2, indexed: 1, removed: 0 });
    const search = (q: string) => memory.index.search(q, { sources: ['runbook'] });
    expect((await search('timbuktu')).map((h) => h.id)).toEqual(['runbook:disk.md']);
    expect(await search('zanzibar')).toEqual([]);

    rmSync(join(dir.path, 'nested', 'cpu.md'));
    expect(await memory.syncRunbooks()).toEqual({ runbooks: 1, indexed: 0, removed: 1 });
    expect(memory.index.idsOf('runbook')).toEqual(['runbook:disk.md']);
    expect(await search('hot process')).toEqual([]);
  });

  test('removing runbooks leaves past incidents alone', async () => {
    write('disk.md', '# Disk full');
    const memory = memoryWith();
    await memory.remember(DISK_INCIDENTS[0] as MemoryDocument);
    await memory.syncRunbooks();
    rmSync(join(dir.path, 'disk.md'));
    expect(await memory.syncRunbooks()).toEqual({ runbooks: 0, indexed: 0, removed: 1 });
    expect(memory.index.count()).toBe(1);
    expect(memory.index.count('aals')).toBe(1);
  });

  test('another directory can be synced explicitly; without any directory nothing happens', async () => {
    const other = tempDir('aals-memory-other-');
    try {
      writeFileSync(join(other.path, 'x.md'), '# X');
      const memory = memoryWith();
      expect(await memory.syncRunbooks(other.path)).toEqual({ runbooks: 1, indexed: 1, removed: 0 });
      const none = new IncidentMemory(db, ConfigSchema.parse({}), logger, {
        provider: new HashedEmbedding(),
      });
      expect(await none.syncRunbooks()).toEqual({ runbooks: 0, indexed: 0, removed: 0 });
    } finally {
      other.cleanup();
    }
  });

  test('runbooksUrl gives runbooks links', async () => {
    write('db/wal.md', '# WAL');
    const memory = memoryWith({ runbooksUrl: 'https://github.com/acme/runbooks/blob/main' });
    await memory.syncRunbooks();
    const [hit] = await memory.index.search('WAL', { sources: ['runbook'] });
    expect(hit?.url).toBe('https://github.com/acme/runbooks/blob/main/db/wal.md');
  });
});

describe('the read_runbook tool', () => {
  test('reads indexed runbooks by id; a path (relative, absolute, outside the directory) reads nothing from disk', async () => {
    const outside = tempDir('aals-outside-');
    try {
      writeFileSync(join(outside.path, 'secret.md'), '# Secret\n\nthe-secret-body');
      write('disk.md', '# Disk full\n\nClean up old logs.');
      const memory = memoryWith();
      await memory.syncRunbooks();
      const { readRunbook } = diagnosisToolbox({ prometheus: null, memory: memory.index });
      if (!readRunbook) throw new Error('no read_runbook tool with memory on');
      expect(await readRunbook('disk.md')).toBe('Disk full\n\n# Disk full\n\nClean up old logs.');
      expect(await readRunbook('runbook:disk.md')).toBe('Disk full\n\n# Disk full\n\nClean up old logs.');
      for (const id of [
        '../aals-outside/secret.md',
        join(outside.path, 'secret.md'),
        `runbook:${join('..', outside.path, 'secret.md')}`,
        '/etc/passwd',
        'runbook:../../../../etc/passwd',
      ]) {
        const text = await readRunbook(id);
        expect(text).toBe(`no runbook or incident with id ${id}`);
        expect(text).not.toContain('the-secret-body');
        expect(text).not.toContain('root:');
      }
    } finally {
      outside.cleanup();
    }
  });
});

describe('start and stop', () => {
  async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test('start syncs the runbook directory, then a new file is searchable within a few seconds', async () => {
    write('disk.md', '# Disk full\n\nClean up old logs.');
    const memory = memoryWith();
    memory.start();
    try {
      await waitFor(async () => (memory.index.count('runbook') === 1 ? true : undefined), 5000);

      const started = Date.now();
      write('cert.md', '# Certificate expiring\n\nRenew the quixotic certificate with certbot.');
      const hit = await waitFor(async () => {
        const [first] = await memory.index.search('quixotic certificate', { sources: ['runbook'] });
        return first?.id === 'runbook:cert.md' ? first : undefined;
      }, 5000);
      expect(hit.title).toBe('Certificate expiring');
      expect(Date.now() - started).toBeLessThan(5000);

      // Edits and deletions are picked up too.
      rmSync(join(dir.path, 'disk.md'));
      await waitFor(
        async () => (memory.index.idsOf('runbook').includes('runbook:disk.md') ? undefined : true),
        5000,
      );
      expect(memory.index.idsOf('runbook')).toEqual(['runbook:cert.md']);
    } finally {
      await memory.stop();
    }
  }, 20_000);

  test('new files in a new subdirectory are picked up', async () => {
    const memory = memoryWith();
    memory.start();
    try {
      write(
        'team/storage/inodes.md',
        '# Inodes exhausted\n\nFind the directory with millions of zygomorphic files.',
      );
      await waitFor(async () => {
        const [first] = await memory.index.search('zygomorphic', { sources: ['runbook'] });
        return first?.id === 'runbook:team/storage/inodes.md' ? true : undefined;
      }, 5000);
    } finally {
      await memory.stop();
    }
  }, 20_000);

  test('start re-embeds documents stored by another provider', async () => {
    const old = memoryWith();
    await old.remember(DISK_INCIDENTS[0] as MemoryDocument);
    const config = ConfigSchema.parse({ memory: { runbooksDir: dir.path } });
    const memory = new IncidentMemory(db, config, logger, { provider: new HashedEmbedding(128) });
    expect(memory.index.staleCount()).toBe(1);
    memory.start();
    try {
      await waitFor(async () => (memory.index.staleCount() === 0 ? true : undefined), 5000);
    } finally {
      await memory.stop();
    }
  }, 20_000);

  test('after stop, changes are no longer picked up', async () => {
    const memory = memoryWith();
    memory.start();
    await memory.stop();
    write('late.md', '# Late\n\nxylophone');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(memory.index.count('runbook')).toBe(0);
  }, 20_000);
});
