import type { Logger } from 'winston';
import type { AalsConfig } from '../config/schema.js';
import type { RiskAssessment } from '../domain/risk.js';
import type { PrometheusClient } from '../integrations/prometheus/client.js';
import { Budget } from '../llm/budget.js';
import { createChatProvider } from '../llm/factory.js';
import { costOf, priceFor } from '../llm/pricing.js';
import type { ChatProvider } from '../llm/provider.js';
import { promptRedactor } from '../llm/redaction.js';
import type { DiagnosisToolbox } from '../llm/tools.js';
import type { MemoryIndex } from '../memory/index.js';
import type { Store } from '../store/store.js';
import { Diagnoser } from './diagnoser.js';
import { diagnosisToolbox } from './toolbox.js';

/** The diagnoser from `modules.llm`, with spend recorded in the store and priced by the config. */
export interface DiagnoserParts {
  logger: Logger;
  prometheus: PrometheusClient | null;
  memory: MemoryIndex | null;
  assess: (command: string, environment: string) => Promise<RiskAssessment>;
  /** Instead of the tools over Prometheus and incident memory (evals answer from recordings). */
  toolbox?: DiagnosisToolbox;
  /** Tests and the bench pass a provider; otherwise it comes from the config. */
  provider?: ChatProvider | null;
  retry?: { attempts: number; baseMs: number; maxMs: number };
}

export function createDiagnoser(config: AalsConfig, store: Store, parts: DiagnoserParts): Diagnoser {
  const llm = config.modules.llm;
  const provider = parts.provider !== undefined ? parts.provider : createChatProvider(config);
  return new Diagnoser({
    provider,
    settings: llm,
    budget: new Budget(store.llmUsage, llm.budget),
    recordUsage: (incidentId, usage, model) => {
      const costUsd = costOf(usage, priceFor(model, llm.prices));
      store.llmUsage.record({ incidentId, provider: provider?.name ?? 'rules', model, ...usage, costUsd });
      return costUsd;
    },
    assess: parts.assess,
    toolbox: parts.toolbox ?? diagnosisToolbox({ prometheus: parts.prometheus, memory: parts.memory }),
    redact: promptRedactor({ emails: llm.redactEmails, ips: llm.redactIps }),
    logger: parts.logger,
    ...(parts.retry ? { retry: parts.retry } : {}),
  });
}
