/**
 * Bounds how many engine operations run at once (image pulls and container creates when many sessions
 * start together): p-limit, plus cancellation of a call still waiting for its turn.
 */
import pLimit from 'p-limit';

/** A concurrency limit whose waiting calls can be cancelled. */
export class Limiter {
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(concurrency: number) {
    this.limit = pLimit(concurrency);
  }

  /** Calls running now (never more than the limit). */
  get active(): number {
    return this.limit.activeCount;
  }

  /** Calls waiting for their turn. */
  get pending(): number {
    return this.limit.pendingCount;
  }

  /**
   * Runs `fn` when fewer than the limit are running. If `signal` aborts before `fn` has started,
   * `fn` never runs and `aborted()` is the result at once (the call leaves the queue without waiting
   * for its turn); once started, `fn` itself honours the signal.
   */
  run<T>(fn: () => Promise<T>, cancel?: { signal: AbortSignal; aborted: () => T }): Promise<T> {
    if (!cancel) return this.limit(fn);
    const { signal, aborted } = cancel;
    if (signal.aborted) return Promise.resolve(aborted());
    let started = false;
    const queued = this.limit(() => {
      if (signal.aborted) return Promise.resolve(aborted());
      started = true;
      return fn();
    });
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (!started) resolve(aborted());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      queued.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}
