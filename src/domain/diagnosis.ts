import { z } from 'zod';
import type { RiskAssessment } from './risk.js';

/**
 * A diagnosis as the thread shows it, whoever wrote it (the rules engine or an LLM). The model's
 * answer is validated against `ModelDiagnosis`; anything it says about risk is dropped there, and
 * every command is classified by the risk policy before it becomes a `ProposedAction`.
 */

const line = (max: number) => z.string().trim().min(1).max(max);

/** What the model must submit. Unknown keys (e.g. a "risk" it made up) are stripped by zod. */
export const ModelDiagnosis = z.object({
  summary: line(1200),
  rootCause: z.object({
    candidate: line(300),
    confidence: z.number().min(0).max(1),
    reasoning: line(1500),
  }),
  evidence: z
    .array(z.object({ ref: z.string().trim().min(1).max(20), note: line(400) }))
    .max(12)
    .default([]),
  actions: z
    .array(
      z.object({
        command: line(500),
        host: z.string().trim().min(1).max(200).nullish(),
        purpose: line(300),
      }),
    )
    .max(8)
    .default([]),
  nextChecks: z.array(line(300)).max(8).default([]),
});
export type ModelDiagnosis = z.infer<typeof ModelDiagnosis>;

export interface ProposedAction {
  command: string;
  host: string | null;
  purpose: string;
  /** The policy's verdict, never the model's. */
  assessment: RiskAssessment;
}

export interface DiagnosisUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  steps: number;
}

export interface Diagnosis {
  source: 'rules' | 'llm';
  /** e.g. "anthropic claude-sonnet-5-5", or "rules". */
  author: string;
  language: 'en' | 'ja';
  summary: string;
  rootCause: { candidate: string; confidence: number; reasoning: string } | null;
  evidence: Array<{ ref: string; note: string }>;
  actions: ProposedAction[];
  nextChecks: string[];
  /** Why this is not the diagnosis one might expect (budget reached, LLM timed out, cached …). */
  notes: string[];
  usage: DiagnosisUsage | null;
  /** The answer came from the cache (same inputs within the TTL): it cost nothing this time. */
  cached: boolean;
  millis: number;
  createdAt: string;
}
