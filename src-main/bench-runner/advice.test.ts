/**
 * Advice lines from a run's figures, and the statistics they are drawn from.
 */
import { describe, expect, it } from 'vitest';
import type { BenchFigureDto } from '../../src-shared/bench.js';
import { adviceFromFigures, formatMs } from './advice.js';
import { addedFigure, measuredFigure, percentile } from './stats.js';

const fig = (id: string, p50: number, baseline: number | null = null): BenchFigureDto => ({ id, value: p50, unit: 'ms', baseline, ratio: null, p50, p95: p50, p99: p50, runs: 5 });

describe('bench advice', () => {
  it('quotes rounded medians per backend, Docker warm with its pool, and which to prefer', () => {
    const advice = adviceFromFigures([fig('create.local', 9.4, 7.2), fig('create.docker.cold', 410.2, 380), fig('create.docker.warm', 84.49), fig('proxy.added', 0.4)]);
    expect(advice).toEqual([
      {
        backend: 'local',
        text: 'on this machine local start is 9 ms (a bare worktree + pty 7 ms); prefer local when the agent needs no isolation: it starts 44× faster than Docker cold; the credential proxy adds <1 ms per LLM request',
        coldMs: 9.4,
        warmMs: null,
      },
      {
        backend: 'docker',
        text: 'on this machine Docker warm start is 84 ms with a pool of 2; cold 410 ms; local 9 ms; prefer Docker with a warm pool of 2 (Settings → Docker): it saves 326 ms per session',
        coldMs: 410.2,
        warmMs: 84.49,
      },
    ]);
  });

  it('without a warm figure or a useful pool says so; nothing measured gives no advice', () => {
    expect(adviceFromFigures([fig('create.docker.cold', 300)])[0]!.text).toBe(
      'on this machine Docker cold start is 300 ms; prefer Docker for isolation; a warm pool (Settings → Docker) may cut the start further',
    );
    expect(adviceFromFigures([fig('create.docker.cold', 100), fig('create.docker.warm', 95), fig('create.local', 60)])[1]!.text).toBe(
      'on this machine Docker warm start is 95 ms with a pool of 2; cold 100 ms; local 60 ms; a warm pool saves little here; Docker cold starts are fine (about as fast as local)',
    );
    expect(adviceFromFigures([fig('proxy.added', 1), fig('api.rps', 1000)])).toEqual([]);
    expect(formatMs(0.2)).toBe('<1 ms');
    expect(formatMs(83.5)).toBe('84 ms');
  });

  it('figures: nearest-rank percentiles, the baseline median and the ratio; added latency per percentile', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile([], 50)).toBeNaN();
    const f = measuredFigure('x', 'ms', [...samples].reverse(), [10, 30, 20]);
    expect(f).toEqual({ id: 'x', value: 50, unit: 'ms', baseline: 20, ratio: 2.5, p50: 50, p95: 95, p99: 99, runs: 100 });
    expect(measuredFigure('y', 'ms', [1], null).ratio).toBeNull();
    expect(addedFigure('z', 'ms', samples.map((s) => s + 2), samples)).toMatchObject({ value: 2, p50: 2, p95: 2, p99: 2, baseline: null, runs: 100 });
  });
});
