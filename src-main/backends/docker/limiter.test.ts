/**
 * The engine-call limiter: never more calls running than its limit, whatever the mix of calls that
 * finish, fail and are cancelled, and however soon after a finish a new call arrives.
 */
import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter.js';

/** Resolves after `n` microtask turns (a new call arriving at a different point after a finish). */
async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe('Limiter', () => {
  it('never admits more than its limit under many concurrent runs, failures and cancellations', async () => {
    const LIMIT = 2;
    /** Calls started up front, and calls started from the end of another one. */
    const INITIAL = 150;
    const FOLLOW_UPS = 150;
    const limiter = new Limiter(LIMIT);
    let active = 0;
    let maxActive = 0;
    const ran = new Set<number>();
    const calls: { i: number; cancelled: boolean; outcome: Promise<PromiseSettledResult<number | 'aborted'>> }[] = [];
    let followUps = 0;

    const start = (i: number) => {
      const controller = i % 7 === 0 ? new AbortController() : null;
      const p = limiter.run<number | 'aborted'>(
        async () => {
          ran.add(i);
          active++;
          maxActive = Math.max(maxActive, active);
          try {
            await ticks(i % 4);
            if (i % 5 === 0) await new Promise((r) => setTimeout(r, 1));
            if (i % 3 === 0) throw new Error(`call ${i} failed`);
            return i;
          } finally {
            active--;
          }
        },
        controller ? { signal: controller.signal, aborted: () => 'aborted' as const } : undefined,
      );
      // Cancelled at once (still waiting) or a few turns later (maybe already running).
      if (controller) void ticks(i % 3).then(() => controller.abort());
      const outcome = p.then(
        (value) => ({ status: 'fulfilled' as const, value }),
        (reason: unknown) => ({ status: 'rejected' as const, reason }),
      );
      calls.push({ i, cancelled: controller !== null, outcome });
      // Each finish starts another call a different number of turns later.
      void outcome.then(async () => {
        if (followUps >= FOLLOW_UPS) return;
        const next = INITIAL + followUps++;
        await ticks(i % 5);
        start(next);
      });
    };
    for (let i = 0; i < INITIAL; i++) start(i);
    while (calls.length < INITIAL + FOLLOW_UPS || limiter.active + limiter.pending > 0) {
      await Promise.all(calls.map((c) => c.outcome));
      await new Promise((r) => setTimeout(r, 1));
    }

    expect(maxActive).toBeLessThanOrEqual(LIMIT);
    expect(maxActive).toBe(LIMIT);
    expect(limiter.active).toBe(0);
    expect(limiter.pending).toBe(0);
    for (const c of calls) {
      const r = await c.outcome;
      if (r.status === 'fulfilled' && r.value === 'aborted') {
        expect(c.cancelled).toBe(true);
        expect(ran.has(c.i)).toBe(false);
      } else if (!ran.has(c.i)) {
        throw new Error(`call ${c.i} settled without running and without being cancelled`);
      } else if (c.i % 3 === 0) {
        expect(r.status).toBe('rejected');
      } else {
        expect(r).toEqual({ status: 'fulfilled', value: c.i });
      }
    }
  });

  it('a call cancelled while waiting leaves the queue at once and never runs; its turn is not lost', async () => {
    const limiter = new Limiter(1);
    let release!: () => void;
    const holding = limiter.run(() => new Promise<string>((r) => (release = () => r('first'))));
    const controller = new AbortController();
    let waiterRan = false;
    const waiting = limiter.run(
      async () => {
        waiterRan = true;
        return 'ran';
      },
      { signal: controller.signal, aborted: () => 'cancelled' },
    );
    expect(limiter.pending).toBe(1);
    controller.abort();
    // Settles while the first call still holds the only slot.
    expect(await waiting).toBe('cancelled');
    const after = limiter.run(async () => 'after');
    release();
    expect(await holding).toBe('first');
    expect(await after).toBe('after');
    expect(waiterRan).toBe(false);
    expect(limiter.active).toBe(0);
    expect(limiter.pending).toBe(0);
    // Already cancelled: never queued.
    expect(await limiter.run(async () => 'no', { signal: AbortSignal.abort(), aborted: () => 'cancelled' })).toBe('cancelled');
  });

  it('a failing call frees its slot', async () => {
    const limiter = new Limiter(1);
    const failures = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => limiter.run(() => Promise.reject(new Error(`no ${i}`)))));
    expect(failures.every((f) => f.status === 'rejected')).toBe(true);
    expect(await limiter.run(async () => 'still works')).toBe('still works');
  });
});
