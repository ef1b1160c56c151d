/** What incident memory holds: past incidents from any source, and runbooks. */
export type MemorySource = 'import' | 'github' | 'aals' | 'runbook';

export interface MemoryDocument {
  /** Unique across sources: `import:INC-1`, `github:acme/ops#12`, `aals:incident:5`, `runbook:disk.md`. */
  id: string;
  source: MemorySource;
  title: string;
  body: string;
  url?: string | undefined;
  labels: string[];
  services: string[];
  alertnames: string[];
  rootCause?: string | undefined;
  resolution?: string | undefined;
  commands: string[];
  createdAt: string;
  updatedAt: string;
}

export interface SearchContext {
  alertname?: string | undefined;
  services?: string[] | undefined;
  labels?: Record<string, string> | undefined;
}

export interface SearchHit {
  id: string;
  source: MemorySource;
  title: string;
  url?: string | undefined;
  resolution?: string | undefined;
  score: number;
  /** Why it matched, for a human to check. */
  why: string;
  helpful: number;
  unhelpful: number;
  createdAt: string;
}
