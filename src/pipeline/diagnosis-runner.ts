import type { Logger } from 'winston';
import type { Topology } from '../correlation/topology.js';
import type { Diagnoser } from '../diagnosis/diagnoser.js';
import type { DiagnosisInput } from '../diagnosis/evidence.js';
import type { Diagnosis } from '../domain/diagnosis.js';
import { errorMessage } from '../errors.js';
import type { IncidentView } from '../slack/views/incident-summary.js';
import type { DiagnosisJob } from '../store/diagnoses.js';
import type { Store } from '../store/store.js';
import { loadIncidentView } from './incident-view.js';
import { JobRunner } from './job-runner.js';

/**
 * Diagnoses incidents with the LLM in the background, so the first reply never waits for it. Until
 * a job finishes, the summary shows the rules diagnosis computed live from the current evidence
 * (`withLiveDiagnosis`). A job waits briefly for the metric analysis and incident memory so the
 * model sees their evidence, then stores its diagnosis (or the rules with a note saying why not),
 * which replaces the rules one. Jobs a crash interrupted run again after a restart.
 */
export interface DiagnosisRunnerDeps {
  store: Store;
  diagnoser: Diagnoser;
  topology: () => Topology;
  logger: Logger;
  onStored: () => void;
  /** After a diagnosis is stored: its commands become run requests. */
  onDiagnosed?: (job: DiagnosisJob, diagnosis: Diagnosis) => Promise<void>;
  /** How long a job waits for the analysis and memory lookup before diagnosing without them. */
  evidenceWaitMs?: number;
  concurrency?: number;
}

const MAX_ATTEMPTS = 3;
const POLL_MS = 25;

export class DiagnosisRunner extends JobRunner<DiagnosisJob> {
  constructor(private readonly deps: DiagnosisRunnerDeps) {
    super({
      unfinished: (limit) => deps.store.diagnoses.unfinished(limit),
      // Diagnoses wait on the LLM, not the CPU: many can run at once.
      concurrency: deps.concurrency ?? 16,
      onError: (job, error) =>
        deps.logger.error('diagnosis job failed', { job: job.id, error: errorMessage(error) }),
    });
  }

  protected async run(job: DiagnosisJob): Promise<void> {
    const { store, diagnoser } = this.deps;
    if (job.attempts >= MAX_ATTEMPTS) {
      store.diagnoses.fail(job.id, `gave up after ${job.attempts} attempts`);
      return;
    }
    store.diagnoses.start(job.id);
    const first = this.view(job.incidentId);
    if (!first) {
      store.diagnoses.fail(job.id, 'the incident no longer exists');
      return;
    }
    const view = this.evidenceComplete(first) ? first : ((await this.evidence(job.incidentId)) ?? first);
    const diagnosis = await diagnoser.diagnose(diagnosisInput(view, job.question), { mode: job.mode });
    store.transaction(() => {
      store.diagnoses.finish(job.id, diagnosis);
      store.incidents.bumpSummary(job.incidentId);
      store.audit.append({
        actor: 'aals',
        action: 'diagnosis.done',
        subject: `incident:${job.incidentId}`,
        details: {
          job: job.id,
          mode: job.mode,
          author: diagnosis.author,
          cached: diagnosis.cached,
          costUsd: diagnosis.usage?.costUsd ?? 0,
          notes: diagnosis.notes,
          commands: diagnosis.actions.map((a) => ({ command: a.command, risk: a.assessment.risk })),
        },
      });
    });
    await this.deps.onDiagnosed?.(job, diagnosis);
    this.deps.logger.info('diagnosis done', {
      incident: job.incidentId,
      author: diagnosis.author,
      millis: diagnosis.millis,
      costUsd: diagnosis.usage?.costUsd ?? 0,
    });
    this.deps.onStored();
  }

  private view(incidentId: number): IncidentView | null {
    return loadIncidentView(this.deps.store, incidentId, this.deps.topology());
  }

  private evidenceComplete(view: IncidentView): boolean {
    return (
      view.similar !== null &&
      view.similar !== undefined &&
      !this.deps.store.analyses.pendingFor(view.incident.id)
    );
  }

  /** The incident once its analysis (if any) and memory lookup are done, or at the wait limit. */
  private async evidence(incidentId: number): Promise<IncidentView | null> {
    const deadline = Date.now() + (this.deps.evidenceWaitMs ?? 5000);
    for (;;) {
      const view = this.view(incidentId);
      if (!view || this.isStopped || Date.now() >= deadline || this.evidenceComplete(view)) return view;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** What the diagnoser needs from an incident as the summary shows it. */
export function diagnosisInput(view: IncidentView, question?: string | null): DiagnosisInput {
  const analysis = view.analysis;
  return {
    incidentId: view.incident.id,
    environment: view.incident.environment,
    alerts: view.alerts.map((a) => ({
      fingerprint: a.fingerprint,
      alertname: a.alertname,
      severity: a.severity,
      status: a.status,
      service: a.service,
      instance: a.instance,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      pattern: a.pattern,
    })),
    roots: view.roots,
    findings: analysis?.status === 'done' ? (analysis.findings ?? []) : null,
    analysisError: analysis?.status === 'failed' ? (analysis.error ?? 'unknown error') : null,
    similar: view.similar ?? null,
    ...(question ? { question } : {}),
  };
}

/**
 * The summary's diagnosis: the stored one when a job finished (marked pending while another runs),
 * else the rules over the current evidence. Commands the policy has not classified yet are
 * classified in the background, then `onAssessed` asks for the summary again.
 */
export function withLiveDiagnosis(
  view: IncidentView,
  store: Store,
  diagnoser: Diagnoser,
  onAssessed: (incidentId: number) => void,
): IncidentView {
  const pending = diagnoser.usesLlm && store.diagnoses.pendingFor(view.incident.id) !== null;
  if (view.diagnosis) return { ...view, diagnosis: { result: view.diagnosis.result, pending } };
  const { diagnosis, unassessed } = diagnoser.rulesNow(diagnosisInput(view));
  if (unassessed.length > 0) {
    Promise.all(unassessed.map((command) => diagnoser.assess(command, view.incident.environment))).then(
      () => onAssessed(view.incident.id),
      () => undefined,
    );
  }
  return { ...view, diagnosis: { result: diagnosis, pending } };
}
