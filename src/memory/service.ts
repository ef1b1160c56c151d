import { type FSWatcher, watch } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'winston';
import type { AalsConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { Db } from '../store/database.js';
import type { MemoryDocument, SearchContext, SearchHit } from './documents.js';
import { type EmbeddingProvider, HashedEmbedding, OpenAiCompatibleEmbedding } from './embeddings.js';
import { GitHubSource } from './github.js';
import { MemoryIndex } from './index.js';
import { readRunbooks } from './runbooks.js';

/**
 * Incident memory as the rest of AALS sees it: what is similar to this incident, the runbooks
 * that name its alert, remembering resolved incidents and resolutions, feedback, and keeping the
 * sources (runbooks, GitHub) in sync in the background.
 */
export interface Similar {
  hits: SearchHit[];
  runbooks: SearchHit[];
}

export function embeddingProvider(config: AalsConfig): EmbeddingProvider {
  const settings = config.memory.embeddings;
  if (settings.provider === 'openai' && settings.url) {
    return new OpenAiCompatibleEmbedding({
      url: settings.url,
      model: settings.model,
      apiKey: settings.apiKey,
      dimensions: settings.dimensions,
    });
  }
  return new HashedEmbedding(settings.dimensions);
}

export class IncidentMemory {
  readonly index: MemoryIndex;
  private readonly github: GitHubSource | null;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private runbookSync: Promise<void> | undefined;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly config: AalsConfig,
    private readonly logger: Logger,
    options: { provider?: EmbeddingProvider; cwd?: string; fetch?: typeof fetch } = {},
  ) {
    this.index = new MemoryIndex(db, options.provider ?? embeddingProvider(config));
    this.runbooksDir = config.memory.runbooksDir
      ? resolve(options.cwd ?? process.cwd(), config.memory.runbooksDir)
      : null;
    const token = config.modules.github.token;
    this.github =
      token && config.memory.githubRepositories.length > 0
        ? new GitHubSource(
            {
              token,
              apiUrl: config.modules.github.apiUrl,
              repositories: config.memory.githubRepositories,
              labels: config.memory.githubLabels,
              ...(options.fetch ? { fetch: options.fetch } : {}),
            },
            db,
            logger,
          )
        : null;
  }

  private readonly runbooksDir: string | null;

  /** Past incidents like this one (not itself), and the runbooks that name its alert. */
  async similar(query: string, context: SearchContext, excludeId?: string): Promise<Similar> {
    const shown = this.config.memory.similarShown;
    const hits = shown
      ? (await this.index.search(query, { limit: shown + 1, context, sources: ['import', 'github', 'aals'] }))
          .filter((h) => h.id !== excludeId)
          .slice(0, shown)
      : [];
    const runbooks = context.alertname ? this.runbooksFor(context.alertname) : [];
    // A search ranks every matching document before filtering by source: skip it with no runbooks.
    if (runbooks.length === 0 && this.index.count('runbook') > 0) {
      const [best] = await this.index.search(query, { limit: 1, context, sources: ['runbook'] });
      if (best && best.score > 0) runbooks.push(best);
    }
    return { hits, runbooks };
  }

  /** Runbooks whose front matter names the alert: always shown for it. */
  runbooksFor(alertname: string): SearchHit[] {
    const rows = this.db
      .prepare(
        `SELECT id, title, url, resolution, created_at, helpful, unhelpful FROM memory_docs
         WHERE source = 'runbook' AND EXISTS (SELECT 1 FROM json_each(alertnames) WHERE lower(value) = lower(?))`,
      )
      .all(alertname) as Array<{
      id: string;
      title: string;
      url: string | null;
      resolution: string | null;
      created_at: string;
      helpful: number;
      unhelpful: number;
    }>;
    return rows.map((r) => ({
      id: r.id,
      source: 'runbook',
      title: r.title,
      ...(r.url ? { url: r.url } : {}),
      ...(r.resolution ? { resolution: r.resolution } : {}),
      score: 1,
      why: `the runbook for ${alertname}`,
      helpful: r.helpful,
      unhelpful: r.unhelpful,
      createdAt: r.created_at,
    }));
  }

  async remember(document: MemoryDocument): Promise<void> {
    await this.index.upsert([document]);
  }

  /**
   * Re-reads the runbook directory (the configured one, or `dir`): changed files re-indexed, deleted
   * ones removed. Incident memory mirrors one runbook directory.
   */
  async syncRunbooks(
    dir: string | null = this.runbooksDir,
  ): Promise<{ runbooks: number; indexed: number; removed: number }> {
    if (!dir) return { runbooks: 0, indexed: 0, removed: 0 };
    const runbooks = readRunbooks(dir, this.config.memory.runbooksUrl);
    const result = await this.index.upsert(runbooks.map((r) => r.document));
    const present = new Set(runbooks.map((r) => r.document.id));
    let removed = 0;
    for (const id of this.index.idsOf('runbook')) if (!present.has(id) && this.index.remove(id)) removed++;
    return { runbooks: runbooks.length, indexed: result.added + result.updated, removed };
  }

  async syncGitHub(
    onProgress?: (repo: string, issues: number) => void,
  ): Promise<{ issues: number; errors: string[] }> {
    if (!this.github)
      return { issues: 0, errors: ['GitHub is not configured (GITHUB_TOKEN and memory.githubRepositories)'] };
    const report = await this.github.sync(async (documents) => {
      await this.index.upsert(documents);
    }, onProgress);
    return { issues: report.issues, errors: report.errors };
  }

  /** Background upkeep: runbooks, GitHub and re-embedding after a provider change. */
  start(): void {
    const run = () => {
      this.syncing ??= this.upkeep().finally(() => {
        this.syncing = null;
      });
    };
    run();
    this.timer = setInterval(run, this.config.memory.syncMinutes * 60_000);
    this.timer.unref();
    this.watchRunbooks();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.watcher?.close();
    if (this.debounce) clearTimeout(this.debounce);
    await this.runbookSync;
    await this.syncing;
  }

  /** Edits to runbooks are searchable within a second or two, not at the next periodic sync. */
  private watchRunbooks(): void {
    const dir = this.runbooksDir;
    if (!dir) return;
    try {
      this.watcher = watch(dir, { recursive: true, persistent: false }, () => {
        if (this.debounce) clearTimeout(this.debounce);
        this.debounce = setTimeout(() => {
          this.runbookSync = (this.runbookSync ?? Promise.resolve())
            .then(() => this.syncRunbooks())
            .then((result) => {
              this.logger.info('runbooks re-indexed', result);
            })
            .catch((error) => {
              this.logger.warn('runbook re-index failed', { error: errorMessage(error) });
            });
        }, 500);
      });
      this.watcher.on('error', (error) =>
        this.logger.warn('runbook watch stopped; the periodic sync continues', {
          error: errorMessage(error),
        }),
      );
    } catch (error) {
      this.logger.warn('cannot watch the runbook directory; the periodic sync continues', {
        dir,
        error: errorMessage(error),
      });
    }
  }

  private async upkeep(): Promise<void> {
    try {
      const stale = this.index.staleCount();
      if (stale > 0) {
        this.logger.info('re-embedding incident memory for the new embedding provider', { documents: stale });
        await this.index.reembed((done, total) => this.logger.info('re-embedding', { done, total }));
      }
      if (this.runbooksDir) this.logger.info('runbooks synced', await this.syncRunbooks());
      if (this.github) this.logger.info('GitHub incidents synced', await this.syncGitHub());
    } catch (error) {
      this.logger.warn('incident memory upkeep failed', { error: errorMessage(error) });
    }
  }
}
