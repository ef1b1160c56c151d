/**
 * The base of every background runner whose queue is a SQLite table: `wake` starts what the queue
 * holds up to the concurrency limit, `idle` resolves when nothing runs or waits, `stop` lets running
 * jobs finish (for up to 5 s). The queue is the store, so jobs a crash interrupted are found again.
 * A runner says how to read its queue and how to run one job.
 */
export interface JobQueue<Job extends { id: number }> {
  /** Queued and crash-interrupted jobs, oldest first. */
  unfinished: (limit: number) => Job[];
  concurrency: number;
  onError: (job: Job, error: unknown) => void;
}

export abstract class JobRunner<Job extends { id: number }> {
  private running = 0;
  private stopped = false;
  private readonly inFlight = new Set<number>();
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly options: JobQueue<Job>) {}

  protected abstract run(job: Job): Promise<void>;

  protected get isStopped(): boolean {
    return this.stopped;
  }

  wake(): void {
    if (this.stopped) return;
    const limit = this.options.concurrency;
    for (const job of this.options.unfinished(limit * 2)) {
      if (this.running >= limit) break;
      if (this.inFlight.has(job.id)) continue;
      this.inFlight.add(job.id);
      this.running++;
      this.run(job)
        .catch((error: unknown) => this.options.onError(job, error))
        .finally(() => {
          this.running--;
          this.inFlight.delete(job.id);
          this.wake();
        });
    }
    this.settleIfIdle();
  }

  idle(): Promise<void> {
    if (this.running === 0 && this.options.unfinished(1).length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.wake();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const deadline = Date.now() + 5000;
    while (this.running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private settleIfIdle(): void {
    if (this.running === 0 && (this.stopped || this.options.unfinished(1).length === 0)) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
