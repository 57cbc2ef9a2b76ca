/**
 * Coalesces updates to one application per animation frame: patches pushed between two frames are
 * merged (later fields win) and applied together in the next frame's callback, so answers that arrive
 * at different moments cause one store update and one React render, timed with the frame.
 */
import type { Disposable } from '../../../src-shared/lifecycle.js';

/** Frame scheduling, injectable for tests (defaults to requestAnimationFrame). */
export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

/** Delay of the fallback scheduler where requestAnimationFrame does not exist (one 60 Hz frame). */
const FALLBACK_FRAME_MS = 16;

/** requestAnimationFrame when the environment has it, else a 16 ms timer. */
export function defaultScheduler(): FrameScheduler {
  if (typeof globalThis.requestAnimationFrame === 'function') {
    return { request: (cb) => globalThis.requestAnimationFrame(() => cb()), cancel: (h) => globalThis.cancelAnimationFrame(h) };
  }
  return {
    request: (cb) => setTimeout(cb, FALLBACK_FRAME_MS) as unknown as number,
    cancel: (h) => clearTimeout(h as unknown as ReturnType<typeof setTimeout>),
  };
}

/** Merges patches of `T` and applies them at most once per frame. */
export class FrameCoalescer<T extends object> implements Disposable {
  private pending: Partial<T> | null = null;
  private handle: number | null = null;
  private disposed = false;
  /** Frames in which a merged patch was applied. */
  flushes = 0;

  constructor(
    private readonly apply: (patch: Partial<T>) => void,
    private readonly scheduler: FrameScheduler = defaultScheduler(),
  ) {}

  /** Queues `patch` for the next frame (merged with anything already queued). */
  push(patch: Partial<T>): void {
    if (this.disposed) return;
    this.pending = this.pending ? { ...this.pending, ...patch } : { ...patch };
    if (this.handle === null) this.handle = this.scheduler.request(() => this.flush());
  }

  /** Whether a patch waits for its frame. */
  get hasPending(): boolean {
    return this.pending !== null;
  }

  /** Applies what is queued now (the frame callback does this). */
  flush(): void {
    this.handle = null;
    const patch = this.pending;
    this.pending = null;
    if (!patch || this.disposed) return;
    this.flushes++;
    this.apply(patch);
  }

  /** Drops anything queued and cancels the frame. */
  dispose(): void {
    this.disposed = true;
    this.pending = null;
    if (this.handle !== null) this.scheduler.cancel(this.handle);
    this.handle = null;
  }
}
