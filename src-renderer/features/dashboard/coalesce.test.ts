import { describe, expect, it } from 'vitest';
import { FrameCoalescer, type FrameScheduler } from './coalesce.js';

/** A scheduler whose frames run when the test says so. */
function manualFrames() {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  const scheduler: FrameScheduler = {
    request: (cb) => {
      callbacks.set(next, cb);
      return next++;
    },
    cancel: (h) => void callbacks.delete(h),
  };
  return {
    scheduler,
    pending: () => callbacks.size,
    frame: () => {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const cb of due) cb();
    },
  };
}

describe('FrameCoalescer', () => {
  it('merges everything pushed between two frames into one application, later fields winning', () => {
    const frames = manualFrames();
    const applied: Array<Partial<{ a: number; b: string; c: boolean }>> = [];
    const c = new FrameCoalescer<{ a: number; b: string; c: boolean }>((p) => applied.push(p), frames.scheduler);
    c.push({ a: 1 });
    c.push({ b: 'x' });
    c.push({ a: 2 });
    expect(frames.pending()).toBe(1);
    expect(applied).toEqual([]);
    frames.frame();
    expect(applied).toEqual([{ a: 2, b: 'x' }]);
    expect(c.flushes).toBe(1);
    // A frame with nothing pushed applies nothing; the next push asks for a new frame.
    frames.frame();
    expect(applied).toHaveLength(1);
    c.push({ c: true });
    expect(frames.pending()).toBe(1);
    frames.frame();
    expect(applied).toEqual([{ a: 2, b: 'x' }, { c: true }]);
    c.dispose();
  });

  it('does not keep a reference to the caller’s patch', () => {
    const frames = manualFrames();
    const applied: Array<Partial<{ a: number }>> = [];
    const c = new FrameCoalescer<{ a: number }>((p) => applied.push(p), frames.scheduler);
    const patch = { a: 1 };
    c.push(patch);
    patch.a = 99;
    frames.frame();
    expect(applied).toEqual([{ a: 1 }]);
    c.dispose();
  });

  it('drops what is queued and cancels its frame when disposed', () => {
    const frames = manualFrames();
    const applied: unknown[] = [];
    const c = new FrameCoalescer<{ a: number }>((p) => applied.push(p), frames.scheduler);
    c.push({ a: 1 });
    expect(c.hasPending).toBe(true);
    c.dispose();
    expect(frames.pending()).toBe(0);
    expect(c.hasPending).toBe(false);
    c.push({ a: 2 });
    frames.frame();
    c.flush();
    expect(applied).toEqual([]);
  });

  it('uses requestAnimationFrame by default', async () => {
    const applied: unknown[] = [];
    const c = new FrameCoalescer<{ a: number }>((p) => applied.push(p));
    c.push({ a: 1 });
    c.push({ a: 3 });
    await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
    expect(applied).toEqual([{ a: 3 }]);
    c.dispose();
  });
});
