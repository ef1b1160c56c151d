import type { App } from '@slack/bolt';
import type { Logger } from 'winston';
import { type ApprovalService, refusalAudited } from '../approvals/service.js';
import { errorMessage } from '../errors.js';
import type { Store } from '../store/store.js';
import { APPROVAL_ACTION, REJECT_MODAL, rejectModal } from './views/diagnosis.js';

/**
 * Approve / Reject on proposed commands. A button carries only the request id; who may decide,
 * how many must, and whether it is still open is decided server-side by the ApprovalService.
 * Refusals are answered to the clicker alone and audited.
 */
export interface ApprovalHandlersDeps {
  store: Store;
  service: () => ApprovalService | undefined;
  logger: Logger;
  /** Buttons on the App Home have no response URL: the Home is shown again instead. */
  refreshHome: (userId: string) => Promise<void>;
}

const OFF = 'Command execution is off here (modules.executor.enabled: false).';

export function registerApprovals(app: App, deps: ApprovalHandlersDeps): void {
  const { store, logger } = deps;
  /** An answer only the clicker sees; on the App Home (no response URL) the Home is refreshed instead. */
  const tell = async (
    body: { user: { id: string }; response_url?: string },
    respond: (message: {
      response_type: 'ephemeral';
      replace_original: false;
      text: string;
    }) => Promise<unknown>,
    text: string,
  ) => {
    if (body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text });
    else await deps.refreshHome(body.user.id);
  };

  app.action(APPROVAL_ACTION.approve, async ({ ack, body, action, respond }) => {
    await ack();
    const id = Number((action as { value?: string }).value);
    const service = deps.service();
    const answer = service
      ? await service.approve(id, body.user.id)
      : refusalAudited(store, body.user.id, id, { ok: false, message: OFF });
    await tell(body, respond, answer.message);
  });

  app.action(APPROVAL_ACTION.reject, async ({ ack, body, action, respond, client }) => {
    await ack();
    const id = Number((action as { value?: string }).value);
    const request = Number.isInteger(id) ? store.approvals.get(id) : null;
    if (!deps.service() || !request || request.status !== 'pending') {
      await tell(body, respond, deps.service() ? 'Nothing to reject: that request is no longer open.' : OFF);
      return;
    }
    try {
      await client.views.open({
        trigger_id: (body as { trigger_id: string }).trigger_id,
        view: rejectModal(request) as never,
      });
    } catch (error) {
      logger.warn('could not open the reject form', { approval: id, error: errorMessage(error) });
      await tell(body, respond, `Could not open the form (${errorMessage(error)}).`);
    }
  });

  app.view(REJECT_MODAL, async ({ ack, view, body }) => {
    const id = Number(view.private_metadata);
    const reason = (view.state.values.reason?.text?.value ?? '').trim();
    if (!reason) {
      await ack({ response_action: 'errors', errors: { reason: 'Say why, so the next person knows.' } });
      return;
    }
    const service = deps.service();
    const answer = service
      ? await service.reject(id, body.user.id, reason)
      : refusalAudited(store, body.user.id, id, { ok: false, message: OFF });
    if (!answer.ok) {
      await ack({ response_action: 'errors', errors: { reason: answer.message } });
      return;
    }
    await ack();
  });
}
