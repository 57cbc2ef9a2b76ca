/**
 * The shared measurement kit: first-output waits (before or after the event, failures, timeouts,
 * dispose) and the A B A B alternation with its uncounted warm-up round.
 */
import { describe, expect, it } from 'vitest';
import type { ProgressDto } from '../../src-shared/dto.js';
import { alternate, alternateSteps, FirstOutputWatch } from './measure.js';

const progress = (sessionId: string, phase: ProgressDto['phase'], status: ProgressDto['status'], message: string | null = null): ProgressDto => ({
  sessionId,
  phase,
  status,
  elapsedMs: 1,
  message,
});

describe('FirstOutputWatch', () => {
  it('resolves whether the first output came before or after the wait began', async () => {
    const watch = new FirstOutputWatch();
    watch.onProgress(progress('early', 'first-output', 'done'));
    await expect(watch.wait('early')).resolves.toBeUndefined();
    const late = watch.wait('late');
    watch.onProgress(progress('late', 'first-output', 'started'));
    watch.onProgress(progress('late', 'first-output', 'done'));
    await expect(late).resolves.toBeUndefined();
    watch.dispose();
  });

  it('fails at once when the create fails, at the timeout, and when disposed', async () => {
    const watch = new FirstOutputWatch();
    const failing = watch.wait('bad');
    watch.onProgress(progress('bad', 'image', 'failed', 'image missing'));
    await expect(failing).rejects.toThrow('image failed: image missing');
    await expect(watch.wait('silent', 20)).rejects.toThrow('no first output within 20 ms');
    const pending = watch.wait('pending');
    watch.dispose();
    await expect(pending).rejects.toThrow('stopped');
    await expect(watch.wait('after')).rejects.toThrow('stopped');
  });
});

describe('alternate', () => {
  it('runs the sides in turn after one uncounted warm-up round', async () => {
    const order: string[] = [];
    let a = 0;
    let b = 100;
    const steps: [boolean, number][] = [];
    const [as, bs] = await alternate(
      2,
      [async () => (order.push('A'), ++a), async () => (order.push('B'), ++b)],
      (counted, side) => steps.push([counted, side]),
    );
    expect(order).toEqual(['A', 'B', 'A', 'B', 'A', 'B']);
    expect(as).toEqual([2, 3]);
    expect(bs).toEqual([102, 103]);
    expect(steps).toEqual([[false, 0], [false, 1], [true, 0], [true, 1], [true, 0], [true, 1]]);
    expect(alternateSteps(2, 2)).toBe(steps.length);
  });

  it('stops between measurements when aborted', async () => {
    const abort = new AbortController();
    let calls = 0;
    const run = alternate(5, [async () => (++calls === 2 && abort.abort(), 1)], undefined, abort.signal);
    await expect(run).rejects.toThrow();
    expect(calls).toBe(2);
  });
});
