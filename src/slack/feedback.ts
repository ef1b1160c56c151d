import type { App } from '@slack/bolt';
import type { Logger } from 'winston';
import { errorMessage } from '../errors.js';
import type { MemoryIndex } from '../memory/index.js';
import type { Similar } from '../memory/service.js';
import { redactText } from '../observability/redact.js';
import type { Store } from '../store/store.js';
import { ACTION, RESOLUTION_MODAL, resolutionModal } from './views/similar.js';
import { escapeMrkdwn, truncate } from './views/text.js';

/**
 * The buttons that teach incident memory: 👍/👎 on each suggested past incident and on the
 * diagnosis, and "Resolved — how?" with its modal. Every click is audited; votes and resolutions
 * change what AALS suggests next time.
 */
export interface FeedbackDeps {
  store: Store;
  /** Absent when incident memory is off: the buttons then only say so. */
  index: () => MemoryIndex | undefined;
  logger: Logger;
  /** Something the incident summary shows changed, or there is something to remember. */
  onChanged: () => void;
}

const MAX_RESOLUTION = 3000;

export function registerFeedback(app: App, deps: FeedbackDeps): void {
  const { store, logger } = deps;

  const vote = (direction: 1 | -1) =>
    (async ({ ack, body, action, respond }) => {
      await ack();
      const [incidentPart, docId] = String((action as { value?: string }).value ?? '').split('|');
      const incidentId = Number(incidentPart);
      const index = deps.index();
      if (!index || !docId || !Number.isInteger(incidentId)) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: 'Incident memory is off.',
        });
        return;
      }
      index.vote(docId, body.user.id, direction, incidentId);
      refreshShownVotes(store, index, incidentId, docId);
      store.audit.append({
        actor: body.user.id,
        action: direction > 0 ? 'memory.helpful' : 'memory.unhelpful',
        subject: docId,
        details: { incident: incidentId },
      });
      deps.onChanged();
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Thanks — noted ${direction > 0 ? '👍' : '👎'}. ${direction > 0 ? 'It will rank higher' : 'It will rank lower'} for incidents like this one.`,
      });
    }) satisfies Parameters<App['action']>[1];

  app.action(new RegExp(`^${ACTION.voteUp}_\\d+$`), vote(1));
  app.action(new RegExp(`^${ACTION.voteDown}_\\d+$`), vote(-1));

  const diagnosisVote = (direction: 1 | -1) =>
    (async ({ ack, body, action, respond }) => {
      await ack();
      const incidentId = Number((action as { value?: string }).value);
      const incident = Number.isInteger(incidentId) ? store.incidents.get(incidentId) : null;
      const index = deps.index();
      if (!incident || !index) return;
      // Feedback on the diagnosis rides on the incident's own memory document: a diagnosis people
      // found wrong should not be offered as "what this was" next time.
      index.vote(`aals:incident:${incidentId}`, body.user.id, direction, incidentId);
      store.audit.append({
        actor: body.user.id,
        action: direction > 0 ? 'diagnosis.helpful' : 'diagnosis.unhelpful',
        subject: `incident:${incidentId}`,
      });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Thanks — your ${direction > 0 ? '👍' : '👎'} on the diagnosis of incident #${incidentId} is recorded.`,
      });
    }) satisfies Parameters<App['action']>[1];

  app.action(ACTION.diagnosisUp, diagnosisVote(1));
  app.action(ACTION.diagnosisDown, diagnosisVote(-1));

  app.action(ACTION.resolution, async ({ ack, body, action, client, respond }) => {
    await ack();
    const incidentId = Number((action as { value?: string }).value);
    const incident = Number.isInteger(incidentId) ? store.incidents.get(incidentId) : null;
    if (!incident) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'That incident is gone.' });
      return;
    }
    const title = `Incident #${incident.id} (${incident.environment}), opened ${incident.openedAt}`;
    try {
      await client.views.open({
        trigger_id: (body as { trigger_id: string }).trigger_id,
        view: resolutionModal(incidentId, title) as never,
      });
    } catch (error) {
      logger.warn('could not open the resolution modal', {
        incident: incidentId,
        error: errorMessage(error),
      });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Could not open the form (${errorMessage(error)}). Try again, or reply in the thread.`,
      });
    }
  });

  app.view(RESOLUTION_MODAL, async ({ ack, view, body }) => {
    const incidentId = Number(view.private_metadata);
    const text = (view.state.values.resolution?.text?.value ?? '').trim();
    if (!text) {
      await ack({ response_action: 'errors', errors: { resolution: 'Say what fixed it, even briefly.' } });
      return;
    }
    const incident = Number.isInteger(incidentId) ? store.incidents.get(incidentId) : null;
    if (!incident) {
      await ack({
        response_action: 'errors',
        errors: { resolution: `Incident #${incidentId} no longer exists.` },
      });
      return;
    }
    await ack();
    const resolution = redactText(truncate(text, MAX_RESOLUTION));
    const user = body.user.id;
    store.db.transaction(() => {
      store.incidents.setResolution(incidentId, resolution);
      store.audit.append({
        actor: user,
        action: 'incident.resolution',
        subject: `incident:${incidentId}`,
        details: { length: resolution.length },
      });
      if (incident.channel) {
        store.outbox.add({
          incidentId,
          kind: 'notice',
          channel: incident.channel,
          threadTs: null,
          text: `:memo: <@${user}> recorded how incident #${incidentId} was resolved:\n>${escapeMrkdwn(truncate(resolution, 2800)).replace(/\n/g, '\n>')}`,
        });
      }
    })();
    deps.onChanged();
  });
}

/** Updates the vote counts the summary shows for one suggestion, so the thread reflects the click. */
function refreshShownVotes(store: Store, index: MemoryIndex, incidentId: number, docId: string): void {
  const incident = store.incidents.get(incidentId);
  if (!incident?.similar) return;
  const similar = JSON.parse(incident.similar) as Similar;
  const hit = similar.hits.find((h) => h.id === docId);
  if (!hit) return;
  Object.assign(hit, index.votes(docId));
  store.incidents.setSimilar(incidentId, JSON.stringify(similar));
}
