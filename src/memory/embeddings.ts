import { AalsError, ErrorCode, errorMessage } from '../errors.js';
import { tokenize } from './tokenize.js';

/**
 * Embeddings behind one interface. The default needs no network and no model: hashed features of
 * words, glossary concepts (which is what lets Japanese and English meet), CJK bigrams and
 * character trigrams. An OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, vLLM, …) can
 * replace it; changing provider re-embeds in the background.
 */
export interface EmbeddingProvider {
  /** Identifies provider, model and dimensions: stored with every vector to know when to re-embed. */
  readonly id: string;
  readonly dimensions: number;
  /**
   * True when similarity needs shared features (hashed words and n-grams): the nearest neighbours
   * are then among the full-text candidates, and scoring only those keeps search fast at any size.
   * Semantic models relate texts with no words in common, so they get a full nearest-neighbour scan.
   */
  readonly lexical: boolean;
  embed(texts: string[]): Promise<Float32Array[]>;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hash(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Feature weights: concepts carry meaning across languages; trigrams catch spelling variants. */
const WEIGHTS = { word: 1, concept: 2.5, cjk: 0.5, trigram: 0.6 };

export class HashedEmbedding implements EmbeddingProvider {
  readonly id: string;
  readonly lexical = true;

  constructor(readonly dimensions = 384) {
    this.id = `hashed-v2-${dimensions}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  embedOne(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions);
    const counts = new Map<string, { count: number; weight: number }>();
    const add = (feature: string, weight: number) => {
      const seen = counts.get(feature);
      if (seen) seen.count++;
      else counts.set(feature, { count: 1, weight });
    };
    const tokens = tokenize(text);
    for (const word of tokens.words) {
      add(`w:${word}`, WEIGHTS.word);
      if (word.length >= 5 && /^[a-z]+$/.test(word)) {
        for (let i = 0; i + 3 <= word.length; i++) add(`t:${word.slice(i, i + 3)}`, WEIGHTS.trigram);
      }
    }
    for (const gram of tokens.cjk) add(`c:${gram}`, WEIGHTS.cjk);
    for (const concept of tokens.concepts) add(`k:${concept}`, WEIGHTS.concept);
    for (const [feature, { count, weight }] of counts) {
      const h = hash(feature);
      const sign = h & 0x80000000 ? -1 : 1;
      const index = h % this.dimensions;
      // Sublinear term frequency: the tenth mention of "error" adds little.
      vector[index] = (vector[index] as number) + sign * weight * (1 + Math.log(count));
    }
    let norm = 0;
    for (const v of vector) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
    return vector;
  }
}

export interface OpenAiEmbeddingOptions {
  url: string;
  model: string;
  apiKey?: string | undefined;
  dimensions: number;
  timeoutMs?: number;
  batchSize?: number;
  fetch?: typeof fetch;
}

/** POST {url}/v1/embeddings, as OpenAI and most self-hosted servers (Ollama, vLLM, llama.cpp) serve it. */
export class OpenAiCompatibleEmbedding implements EmbeddingProvider {
  readonly id: string;
  readonly lexical = false;
  readonly dimensions: number;

  constructor(private readonly options: OpenAiEmbeddingOptions) {
    this.dimensions = options.dimensions;
    this.id = `openai:${options.model}:${options.dimensions}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const size = this.options.batchSize ?? 64;
    for (let i = 0; i < texts.length; i += size) out.push(...(await this.batch(texts.slice(i, i + size))));
    return out;
  }

  private async batch(input: string[]): Promise<Float32Array[]> {
    const url = `${this.options.url.replace(/\/$/, '')}/v1/embeddings`;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.options.model, input, dimensions: this.options.dimensions }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new AalsError(
        ErrorCode.IntegrationUnavailable,
        `embeddings endpoint unreachable at ${url}: ${errorMessage(error)}`,
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new AalsError(
        ErrorCode.IntegrationUnavailable,
        `embeddings endpoint ${url} failed while answering: ${errorMessage(error)}`,
      );
    }
    if (!response.ok) {
      throw new AalsError(
        ErrorCode.IntegrationUnavailable,
        `embeddings endpoint ${url} answered ${response.status}: ${text.slice(0, 200)}`,
      );
    }
    let body: { data?: Array<{ embedding?: unknown; index?: number }> };
    try {
      body = JSON.parse(text);
    } catch {
      throw new AalsError(
        ErrorCode.IntegrationUnavailable,
        `embeddings endpoint ${url} answered something that is not JSON: ${text.slice(0, 120)}`,
      );
    }
    const data = [...(Array.isArray(body?.data) ? body.data : [])].sort(
      (a, b) => (a.index ?? 0) - (b.index ?? 0),
    );
    const vectors = data.map((d) => d.embedding);
    if (
      vectors.length !== input.length ||
      vectors.some((v) => !Array.isArray(v) || v.length !== this.dimensions)
    ) {
      throw new AalsError(
        ErrorCode.IntegrationUnavailable,
        `embeddings endpoint returned ${data.length} vectors of the wrong size (expected ${input.length} × ${this.dimensions})`,
      );
    }
    return vectors.map((v) => normalizeVector(Float32Array.from(v as number[])));
  }
}

export function normalizeVector(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  return vector.map((v) => v / norm);
}
