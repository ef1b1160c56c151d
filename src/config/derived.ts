import type { AalsConfig, EnvironmentName, ModuleName } from './schema.js';

export type SlackMode = 'socket' | 'http' | 'sandbox';

/** The guide's rule: socket when an app token is set, else http when a signing secret is, else sandbox. */
export function slackMode(config: AalsConfig): SlackMode {
  const { mode, appToken, signingSecret } = config.slack;
  if (mode !== 'auto') return mode;
  if (appToken) return 'socket';
  if (signingSecret) return 'http';
  return 'sandbox';
}

/** A module is on when switched on, or, when its switch is unset, when its endpoint is configured. */
export function isModuleEnabled(config: AalsConfig, name: ModuleName): boolean {
  const module = config.modules[name] as {
    enabled?: boolean;
    url?: string;
    token?: string;
    anthropicApiKey?: string;
  };
  if (module.enabled !== undefined) return module.enabled;
  switch (name) {
    case 'alertmanager':
    case 'prometheus':
      return Boolean(module.url);
    case 'github':
      return Boolean(module.token);
    case 'llm':
      return llmProvider(config) !== 'rules';
    default:
      return false;
  }
}

/** Why AALS cannot approve non-read-only commands in an environment, or null when it can. */
export function approvalBlocker(config: AalsConfig, environment: EnvironmentName): string | null {
  if (!config.modules.executor.enabled) return 'command execution is off (modules.executor.enabled: false)';
  const policy = config.environments[environment];
  if (policy.approvers.length < policy.requiredApprovals) {
    return `environments.${environment}.approvers names ${policy.approvers.length} of the ${policy.requiredApprovals} approvers required`;
  }
  return null;
}

/** The environment an alert belongs to: its environment label, else its channel's, else the default. */
export function environmentOf(
  config: AalsConfig,
  labels: Record<string, string>,
  channel?: { id?: string; name?: string },
): EnvironmentName {
  for (const name of config.environmentLabels) {
    const value = labels[name]?.toLowerCase();
    const matched = value ? normalizeEnvironment(value) : null;
    if (matched) return matched;
  }
  return (channel && channelEnvironment(config, channel)) || config.environment;
}

/** The environment a channel is mapped to (slack.channelEnvironments, by ID or name), if any. */
export function channelEnvironment(
  config: AalsConfig,
  channel: { id?: string | undefined; name?: string | undefined },
): EnvironmentName | null {
  const mapping = config.slack.channelEnvironments;
  return (
    (channel.id && mapping[channel.id]) ||
    (channel.name && (mapping[`#${channel.name}`] ?? mapping[channel.name])) ||
    null
  );
}

const ENVIRONMENT_ALIASES: Record<string, EnvironmentName> = {
  prod: 'production',
  production: 'production',
  prd: 'production',
  live: 'production',
  stage: 'staging',
  staging: 'staging',
  stg: 'staging',
  dev: 'development',
  development: 'development',
  test: 'development',
};

function normalizeEnvironment(value: string): EnvironmentName | null {
  return ENVIRONMENT_ALIASES[value] ?? null;
}

/** Which provider diagnoses: the configured one, else Anthropic with a key, an OpenAI-compatible server with a URL, else rules. */
export function llmProvider(config: AalsConfig): 'anthropic' | 'openai' | 'rules' {
  const llm = config.modules.llm;
  if (llm.enabled === false) return 'rules';
  if (llm.provider) return llm.provider;
  if (llm.anthropicApiKey) return 'anthropic';
  if (llm.openaiBaseUrl) return 'openai';
  return 'rules';
}
