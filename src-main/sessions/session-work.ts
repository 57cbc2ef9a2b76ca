/**
 * Per-session bookkeeping of work in flight: the one create or restart running in the background (so
 * stop, archive and delete can cancel it and wait until it has let go), and a queue that makes one
 * session's stop, restart, archive and delete run one at a time.
 */

interface Start {
  abort: AbortController;
  done: Promise<void>;
}

export class SessionWork {
  private readonly starts = new Map<string, Start>();
  /** Per session, the tail of its queue of operations. */
  private readonly queues = new Map<string, Promise<void>>();

  /** Whether a create or restart of the session is in progress. */
  isStarting(id: string): boolean {
    return this.starts.has(id);
  }

  /** Sessions with a create or restart in progress. */
  starting(): string[] {
    return [...this.starts.keys()];
  }

  /**
   * Runs a create's or restart's background work, cancellable through `cancel`. What it throws goes to
   * `onError`, never unhandled.
   */
  start(id: string, work: (signal: AbortSignal) => Promise<void>, onError: (e: unknown) => void): void {
    const abort = new AbortController();
    const done = work(abort.signal)
      .catch(onError)
      .finally(() => this.starts.delete(id));
    this.starts.set(id, { abort, done });
  }

  /** Cancels the create or restart in progress and resolves once it has let go (then nothing more starts). */
  async cancel(id: string): Promise<void> {
    const start = this.starts.get(id);
    if (!start) return;
    start.abort.abort();
    await start.done;
  }

  /**
   * Runs `fn` after every earlier operation queued for the session has finished, so two of them never
   * interleave (a stop arriving during a restart cancels it instead of racing it).
   */
  async exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const run = previous.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    }
  }
}
