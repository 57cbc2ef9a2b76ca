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
  live: new Set<{ readonly label: string }>(),
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

/** Something whose teardown takes time (a server closing its connections, sessions stopping). */
export interface AsyncDisposable {
  dispose(): void | Promise<void>;
}

/**
 * A lifetime made of steps taken in order: each step's teardown is added as soon as the step is done,
 * and `dispose()` runs them in reverse order, awaiting each. A start that fails half-way and a normal
 * close take the same path, so neither can forget what the other cleans up.
 *
 * Every teardown runs even when an earlier one fails; the failures are reported to `onError` (each with
 * the step's name) and `dispose()` resolves once all have run. Adding to a disposed store disposes the
 * item at once. Disposing twice returns the first disposal.
 */
export class AsyncDisposableStore {
  private readonly items: { name: string; item: AsyncDisposable }[] = [];
  private disposing: Promise<void> | null = null;

  constructor(
    readonly label = 'async-store',
    private readonly onError: (step: string, error: unknown) => void = () => undefined,
  ) {
    if (leakTracker.enabled) leakTracker.live.add(this);
  }

  get isDisposed(): boolean {
    return this.disposing !== null;
  }

  /** Adds a teardown step named `name` (for the error report); returns the item. */
  add<T extends AsyncDisposable>(name: string, item: T): T {
    if (this.disposing) void this.run(name, item);
    else this.items.push({ name, item });
    return item;
  }

  /** Adds a teardown function. */
  defer(name: string, fn: () => void | Promise<void>): void {
    this.add(name, { dispose: fn });
  }

  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      for (const { name, item } of this.items.splice(0).reverse()) await this.run(name, item);
      leakTracker.live.delete(this);
    })();
    return this.disposing;
  }

  private async run(name: string, item: AsyncDisposable): Promise<void> {
    try {
      await item.dispose();
    } catch (error) {
      try {
        this.onError(name, error);
      } catch {
        // a failing reporter must not stop the teardown
      }
    }
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
