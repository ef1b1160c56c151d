import winston from 'winston';
import { ConfigSchema } from '../../src/config/schema.js';
import type { MemoryDocument } from '../../src/memory/documents.js';
import {
  type GitHubSettings,
  GitHubSource,
  rateLimitWait,
  type SyncReport,
} from '../../src/memory/github.js';
import { IncidentMemory } from '../../src/memory/service.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import { type FakeGitHub, githubTime, parseSearch, startFakeGitHub } from '../support/fake-github.js';

/**
 * GitHub incident sync through the real @octokit/rest against a fake GitHub on a loopback port
 * (tests/support/fake-github.ts), into real SQLite. Waits go through an injected sleep that only
 * records what was asked, so rate-limit tests take milliseconds.
 */
// Built at run time so no token-shaped literal sits in the repository.
const TOKEN = ['ghp', 'test0123456789abcdefABCDEF0123456789'].join('_');
const LONG_AGO = '2024-03-01T10:00:00Z';
const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

let fake: FakeGitHub;
let db: Db;

beforeEach(async () => {
  fake = await startFakeGitHub({ token: TOKEN });
  db = openDatabase(':memory:');
});

afterEach(async () => {
  await fake.close();
  if (db.open) db.close();
});

interface Run {
  report: SyncReport;
  pages: MemoryDocument[][];
  documents: MemoryDocument[];
  progress: Array<[string, number]>;
}

function sourceFor(settings: Partial<GitHubSettings> = {}, server: FakeGitHub = fake) {
  const waits: number[] = [];
  const github = new GitHubSource(
    {
      token: TOKEN,
      apiUrl: server.url,
      repositories: ['acme/ops'],
      labels: ['incident', 'postmortem'],
      ...settings,
    },
    db,
    undefined,
    async (ms) => {
      waits.push(ms);
    },
  );
  const sync = async (): Promise<Run> => {
    const pages: MemoryDocument[][] = [];
    const progress: Array<[string, number]> = [];
    const report = await github.sync(
      async (documents) => {
        pages.push(documents);
      },
      (repo, issues) => progress.push([repo, issues]),
    );
    return { report, pages, documents: pages.flat(), progress };
  };
  return { github, waits, sync };
}

const cursor = (repo = 'acme/ops') =>
  db.prepare('SELECT value FROM memory_meta WHERE key = ?').pluck().get(`github.since.${repo}`) as
    | string
    | undefined;

const numbers = (documents: MemoryDocument[]) =>
  documents.map((d) => Number(d.id.slice(d.id.indexOf('#') + 1))).sort((a, b) => a - b);

const LIST = '/repos/acme/ops/issues';
const listRequests = () => fake.requestsTo(LIST);
const onPage = (page: number) => new RegExp(`^/repos/acme/ops/issues\\?(?:.*&)?page=${page}(?:&|$)`);

async function get(path: string, headers: Record<string, string> = {}, server: FakeGitHub = fake) {
  const response = await fetch(`${server.url}${path}`, {
    headers: { authorization: `token ${TOKEN}`, ...headers },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

describe('the fake GitHub speaks the REST wire format', () => {
  test('issue lists page with absolute Link URLs, realistic headers, and decrementing rate limits', async () => {
    fake.addIssues('acme/ops', 5, (i) => ({ title: `issue ${i + 1}`, labels: ['incident'] }));
    const first = await get(`${LIST}?per_page=2`);
    expect(first.status).toBe(200);
    expect(first.json.map((i: { number: number }) => i.number)).toEqual([5, 4]);
    expect(first.headers.get('link')).toBe(
      `<${fake.origin}${LIST}?per_page=2&page=2>; rel="next", <${fake.origin}${LIST}?per_page=2&page=3>; rel="last"`,
    );
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(first.headers.get('etag')).toMatch(/^W\/"[0-9a-f]{64}"$/);
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(first.headers.get('x-ratelimit-used')).toBe('1');
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);

    const last = await get(`${LIST}?per_page=2&page=3`);
    expect(last.json.map((i: { number: number }) => i.number)).toEqual([1]);
    expect(last.headers.get('link')).toBe(
      `<${fake.origin}${LIST}?per_page=2&page=2>; rel="prev", <${fake.origin}${LIST}?per_page=2&page=1>; rel="first"`,
    );
    expect(last.headers.get('x-ratelimit-remaining')).toBe('4998');
    expect(last.json[0]).toMatchObject({
      number: 1,
      title: 'issue 1',
      html_url: 'https://github.com/acme/ops/issues/1',
      labels: [expect.objectContaining({ name: 'incident' })],
      comments: 0,
      state: 'open',
    });
  });

  test('labels are ANDed, since keeps issues updated at or after it, state defaults to open', async () => {
    fake.addIssue('acme/ops', { title: 'both', labels: ['incident', 'postmortem'], updated_at: LONG_AGO });
    fake.addIssue('acme/ops', { title: 'one', labels: ['Incident'], updated_at: '2024-06-01T00:00:00Z' });
    fake.addIssue('acme/ops', { title: 'closed', labels: ['incident'], state: 'closed' });
    const titles = async (query: string) =>
      (await get(`${LIST}?${query}`)).json.map((i: { title: string }) => i.title).sort();
    expect(await titles('labels=incident,postmortem&state=all')).toEqual(['both']);
    expect(await titles('labels=incident&state=all')).toEqual(['both', 'closed', 'one']);
    expect(await titles('labels=incident')).toEqual(['both', 'one']);
    expect(await titles('state=all&since=2024-06-01T00:00:00.000Z')).toEqual(['closed', 'one']);
  });

  test('pull requests carry pull_request; comments page the same way', async () => {
    fake.addIssue('acme/ops', { title: 'a PR', pullRequest: true });
    const issue = fake.addIssue('acme/ops', { title: 'chatty', comments: ['a', 'b', 'c'] });
    const [listed, pr] = (await get(LIST)).json;
    expect(listed).not.toHaveProperty('pull_request');
    expect(pr.pull_request).toMatchObject({ html_url: 'https://github.com/acme/ops/pull/1' });
    const comments = await get(`${LIST}/${issue.number}/comments?per_page=2`);
    expect(comments.json.map((c: { body: string }) => c.body)).toEqual(['a', 'b']);
    expect(comments.json[0]).toEqual(
      expect.objectContaining({ id: expect.any(Number), body: 'a', created_at: expect.any(String) }),
    );
    expect(comments.headers.get('link')).toContain('rel="next"');
    expect((await get(`${LIST}/99/comments`)).status).toBe(404);
  });

  test('a matching if-none-match gets 304 without a body and costs no rate limit', async () => {
    fake.addIssue('acme/ops', { title: 'x' });
    const first = await get(LIST);
    const etag = first.headers.get('etag') as string;
    const second = await get(LIST, { 'if-none-match': etag });
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.headers.get('x-ratelimit-remaining')).toBe(first.headers.get('x-ratelimit-remaining'));
    expect((await get(LIST, { 'if-none-match': 'W/"stale"' })).status).toBe(200);
    expect(fake.requests.map((r) => r.status)).toEqual([200, 304, 200]);
    expect(fake.requests[1]?.headers['if-none-match']).toBe(etag);
  });

  test('a wrong or missing token gets 401 Bad credentials; token and Bearer both authenticate', async () => {
    fake.addIssue('acme/ops', { title: 'x' });
    const wrong = await get(LIST, { authorization: 'token ghp_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
    });
    expect((await fetch(`${fake.url}${LIST}`)).status).toBe(401);
    expect((await get(LIST, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  test('search answers {total_count, incomplete_results, items} for repo:, label:, is:issue and words', async () => {
    fake.addIssue('acme/ops', { title: 'Disk full on db-01', body: 'postgres WAL', labels: ['incident'] });
    fake.addIssue('acme/ops', { title: 'Disk full on db-02', labels: ['bug'] });
    fake.addIssue('acme/ops', { title: 'Disk full fix', labels: ['incident'], pullRequest: true });
    fake.addIssue('acme/web', { title: 'Disk full on web-01', labels: ['incident'] });
    const q = encodeURIComponent('repo:acme/ops label:incident is:issue disk full');
    const result = await get(`/search/issues?q=${q}`);
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ total_count: 1, incomplete_results: false });
    expect(result.json.items.map((i: { title: string }) => i.title)).toEqual(['Disk full on db-01']);
    expect(result.headers.get('x-ratelimit-resource')).toBe('search');
    expect(result.headers.get('x-ratelimit-limit')).toBe('30');
    const byBody = await get(`/search/issues?q=${encodeURIComponent('WAL')}`);
    expect(byBody.json.total_count).toBe(1);
    expect((await get('/search/issues')).status).toBe(422);
    expect(parseSearch('label:"sev 1" repo:Acme/Ops is:closed "disk full"')).toEqual({
      repos: ['acme/ops'],
      labels: ['sev 1'],
      words: ['disk full'],
      state: 'closed',
    });
  });

  test('scripted faults answer the next N matching requests, then the real answer returns', async () => {
    fake.addIssue('acme/ops', { title: 'x' });
    const reset = Math.floor(Date.now() / 1000) + 30;
    fake.failNext(LIST, { type: 'secondary', retryAfter: 7 });
    fake.failNext(LIST, { type: 'primary', reset });
    fake.failNext(LIST, { type: 'too-many-requests', retryAfter: 3 });
    fake.failNext(LIST, { type: 'server-error', status: 502 }, 2);
    const secondary = await get(LIST);
    expect(secondary.status).toBe(403);
    expect(secondary.headers.get('retry-after')).toBe('7');
    expect(secondary.json).toEqual({
      message: SECONDARY,
      documentation_url:
        'https://docs.github.com/rest/overview/resources-in-the-rest-api#secondary-rate-limits',
    });
    const primary = await get(LIST);
    expect(primary.status).toBe(403);
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(primary.headers.get('x-ratelimit-reset')).toBe(String(reset));
    expect(primary.json.message).toMatch(/^API rate limit exceeded/);
    const tooMany = await get(LIST);
    expect([tooMany.status, tooMany.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await get(LIST)).status).toBe(502);
    expect((await get(LIST)).status).toBe(502);
    expect(fake.pendingFaults()).toBe(0);
    expect((await get(LIST)).status).toBe(200);
  });

  test('an exhausted core limit answers 403 with remaining 0 until the window resets', async () => {
    fake.addIssue('acme/ops', { title: 'x' });
    fake.setRateLimit('core', { remaining: 0 });
    const limited = await get(LIST);
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    fake.setRateLimit('core', { reset: Math.floor(Date.now() / 1000) - 1 });
    expect((await get(LIST)).status).toBe(200);
  });

  test('a prefixed (GitHub Enterprise) API answers only under its prefix', async () => {
    const ghe = await startFakeGitHub({
      token: TOKEN,
      prefix: '/api/v3',
      htmlUrl: 'https://ghe.example.com',
    });
    try {
      ghe.addIssue('acme/ops', { title: 'x' });
      expect(ghe.url).toBe(`${ghe.origin}/api/v3`);
      const listed = await get(LIST, {}, ghe);
      expect(listed.json[0].html_url).toBe('https://ghe.example.com/acme/ops/issues/1');
      expect(
        (await fetch(`${ghe.origin}${LIST}`, { headers: { authorization: `token ${TOKEN}` } })).status,
      ).toBe(404);
    } finally {
      await ghe.close();
    }
  });
});

describe('rateLimitWait', () => {
  test.each([
    [403, { 'retry-after': '30' }, 30_000],
    [429, { 'retry-after': '2' }, 2_000],
    [403, { 'retry-after': '0' }, 0],
    [429, {}, 60_000],
    [403, {}, null],
    [401, { 'retry-after': '30' }, null],
    [500, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '9999999999' }, null],
    [undefined, { 'retry-after': '30' }, null],
  ] as Array<[number | undefined, Record<string, string>, number | null]>)(
    'status %p with %j waits %p ms',
    (status, headers, expected) => {
      expect(rateLimitWait(status, headers)).toBe(expected);
    },
  );

  test('an exhausted primary limit waits until x-ratelimit-reset, plus a second', () => {
    const reset = Math.floor(Date.now() / 1000) + 100;
    const wait = rateLimitWait(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    const expected = reset * 1000 - Date.now() + 1000;
    expect(wait).toBeGreaterThanOrEqual(expected - 50);
    expect(wait).toBeLessThanOrEqual(expected + 50);
    expect(
      rateLimitWait(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }),
    ).toBeGreaterThan(99_000);
  });

  test('a reset already past waits just the second; remaining above 0 is no primary limit', () => {
    const past = String(Math.floor(Date.now() / 1000) - 60);
    expect(rateLimitWait(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': past })).toBe(1000);
    expect(rateLimitWait(403, { 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': past })).toBeNull();
  });

  test('retry-after wins over the primary-limit headers', () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    expect(
      rateLimitWait(403, { 'retry-after': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
    ).toBe(5000);
  });
});

describe('GitHubSource against the fake GitHub', () => {
  test('250 issues come in three Link-paginated pages, each handed to save as it arrives', async () => {
    fake.addIssues('acme/ops', 250, (i) => ({
      title: `incident ${i + 1}`,
      labels: ['incident'],
      updated_at: LONG_AGO,
    }));
    const { sync } = sourceFor({ labels: ['incident'] });
    const run = await sync();
    expect(run.report).toEqual({ repositories: 1, issues: 250, errors: [] });
    expect(run.pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(numbers(run.documents)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(run.progress).toEqual([
      ['acme/ops', 100],
      ['acme/ops', 200],
      ['acme/ops', 250],
    ]);
    const requests = listRequests();
    expect(requests.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
    for (const request of requests) {
      expect(request.query).toMatchObject({ labels: 'incident', state: 'all', per_page: '100' });
      expect(request.query).not.toHaveProperty('since');
      expect(request.headers.authorization).toBe(`token ${TOKEN}`);
    }
  });

  test('an issue becomes a document: id, html_url, labels, services, times, resolution', async () => {
    const issue = fake.addIssue('acme/ops', {
      title: 'HighDiskUsage: postgres primary disk full on db-01',
      body: 'The WAL volume filled up.\n\n## Root cause\narchive_command failing since the bucket was renamed',
      labels: ['incident', 'service:postgres', 'service:billing', 'sev2'],
      created_at: '2024-02-01T08:00:00Z',
      comments: [
        { body: 'looking', created_at: '2024-02-01T08:05:00Z' },
        {
          body: 'we rolled back the bucket rename and ran `kubectl rollout restart sts/pg`',
          created_at: '2024-02-01T09:00:00Z',
        },
        { body: 'thanks all', created_at: '2024-02-01T09:30:00Z' },
      ],
      updated_at: '2024-02-02T09:00:00Z',
    });
    const run = await sourceFor().sync();
    expect(run.documents).toHaveLength(1);
    const [doc] = run.documents as [MemoryDocument];
    expect(doc).toMatchObject({
      id: `github:acme/ops#${issue.number}`,
      source: 'github',
      title: 'HighDiskUsage: postgres primary disk full on db-01',
      url: `https://github.com/acme/ops/issues/${issue.number}`,
      labels: ['incident', 'service:postgres', 'service:billing', 'sev2'],
      services: ['postgres', 'billing'],
      alertnames: ['HighDiskUsage'],
      rootCause: 'archive_command failing since the bucket was renamed',
      createdAt: '2024-02-01T08:00:00Z',
      updatedAt: '2024-02-02T09:00:00Z',
    });
    // No "Resolution:" heading anywhere: the last comment that talks about a fix is the resolution.
    expect(doc.resolution).toBe('we rolled back the bucket rename and ran `kubectl rollout restart sts/pg`');
    expect(doc.body).toContain('The WAL volume filled up.');
    expect(doc.body).toContain('looking');
    expect(doc.commands).toContain('kubectl rollout restart sts/pg');
  });

  test('a resolution stated in one comment is not glued to the comment after it', async () => {
    // Comments are joined with blank lines; "Resolution: …" ends at its paragraph, as it would
    // in one Markdown document.
    fake.addIssue('acme/ops', {
      title: 'kafka consumer lag',
      labels: ['incident'],
      body: 'Root cause: a poison message blocked partition 3',
      comments: ['Resolution: skipped the poison message and restarted the consumers', 'thanks, closing'],
    });
    const [doc] = (await sourceFor().sync()).documents;
    expect(doc?.rootCause).toBe('a poison message blocked partition 3');
    expect(doc?.resolution).toBe('skipped the poison message and restarted the consumers');
  });

  test('comments are read across pages and the resolution comes from the last page', async () => {
    const chatty = fake.addIssue('acme/ops', {
      title: 'api latency',
      labels: ['incident'],
      comments: [
        ...Array.from({ length: 149 }, (_, i) => `still investigating (${i + 1})`),
        'Resolution: rolled back deploy 2024.06.1 of the api',
      ],
    });
    const quiet = fake.addIssue('acme/ops', { title: 'quiet', labels: ['incident'] });
    const run = await sourceFor().sync();
    const doc = run.documents.find((d) => d.id === `github:acme/ops#${chatty.number}`);
    expect(doc?.resolution).toBe('rolled back deploy 2024.06.1 of the api');
    expect(doc?.body).toContain('still investigating (149)');
    const comments = fake.requestsTo(`/repos/acme/ops/issues/${chatty.number}/comments`);
    expect(comments.map((r) => [r.query.per_page, r.query.page ?? '1'])).toEqual([
      ['100', '1'],
      ['100', '2'],
    ]);
    expect(fake.requestsTo(`/repos/acme/ops/issues/${quiet.number}/comments`)).toHaveLength(0);
  });

  test('pull requests are skipped, and their comments are not read', async () => {
    const issue = fake.addIssue('acme/ops', { title: 'outage', labels: ['incident'] });
    const pr = fake.addIssue('acme/ops', {
      title: 'fix outage',
      labels: ['incident'],
      pullRequest: true,
      comments: ['LGTM'],
    });
    const run = await sourceFor().sync();
    expect(run.documents.map((d) => d.id)).toEqual([`github:acme/ops#${issue.number}`]);
    expect(run.report.issues).toBe(1);
    expect(fake.requestsTo(`/repos/acme/ops/issues/${pr.number}/comments`)).toHaveLength(0);
  });

  test('labels are any-of: each label is listed on its own and an issue with both comes once', async () => {
    const postmortem = fake.addIssue('acme/ops', { title: 'only postmortem', labels: ['postmortem'] });
    const incident = fake.addIssue('acme/ops', { title: 'only incident', labels: ['incident'] });
    const both = fake.addIssue('acme/ops', { title: 'both', labels: ['incident', 'postmortem'] });
    fake.addIssue('acme/ops', { title: 'a bug', labels: ['bug'] });
    const run = await sourceFor({ labels: ['incident', 'postmortem'] }).sync();
    expect(numbers(run.documents)).toEqual([postmortem.number, incident.number, both.number]);
    expect(run.report.issues).toBe(3);
    expect(listRequests().map((r) => r.query.labels)).toEqual(['incident', 'postmortem']);
  });

  test('no labels configured: every issue (no labels filter), still no pull requests', async () => {
    fake.addIssue('acme/ops', { title: 'unlabelled' });
    fake.addIssue('acme/ops', { title: 'bug', labels: ['bug'] });
    fake.addIssue('acme/ops', { title: 'pr', pullRequest: true });
    const run = await sourceFor({ labels: [] }).sync();
    expect(run.documents.map((d) => d.title).sort()).toEqual(['bug', 'unlabelled']);
    expect(listRequests()[0]?.query).not.toHaveProperty('labels');
  });

  test('the since cursor is stored after a sync and sent on the next, which brings only updated issues', async () => {
    const issues = fake.addIssues('acme/ops', 5, (i) => ({
      title: `old ${i + 1}`,
      labels: ['incident'],
      updated_at: LONG_AGO,
    }));
    const { sync } = sourceFor();
    const before = Date.now();
    expect((await sync()).documents).toHaveLength(5);
    const stored = cursor();
    expect(stored).toBeDefined();
    // Five minutes before the sync started: a margin for clock skew with GitHub.
    expect(Date.parse(stored as string)).toBeGreaterThanOrEqual(before - 5 * 60_000 - 1000);
    expect(Date.parse(stored as string)).toBeLessThanOrEqual(Date.now() - 5 * 60_000);

    fake.updateIssue('acme/ops', (issues[2] as { number: number }).number, { title: 'old 3, edited' });
    const added = fake.addIssue('acme/ops', { title: 'new', labels: ['postmortem'] });
    fake.clearRequests();
    const second = await sync();
    expect(listRequests().map((r) => r.query.since)).toEqual([stored, stored]);
    expect(second.documents.map((d) => d.title).sort()).toEqual(['new', 'old 3, edited']);
    expect(numbers(second.documents)).toEqual([(issues[2] as { number: number }).number, added.number]);
    expect(Date.parse(cursor() as string)).toBeGreaterThan(Date.parse(stored as string));
  });

  test('a sync that fails midway keeps the cursor, and the next sync redoes all the work', async () => {
    fake.addIssues('acme/ops', 250, (i) => ({
      title: `incident ${i + 1}`,
      labels: ['incident'],
      updated_at: LONG_AGO,
    }));
    const { sync, waits } = sourceFor({ labels: ['incident'] });
    // Page 2 answers 500 on the first try and all three retries.
    fake.failNext(onPage(2), { type: 'server-error', status: 500 }, 4);
    const failed = await sync();
    expect(failed.report.repositories).toBe(0);
    expect(failed.report.errors).toHaveLength(1);
    expect(failed.report.errors[0]).toMatch(/^acme\/ops: Server Error/);
    expect(failed.pages.map((p) => p.length)).toEqual([100]);
    expect(waits).toEqual([500, 1000, 2000]);
    expect(fake.requestsTo(onPage(2))).toHaveLength(4);
    expect(fake.requestsTo(onPage(3))).toHaveLength(0);
    expect(cursor()).toBeUndefined();

    fake.clearRequests();
    const redone = await sync();
    expect(redone.report).toEqual({ repositories: 1, issues: 250, errors: [] });
    expect(redone.pages.map((p) => p.length)).toEqual([100, 100, 50]);
    for (const request of listRequests()) expect(request.query).not.toHaveProperty('since');
    // Page 1 is unchanged since the failed sync: a conditional request, answered from the cache.
    expect(listRequests().map((r) => r.status)).toEqual([304, 200, 200]);
    expect(cursor()).toBeDefined();
  });

  test('502 then 503 from GitHub: retried with backoff, and the sync completes', async () => {
    fake.addIssues('acme/ops', 150, (i) => ({ title: `i${i}`, labels: ['incident'], updated_at: LONG_AGO }));
    fake.failNext(onPage(2), { type: 'server-error', status: 502 });
    fake.failNext(onPage(2), { type: 'server-error', status: 503 });
    const { sync, waits } = sourceFor({ labels: ['incident'] });
    const run = await sync();
    expect(run.report).toEqual({ repositories: 1, issues: 150, errors: [] });
    expect(waits).toEqual([500, 1000]);
    expect(fake.requestsTo(onPage(2)).map((r) => r.status)).toEqual([502, 503, 200]);
    expect(cursor()).toBeDefined();
  });

  test('a failed sync leaves an earlier cursor where it was', async () => {
    fake.addIssue('acme/ops', { title: 'first', labels: ['incident'], updated_at: LONG_AGO });
    const { sync } = sourceFor({ labels: ['incident'] });
    await sync();
    const stored = cursor();
    fake.addIssue('acme/ops', { title: 'second', labels: ['incident'] });
    fake.failNext(LIST, { type: 'server-error', status: 503 }, 4);
    expect((await sync()).report.errors).toHaveLength(1);
    expect(cursor()).toBe(stored);
    fake.clearRequests();
    const next = await sync();
    expect(listRequests()[0]?.query.since).toBe(stored);
    expect(next.documents.map((d) => d.title)).toEqual(['second']);
  });

  test('401 fails that repository, named in the report; the other repository is still synced', async () => {
    fake.addIssue('acme/ops', { title: 'ops incident', labels: ['incident'] });
    const web = fake.addIssue('acme/web', { title: 'web incident', labels: ['incident'] });
    fake.failNext((r) => r.path.startsWith('/repos/acme/ops/'), { type: 'unauthorized' });
    const { sync, waits } = sourceFor({ repositories: ['acme/ops', 'acme/web'], labels: ['incident'] });
    const run = await sync();
    expect(run.report.errors).toEqual(['acme/ops: Bad credentials - https://docs.github.com/rest']);
    expect(run.report.repositories).toBe(1);
    expect(run.documents.map((d) => d.id)).toEqual([`github:acme/web#${web.number}`]);
    // Not retried, not waited for.
    expect(fake.requestsTo(LIST)).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(cursor('acme/ops')).toBeUndefined();
    expect(cursor('acme/web')).toBeDefined();
  });

  test('a wrong token fails every repository without retrying', async () => {
    fake.addIssue('acme/ops', { title: 'x', labels: ['incident'] });
    const { sync, waits } = sourceFor({ token: 'ghp_revoked', repositories: ['acme/ops', 'acme/web'] });
    const run = await sync();
    expect(run.report).toEqual({
      repositories: 0,
      issues: 0,
      errors: [
        'acme/ops: Bad credentials - https://docs.github.com/rest',
        'acme/web: Bad credentials - https://docs.github.com/rest',
      ],
    });
    expect(fake.requests).toHaveLength(2);
    expect(waits).toEqual([]);
  });

  test('a repository not written owner/name is reported and skipped', async () => {
    fake.addIssue('acme/ops', { title: 'x', labels: ['incident'] });
    const run = await sourceFor({ repositories: ['acme', 'acme/ops'] }).sync();
    expect(run.report.errors).toEqual(['acme: expected owner/name']);
    expect(run.report.repositories).toBe(1);
    expect(run.documents).toHaveLength(1);
  });

  test('403 secondary rate limit with retry-after: sleeps retry-after seconds, then succeeds', async () => {
    fake.addIssues('acme/ops', 150, (i) => ({ title: `i${i}`, labels: ['incident'] }));
    fake.failNext(onPage(2), { type: 'secondary', retryAfter: 7 });
    const { sync, waits } = sourceFor({ labels: ['incident'] });
    const run = await sync();
    expect(waits).toEqual([7000]);
    expect(run.report).toEqual({ repositories: 1, issues: 150, errors: [] });
    expect(fake.requestsTo(onPage(2)).map((r) => r.status)).toEqual([403, 200]);
  });

  test('429 with retry-after on the comments endpoint: sleeps, then succeeds', async () => {
    const issue = fake.addIssue('acme/ops', {
      title: 'x',
      labels: ['incident'],
      comments: ['Resolved: restarted nginx'],
    });
    fake.failNext(`/repos/acme/ops/issues/${issue.number}/comments`, {
      type: 'too-many-requests',
      retryAfter: 2,
    });
    const { sync, waits } = sourceFor({ labels: ['incident'] });
    const run = await sync();
    expect(waits).toEqual([2000]);
    expect(run.documents[0]?.resolution).toBe('restarted nginx');
  });

  test('403 secondary rate limit without retry-after waits at least a minute (GitHub docs), then succeeds', async () => {
    // docs.github.com "Exceeding the rate limit": no retry-after and remaining above 0 means
    // "wait for at least one minute before retrying".
    fake.addIssue('acme/ops', { title: 'x', labels: ['incident'] });
    fake.failNext(LIST, { type: 'secondary' });
    const { sync, waits } = sourceFor({ labels: ['incident'] });
    const run = await sync();
    expect(run.report.errors).toEqual([]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(60_000);
    expect(run.documents).toHaveLength(1);
  });

  test('primary rate limit (remaining 0): waits until x-ratelimit-reset, then succeeds', async () => {
    fake.addIssue('acme/ops', { title: 'x', labels: ['incident'] });
    const reset = Math.floor(Date.now() / 1000) + 42;
    fake.failNext(LIST, { type: 'primary', reset });
    const { sync, waits } = sourceFor({ labels: ['incident'] });
    const run = await sync();
    expect(run.report.errors).toEqual([]);
    expect(waits).toHaveLength(1);
    // Until the reset (42 s from a whole second, so 41–42 s from now), plus a second's margin.
    expect(waits[0]).toBeGreaterThan(41_000);
    expect(waits[0]).toBeLessThanOrEqual(43_000);
    expect(listRequests().map((r) => r.status)).toEqual([403, 200]);
  });

  test.each([
    ['a secondary limit asking for an hour', { type: 'secondary' as const, retryAfter: 3600 }, SECONDARY],
    [
      'a primary limit resetting in an hour',
      { type: 'primary' as const, reset: Math.floor(Date.now() / 1000) + 3600 },
      'API rate limit exceeded',
    ],
  ])(
    '%s, longer than maxWaitMs, gives up with an error instead of waiting',
    async (_name, fault, message) => {
      fake.addIssue('acme/ops', { title: 'x', labels: ['incident'] });
      fake.failNext(LIST, fault);
      const { sync, waits } = sourceFor({ labels: ['incident'], maxWaitMs: 60_000 });
      const started = Date.now();
      const run = await sync();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(waits).toEqual([]);
      expect(run.report.repositories).toBe(0);
      expect(run.report.errors).toHaveLength(1);
      expect(run.report.errors[0]).toContain(`acme/ops: ${message}`);
      expect(cursor()).toBeUndefined();
    },
  );

  test('a rate limit that never lifts is waited out five times, then reported', async () => {
    fake.addIssue('acme/ops', { title: 'x', labels: ['incident'] });
    fake.failNext(LIST, { type: 'secondary', retryAfter: 1 }, 10);
    const { sync, waits } = sourceFor({ labels: ['incident'] });
    const run = await sync();
    expect(waits).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(listRequests()).toHaveLength(6);
    expect(run.report.errors).toEqual([
      `acme/ops: ${SECONDARY} - https://docs.github.com/rest/overview/resources-in-the-rest-api#secondary-rate-limits`,
    ]);
  });

  test.each([500, 502, 503] as const)('%d is retried with backoff, then succeeds', async (status) => {
    const issue = fake.addIssue('acme/ops', {
      title: 'x',
      labels: ['incident'],
      comments: ['Fixed: resized the volume'],
    });
    fake.failNext(LIST, { type: 'server-error', status }, 2);
    fake.failNext(`/repos/acme/ops/issues/${issue.number}/comments`, { type: 'server-error', status });
    const { sync, waits } = sourceFor({ labels: ['incident'] });
    const run = await sync();
    expect(run.report).toEqual({ repositories: 1, issues: 1, errors: [] });
    expect(waits).toEqual([500, 1000, 500]);
    expect(run.documents[0]?.resolution).toBe('resized the volume');
    expect(fake.pendingFaults()).toBe(0);
  });

  test('ETag: a second sync of unchanged data sends if-none-match and is served the 304 from cache', async () => {
    // Updated just now, so the next sync (since = last start - 5 min) lists them again.
    const issues = fake.addIssues('acme/ops', 2, (i) => ({
      title: `recent ${i + 1}`,
      labels: ['incident'],
      comments: ['investigating', `Resolved: failed over db-0${i + 1}`],
    }));
    const { sync } = sourceFor({ labels: ['incident'] });
    const first = await sync();
    const etags = new Map<number, string | undefined>();
    for (const issue of issues) {
      const requests = fake.requestsTo(`/repos/acme/ops/issues/${issue.number}/comments`);
      expect(requests.map((r) => [r.status, r.headers['if-none-match']])).toEqual([[200, undefined]]);
      etags.set(issue.number, requests[0]?.responseHeaders.etag);
    }
    const used = fake.rateLimit('core').used;
    fake.clearRequests();

    const second = await sync();
    expect(second.documents).toEqual(first.documents);
    expect(second.documents.map((d) => d.resolution).sort()).toEqual([
      'failed over db-01',
      'failed over db-02',
    ]);
    for (const issue of issues) {
      const requests = fake.requestsTo(`/repos/acme/ops/issues/${issue.number}/comments`);
      expect(requests.map((r) => r.status)).toEqual([304]);
      expect(requests[0]?.headers['if-none-match']).toBe(etags.get(issue.number));
      expect(etags.get(issue.number)).toMatch(/^W\/"[0-9a-f]{64}"$/);
    }
    // Only the issue list cost rate limit; the 304s did not.
    expect(fake.rateLimit('core').used - used).toBe(listRequests().length);
  });

  test('GitHub Enterprise: an API URL with a path prefix (/api/v3) pages and reads comments', async () => {
    const ghe = await startFakeGitHub({
      token: TOKEN,
      prefix: '/api/v3',
      htmlUrl: 'https://ghe.example.com',
    });
    try {
      ghe.addIssues('acme/ops', 120, (i) => ({
        title: `ghe ${i + 1}`,
        labels: ['incident'],
        ...(i === 0 ? { comments: ['Mitigation: drained the node'] } : {}),
      }));
      const { sync } = sourceFor({ apiUrl: `${ghe.url}/`, labels: ['incident'] }, ghe);
      const run = await sync();
      expect(run.report).toEqual({ repositories: 1, issues: 120, errors: [] });
      expect(run.pages.map((p) => p.length)).toEqual([100, 20]);
      expect(run.documents.find((d) => d.id === 'github:acme/ops#1')).toMatchObject({
        url: 'https://ghe.example.com/acme/ops/issues/1',
        resolution: 'drained the node',
      });
      expect(ghe.requests.length).toBe(3);
      for (const request of ghe.requests) {
        expect(request.url.startsWith('/api/v3/repos/acme/ops/issues')).toBe(true);
        expect(request.status).toBe(200);
      }
    } finally {
      await ghe.close();
    }
  });
});

describe('IncidentMemory.syncGitHub', () => {
  test('a synced issue is then found by search, with its html_url and resolution', async () => {
    const disk = fake.addIssue('acme/ops', {
      title: 'Postgres primary disk full on db-01',
      body: 'WAL archive stuck, the data volume hit 100%.',
      labels: ['incident', 'service:postgres'],
      comments: ['Resolution: freed WAL by fixing archive_command, then expanded the volume'],
    });
    fake.addIssue('acme/ops', {
      title: 'TLS certificate expired on the api gateway',
      body: 'cert-manager renewal failed',
      labels: ['postmortem'],
    });
    fake.addIssue('acme/ops', { title: 'disk full: add alert', labels: ['incident'], pullRequest: true });
    const config = ConfigSchema.parse({
      modules: { github: { token: TOKEN, apiUrl: fake.url } },
      memory: { githubRepositories: ['acme/ops'] },
    });
    const memory = new IncidentMemory(db, config, winston.createLogger({ silent: true }));
    const result = await memory.syncGitHub();
    expect(result).toEqual({ issues: 2, errors: [] });
    expect(memory.index.count('github')).toBe(2);
    const [hit] = await memory.index.search('disk full on db-01', { limit: 3 });
    expect(hit).toMatchObject({
      id: `github:acme/ops#${disk.number}`,
      source: 'github',
      url: `https://github.com/acme/ops/issues/${disk.number}`,
      resolution: 'freed WAL by fixing archive_command, then expanded the volume',
    });
  });

  test('without a token it reports that GitHub is not configured and asks nothing', async () => {
    const config = ConfigSchema.parse({ memory: { githubRepositories: ['acme/ops'] } });
    const memory = new IncidentMemory(db, config, winston.createLogger({ silent: true }));
    const result = await memory.syncGitHub();
    expect(result.issues).toBe(0);
    expect(result.errors[0]).toMatch(/not configured/);
    expect(fake.requests).toHaveLength(0);
  });
});

// Keeps githubTime exercised from the tests' side: the fake's timestamps are whole-second UTC.
test('the fake stamps times as GitHub does (whole seconds, Z)', () => {
  expect(githubTime(Date.parse('2024-06-10T12:00:00.789Z'))).toBe('2024-06-10T12:00:00Z');
});
