import { llmProvider } from '../config/derived.js';
import type { AalsConfig } from '../config/schema.js';
import { AnthropicProvider } from './anthropic.js';
import { OpenAiCompatibleProvider } from './openai.js';
import type { ChatProvider } from './provider.js';

/** The configured chat provider, or null for the rules (no key, no URL, or provider: rules). */
export const DEFAULT_MODELS = { anthropic: 'claude-sonnet-5-5', openai: 'gpt-4o-mini' } as const;

export function createChatProvider(config: AalsConfig, fetchFn?: typeof fetch): ChatProvider | null {
  const llm = config.modules.llm;
  const provider = llmProvider(config);
  if (provider === 'anthropic' && llm.anthropicApiKey) {
    return new AnthropicProvider({
      apiKey: llm.anthropicApiKey,
      model: llm.model ?? DEFAULT_MODELS.anthropic,
      baseURL: llm.anthropicBaseUrl,
      ...(fetchFn ? { fetch: fetchFn } : {}),
    });
  }
  if (provider === 'openai' && llm.openaiBaseUrl) {
    return new OpenAiCompatibleProvider({
      baseUrl: llm.openaiBaseUrl,
      model: llm.model ?? DEFAULT_MODELS.openai,
      apiKey: llm.openaiApiKey,
      ...(fetchFn ? { fetch: fetchFn } : {}),
    });
  }
  return null;
}
