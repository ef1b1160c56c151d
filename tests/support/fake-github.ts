import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake GitHub REST API on a loopback port that speaks the wire format of the endpoints AALS
 * uses — `GET /repos/{owner}/{repo}/issues`, `GET /repos/{owner}/{repo}/issues/{n}/comments`,
 * `GET /repos/{owner}/{repo}/issues/{n}` and `GET /search/issues` — with GitHub's pagination
 * (`Link` with absolute rel="prev"/"next"/"last"/"first" URLs), weak ETags and 304s for
 * `if-none-match`, `x-ratelimit-*` headers per resource (core, search), token authentication
 * (401 "Bad credentials") and scriptable faults (secondary and primary rate limits, 429, 5xx).
 * Every request is recorded with the status it got, so tests can assert on the traffic.
 *
 * A `prefix` (e.g. `/api/v3`) serves the API under a path, as GitHub Enterprise Server does.
 */

export interface FakeComment {
  id: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  state: 'open' | 'closed';
  user: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** A pull request: listed by the issues endpoints with a `pull_request` member, as GitHub does. */
  pullRequest: boolean;
  comments: FakeComment[];
}

export interface NewComment {
  body: string;
  user?: string;
  created_at?: string;
}

export interface NewIssue {
  title: string;
  body?: string | null;
  labels?: string[];
  state?: 'open' | 'closed';
  user?: string;
  created_at?: string;
  /** Defaults to created_at, or to the last comment's time when that is later. */
  updated_at?: string;
  pullRequest?: boolean;
  comments?: Array<string | NewComment>;
}

/** A scripted response that replaces the real one. */
export type Fault =
  /** 403 "You have exceeded a secondary rate limit", with `retry-after` when given. */
  | { type: 'secondary'; retryAfter?: number }
  /** 403 "API rate limit exceeded", `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds). */
  | { type: 'primary'; reset?: number }
  /** 429 with the secondary-limit message, and `retry-after` when given. */
  | { type: 'too-many-requests'; retryAfter?: number }
  | { type: 'server-error'; status?: 500 | 502 | 503 | 504 }
  /** 401 "Bad credentials", as for a revoked token. */
  | { type: 'unauthorized' }
  | { type: 'custom'; status: number; body?: unknown; headers?: Record<string, string> };

/**
 * Which requests a fault applies to: a string is the exact API path without the prefix
 * (`/repos/acme/ops/issues`); a RegExp is tested against that path plus `?query` as sent
 * (`/issues\?.*\bpage=2\b/`); a function sees the whole request.
 */
export type RequestMatch = string | RegExp | ((request: RecordedRequest) => boolean);

export interface RecordedRequest {
  method: string;
  /** The request target as sent, prefix and query included. */
  url: string;
  /** The API path without the prefix, e.g. `/repos/acme/ops/issues`. */
  path: string;
  /** The raw query string without `?` (empty when none). */
  search: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The status the fake answered with. */
  status: number;
  /** The headers it answered with (etag, link, x-ratelimit-*, …). */
  responseHeaders: Record<string, string>;
}

export interface FakeGitHubOptions {
  /** The token that authenticates (`authorization: token …` or `Bearer …`). */
  token?: string;
  /** A path prefix for the API, e.g. `/api/v3` for GitHub Enterprise Server. */
  prefix?: string;
  /** Where issues are browsable; html_url is `<htmlUrl>/<owner>/<repo>/issues/<n>`. */
  htmlUrl?: string;
  /** Requests per window for the core and search resources (GitHub: 5000 and 30). */
  coreLimit?: number;
  searchLimit?: number;
}

type Resource = 'core' | 'search';

interface Window {
  limit: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

interface Repository {
  owner: string;
  name: string;
  id: number;
  issues: FakeIssue[];
  nextNumber: number;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Counts against the rate limit (GitHub does not count 304s). */
  counts?: boolean;
}

const DOCS = 'https://docs.github.com/rest';
const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
const SECONDARY_DOCS =
  'https://docs.github.com/rest/overview/resources-in-the-rest-api#secondary-rate-limits';

/** GitHub's timestamps: ISO 8601 in UTC, whole seconds. */
export function githubTime(date: Date | number = Date.now()): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class FakeGitHub {
  /** Every request in arrival order. */
  readonly requests: RecordedRequest[] = [];
  token: string;
  private readonly server: Server;
  private readonly prefix: string;
  private readonly htmlUrl: string;
  private readonly repositories = new Map<string, Repository>();
  private readonly faults: Array<{ match: RequestMatch; fault: Fault; remaining: number }> = [];
  private readonly windows: Record<Resource, Window>;
  private nextId = 1_000_001;
  private nextCommentId = 2_000_001;
  private nextRepoId = 500_001;
  private requestCounter = 0;
  private port = 0;

  constructor(options: FakeGitHubOptions = {}) {
    this.token = options.token ?? 'ghp_fake_token';
    this.prefix = (options.prefix ?? '').replace(/\/$/, '');
    this.htmlUrl = (options.htmlUrl ?? 'https://github.com').replace(/\/$/, '');
    const reset = Math.floor(Date.now() / 1000) + 3600;
    this.windows = {
      core: { limit: options.coreLimit ?? 5000, used: 0, reset },
      search: { limit: options.searchLimit ?? 30, used: 0, reset: Math.floor(Date.now() / 1000) + 60 },
    };
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** http://127.0.0.1:port */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The API base URL (origin plus prefix): what GITHUB_API_URL / Octokit's baseUrl should be. */
  get url(): string {
    return `${this.origin}${this.prefix}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- data ----

  addRepository(full: string): Repository {
    const key = full.toLowerCase();
    let repository = this.repositories.get(key);
    if (!repository) {
      const [owner, name] = full.split('/');
      if (!owner || !name) throw new Error(`expected owner/name, got ${full}`);
      repository = { owner, name, id: this.nextRepoId++, issues: [], nextNumber: 1 };
      this.repositories.set(key, repository);
    }
    return repository;
  }

  /** Adds an issue (or a pull request: issues and pull requests share a repository's numbers). */
  addIssue(full: string, issue: NewIssue): FakeIssue {
    const repository = this.addRepository(full);
    const created = issue.created_at ?? githubTime();
    const comments = (issue.comments ?? []).map((c) => this.comment(typeof c === 'string' ? { body: c } : c));
    const lastComment = [created, ...comments.map((c) => c.created_at)].sort().at(-1) as string;
    const state = issue.state ?? 'open';
    const updated = issue.updated_at ?? lastComment;
    const stored: FakeIssue = {
      id: this.nextId++,
      number: repository.nextNumber++,
      title: issue.title,
      body: issue.body === undefined ? '' : issue.body,
      labels: issue.labels ?? [],
      state,
      user: issue.user ?? 'octocat',
      created_at: created,
      updated_at: updated,
      closed_at: state === 'closed' ? updated : null,
      pullRequest: issue.pullRequest ?? false,
      comments,
    };
    repository.issues.push(stored);
    return stored;
  }

  /** `count` issues made by `make(i)`, i from 0. */
  addIssues(full: string, count: number, make: (i: number) => NewIssue): FakeIssue[] {
    return Array.from({ length: count }, (_, i) => this.addIssue(full, make(i)));
  }

  issue(full: string, number: number): FakeIssue {
    const found = this.repositories.get(full.toLowerCase())?.issues.find((i) => i.number === number);
    if (!found) throw new Error(`no issue ${full}#${number}`);
    return found;
  }

  /** Changes an issue; its updated_at becomes now unless the change sets it. */
  updateIssue(full: string, number: number, change: Partial<Omit<FakeIssue, 'id' | 'number'>>): FakeIssue {
    const issue = this.issue(full, number);
    Object.assign(issue, { updated_at: githubTime() }, change);
    return issue;
  }

  /** Adds a comment; the issue's updated_at moves to the comment's time, as on GitHub. */
  addComment(full: string, number: number, comment: string | NewComment): FakeComment {
    const issue = this.issue(full, number);
    const stored = this.comment(typeof comment === 'string' ? { body: comment } : comment);
    issue.comments.push(stored);
    if (stored.created_at > issue.updated_at) issue.updated_at = stored.created_at;
    return stored;
  }

  private comment(comment: NewComment): FakeComment {
    const at = comment.created_at ?? githubTime();
    return {
      id: this.nextCommentId++,
      body: comment.body,
      user: comment.user ?? 'octocat',
      created_at: at,
      updated_at: at,
    };
  }

  // ---- faults, limits, traffic ----

  /** The next `times` requests that match get `fault` instead of their answer (queued in order). */
  failNext(match: RequestMatch, fault: Fault, times = 1): void {
    this.faults.push({ match, fault, remaining: times });
  }

  /** Faults still queued (not yet served). */
  pendingFaults(): number {
    return this.faults.reduce((sum, f) => sum + f.remaining, 0);
  }

  /** Sets a resource's rate-limit window, e.g. `{ remaining: 0 }` to exhaust it. */
  setRateLimit(resource: Resource, window: { limit?: number; remaining?: number; reset?: number }): void {
    const current = this.windows[resource];
    if (window.limit !== undefined) current.limit = window.limit;
    if (window.remaining !== undefined) current.used = current.limit - window.remaining;
    if (window.reset !== undefined) current.reset = window.reset;
  }

  rateLimit(resource: Resource): { limit: number; remaining: number; used: number; reset: number } {
    const window = this.roll(resource);
    return {
      limit: window.limit,
      remaining: Math.max(0, window.limit - window.used),
      used: window.used,
      reset: window.reset,
    };
  }

  /** Recorded requests whose API path matches (string: exact path; RegExp: path?query). */
  requestsTo(match: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => matches(match, r));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = new URL(req.url ?? '/', this.origin);
    const rawSearch = (req.url ?? '').includes('?')
      ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1)
      : '';
    let path = target.pathname;
    let underPrefix = true;
    if (this.prefix) {
      underPrefix = path === this.prefix || path.startsWith(`${this.prefix}/`);
      path = underPrefix ? path.slice(this.prefix.length) || '/' : path;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path,
      search: rawSearch,
      query: Object.fromEntries(target.searchParams),
      headers: req.headers,
      status: 0,
      responseHeaders: {},
    };
    this.requests.push(recorded);
    const resource: Resource = path.startsWith('/search/') ? 'search' : 'core';
    const reply = this.reply(req, target, recorded, resource, underPrefix);
    const sent = this.send(res, req, reply, resource);
    recorded.status = sent.status;
    recorded.responseHeaders = sent.headers;
  }

  private reply(
    req: IncomingMessage,
    target: URL,
    request: RecordedRequest,
    resource: Resource,
    underPrefix: boolean,
  ): Reply {
    const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!auth) {
      return {
        status: 401,
        body: { message: 'Requires authentication', documentation_url: DOCS, status: '401' },
      };
    }
    if (auth[1] !== this.token) {
      return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
    }
    const queued = this.faults.find((f) => f.remaining > 0 && matches(f.match, request));
    if (queued) {
      queued.remaining--;
      return this.faultReply(queued.fault, resource);
    }
    const window = this.roll(resource);
    if (window.used >= window.limit) {
      return this.faultReply({ type: 'primary', reset: window.reset }, resource);
    }
    if (!underPrefix) return notFound();
    if (req.method !== 'GET') return notFound();
    return this.route(target, request.path);
  }

  private route(target: URL, path: string): Reply {
    const query = target.searchParams;
    if (path === '/rate_limit') {
      const core = this.rateLimit('core');
      const search = this.rateLimit('search');
      return { status: 200, body: { resources: { core, search }, rate: core }, counts: false };
    }
    if (path === '/search/issues') return this.searchIssues(target);
    const issues = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(path);
    if (issues) {
      const repository = this.repositories.get(`${issues[1]}/${issues[2]}`.toLowerCase());
      if (!repository) return notFound(`${DOCS}/issues/issues#list-repository-issues`);
      return this.listIssues(target, repository, query);
    }
    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)(\/comments)?$/.exec(path);
    if (one) {
      const repository = this.repositories.get(`${one[1]}/${one[2]}`.toLowerCase());
      const issue = repository?.issues.find((i) => i.number === Number(one[3]));
      if (!repository || !issue) return notFound(`${DOCS}/issues/issues#get-an-issue`);
      if (!one[4]) return { status: 200, body: this.issueJson(repository, issue) };
      const since = query.get('since');
      const comments = issue.comments
        .filter((c) => notBefore(c.updated_at, since))
        .sort((a, b) => a.id - b.id)
        .map((c) => this.commentJson(repository, issue, c));
      return this.page(target, comments);
    }
    return notFound();
  }

  private listIssues(target: URL, repository: Repository, query: URLSearchParams): Reply {
    const state = query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) return validationFailed('state', state);
    const wanted = (query.get('labels') ?? '')
      .split(',')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean);
    const since = query.get('since');
    if (since && Number.isNaN(Date.parse(since))) return validationFailed('since', since);
    const sort = query.get('sort') ?? 'created';
    const direction = query.get('direction') ?? 'desc';
    const key = (i: FakeIssue): string | number =>
      sort === 'updated' ? i.updated_at : sort === 'comments' ? i.comments.length : i.created_at;
    const selected = repository.issues
      .filter((i) => state === 'all' || i.state === state)
      // GitHub's labels filter: every listed label (AND), names case-insensitive.
      .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
      .filter((i) => notBefore(i.updated_at, since))
      .sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        const order = x < y ? -1 : x > y ? 1 : a.number - b.number;
        return direction === 'asc' ? order : -order;
      });
    return this.page(
      target,
      selected.map((i) => this.issueJson(repository, i)),
    );
  }

  private searchIssues(target: URL): Reply {
    const q = target.searchParams.get('q');
    if (!q?.trim()) {
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'Search', field: 'q', code: 'missing' }],
          documentation_url: `${DOCS}/search/search#search-issues-and-pull-requests`,
          status: '422',
        },
      };
    }
    const filters = parseSearch(q);
    const hits: Array<{ repository: Repository; issue: FakeIssue }> = [];
    for (const repository of this.repositories.values()) {
      const full = `${repository.owner}/${repository.name}`.toLowerCase();
      if (filters.repos.length && !filters.repos.includes(full)) continue;
      for (const issue of repository.issues) {
        if (filters.type === 'issue' && issue.pullRequest) continue;
        if (filters.type === 'pr' && !issue.pullRequest) continue;
        if (filters.state && issue.state !== filters.state) continue;
        const labels = issue.labels.map((l) => l.toLowerCase());
        if (!filters.labels.every((l) => labels.includes(l))) continue;
        const text = `${issue.title}\n${issue.body ?? ''}`.toLowerCase();
        if (!filters.words.every((w) => text.includes(w))) continue;
        hits.push({ repository, issue });
      }
    }
    const sort = target.searchParams.get('sort');
    const order = target.searchParams.get('order') ?? 'desc';
    const value = ({ issue }: { issue: FakeIssue }): string | number =>
      sort === 'created' ? issue.created_at : sort === 'comments' ? issue.comments.length : issue.updated_at;
    hits.sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const cmp = x < y ? -1 : x > y ? 1 : a.issue.id - b.issue.id;
      return order === 'asc' ? cmp : -cmp;
    });
    // GitHub serves at most the first 1000 results of a search.
    const items = hits.slice(0, 1000).map(({ repository, issue }) => ({
      ...this.issueJson(repository, issue),
      score: 1,
    }));
    const paged = this.page(target, items);
    return {
      ...paged,
      body: { total_count: hits.length, incomplete_results: false, items: paged.body },
    };
  }

  /** One page of a list, with GitHub's Link header when there is more than one page. */
  private page(target: URL, all: unknown[]): Reply {
    const perPage = clamp(Number(target.searchParams.get('per_page') ?? 30), 1, 100, 30);
    const page = clamp(Number(target.searchParams.get('page') ?? 1), 1, Number.MAX_SAFE_INTEGER, 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const body = all.slice((page - 1) * perPage, page * perPage);
    const at = (p: number) => {
      const url = new URL(`${this.origin}${target.pathname}${target.search}`);
      url.searchParams.set('page', String(p));
      return url.toString();
    };
    const links: string[] = [];
    if (page > 1) links.push(`<${at(Math.min(page - 1, last))}>; rel="prev"`);
    if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
    if (page > 1) links.push(`<${at(1)}>; rel="first"`);
    return { status: 200, body, ...(links.length ? { headers: { link: links.join(', ') } } : {}) };
  }

  private faultReply(fault: Fault, resource: Resource): Reply {
    switch (fault.type) {
      case 'secondary':
      case 'too-many-requests':
        return {
          status: fault.type === 'secondary' ? 403 : 429,
          body: { message: SECONDARY_MESSAGE, documentation_url: SECONDARY_DOCS },
          headers: fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
        };
      case 'primary': {
        const reset = fault.reset ?? this.windows[resource].reset;
        return {
          status: 403,
          body: {
            message: `API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID ${this.requestId()}.`,
            documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
          },
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-used': String(this.windows[resource].limit),
            'x-ratelimit-reset': String(reset),
          },
          counts: false,
        };
      }
      case 'server-error': {
        const status = fault.status ?? 500;
        const message =
          status === 503 ? 'Service Unavailable' : status === 502 ? 'Bad Gateway' : 'Server Error';
        return { status, body: { message, documentation_url: DOCS }, counts: false };
      }
      case 'unauthorized':
        return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
      case 'custom':
        return { status: fault.status, body: fault.body, headers: fault.headers ?? {} };
    }
  }

  /** Writes the reply (a 304 when the client's ETag matches); returns what was sent. */
  private send(
    res: ServerResponse,
    req: IncomingMessage,
    reply: Reply,
    resource: Resource,
  ): { status: number; headers: Record<string, string> } {
    const json = reply.body === undefined ? '' : JSON.stringify(reply.body);
    const etag = `W/"${createHash('sha256').update(json).digest('hex')}"`;
    const notModified = reply.status === 200 && etagMatches(req.headers['if-none-match'], etag);
    const window = this.roll(resource);
    // Authorized 304s do not count against the primary rate limit; 401s are not the user's.
    if (!notModified && reply.counts !== false && reply.status !== 401) window.used++;
    const headers: Record<string, string> = {
      server: 'GitHub.com',
      'cache-control': 'private, max-age=60, s-maxage=60',
      vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': this.requestId(),
      'access-control-expose-headers':
        'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset',
      'x-ratelimit-limit': String(window.limit),
      'x-ratelimit-remaining': String(Math.max(0, window.limit - window.used)),
      'x-ratelimit-reset': String(window.reset),
      'x-ratelimit-used': String(window.used),
      'x-ratelimit-resource': resource,
      ...(reply.headers ?? {}),
    };
    if (notModified) {
      // Like GitHub: the validators, the rate limit and the Link header, no body.
      const sent = { ...headers, etag };
      res.writeHead(304, sent);
      res.end();
      return { status: 304, headers: sent };
    }
    if (reply.status === 200) headers.etag = etag;
    const sent = {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(json)),
    };
    res.writeHead(reply.status, sent);
    res.end(json);
    return { status: reply.status, headers: sent };
  }

  private roll(resource: Resource): Window {
    const window = this.windows[resource];
    const now = Math.floor(Date.now() / 1000);
    if (now >= window.reset) {
      window.used = 0;
      window.reset = now + (resource === 'search' ? 60 : 3600);
    }
    return window;
  }

  private requestId(): string {
    this.requestCounter++;
    const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
    return `${hex(this.port, 4)}:${hex(this.requestCounter, 6)}:${hex(this.requestCounter * 7919, 8)}:${hex(this.requestCounter * 104729, 8)}:${hex(Math.floor(Date.now() / 1000), 8)}`;
  }

  // ---- JSON shapes (GitHub REST, 2022-11-28) ----

  private issueJson(repository: Repository, issue: FakeIssue): Record<string, unknown> {
    const full = `${repository.owner}/${repository.name}`;
    const api = `${this.url}/repos/${full}`;
    const html = `${this.htmlUrl}/${full}`;
    const n = issue.number;
    return {
      url: `${api}/issues/${n}`,
      repository_url: api,
      labels_url: `${api}/issues/${n}/labels{/name}`,
      comments_url: `${api}/issues/${n}/comments`,
      events_url: `${api}/issues/${n}/events`,
      html_url: `${html}/${issue.pullRequest ? 'pull' : 'issues'}/${n}`,
      id: issue.id,
      node_id: nodeId(issue.pullRequest ? 'PR_kwDO' : 'I_kwDO', issue.id),
      number: n,
      title: issue.title,
      user: this.userJson(issue.user),
      labels: issue.labels.map((name) => this.labelJson(api, name)),
      state: issue.state,
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: issue.comments.length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      author_association: 'MEMBER',
      type: null,
      active_lock_reason: null,
      ...(issue.pullRequest
        ? {
            draft: false,
            pull_request: {
              url: `${api}/pulls/${n}`,
              html_url: `${html}/pull/${n}`,
              diff_url: `${html}/pull/${n}.diff`,
              patch_url: `${html}/pull/${n}.patch`,
              merged_at: null,
            },
          }
        : {}),
      body: issue.body,
      closed_by: null,
      reactions: {
        url: `${api}/issues/${n}/reactions`,
        total_count: 0,
        '+1': 0,
        '-1': 0,
        laugh: 0,
        hooray: 0,
        confused: 0,
        heart: 0,
        rocket: 0,
        eyes: 0,
      },
      timeline_url: `${api}/issues/${n}/timeline`,
      performed_via_github_app: null,
      state_reason: issue.state === 'closed' ? 'completed' : null,
    };
  }

  private commentJson(
    repository: Repository,
    issue: FakeIssue,
    comment: FakeComment,
  ): Record<string, unknown> {
    const full = `${repository.owner}/${repository.name}`;
    const api = `${this.url}/repos/${full}`;
    return {
      url: `${api}/issues/comments/${comment.id}`,
      html_url: `${this.htmlUrl}/${full}/issues/${issue.number}#issuecomment-${comment.id}`,
      issue_url: `${api}/issues/${issue.number}`,
      id: comment.id,
      node_id: nodeId('IC_kwDO', comment.id),
      user: this.userJson(comment.user),
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      author_association: 'MEMBER',
      body: comment.body,
      reactions: { url: `${api}/issues/comments/${comment.id}/reactions`, total_count: 0 },
      performed_via_github_app: null,
    };
  }

  private userJson(login: string): Record<string, unknown> {
    const id = Number.parseInt(createHash('sha1').update(login).digest('hex').slice(0, 7), 16);
    return {
      login,
      id,
      node_id: nodeId('U_kgDO', id),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      url: `${this.url}/users/${login}`,
      html_url: `${this.htmlUrl}/${login}`,
      type: 'User',
      site_admin: false,
    };
  }

  private labelJson(api: string, name: string): Record<string, unknown> {
    const hash = createHash('sha1').update(name).digest('hex');
    const id = Number.parseInt(hash.slice(0, 9), 16);
    return {
      id,
      node_id: nodeId('LA_kwDO', id),
      url: `${api}/labels/${encodeURIComponent(name)}`,
      name,
      color: hash.slice(0, 6),
      default: false,
      description: null,
    };
  }
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  return new FakeGitHub(options).start();
}

function matches(match: RequestMatch, request: RecordedRequest): boolean {
  if (typeof match === 'string') return request.path === match;
  if (match instanceof RegExp)
    return match.test(`${request.path}${request.search ? `?${request.search}` : ''}`);
  return match(request);
}

/** `if-none-match` may list several tags (or `*`); weak comparison, as GitHub does for GETs. */
function etagMatches(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',');
  return tags.some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}

/** Whether a stored time is at or after `since` (compared as instants: `since` may carry ms or an offset). */
function notBefore(time: string, since: string | null): boolean {
  return !since || Date.parse(time) >= Date.parse(since);
}

function clamp(value: number, min: number, max: number, fallback: number): number {
  if (!Number.isFinite(value) || value < 1) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

function nodeId(kind: string, id: number): string {
  return `${kind}${Buffer.from(String(id)).toString('base64url')}`;
}

function notFound(documentation = DOCS): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: documentation, status: '404' } };
}

function validationFailed(field: string, value: string): Reply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ value, resource: 'Issue', field, code: 'invalid' }],
      documentation_url: `${DOCS}/issues/issues#list-repository-issues`,
      status: '422',
    },
  };
}

interface SearchFilters {
  repos: string[];
  labels: string[];
  words: string[];
  type?: 'issue' | 'pr';
  state?: 'open' | 'closed';
}

/** GitHub search syntax, the part the fake understands: repo:, label:, is:, type:, state:, words. */
export function parseSearch(q: string): SearchFilters {
  const filters: SearchFilters = { repos: [], labels: [], words: [] };
  for (const match of q.matchAll(/(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)/g)) {
    const qualifier = (match[1] ?? match[3])?.toLowerCase();
    const value = (match[2] ?? match[4] ?? '').toLowerCase();
    if (!qualifier) {
      const phrase = (match[5] ?? match[6] ?? '').toLowerCase();
      if (phrase) filters.words.push(phrase);
      continue;
    }
    if (qualifier === 'repo') filters.repos.push(value);
    else if (qualifier === 'label') filters.labels.push(value);
    else if ((qualifier === 'is' || qualifier === 'type') && (value === 'issue' || value === 'pr'))
      filters.type = value;
    else if (qualifier === 'is' && value === 'pull-request') filters.type = 'pr';
    else if ((qualifier === 'is' || qualifier === 'state') && (value === 'open' || value === 'closed'))
      filters.state = value;
    // Other qualifiers (in:, author:, sort:, …) are accepted and ignored.
  }
  return filters;
}
