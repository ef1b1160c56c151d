import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Logger } from 'winston';
import { ExecutionRunner } from './approvals/execution-runner.js';
import type { CommandRunner } from './approvals/ports.js';
import { isMember } from './approvals/principals.js';
import { ApprovalService } from './approvals/service.js';
import { homeData } from './chatops/home.js';
import {
  channelEnvironment,
  environmentOf,
  isModuleEnabled,
  type SlackMode,
  slackMode,
} from './config/derived.js';
import type { AalsConfig } from './config/schema.js';
import type { Diagnoser } from './diagnosis/diagnoser.js';
import { createDiagnoser } from './diagnosis/factory.js';
import { AalsError, ErrorCode } from './errors.js';
import { sshCommandRunner } from './execution/command-runner.js';
import { SshExecutor } from './execution/ssh-executor.js';
import { createIntakeServer } from './intake/http-server.js';
import { AlertmanagerClient } from './integrations/alertmanager/client.js';
import {
  createPrometheusAnalyzer,
  createPrometheusClient,
} from './integrations/prometheus/analyzer-factory.js';
import { IncidentMemory } from './memory/service.js';
import { createLogger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { AnalysisRunner } from './pipeline/analysis-runner.js';
import { DiagnosisRunner, withLiveDiagnosis } from './pipeline/diagnosis-runner.js';
import { Dispatcher, type DispatcherOptions } from './pipeline/dispatcher.js';
import { Inbox, type InboxOptions } from './pipeline/inbox.js';
import { IncidentTracker } from './pipeline/incident-tracker.js';
import { MemoryRunner } from './pipeline/memory-runner.js';
import { Processor } from './pipeline/processor.js';
import { policyAssessor } from './policy/assessor.js';
import { SlackEmulator } from './slack/emulator/emulator.js';
import { type SlackRuntime, startSlackApp } from './slack/slack-app.js';
import { SlackChat } from './slack/slack-chat.js';
import { WalCheckpointer } from './store/checkpointer.js';
import { Store } from './store/store.js';

const RUNNER_WAKE_MS = 20;

/** The composition root: builds every part from the configuration and starts them in order. */
export interface AalsOptions {
  config: AalsConfig;
  logger?: Logger;
  cwd?: string;
  now?: () => Date;
  inbox?: InboxOptions;
  dispatch?: Partial<DispatcherOptions>;
  /** LLM retry pacing (tests make it fast). */
  llmRetry?: { attempts: number; baseMs: number; maxMs: number };
  /** Runs approved commands (the SSH executor); none: commands are only shown. */
  commandRunner?: CommandRunner;
  /** How long a diagnosis waits for the metric analysis and memory lookup. */
  evidenceWaitMs?: number;
  /** Sandbox mode: the emulator's settings (tests use HTTP delivery or fast retries). */
  sandbox?: ConstructorParameters<typeof SlackEmulator>[0];
}

export interface RunningAals {
  url: string;
  mode: SlackMode;
  store: Store;
  inbox: Inbox;
  dispatcher: Dispatcher;
  tracker: IncidentTracker;
  /** Present when the Prometheus module is on. */
  analysis: AnalysisRunner | undefined;
  memory: IncidentMemory;
  memoryRunner: MemoryRunner;
  diagnoser: Diagnoser;
  diagnosisRunner: DiagnosisRunner;
  approvals: ApprovalService | undefined;
  execution: ExecutionRunner | undefined;
  metrics: Metrics;
  slack: SlackRuntime;
  sandbox: SlackEmulator | undefined;
  server: Server;
  stop(): Promise<void>;
}

export const SANDBOX_PREFIX = '/slack-sandbox';

export async function startAals(options: AalsOptions): Promise<RunningAals> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logging);
  const mode = slackMode(config);
  requireSlackCredentials(config, mode);
  const store = Store.open(resolve(options.cwd ?? process.cwd(), config.storage.dataDir), {
    auditKey: config.audit.key,
    ...(options.now ? { now: options.now } : {}),
  });
  const checkpointer = WalCheckpointer.start(store.db, {
    onError: (message) => logger.warn('WAL checkpoint', { error: message }),
  });
  const metrics = new Metrics();
  const sandbox =
    mode === 'sandbox'
      ? new SlackEmulator({
          pathPrefix: SANDBOX_PREFIX,
          channels: sandboxChannels(config),
          ...options.sandbox,
        })
      : undefined;

  const slackCredentials = () =>
    sandbox
      ? {
          botToken: sandbox.app.botToken,
          appToken: sandbox.app.appToken,
          apiUrl: sandbox.apiUrl,
          mode: 'socket' as const,
        }
      : {
          botToken: config.slack.botToken as string,
          appToken: config.slack.appToken,
          signingSecret: config.slack.signingSecret,
          apiUrl: config.slack.apiUrl,
          mode: mode as 'socket' | 'http',
        };

  let slack: SlackRuntime | undefined;
  const permalink = (channel: string, ts: string) =>
    slack?.workspaceUrl
      ? `${slack.workspaceUrl.replace(/\/$/, '')}/archives/${channel}/p${ts.replace('.', '')}`
      : null;
  const analyzer = createPrometheusAnalyzer(config);
  const tracker = new IncidentTracker(store, config.correlation, {
    permalink,
    analyze: Boolean(analyzer),
    diagnose: true,
  });
  const dispatcher = new Dispatcher({
    store,
    logger,
    metrics,
    chat: new SlackChat(() => {
      if (!slack) throw new AalsError(ErrorCode.IntegrationUnavailable, 'Slack is not connected yet');
      return slack.client;
    }),
    topology: () => tracker.correlator.topology,
    decorate: (view) =>
      withLiveDiagnosis(view, store, diagnoser, (id) => {
        store.incidents.bumpSummary(id);
        dispatcher.wake();
      }),
    viewOptions: () => ({
      now: new Date(),
      recurringWindowMinutes: config.patterns.recurring.windowMinutes,
      flappingWindowMinutes: config.patterns.flapping.windowMinutes,
    }),
    options: {
      postsPerSecond: config.slack.postsPerSecond,
      postBurst: config.slack.postBurst,
      ...options.dispatch,
    },
  });
  const alertmanagerUrl = config.modules.alertmanager.url;
  // In a storm alerts commit hundreds of times a second; each wake reads a queue, so the runners
  // look at most every RUNNER_WAKE_MS (the dispatcher coalesces its own wakes).
  let runnersWoken = false;
  const wakeRunners = () => {
    if (runnersWoken) return;
    runnersWoken = true;
    setTimeout(() => {
      runnersWoken = false;
      analysis?.wake();
      memoryRunner.wake();
      diagnosisRunner.wake();
    }, RUNNER_WAKE_MS).unref();
  };
  const processor = new Processor({
    config,
    store,
    tracker,
    logger,
    metrics,
    onCommitted: () => {
      dispatcher.wake();
      wakeRunners();
    },
    alertmanager:
      isModuleEnabled(config, 'alertmanager') && alertmanagerUrl
        ? new AlertmanagerClient({ url: alertmanagerUrl, timeoutMs: config.modules.alertmanager.timeoutMs })
        : undefined,
    channelName: (id) => slack?.directory.nameOf(id),
    notifyChannel: () => {
      const wanted = config.slack.notifyChannel ?? config.slack.alertChannels[0];
      return (wanted && slack?.directory.idOf(wanted)) || slack?.directory.alertChannelIds[0] || null;
    },
  });
  const analysis = analyzer
    ? new AnalysisRunner({ store, analyzer, logger, onStored: () => dispatcher.wake() })
    : undefined;
  const memory = new IncidentMemory(store.db, config, logger, { cwd: options.cwd ?? process.cwd() });
  const memoryRunner = new MemoryRunner({
    store,
    memory,
    topology: () => tracker.correlator.topology,
    logger,
    onStored: () => dispatcher.wake(),
  });
  const assess = policyAssessor(config);
  const diagnoser = createDiagnoser(config, store, {
    logger,
    prometheus: analyzer ? createPrometheusClient(config) : null,
    memory: memory.index,
    assess,
    ...(options.llmRetry ? { retry: options.llmRetry } : {}),
  });
  const diagnosisRunner = new DiagnosisRunner({
    store,
    diagnoser,
    topology: () => tracker.correlator.topology,
    logger,
    onStored: () => dispatcher.wake(),
    onDiagnosed: async (job, diagnosis) => {
      await approvals?.propose(job.incidentId, job.id, diagnosis.actions);
    },
    ...(options.evidenceWaitMs !== undefined ? { evidenceWaitMs: options.evidenceWaitMs } : {}),
  });
  const summaryChanged = (incidentId: number | null) => {
    if (incidentId !== null) store.incidents.bumpSummary(incidentId);
    dispatcher.wake();
  };
  const executor = config.modules.executor.enabled
    ? new SshExecutor(config.modules.executor, { logger })
    : undefined;
  const groupMembers = async (usergroup: string) => {
    const answer = await slack?.client.usergroups.users.list({ usergroup });
    return (answer?.users as string[] | undefined) ?? [];
  };
  const runner =
    options.commandRunner ?? (executor ? sshCommandRunner(config.modules.executor, executor) : null);
  const environmentPolicy = (environment: string) =>
    config.environments[environment as keyof typeof config.environments];
  const requiredApprovalsOf = (environment: string) => environmentPolicy(environment)?.requiredApprovals ?? 1;
  const execution = runner
    ? new ExecutionRunner({ store, runner, assess, requiredApprovalsOf, logger, onChanged: summaryChanged })
    : undefined;
  const approvals = runner
    ? new ApprovalService({
        store,
        assess,
        approversOf: (environment) => environmentPolicy(environment)?.approvers ?? [],
        requiredApprovalsOf,
        groupMembers,
        channelEnvironment: (channel) =>
          channelEnvironment(config, { id: channel, name: slack?.directory.nameOf(channel) }),
        runner,
        ttlMinutes: config.policy.approvalTtlMinutes,
        logger,
        onChanged: summaryChanged,
        onApproved: () => execution?.wake(),
      })
    : undefined;
  const requestDiagnosis = (
    incidentId: number,
    mode: 'normal' | 'deep',
    userId: string,
    question?: string,
  ) => {
    const incident = store.incidents.get(incidentId);
    if (!incident) return `There is no incident #${incidentId}.`;
    if (incident.status === 'merged')
      return `Incident #${incidentId} was merged into #${incident.mergedInto}; diagnose that one.`;
    store.diagnoses.enqueue(incidentId, mode, userId, question);
    store.audit.append({
      actor: userId,
      action: 'diagnosis.requested',
      subject: `incident:${incidentId}`,
      details: { mode },
    });
    diagnosisRunner.wake();
    return null;
  };
  const inbox = new Inbox(store, processor, logger, metrics, options.inbox);

  const server = createIntakeServer({
    config,
    inbox,
    logger,
    metrics,
    health: () => ({
      ok: Boolean(slack),
      mode,
      slack: slack ? 'connected' : 'starting',
      backlog: inbox.backlog,
    }),
    slackRequestListener: () => slack?.requestListener,
    mounted: sandbox ? [sandbox] : [],
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
  if (mode === 'sandbox' && config.http.host !== '127.0.0.1') {
    // The sandbox has no sign-in: whoever reaches the port can act as any sandbox user.
    logger.warn(
      'the Slack sandbox is reachable from other machines: anyone who can reach this port can act as any sandbox user (set http.host: 127.0.0.1 to keep it local)',
      { host: config.http.host },
    );
  }
  sandbox?.setExternalBase(url);

  try {
    const credentials = slackCredentials();
    slack = await startSlackApp({
      ...credentials,
      alertChannels: config.slack.alertChannels,
      commandName: config.slack.commandName,
      logger,
      store,
      inbox,
      commandContext: () => ({
        memory,
        mode,
        mayUse: (what, userId) => isMember(userId, config.permissions[what], groupMembers),
        modules: Object.fromEntries(
          (['alertmanager', 'prometheus', 'github', 'llm'] as const).map((m) => [
            m,
            isModuleEnabled(config, m),
          ]),
        ),
        diagnosis: {
          diagnoser,
          correlation: config.correlation,
          environmentOf: (labels) => environmentOf(config, labels),
          budget: config.modules.llm.budget,
          request: requestDiagnosis,
        },
      }),
      mentionContext: () => ({
        diagnoser,
        correlation: config.correlation,
        environmentOf: (labels) => environmentOf(config, labels),
      }),
      approvals: () => approvals,
      homeData: () => homeData(store, tracker.correlator.topology, diagnoser.author, new Date()),
      feedback: {
        index: () => memory.index,
        onChanged: () => {
          dispatcher.wake();
          memoryRunner.wake();
        },
      },
      ...(options.now ? { now: options.now } : {}),
    });
  } catch (error) {
    server.close();
    await sandbox?.stop();
    await checkpointer?.stop();
    store.close();
    throw error;
  }
  // The rules' own commands get their policy verdicts now, so the first summaries can show them.
  await diagnoser.warm(['development', 'staging', 'production']);
  const recovered = inbox.recover();
  dispatcher.wake();
  analysis?.wake();
  memoryRunner.wake();
  diagnosisRunner.wake();
  execution?.recover();
  execution?.wake();
  const expiry = approvals ? setInterval(() => approvals.expire(), 15_000) : undefined;
  expiry?.unref();
  memory.start();
  store.audit.append({ actor: 'aals', action: 'start', details: { mode, url, recovered } });
  logger.info('AALS started', { mode, url, recovered });

  let stopped = false;
  return {
    url,
    mode,
    store,
    inbox,
    dispatcher,
    tracker,
    analysis,
    memory,
    memoryRunner,
    diagnoser,
    diagnosisRunner,
    approvals,
    execution,
    metrics,
    slack,
    sandbox,
    server,
    async stop() {
      if (stopped) return;
      stopped = true;
      await inbox.stop();
      await analysis?.stop();
      await memoryRunner.stop();
      if (expiry) clearInterval(expiry);
      await diagnosisRunner.stop();
      await execution?.stop();
      await executor?.close();
      diagnoser.close();
      await memory.stop();
      await dispatcher.stop();
      await slack?.stop();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await sandbox?.stop();
      await checkpointer?.stop();
      store.close();
    },
  };
}

function requireSlackCredentials(config: AalsConfig, mode: SlackMode): void {
  const missing: string[] = [];
  if (mode !== 'sandbox' && !config.slack.botToken) missing.push('SLACK_BOT_TOKEN');
  if (mode === 'socket' && !config.slack.appToken) missing.push('SLACK_APP_TOKEN');
  if (mode === 'http' && !config.slack.signingSecret) missing.push('SLACK_SIGNING_SECRET');
  if (missing.length > 0) {
    throw new AalsError(
      ErrorCode.ConfigInvalid,
      `slack.mode ${mode} needs ${missing.join(' and ')}: set them (see .env.example), or unset SLACK_MODE to run the local sandbox`,
    );
  }
}

/** The sandbox workspace gets the configured alert channels, plus #general. */
function sandboxChannels(config: AalsConfig): string[] {
  const names = config.slack.alertChannels
    .filter((c) => !/^[CGD][A-Z0-9]{6,}$/.test(c))
    .map((c) => c.replace(/^#/, ''));
  return [...new Set([...(names.length ? names : ['alerts']), 'alerts-prod', 'general'])];
}
