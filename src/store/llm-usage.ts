import type { Statement } from 'better-sqlite3';
import { type Db, statementCache } from './database.js';

/** Every LLM call's tokens and cost, so budgets hold across restarts and `/aals status` can say. */
export interface UsageRecord {
  incidentId: number | null;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export interface SpendTotals {
  costUsd: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
}

export class LlmUsageStore {
  private readonly sql: (sql: string) => Statement;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sql = statementCache(this.db);
  }

  record(usage: UsageRecord): void {
    const at = this.now().toISOString();
    this.sql(
      `INSERT INTO llm_usage (at, day, month, incident_id, provider, model, input_tokens, output_tokens,
         cache_read_tokens, cache_write_tokens, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      at,
      at.slice(0, 10),
      at.slice(0, 7),
      usage.incidentId,
      usage.provider,
      usage.model,
      usage.inputTokens,
      usage.outputTokens,
      usage.cacheReadTokens,
      usage.cacheWriteTokens,
      usage.costUsd,
    );
  }

  /** Spend on the UTC day / month of `now`, and of one incident. */
  today(): SpendTotals {
    return this.totals('day = ?', this.now().toISOString().slice(0, 10));
  }

  thisMonth(): SpendTotals {
    return this.totals('month = ?', this.now().toISOString().slice(0, 7));
  }

  forIncident(incidentId: number): SpendTotals {
    return this.totals('incident_id = ?', incidentId);
  }

  private totals(where: string, value: string | number): SpendTotals {
    const row = this.sql(
      `SELECT COALESCE(SUM(cost_usd), 0) AS costUsd, COUNT(*) AS calls, COALESCE(SUM(input_tokens), 0) AS inputTokens,
         COALESCE(SUM(output_tokens), 0) AS outputTokens FROM llm_usage WHERE ${where}`,
    ).get(value) as SpendTotals;
    return row;
  }
}
