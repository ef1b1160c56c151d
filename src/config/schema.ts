import { z } from 'zod';
import { DEFAULT_CORRELATION } from '../correlation/types.js';
import { ExecutorConfigSchema } from '../execution/config.js';
import { PolicyConfigSchema } from '../policy/config.js';

/**
 * The whole configuration, validated at start. Every object is strict so a typo is an error that
 * names the key, and every field has a default so an empty file (or none) runs.
 */

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export const EnvironmentName = z.enum(ENVIRONMENTS);
export type EnvironmentName = z.infer<typeof EnvironmentName>;

/** Slack user (U…/W…) or user group (S…) IDs. */
const SlackPrincipalId = z
  .string()
  .regex(/^[UWS][A-Z0-9]{2,}$/, 'must be a Slack user ID (U… or W…) or user group ID (S…), e.g. U024BE7LH');

const EnvironmentPolicy = (requiredApprovals: number) =>
  z
    .strictObject({
      approvers: z.array(SlackPrincipalId).default([]),
      requiredApprovals: z.number().int().min(1).max(10).default(requiredApprovals),
    })
    .prefault({});

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://localhost:9090' });

const ModuleSwitch = z.boolean().optional();

export const ConfigSchema = z
  .strictObject({
    /** The environment of alerts that carry no environment label and channels with no mapping. */
    environment: EnvironmentName.default('development'),
    slack: z
      .strictObject({
        mode: z.enum(['auto', 'socket', 'http', 'sandbox']).default('auto'),
        botToken: z.string().min(1).optional(),
        appToken: z.string().min(1).optional(),
        signingSecret: z.string().min(1).optional(),
        apiUrl: url.optional(),
        /** Channel IDs (C…) or names (#alerts) whose messages are read as alerts. */
        alertChannels: z.array(z.string().min(1)).default(['#alerts']),
        /** Where alerts that arrive without a Slack message (the webhook) get their thread. */
        notifyChannel: z.string().min(1).optional(),
        /** Channel ID or name → environment, for channels that belong to one environment. */
        channelEnvironments: z.record(z.string(), EnvironmentName).default({}),
        /** AALS's own pace for chat.postMessage per channel: Slack allows about 1 message/s with short bursts. */
        postsPerSecond: z.number().min(0.1).max(1000).default(1),
        postBurst: z.number().int().min(1).max(1000).default(2),
        commandName: z
          .string()
          .regex(/^\/[a-z0-9_-]+$/, 'must start with / and use lowercase letters, digits, - or _')
          .default('/aals'),
      })
      .prefault({}),
    http: z
      .strictObject({
        port: z.number().int().min(0).max(65535).default(3000),
        host: z.string().default('0.0.0.0'),
        /** Largest request body accepted by any endpoint; bigger bodies get 413 (and are recorded). */
        maxBodyBytes: z
          .number()
          .int()
          .min(1024)
          .default(5 * 1024 * 1024),
      })
      .prefault({}),
    intake: z
      .strictObject({
        alertmanager: z
          .strictObject({
            enabled: z.boolean().default(true),
            bearerToken: z.string().min(1).optional(),
            basicAuth: z
              .strictObject({ username: z.string().min(1), password: z.string().min(1) })
              .optional(),
          })
          .prefault({}),
      })
      .prefault({}),
    environments: z
      .strictObject({
        development: EnvironmentPolicy(1),
        staging: EnvironmentPolicy(1),
        production: EnvironmentPolicy(2),
      })
      .prefault({}),
    /** Who may use what (Slack user or user group IDs; empty: everyone in the workspace). */
    permissions: z
      .strictObject({
        /** `/aals diagnose`, `/aals diagnose #N --deep` and mentions (they can spend LLM budget). */
        diagnose: z.array(SlackPrincipalId).default([]),
        /** `/aals run HOST -- CMD` requests (approving is per environment, under environments). */
        run: z.array(SlackPrincipalId).default([]),
      })
      .prefault({}),
    /** Risk policy: environment × risk → decision, approval expiry, extra read-only/denied programs. */
    policy: PolicyConfigSchema,
    /** Alert label names that say which environment an alert belongs to. */
    environmentLabels: z.array(z.string().min(1)).default(['env', 'environment']),
    modules: z
      .strictObject({
        alertmanager: z
          .strictObject({
            enabled: ModuleSwitch,
            url: url.optional(),
            timeoutMs: z.number().int().min(100).default(3000),
          })
          .prefault({}),
        prometheus: z
          .strictObject({
            enabled: ModuleSwitch,
            url: url.optional(),
            timeoutMs: z.number().int().min(100).default(5000),
            bearerToken: z.string().min(1).optional(),
            basicAuth: z
              .strictObject({ username: z.string().min(1), password: z.string().min(1) })
              .optional(),
            tls: z
              .strictObject({
                caFile: z.string().min(1).optional(),
                insecureSkipVerify: z.boolean().default(false),
              })
              .prefault({}),
            /** Minutes before the alert that the analysis looks at. */
            windowMinutes: z
              .number()
              .int()
              .min(5)
              .max(7 * 24 * 60)
              .default(120),
            /** The whole analysis of one alert must finish within this. */
            deadlineMs: z.number().int().min(500).default(20_000),
            /** Other series of the alert's instance/service checked for "changed together" (0: off). */
            relatedSeries: z.number().int().min(0).max(500).default(50),
            /** Use the built-in node and golden-signal queries. */
            builtinQueries: z.boolean().default(true),
            /** Queries per alert name or label, with {{label}} placeholders filled from the alert. */
            templates: z
              .array(
                z.strictObject({
                  match: z.record(z.string(), z.string()),
                  queries: z.array(
                    z.strictObject({
                      name: z.string().min(1),
                      expr: z.string().min(1),
                      unit: z.string().optional(),
                      limit: z.number().optional(),
                    }),
                  ),
                }),
              )
              .default([]),
          })
          .prefault({}),
        github: z
          .strictObject({
            enabled: ModuleSwitch,
            token: z.string().min(1).optional(),
            apiUrl: url.optional(),
          })
          .prefault({}),
        llm: z
          .strictObject({
            enabled: ModuleSwitch,
            /** rules needs nothing; the default is anthropic with a key, openai with a base URL, else rules. */
            provider: z.enum(['anthropic', 'openai', 'rules']).optional(),
            anthropicApiKey: z.string().min(1).optional(),
            anthropicBaseUrl: url.optional(),
            /** Any OpenAI-compatible chat completions server (OpenAI, Ollama, vLLM, llama.cpp). */
            openaiBaseUrl: url.optional(),
            openaiApiKey: z.string().min(1).optional(),
            /** Default: claude-sonnet-5-5 for anthropic, gpt-4o-mini for openai. */
            model: z.string().min(1).optional(),
            /** The language diagnoses are written in. */
            language: z.enum(['en', 'ja']).default('en'),
            /** Normal diagnosis: deadline and tool steps; `/aals diagnose --deep` gets the deep ones. */
            timeoutSeconds: z.number().min(1).max(600).default(30),
            maxSteps: z.number().int().min(1).max(50).default(6),
            deepTimeoutSeconds: z.number().min(1).max(3600).default(300),
            deepMaxSteps: z.number().int().min(1).max(100).default(16),
            maxOutputTokens: z.number().int().min(256).max(32_000).default(2048),
            /** USD. A reached budget switches diagnosis to rules and says so in the thread. */
            budget: z
              .strictObject({
                dailyUsd: z.number().min(0).default(5),
                monthlyUsd: z.number().min(0).default(100),
                perIncidentUsd: z.number().min(0).default(0.5),
              })
              .prefault({}),
            /** USD per million tokens, by model name (a prefix matches, e.g. claude-sonnet-4). */
            prices: z
              .record(
                z.string(),
                z.strictObject({
                  input: z.number().min(0),
                  output: z.number().min(0),
                  cacheRead: z.number().min(0).optional(),
                  cacheWrite: z.number().min(0).optional(),
                }),
              )
              .default({}),
            /** The same inputs within this time reuse the answer (and cost nothing). */
            cacheTtlMinutes: z.number().min(0).default(60),
            /** Also redact e-mail and IP addresses from prompts (secrets always are). */
            redactEmails: z.boolean().default(false),
            redactIps: z.boolean().default(false),
            /** Failures in a row that open the circuit breaker, and how long it stays open. */
            breakerFailures: z.number().int().min(1).default(3),
            breakerCooldownSeconds: z.number().min(1).default(120),
          })
          .prefault({}),
        /** The SSH executor and its host inventory (see src/execution/config.ts). */
        executor: ExecutorConfigSchema,
      })
      .prefault({}),
    patterns: z
      .strictObject({
        /** Recurring: the same alert fired at least `count` times within `windowMinutes`. */
        recurring: z
          .strictObject({
            count: z.number().int().min(2).default(3),
            windowMinutes: z
              .number()
              .int()
              .min(1)
              .default(24 * 60),
          })
          .prefault({}),
        /** Flapping: at least `transitions` firing↔resolved changes within `windowMinutes`. */
        flapping: z
          .strictObject({
            transitions: z.number().int().min(2).default(4),
            windowMinutes: z.number().int().min(1).default(60),
          })
          .prefault({}),
      })
      .prefault({}),
    memory: z
      .strictObject({
        embeddings: z
          .strictObject({
            /** hashed: offline, no model; openai: any OpenAI-compatible /v1/embeddings endpoint. */
            provider: z.enum(['hashed', 'openai']).default('hashed'),
            url: url.optional(),
            model: z.string().min(1).default('text-embedding-3-small'),
            apiKey: z.string().min(1).optional(),
            dimensions: z.number().int().min(16).max(4096).default(384),
          })
          .prefault({}),
        /** A directory of Markdown runbooks (front matter may name `alerts:` and `services:`). */
        runbooksDir: z.string().min(1).optional(),
        /** Where the same runbooks are browsable (e.g. https://github.com/acme/runbooks/blob/main), for links. */
        runbooksUrl: url.optional(),
        /** GitHub repositories (owner/name) whose issues with these labels are past incidents. */
        githubRepositories: z.array(z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name')).default([]),
        githubLabels: z.array(z.string().min(1)).default(['incident', 'postmortem']),
        syncMinutes: z.number().int().min(1).default(15),
        /** How many similar past incidents the thread shows. */
        similarShown: z.number().int().min(0).max(10).default(3),
      })
      .superRefine((memory, ctx) => {
        if (memory.embeddings.provider === 'openai' && !memory.embeddings.url) {
          ctx.addIssue({
            code: 'custom',
            path: ['embeddings', 'url'],
            message:
              'is required with provider openai: the base URL of an OpenAI-compatible server (e.g. http://localhost:11434)',
          });
        }
      })
      .prefault({}),
    correlation: z
      .strictObject({
        windowMinutes: z.number().min(0.5).default(DEFAULT_CORRELATION.windowMinutes),
        reopenMinutes: z.number().min(0).default(DEFAULT_CORRELATION.reopenMinutes),
        expireMinutes: z.number().min(1).default(DEFAULT_CORRELATION.expireMinutes),
        serviceLabels: z.array(z.string().min(1)).default(DEFAULT_CORRELATION.serviceLabels),
        hostLabels: z.array(z.string().min(1)).default(DEFAULT_CORRELATION.hostLabels),
        partitionLabels: z.array(z.string().min(1)).default(DEFAULT_CORRELATION.partitionLabels),
        /** service → the services it depends on, e.g. checkout: [orders-db, payments]. */
        topology: z.record(z.string(), z.array(z.string().min(1))).default({}),
        threshold: z.number().min(0.05).max(1).default(DEFAULT_CORRELATION.threshold),
      })
      .prefault({}),
    storage: z.strictObject({ dataDir: z.string().min(1).default('./data') }).prefault({}),
    logging: z
      .strictObject({
        level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
        /** Directory for rotated JSON log files; null logs to the console only. */
        dir: z.string().min(1).nullable().default(null),
        maxSize: z
          .string()
          .regex(/^\d+[kmg]$/, 'must be a size like 20m, 500k or 1g')
          .default('20m'),
        maxFiles: z
          .string()
          .regex(/^\d+d?$/, 'must be a count (10) or days (14d)')
          .default('14d'),
        console: z.boolean().default(true),
      })
      .prefault({}),
    audit: z
      .strictObject({
        /** HMAC key for the audit chain; without it the chain is a plain SHA-256 chain. */
        key: z.string().min(16, 'must be at least 16 characters').optional(),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const llm = config.modules.llm;
    if (llm.provider === 'anthropic' && !llm.anthropicApiKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['modules', 'llm', 'anthropicApiKey'],
        message: 'is required with provider anthropic: set ANTHROPIC_API_KEY, or use provider rules',
      });
    }
    if (llm.provider === 'openai' && !llm.openaiBaseUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['modules', 'llm', 'openaiBaseUrl'],
        message:
          'is required with provider openai: the server URL (e.g. http://localhost:11434/v1 for Ollama), or OPENAI_BASE_URL',
      });
    }
    const modules = config.modules;
    const needsUrl: Array<[keyof typeof modules, string | undefined, string]> = [
      ['alertmanager', modules.alertmanager.url, 'ALERTMANAGER_URL'],
      ['prometheus', modules.prometheus.url, 'PROMETHEUS_URL'],
    ];
    for (const [name, value, envVar] of needsUrl) {
      const explicit = (modules[name] as { enabled?: boolean }).enabled;
      if (explicit === true && !value) {
        ctx.addIssue({
          code: 'custom',
          path: ['modules', name, 'url'],
          message: `is required when modules.${name}.enabled is true: set ${envVar} or modules.${name}.url, or set modules.${name}.enabled: false`,
        });
      }
    }
    if (modules.executor.enabled) {
      for (const env of ENVIRONMENTS) {
        if (env === 'development') continue;
        const policy = config.environments[env];
        if (policy.approvers.length < policy.requiredApprovals) {
          ctx.addIssue({
            code: 'custom',
            path: ['environments', env, 'approvers'],
            message: `${env} needs at least ${policy.requiredApprovals} approver(s) before any non-read-only command can be approved: list Slack user or group IDs here, or set modules.executor.enabled: false`,
          });
        }
      }
    }
  });

export type AalsConfig = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type ModuleName = keyof AalsConfig['modules'];
