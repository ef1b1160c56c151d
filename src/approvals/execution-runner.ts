import type { Logger } from 'winston';
import type { RiskAssessment } from '../domain/risk.js';
import { errorMessage } from '../errors.js';
import { redactText } from '../observability/redact.js';
import { JobRunner } from '../pipeline/job-runner.js';
import type { ApprovalRow, CommandOutcome } from '../store/approvals.js';
import type { Store } from '../store/store.js';
import type { CheckedCommand, CommandRunner } from './ports.js';
import { requirementOn } from './run-gate.js';
import { commandResultMessage, interruptedMessage } from './views.js';

/**
 * Runs approved commands. Each is claimed (approved → executing) before anything runs, so it runs
 * at most once; the policy is checked again right before (the config may have changed since the
 * buttons were drawn) and what runs is that fresh assessment's canonical line, as the identity it
 * calls for (run-gate.ts), never the proposed text; the redacted result goes to the incident's
 * thread and history and the audit log (proposed command and canonical line both). A command a
 * crash left `executing` is reported as interrupted, never run again.
 */
export interface ExecutionRunnerDeps {
  store: Store;
  runner: CommandRunner;
  assess: (command: string, environment: string) => Promise<RiskAssessment>;
  /** environments.<env>.requiredApprovals: what a read-only command needs on a host without readOnlyUser. */
  requiredApprovalsOf: (environment: string) => number;
  logger: Logger;
  onChanged: (incidentId: number | null) => void;
  concurrency?: number;
}

export class ExecutionRunner extends JobRunner<ApprovalRow> {
  constructor(private readonly deps: ExecutionRunnerDeps) {
    super({
      unfinished: (limit) => deps.store.approvals.toExecute(limit),
      concurrency: deps.concurrency ?? 8,
      onError: (row, error) =>
        deps.logger.error('command execution failed', { approval: row.id, error: errorMessage(error) }),
    });
  }

  /** After a restart: whatever was running when AALS stopped has an unknown outcome. */
  recover(): number {
    const { store } = this.deps;
    const stranded = store.approvals.executing();
    for (const row of stranded) {
      store.transaction(() => {
        if (!store.approvals.transition(row.id, 'executing', 'interrupted', 'AALS stopped while it ran'))
          return;
        store.audit.append({ actor: 'aals', action: 'command.interrupted', subject: `approval:${row.id}` });
        this.report(row, interruptedMessage(row));
      });
      this.deps.onChanged(row.incidentId);
    }
    return stranded.length;
  }

  protected async run(row: ApprovalRow): Promise<void> {
    const { store, runner } = this.deps;
    const verdict = await this.deps.assess(row.command, row.environment);
    const plan = this.plan(row, verdict);
    if (!plan.ok) {
      store.transaction(() => {
        if (!store.approvals.transition(row.id, 'approved', 'blocked', plan.refusal)) return;
        store.audit.append({
          actor: 'aals',
          action: 'command.blocked',
          subject: `approval:${row.id}`,
          details: { reason: plan.refusal, command: row.command, canonical: verdict.canonical ?? null },
        });
      });
      this.deps.onChanged(row.incidentId);
      return;
    }
    if (!store.approvals.transition(row.id, 'approved', 'executing')) return;
    const ran = {
      command: row.command,
      canonical: plan.run.canonical,
      runAs: plan.run.identity,
      user: plan.user,
    };
    store.audit.append({
      actor: 'aals',
      action: 'command.started',
      subject: `approval:${row.id}`,
      details: { host: row.host, ...ran, approvers: row.approvers },
    });
    const raw = await runner.run(row.host, plan.run);
    const outcome: CommandOutcome = {
      status: raw.status,
      exitCode: raw.exitCode,
      stdout: redactText(raw.stdout),
      stderr: redactText(raw.stderr),
      truncated: raw.truncated,
      outputSha256: raw.outputSha256,
      durationMs: raw.durationMs,
      ...(raw.error ? { error: redactText(raw.error) } : {}),
    };
    const succeeded = raw.status === 'ok' && raw.exitCode === 0;
    store.transaction(() => {
      if (!store.approvals.finish(row.id, succeeded ? 'executed' : 'failed', outcome)) return;
      store.audit.append({
        actor: 'aals',
        action: 'command.executed',
        subject: `approval:${row.id}`,
        details: {
          host: row.host,
          ...ran,
          status: raw.status,
          exitCode: raw.exitCode,
          outputSha256: raw.outputSha256,
          durationMs: raw.durationMs,
          approvers: row.approvers,
        },
      });
      if (row.incidentId !== null) {
        store.incidents.event(row.incidentId, 'command', {
          command: row.command,
          host: row.host,
          exitCode: raw.exitCode,
          status: raw.status,
        });
      }
      this.report(row, commandResultMessage(row, outcome));
      if (raw.fullOutput) {
        // The message carries the start; the whole output (redacted too) goes up as a file.
        store.approvals.saveFullOutput(row.id, Buffer.from(redactText(raw.fullOutput.toString('utf8'))));
        this.report(
          row,
          { text: `Full output of request #${row.id} (${raw.fullOutput.length} bytes)`, blocks: [] },
          row.id,
        );
      }
    });
    this.deps.onChanged(row.incidentId);
  }

  /** What runs, and as whom, by the fresh assessment; or why the request may not run now. */
  private plan(
    row: ApprovalRow,
    verdict: RiskAssessment,
  ): { ok: true; run: CheckedCommand; user: string | null } | { ok: false; refusal: string } {
    const host = this.deps.runner.resolve(row.host);
    if (!host) return { ok: false, refusal: `${row.host} is no longer in the inventory` };
    const needs = requirementOn(verdict, host, this.deps.requiredApprovalsOf(row.environment));
    if (needs.rule === 'no_canonical') return { ok: false, refusal: needs.reason };
    // manual or denied: there is nothing to run.
    if (!needs.canonical)
      return { ok: false, refusal: `the policy now says ${needs.decision}: ${needs.reason}` };
    if (row.approvers.length < needs.approvals) {
      const refusal =
        needs.rule === 'no_read_only_user'
          ? `${needs.reason}; it has ${row.approvers.length} of ${needs.approvals}`
          : `the policy now needs ${needs.approvals} approvals; it has ${row.approvers.length}`;
      return { ok: false, refusal };
    }
    const user = needs.identity === 'read-only' ? host.readOnlyUser : host.user;
    return { ok: true, run: { canonical: needs.canonical, identity: needs.identity }, user };
  }

  /** Into the incident's thread; a request made with `/aals run` is answered in its channel. */
  private report(
    row: ApprovalRow,
    message: { text: string; blocks: Array<Record<string, unknown>> },
    attachmentOf?: number,
  ): void {
    const incident = row.incidentId === null ? null : this.deps.store.incidents.get(row.incidentId);
    const channel = incident?.channel ?? row.channel;
    if (!channel) return;
    this.deps.store.outbox.add({
      incidentId: incident ? incident.id : null,
      kind: attachmentOf === undefined ? 'result' : 'output',
      channel,
      threadTs: null,
      text: message.text,
      ...(message.blocks.length ? { blocks: message.blocks } : {}),
      ...(attachmentOf === undefined ? {} : { approvalId: attachmentOf }),
    });
  }
}
