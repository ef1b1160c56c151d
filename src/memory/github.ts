import { Octokit } from '@octokit/rest';
import type { Logger } from 'winston';
import { errorMessage } from '../errors.js';
import type { Db } from '../store/database.js';
import type { MemoryDocument } from './documents.js';
import { extractKnowledge } from './extract.js';
import { alertnamesIn } from './import.js';

/**
 * Past incidents from GitHub issues: the configured repositories and labels, synced incrementally
 * (`since` the last sync, all pages), each issue's comments read for the resolution. Octokit is
 * wrapped so that rate limits are waited out (`retry-after`, `x-ratelimit-reset`), 5xx retried, and
 * unchanged pages answered from the ETag cache (a 304 costs no rate limit).
 */
export interface GitHubSettings {
  token: string;
  apiUrl?: string | undefined;
  repositories: string[];
  labels: string[];
  /** Longest wait for a rate limit before giving up on this sync. */
  maxWaitMs?: number;
  fetch?: typeof fetch;
}

export interface SyncReport {
  repositories: number;
  issues: number;
  errors: string[];
}

const MAX_CACHED = 2000;

interface CachedResponse {
  etag: string;
  data: unknown;
  headers: Record<string, string>;
}

export class GitHubSource {
  private readonly octokit: Octokit;
  private readonly cache = new Map<string, CachedResponse>();

  constructor(
    private readonly settings: GitHubSettings,
    private readonly db: Db,
    private readonly logger?: Logger,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.octokit = new Octokit({
      auth: settings.token,
      ...(settings.apiUrl ? { baseUrl: settings.apiUrl.replace(/\/$/, '') } : {}),
      ...(settings.fetch ? { request: { fetch: settings.fetch } } : {}),
      userAgent: 'aals-incident-memory',
      // Octokit logs failed requests to the console by default; they belong in AALS's log.
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => logger?.warn('GitHub', { message }),
        error: (message: string) => logger?.debug('GitHub request failed', { message }),
      },
    });
    // Octokit's hook types are generic over every endpoint; withLimits only needs the common shape.
    this.octokit.hook.wrap('request', this.withLimits.bind(this) as never);
  }

  /**
   * Hands the issues changed since the last sync to `save`, a page at a time. A repository's cursor
   * moves only after all its pages are saved, so an interrupted sync is redone, never skipped.
   * Issues with any of the labels count (GitHub's own label filter means all of them).
   */
  async sync(
    save: (documents: MemoryDocument[]) => Promise<void>,
    onProgress?: (repo: string, issues: number) => void,
  ): Promise<SyncReport> {
    const report: SyncReport = { repositories: 0, issues: 0, errors: [] };
    for (const full of this.settings.repositories) {
      const [owner, repo] = full.split('/');
      if (!owner || !repo) {
        report.errors.push(`${full}: expected owner/name`);
        continue;
      }
      const cursorKey = `github.since.${full}`;
      const since = this.db.prepare('SELECT value FROM memory_meta WHERE key = ?').pluck().get(cursorKey) as
        | string
        | undefined;
      // A margin for clock skew with GitHub; issues seen twice are unchanged and cost nothing.
      const startedAt = new Date(Date.now() - 5 * 60_000).toISOString();
      const seen = new Set<number>();
      try {
        const filters = this.settings.labels.length ? this.settings.labels : [undefined];
        for (const label of filters) {
          for await (const page of this.octokit.paginate.iterator(this.octokit.rest.issues.listForRepo, {
            owner,
            repo,
            state: 'all',
            per_page: 100,
            ...(label ? { labels: label } : {}),
            ...(since ? { since } : {}),
          })) {
            const documents: MemoryDocument[] = [];
            for (const issue of page.data) {
              if ((issue as { pull_request?: unknown }).pull_request || seen.has(issue.number)) continue;
              seen.add(issue.number);
              const comments = issue.comments > 0 ? await this.comments(owner, repo, issue.number) : [];
              documents.push(toDocument(full, issue, comments));
            }
            await save(documents);
            report.issues += documents.length;
            onProgress?.(full, report.issues);
          }
        }
        this.db
          .prepare(
            'INSERT INTO memory_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
          )
          .run(cursorKey, startedAt);
        report.repositories++;
      } catch (error) {
        report.errors.push(`${full}: ${errorMessage(error)}`);
        this.logger?.warn('GitHub sync failed', { repository: full, error: errorMessage(error) });
      }
    }
    return report;
  }

  private async comments(owner: string, repo: string, issue: number): Promise<string[]> {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issue,
      per_page: 100,
    });
    return comments.map((c) => c.body ?? '').filter(Boolean);
  }

  /** Conditional requests, rate-limit waits and 5xx retries around every Octokit request. */
  private async withLimits(
    request: (
      options: Record<string, unknown>,
    ) => Promise<{ data: unknown; headers: Record<string, string | number | undefined>; status: number }>,
    options: Record<string, unknown> & { method?: string; url?: string; headers?: Record<string, string> },
  ) {
    const key = `${options.method ?? 'GET'} ${JSON.stringify({ ...options, headers: undefined, request: undefined })}`;
    const cached = this.cache.get(key);
    const maxWait = this.settings.maxWaitMs ?? 120_000;
    // Octokit's inner hooks read the options object they were given, so the header goes on it.
    if (cached) options.headers = { ...(options.headers ?? {}), 'if-none-match': cached.etag };
    let waits = 0;
    let retries = 0;
    for (;;) {
      try {
        const response = await request(options);
        const etag = response.headers.etag;
        if (typeof etag === 'string')
          this.remember(key, { etag, data: response.data, headers: stringHeaders(response.headers) });
        return response;
      } catch (error) {
        const status = (error as { status?: number }).status;
        const responseHeaders = ((error as { response?: { headers?: Record<string, string> } }).response
          ?.headers ?? {}) as Record<string, string>;
        if (status === 304 && cached) {
          // Headers from the original answer (its Link, for pagination), refreshed by the 304's.
          return { data: cached.data, headers: { ...cached.headers, ...responseHeaders }, status: 200 };
        }
        const wait = rateLimitWait(status, responseHeaders, errorMessage(error));
        if (wait !== null && wait <= maxWait && waits < 5) {
          waits++;
          this.logger?.warn('GitHub rate limit: waiting', { ms: wait, status });
          await this.sleep(wait);
          continue;
        }
        if (status !== undefined && status >= 500 && retries < 3) {
          await this.sleep(500 * 2 ** retries);
          retries++;
          continue;
        }
        throw error;
      }
    }
  }

  /** The ETag cache keeps the most recent answers only: old listing pages are never asked for again. */
  private remember(key: string, entry: CachedResponse): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
  }
}

/**
 * How long GitHub asks to wait: `retry-after` (secondary limits), until `x-ratelimit-reset` (primary),
 * or a minute for a secondary limit that gives neither, as GitHub's documentation says.
 */
export function rateLimitWait(
  status: number | undefined,
  headers: Record<string, string>,
  message = '',
): number | null {
  if (status !== 403 && status !== 429) return null;
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined && /^\d+$/.test(String(retryAfter))) return Number(retryAfter) * 1000;
  if (String(headers['x-ratelimit-remaining']) === '0' && headers['x-ratelimit-reset']) {
    return Math.max(0, Number(headers['x-ratelimit-reset']) * 1000 - Date.now()) + 1000;
  }
  return status === 429 || /secondary rate limit/i.test(message) ? 60_000 : null;
}

function stringHeaders(headers: Record<string, string | number | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, String(value)]),
  );
}

interface IssueLike {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  labels: Array<string | { name?: string | null }>;
  created_at: string;
  updated_at: string;
  state?: string;
}

function toDocument(repository: string, issue: IssueLike, comments: string[]): MemoryDocument {
  const body = issue.body ?? '';
  const labels = issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
  // The resolution is usually in the last comments, after the investigation.
  const knowledge = extractKnowledge([body, ...comments].join('\n\n'));
  const lastWords = [...comments]
    .reverse()
    .find((c) => /fix|resolv|rollback|rolled back|restart|対応|復旧|解決/i.test(c));
  const resolution = knowledge.resolution ?? lastWords?.slice(0, 1000);
  return {
    id: `github:${repository}#${issue.number}`,
    source: 'github',
    title: issue.title,
    body: [body, ...comments].join('\n\n').slice(0, 20_000),
    url: issue.html_url,
    labels,
    services: labels.filter((l) => l.startsWith('service:')).map((l) => l.slice(8)),
    alertnames: alertnamesIn(`${issue.title}\n${body}`),
    ...(knowledge.rootCause ? { rootCause: knowledge.rootCause } : {}),
    ...(resolution ? { resolution } : {}),
    commands: knowledge.commands,
    createdAt: issue.created_at,
    updatedAt: issue.updated_at,
  };
}
