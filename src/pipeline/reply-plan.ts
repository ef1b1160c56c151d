import {
  type AnalyzedAlert,
  alertSummary,
  resolvedNotice,
  type SummaryOptions,
} from '../slack/views/alert-summary.js';
import type { AlertThread } from '../store/threads.js';

/**
 * Decides, from stored facts only, which messages answer one received notification. Pure: the same
 * facts give the same plan, which is what lets a restarted AALS finish a half-done reply.
 */
export interface PlannedPost {
  part: number;
  channel: string;
  /** Absent: a new top-level message, which then becomes the thread of `opensThreadFor`. */
  threadTs?: string;
  text: string;
  blocks: Array<Record<string, unknown>>;
  /** Thread keys (and since when they fire) to point at this post once it exists. */
  opensThreadFor?: { keys: string[]; firingSince: string }[];
}

export type Origin =
  | { kind: 'slack'; channel: string; messageTs: string }
  | { kind: 'webhook'; notifyChannel: string | null };

export interface PlanItem extends AnalyzedAlert {
  keys: string[];
  /** The thread this alert already had before this notification, if any. */
  thread: AlertThread | null;
}

export function planReplies(origin: Origin, items: PlanItem[], options: SummaryOptions): PlannedPost[] {
  const posts: PlannedPost[] = [];
  const add = (post: Omit<PlannedPost, 'part'>) => posts.push({ part: posts.length, ...post });

  const firing = items.filter((i) => i.alert.status === 'firing');
  const resolved = items.filter((i) => i.alert.status === 'resolved');
  // A resolved alert answers in the thread where it fired ("resolved after 12 m").
  const resolvedInThread = resolved.filter((i) => i.thread?.status === 'firing');
  const resolvedHere = resolved.filter((i) => !resolvedInThread.includes(i));

  if (origin.kind === 'slack') {
    const here = [...firing, ...resolvedHere];
    if (here.length > 0)
      add({ channel: origin.channel, threadTs: origin.messageTs, ...alertSummary(here, options) });
  } else {
    const repeats = firing.filter((i) => i.thread?.status === 'firing');
    const fresh = firing.filter((i) => !repeats.includes(i));
    const channel = origin.notifyChannel;
    if (fresh.length > 0 && channel) {
      add({
        channel,
        ...alertSummary(fresh, options),
        opensThreadFor: fresh.map((i) => ({ keys: i.keys, firingSince: i.alert.startsAt })),
      });
    }
    for (const [thread, group] of byThread(repeats)) {
      add({ channel: thread.channel, threadTs: thread.threadTs, ...alertSummary(group, options) });
    }
  }
  for (const [thread, group] of byThread(resolvedInThread)) {
    add({ channel: thread.channel, threadTs: thread.threadTs, ...resolvedNotice(group, options.now) });
  }
  return posts;
}

function byThread(items: PlanItem[]): Array<[AlertThread, PlanItem[]]> {
  const groups = new Map<string, [AlertThread, PlanItem[]]>();
  for (const item of items) {
    if (!item.thread) continue;
    const key = `${item.thread.channel}:${item.thread.threadTs}`;
    const group = groups.get(key) ?? [item.thread, []];
    group[1].push(item);
    groups.set(key, group);
  }
  return [...groups.values()];
}
