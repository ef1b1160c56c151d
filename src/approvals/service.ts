import type { Logger } from 'winston';
import type { ProposedAction } from '../domain/diagnosis.js';
import type { RiskAssessment } from '../domain/risk.js';
import type { ApprovalRow, ApprovalStatus } from '../store/approvals.js';
import type { Store } from '../store/store.js';
import type { CommandRunner, InventoryHost } from './ports.js';
import { isMember, stricterEnvironment } from './principals.js';
import { requirementOn } from './run-gate.js';

/**
 * The approval workflow, independent of Slack: proposed commands become requests whose state lives
 * in SQLite; approvals are counted per distinct, authorized person who is not the requester; the
 * request that reaches its count is approved exactly once; expired requests cannot be approved.
 */
export interface ApprovalServiceDeps {
  store: Store;
  assess: (command: string, environment: string) => Promise<RiskAssessment>;
  /** Slack user (U…/W…) and user group (S…) IDs allowed to approve in an environment; empty: anyone. */
  approversOf: (environment: string) => string[];
  /** environments.<env>.requiredApprovals: what a read-only command needs on a host without readOnlyUser. */
  requiredApprovalsOf: (environment: string) => number;
  /** The environment a channel belongs to (slack.channelEnvironments), if it has one. */
  channelEnvironment?: (channel: string) => string | null;
  /** Members of a Slack user group. */
  groupMembers: (groupId: string) => Promise<string[]>;
  runner: CommandRunner | null;
  ttlMinutes: number;
  logger: Logger;
  /** Something an incident summary shows changed. */
  onChanged: (incidentId: number | null) => void;
  /** There is an approved command to run. */
  onApproved: () => void;
  now?: () => Date;
}

export interface Answer {
  ok: boolean;
  message: string;
}

const DONE: Partial<Record<ApprovalStatus, string>> = {
  approved: 'it is already approved and about to run',
  executing: 'it is running',
  executed: 'it has already run',
  failed: 'it has already run (and failed)',
  rejected: 'it was rejected',
  expired: 'it expired',
  manual: 'AALS never runs it: a human runs it by hand',
  denied: 'the policy refuses it',
  blocked: 'the policy no longer allows it',
  interrupted: 'AALS restarted while it ran',
};

export class ApprovalService {
  private readonly now: () => Date;

  constructor(private readonly deps: ApprovalServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Turns a diagnosis' commands into requests. Only commands for hosts in the inventory can run;
   * each is classified again for its host's environment (the host, not the alert, decides).
   */
  async propose(
    incidentId: number,
    diagnosisId: number | null,
    actions: ProposedAction[],
  ): Promise<ApprovalRow[]> {
    const { store, runner } = this.deps;
    if (!runner) return [];
    const existing = store.approvals.forIncident(incidentId);
    const incidentEnvironment = store.incidents.get(incidentId)?.environment ?? null;
    const created: ApprovalRow[] = [];
    for (const action of actions) {
      const host = action.host ? runner.resolve(action.host) : null;
      if (!host) continue;
      const repeat = existing.some(
        (a) =>
          a.command === action.command &&
          a.host === host.name &&
          !['rejected', 'expired', 'blocked'].includes(a.status),
      );
      if (repeat) continue;
      const id = await this.create(
        { incidentId, diagnosisId, command: action.command, purpose: action.purpose, requestedBy: 'aals' },
        { ...host, environment: stricterEnvironment(host.environment, incidentEnvironment) },
      );
      const row = store.approvals.get(id);
      if (row) created.push(row);
    }
    if (created.some((a) => a.status === 'approved')) this.deps.onApproved();
    if (created.length > 0) this.deps.onChanged(incidentId);
    return created;
  }

  /** `/aals run HOST -- CMD`: a person asks for a command; they can never approve it themselves. */
  async request(
    userId: string,
    channel: string,
    target: string,
    command: string,
  ): Promise<Answer & { request?: ApprovalRow }> {
    const { store, runner } = this.deps;
    if (!runner)
      return { ok: false, message: 'Command execution is off here (modules.executor.enabled: false).' };
    const host = runner.resolve(target);
    if (!host)
      return {
        ok: false,
        message: `\`${target}\` is not a host in the executor's inventory (modules.executor.hosts).`,
      };
    const id = await this.create(
      {
        incidentId: null,
        diagnosisId: null,
        command,
        purpose: `requested by <@${userId}>`,
        requestedBy: userId,
        channel,
      },
      {
        ...host,
        environment: stricterEnvironment(host.environment, this.deps.channelEnvironment?.(channel)),
      },
    );
    const request = store.approvals.get(id);
    if (request?.status === 'approved') this.deps.onApproved();
    return {
      ok: request?.status === 'approved' || request?.status === 'pending',
      message: request?.reason ?? '',
      ...(request ? { request } : {}),
    };
  }

  /**
   * One request, classified for its host's environment and judged for the host (run-gate.ts):
   * auto/notify are approved at once, approval waits (and expires), manual/denied — and commands
   * without a canonical line — are recorded and never run. Audited.
   */
  private async create(
    what: {
      incidentId: number | null;
      diagnosisId: number | null;
      command: string;
      purpose: string;
      requestedBy: string;
      channel?: string;
    },
    host: InventoryHost,
  ): Promise<number> {
    const { store } = this.deps;
    const verdict = await this.deps.assess(what.command, host.environment);
    const needs = requirementOn(verdict, host, this.deps.requiredApprovalsOf(host.environment));
    const status: ApprovalStatus =
      needs.decision === 'auto' || needs.decision === 'notify'
        ? 'approved'
        : needs.decision === 'approval'
          ? 'pending'
          : needs.decision;
    return store.transaction(() => {
      const id = store.approvals.create({
        ...what,
        host: host.name,
        environment: host.environment,
        risk: verdict.risk,
        decision: needs.decision,
        required: needs.approvals,
        status,
        reason: needs.reason,
        expiresAt:
          status === 'pending'
            ? new Date(this.now().getTime() + this.deps.ttlMinutes * 60_000).toISOString()
            : null,
      });
      store.audit.append({
        actor: what.requestedBy,
        action: what.requestedBy === 'aals' ? 'approval.proposed' : 'approval.requested',
        subject: `approval:${id}`,
        details: {
          incident: what.incidentId,
          command: what.command,
          host: host.name,
          environment: host.environment,
          risk: verdict.risk,
          decision: needs.decision,
          required: needs.approvals,
          reason: needs.reason,
          canonical: verdict.canonical ?? null,
          runAs: needs.identity,
        },
      });
      return id;
    });
  }

  /** Approve or reject; a refusal (outsider, requester, repeat, expired, decided) is audited. */
  async approve(id: number, userId: string): Promise<Answer> {
    return refusalAudited(this.deps.store, userId, id, await this.decideApproval(id, userId));
  }

  async reject(id: number, userId: string, reason: string): Promise<Answer> {
    return refusalAudited(this.deps.store, userId, id, await this.decideRejection(id, userId, reason));
  }

  private async decideApproval(id: number, userId: string): Promise<Answer> {
    const { store } = this.deps;
    const row = store.approvals.get(id);
    if (!row) return { ok: false, message: `There is no command request #${id}.` };
    const closed = this.closed(row);
    if (closed) return closed;
    if (userId === row.requestedBy) {
      return { ok: false, message: 'You requested this command, so someone else has to approve it.' };
    }
    if (!(await this.authorized(userId, row.environment))) {
      return {
        ok: false,
        message: `Only the ${row.environment} approvers can approve this (environments.${row.environment}.approvers).`,
      };
    }
    const outcome = store.transaction(() => {
      if (!store.approvals.vote(id, userId)) return 'repeat' as const;
      const count = store.approvals.approvers(id).length;
      store.audit.append({
        actor: userId,
        action: 'approval.approved',
        subject: `approval:${id}`,
        details: { count, required: row.required },
      });
      if (count < row.required) return { count };
      const granted = store.approvals.transition(id, 'pending', 'approved');
      if (granted)
        store.audit.append({
          actor: 'aals',
          action: 'approval.granted',
          subject: `approval:${id}`,
          details: { count },
        });
      return { count, granted };
    });
    if (outcome === 'repeat')
      return { ok: false, message: 'You have already approved this; it needs someone else.' };
    this.deps.onChanged(row.incidentId);
    if ('granted' in outcome && outcome.granted) {
      this.deps.onApproved();
      return {
        ok: true,
        message: `Approved (${outcome.count}/${row.required}): running \`${row.command}\` on ${row.host}.`,
      };
    }
    return {
      ok: true,
      message: `Approved (${outcome.count}/${row.required}); it needs ${row.required - outcome.count} more distinct approver(s).`,
    };
  }

  private async decideRejection(id: number, userId: string, reason: string): Promise<Answer> {
    const { store } = this.deps;
    const row = store.approvals.get(id);
    if (!row) return { ok: false, message: `There is no command request #${id}.` };
    const closed = this.closed(row);
    if (closed) return closed;
    if (userId !== row.requestedBy && !(await this.authorized(userId, row.environment))) {
      return { ok: false, message: `Only the ${row.environment} approvers can reject this.` };
    }
    const text = reason.trim().slice(0, 500) || 'no reason given';
    const done = store.transaction(() => {
      const changed = store.approvals.transition(
        id,
        'pending',
        'rejected',
        `rejected by <@${userId}>: ${text}`,
      );
      if (changed) {
        store.audit.append({
          actor: userId,
          action: 'approval.rejected',
          subject: `approval:${id}`,
          details: { reason: text },
        });
      }
      return changed;
    });
    if (!done) return { ok: false, message: 'It was decided in the meantime.' };
    this.deps.onChanged(row.incidentId);
    return { ok: true, message: `Rejected: \`${row.command}\` will not run.` };
  }

  /** Marks pending requests past their expiry; returns how many. */
  expire(): number {
    let count = 0;
    for (const row of this.deps.store.approvals.due()) if (this.expireOne(row)) count++;
    return count;
  }

  private expireOne(row: ApprovalRow): boolean {
    const { store } = this.deps;
    const changed = store.transaction(() => {
      const done = store.approvals.transition(
        row.id,
        'pending',
        'expired',
        'expired before enough approvals',
      );
      if (done)
        store.audit.append({ actor: 'aals', action: 'approval.expired', subject: `approval:${row.id}` });
      return done;
    });
    if (changed) this.deps.onChanged(row.incidentId);
    return changed;
  }

  /** Why a request can no longer be approved or rejected, or null while it is open. */
  private closed(row: ApprovalRow): Answer | null {
    if (row.status === 'pending' && row.expiresAt && Date.parse(row.expiresAt) <= this.now().getTime()) {
      this.expireOne(row);
      return { ok: false, message: 'This request expired; ask for a new diagnosis to propose it again.' };
    }
    if (row.status !== 'pending')
      return { ok: false, message: `Nothing to decide: ${DONE[row.status] ?? row.status}.` };
    return null;
  }

  private authorized(userId: string, environment: string): Promise<boolean> {
    return isMember(userId, this.deps.approversOf(environment), this.deps.groupMembers, (group, error) =>
      this.deps.logger.warn('could not read user group members', { group, error: String(error) }),
    );
  }
}

/** Records a refused approval or rejection in the audit log; answers as given. */
export function refusalAudited(store: Store, userId: string, id: number, answer: Answer): Answer {
  if (!answer.ok) {
    store.audit.append({
      actor: userId,
      action: 'approval.refused',
      subject: `approval:${id}`,
      details: { reason: answer.message },
    });
  }
  return answer;
}
