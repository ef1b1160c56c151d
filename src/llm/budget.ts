import type { LlmUsageStore } from '../store/llm-usage.js';

/**
 * The spend limits the team set: per UTC day, per month and per incident, in USD, checked before
 * every model call against what SQLite says was spent (so a restart does not reset them).
 */
export interface BudgetLimits {
  dailyUsd: number;
  monthlyUsd: number;
  perIncidentUsd: number;
}

export class Budget {
  constructor(
    private readonly usage: LlmUsageStore,
    readonly limits: BudgetLimits,
  ) {}

  /** Null while there is room; otherwise which budget is used up, for the thread. */
  exceeded(incidentId: number | null): string | null {
    const today = this.usage.today().costUsd;
    if (today >= this.limits.dailyUsd) {
      return `the daily LLM budget of ${usd(this.limits.dailyUsd)} is used up (${usd(today)} spent today, UTC)`;
    }
    const month = this.usage.thisMonth().costUsd;
    if (month >= this.limits.monthlyUsd) {
      return `the monthly LLM budget of ${usd(this.limits.monthlyUsd)} is used up (${usd(month)} spent this month)`;
    }
    if (incidentId !== null) {
      const incident = this.usage.forIncident(incidentId).costUsd;
      if (incident >= this.limits.perIncidentUsd) {
        return `this incident's LLM budget of ${usd(this.limits.perIncidentUsd)} is used up (${usd(incident)} spent on it)`;
      }
    }
    return null;
  }
}

export function usd(amount: number): string {
  return `$${amount < 0.01 && amount > 0 ? amount.toFixed(4) : amount.toFixed(2)}`;
}
