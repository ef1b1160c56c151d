import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml, stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { AalsError, ErrorCode } from '../../src/errors.js';

/**
 * Property-based tests for the configuration (issue 9, part 4): ConfigSchema.safeParse never throws;
 * loadConfig either loads or throws AalsError(ConfigInvalid) whose every line names a key path;
 * a valid configuration round-trips. Deterministic: fixed seed (printed with any counterexample).
 */

const SEED = 0xc0f19;
const options = (numRuns: number) => ({ seed: SEED, numRuns, interruptAfterTimeLimit: 8_000 });
const SHIPPED = resolve('aals.config.yaml');
const shipped = parseYaml(readFileSync(SHIPPED, 'utf8')) as Record<string, unknown>;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'aals-fuzz-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function loadText(text: string) {
  const file = join(dir, `c${counter++}.yaml`);
  writeFileSync(file, text);
  return loadConfig({ path: file, env: {}, cwd: dir });
}

/** loadConfig's contract: a config, or AalsError(ConfigInvalid) naming a path on every issue line. */
function loadContract(text: string): void {
  const start = performance.now();
  try {
    const { config } = loadText(text);
    expect(ConfigSchema.safeParse(config).success).toBe(true);
  } catch (error) {
    expect(error).toBeInstanceOf(AalsError);
    expect((error as AalsError).code).toBe(ErrorCode.ConfigInvalid);
    const message = (error as AalsError).message;
    if (message.includes(' is invalid:')) {
      const lines = message.split('\n').slice(1);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/^ {2}- (\(top level\)|[^\s:]+)[ :(]/);
    }
  }
  expect(performance.now() - start).toBeLessThan(500);
}

type Json = unknown;
type Mutation = (root: Record<string, unknown>) => void;

/** Every (object) path in the shipped config, so mutations hit real keys as well as made-up ones. */
function paths(value: Json, prefix: string[] = []): string[][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: string[][] = [];
  for (const [key, child] of Object.entries(value)) {
    out.push([...prefix, key]);
    out.push(...paths(child, [...prefix, key]));
  }
  return out;
}
const PATHS = paths(shipped);

function parentOf(root: Record<string, unknown>, path: string[]): Record<string, unknown> | null {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (!node || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : null;
}

const wrongValue = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    2 ** 64,
    0.5,
    '',
    'x',
    [],
    {},
  ),
  fc.string({ maxLength: 30 }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.integer({ min: 1, max: 5_000 }).map((n) => 'y'.repeat(n)),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.constantFrom(...PATHS)).map(
    ([path]): Mutation =>
      (root) => {
        const parent = parentOf(root, path);
        if (parent) delete parent[path[path.length - 1] as string];
      },
  ),
  fc.tuple(fc.constantFrom(...PATHS), wrongValue).map(
    ([path, value]): Mutation =>
      (root) => {
        const parent = parentOf(root, path);
        if (parent) parent[path[path.length - 1] as string] = value;
      },
  ),
  fc.tuple(fc.constantFrom(...PATHS), fc.string({ minLength: 1, maxLength: 12 }), wrongValue).map(
    ([path, key, value]): Mutation =>
      (root) => {
        const parent = parentOf(root, [...path, key]);
        if (parent && !Array.isArray(parent)) parent[key] = value;
      },
  ),
);

describe('fuzz: configuration', () => {
  test('ConfigSchema.safeParse(arbitrary JSON) never throws; every issue carries a path', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const result = ConfigSchema.safeParse(value);
        if (!result.success)
          for (const issue of result.error.issues) expect(Array.isArray(issue.path)).toBe(true);
      }),
      options(500),
    );
  });

  test('ConfigSchema.safeParse(objects with the real top-level keys and random values) never throws', () => {
    const keys = Object.keys(shipped);
    const objectish = fc.dictionary(fc.constantFrom(...keys, 'unknownKey'), fc.jsonValue({ maxDepth: 4 }));
    fc.assert(
      fc.property(objectish, (value) => {
        const result = ConfigSchema.safeParse(value);
        if (!result.success)
          for (const issue of result.error.issues) expect(Array.isArray(issue.path)).toBe(true);
      }),
      options(500),
    );
  });

  test('loadConfig(random mutations of the shipped aals.config.yaml): loads, or ConfigInvalid naming a path', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const root = structuredClone(shipped);
        for (const mutate of mutations) mutate(root);
        loadContract(stringify(root));
      }),
      options(200),
    );
  });

  /**
   * Found by this file and fixed: an alias cycle (`&a [*a]`) overflowed the stack in interpolate()
   * and a "billion laughs" file escaped as yaml's own ReferenceError; both are ConfigInvalid now.
   */
  test('loadConfig(arbitrary YAML-ish text, duplicate keys, broken syntax): loads or ConfigInvalid', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v)),
      fc.constantFrom(...PATHS).map((path) => `${path[0]}: 1\n${path[0]}: 2\n`),
      fc.constantFrom(
        'a: [',
        'a: {',
        '- x\n- y',
        '"',
        ': :',
        'x: &a 1\ny: *a',
        'x: !!binary zz',
        `$\{NOPE}`, // the literal text ${NOPE}: an unset variable
        'x: $' + '{Y:-',
        'x: &a [*a]',
        'x: &a {y: *a}',
        `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]`,
      ),
    );
    fc.assert(
      fc.property(text, (t) => loadContract(t)),
      options(300),
    );
  });

  test('alias cycles and alias bombs are ConfigInvalid, not a crash', () => {
    for (const text of ['x: &a [*a]', 'x: &a {y: *a}']) {
      expect(() => loadText(text)).toThrow(/aliases \(\*name\) form a cycle or expand too much/);
    }
  });

  test('a valid configuration round-trips through YAML and the schema', () => {
    const { config } = loadConfig({ path: SHIPPED, env: {}, cwd: dir });
    fc.assert(
      fc.property(fc.constantFrom('yaml', 'json'), (how) => {
        const text = how === 'yaml' ? stringify(config) : JSON.stringify(config);
        const { config: again } = loadText(text);
        expect(again).toEqual(config);
        expect(ConfigSchema.parse(again)).toEqual(config);
      }),
      options(10),
    );
  });
});
