/**
 * Time for the emulator's state machines. Operations and rolling updates advance in steps of `stepMs`;
 * `settle()` makes every pending and future step immediate until all background work has finished, so
 * tests reach the end state without sleeping. With `manual`, nothing advances until `settle()`.
 */
export interface SchedulerOptions {
  stepMs: number;
  manual: boolean;
  onError: (error: unknown) => void;
}

interface Waiter {
  release: () => void;
}

export class Scheduler {
  private readonly tasks = new Set<Promise<void>>();
  private readonly waiters = new Set<Waiter>();
  private settling = 0;
  private closed = false;

  constructor(private readonly options: SchedulerOptions) {}

  /** Resolves after `steps` steps (immediately while settling or closing). */
  delay(steps = 1): Promise<void> {
    if (this.settling > 0 || this.closed || (!this.options.manual && this.options.stepMs <= 0)) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        release: () => {
          this.waiters.delete(waiter);
          if (timer) clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.add(waiter);
      if (!this.options.manual) {
        timer = setTimeout(waiter.release, this.options.stepMs * steps);
        // The HTTP server keeps the process alive; a pending step must not.
        timer.unref();
      }
    });
  }

  /** Runs background work; a failure goes to `onError` (it has no caller left to tell). */
  run(task: () => Promise<void>): void {
    const promise = (async () => {
      try {
        await task();
      } catch (error) {
        this.options.onError(error);
      }
    })();
    this.tasks.add(promise);
    // The wrapper never rejects, so this chain cannot either.
    void promise.finally(() => this.tasks.delete(promise));
  }

  get busy(): boolean {
    return this.tasks.size > 0;
  }

  /**
   * Releases the steps pending now and lets the work they unblock run until it waits again (one
   * macrotask: enough for in-memory transitions, not for host hooks doing real I/O).
   */
  async advance(): Promise<void> {
    for (const waiter of [...this.waiters]) waiter.release();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async settle(): Promise<void> {
    this.settling++;
    try {
      for (;;) {
        for (const waiter of [...this.waiters]) waiter.release();
        if (this.tasks.size === 0) return;
        await Promise.allSettled([...this.tasks]);
      }
    } finally {
      this.settling--;
    }
  }

  /** Finishes all work at full speed and refuses to wait from now on. */
  async close(): Promise<void> {
    this.closed = true;
    await this.settle();
  }
}
