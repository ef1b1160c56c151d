import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';

/**
 * The questions the runners ask on every wake must read only the rows that still need work:
 * SQLite's own query plan for each shows the partial index that holds just those.
 */
describe('work-queue queries read their partial indexes, not the whole table', () => {
  const db = openDatabase(':memory:');
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    prepared.push(source);
    return prepare(source);
  }) as typeof db.prepare;
  const store = new Store(db);

  afterAll(() => db.close());

  /** The plan of the last statement `ask` prepared (each store method prepares its SQL on first use). */
  function planOf(ask: () => unknown, ...parameters: unknown[]): string {
    const before = prepared.length;
    ask();
    const source = prepared.slice(before).at(-1);
    if (!source) throw new Error('the call prepared no statement');
    const rows = prepare(`EXPLAIN QUERY PLAN ${source}`).all(...parameters) as Array<{ detail: string }>;
    return rows.map((r) => r.detail).join('; ');
  }

  test.each([
    ['incidents to post a summary for', () => store.incidents.summariesToPost(), [], 'incidents_unposted'],
    // Open incidents are few (the correlation window): the status index is enough.
    ['incidents without similar ones', () => store.incidents.withoutSimilar(10), [10], 'incidents_status'],
    ['incidents to remember', () => store.incidents.toRemember(10), [10], 'incidents_to_remember'],
    ['summaries behind', () => store.incidents.summariesToUpdate(50), [50], 'incidents_behind'],
  ])('%s', (_name, ask, parameters, index) => {
    const plan = planOf(ask, ...parameters);
    expect(plan).toContain(`USING INDEX ${index}`);
    expect(plan).not.toMatch(/SCAN incidents(?! USING)/);
  });

  test('outbox entries come in send order from their index (no sort) and look incidents up by key', () => {
    const plan = planOf(() => store.outbox.ready(100), 100);
    expect(plan).toContain('USING INDEX outbox_ready');
    expect(plan).toMatch(/SEARCH i USING INTEGER PRIMARY KEY/);
    expect(plan).not.toContain('TEMP B-TREE');
  });

  test("a resolved incident is found from its alert's fingerprint, not by reading every resolved one", () => {
    const plan = planOf(() => store.incidents.resolvedWith('abc', new Date(0)), 'abc', '1970');
    expect(plan).toMatch(/^SEARCH ia USING (COVERING )?INDEX incident_alerts_fingerprint/);
    expect(plan).toContain('SEARCH i USING INTEGER PRIMARY KEY');
  });
});
