/**
 * At most `limit` commands at a time per host; the rest wait in arrival order. A waiter whose
 * AbortSignal fires leaves the queue without ever taking a slot.
 */
export type SlotRelease = () => void;

interface Waiter {
  grant: (release: SlotRelease) => void;
  reject: (reason: Error) => void;
}

export class HostSlots {
  private readonly running = new Map<string, number>();
  private readonly queues = new Map<string, Waiter[]>();
  private closedReason: Error | null = null;

  constructor(private readonly limit: number) {}

  acquire(host: string, signal?: AbortSignal): Promise<SlotRelease> {
    if (this.closedReason) return Promise.reject(this.closedReason);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if ((this.running.get(host) ?? 0) < this.limit) return Promise.resolve(this.take(host));
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(host) ?? [];
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(abortError(signal));
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject: (reason) => {
          signal?.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      queue.push(waiter);
      this.queues.set(host, queue);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  counts(): { running: Record<string, number>; queued: Record<string, number> } {
    const running = Object.fromEntries([...this.running].filter(([, n]) => n > 0));
    const queued = Object.fromEntries(
      [...this.queues].filter(([, q]) => q.length > 0).map(([host, q]) => [host, q.length]),
    );
    return { running, queued };
  }

  /** Refuses new work and fails everything still waiting. */
  close(reason: Error): void {
    this.closedReason = reason;
    for (const queue of this.queues.values()) for (const waiter of queue.splice(0)) waiter.reject(reason);
  }

  private take(host: string): SlotRelease {
    this.running.set(host, (this.running.get(host) ?? 0) + 1);
    return this.releaser(host);
  }

  private releaser(host: string): SlotRelease {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queues.get(host)?.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot jump the queue.
      if (next) next.grant(this.releaser(host));
      else this.running.set(host, (this.running.get(host) ?? 1) - 1);
    };
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}
