/**
 * Lifecycle kit.
 *
 * Disposables, a store that disposes them together, and the emitter pattern used for every event
 * (private `Emitter`, public `Event`), after VS Code's `vs/base/common/lifecycle` and `event`.
 */

/** Something with a lifetime: a pty, a stream, a timer, a subscription. */
export interface Disposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Tracks live disposables so tests can fail on leaks. */
export const leakTracker = {
  enabled: false,
  live: new Set<DisposableStore>(),
};

/**
 * A set of disposables disposed together.
 *
 * Adding to a disposed store disposes the item at once, so late registrations never leak.
 */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  constructor(readonly label = 'store') {
    if (leakTracker.enabled) leakTracker.live.add(this);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.add(item);
    }
    return item;
  }

  delete(item: Disposable): void {
    if (this.items.delete(item)) item.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    leakTracker.live.delete(this);
    const errors: unknown[] = [];
    for (const item of [...this.items].reverse()) {
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    this.items.clear();
    if (errors.length > 0) throw new AggregateError(errors, `disposing ${this.label} failed`);
  }
}

/** A subscribable event: call it with a listener, dispose the result to unsubscribe. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/** Private side of an event. Owners keep the emitter and expose `emitter.event`. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();
  private disposed = false;

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => undefined);
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
