/**
 * Benchmark statistics: percentiles and figures from per-run samples. The one copy `npm run bench`
 * (bench/stats.ts re-exports it) and `berth bench` share, so both quote the same numbers the same way.
 */
import type { BenchFigureDto } from '../../src-shared/bench.js';

/** Digits kept in a figure's values. */
const FIGURE_DIGITS = 3;

/** Nearest-rank percentile of ascending `sorted` (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Rounds to `digits` decimals (a figure's precision). */
export const round = (n: number, digits = FIGURE_DIGITS) => Number(n.toFixed(digits));

/** Milliseconds since `t0` (a `process.hrtime.bigint()` reading). */
export const msSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** The median of unsorted samples (NaN when empty). */
export function median(samples: readonly number[]): number {
  return percentile([...samples].sort((a, b) => a - b), 50);
}

/**
 * A figure from per-run samples of Berth and (optionally) of the raw baseline measured in the same run:
 * the value is Berth's median, the baseline the baseline's median, the ratio value / baseline.
 */
export function measuredFigure(id: string, unit: string, samples: readonly number[], baselineSamples: readonly number[] | null): BenchFigureDto {
  const sorted = [...samples].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const base = baselineSamples && baselineSamples.length > 0 ? median(baselineSamples) : null;
  return {
    id,
    value: round(p50),
    unit,
    baseline: base === null ? null : round(base),
    ratio: base === null || base === 0 ? null : round(p50 / base),
    p50: round(p50),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    runs: samples.length,
  };
}

/**
 * What one side adds over another, percentile by percentile (p50 of `berth` minus p50 of `base`, and so
 * on): e.g. the proxy's added latency. No baseline of its own.
 */
export function addedFigure(id: string, unit: string, berth: readonly number[], base: readonly number[]): BenchFigureDto {
  const a = [...berth].sort((x, y) => x - y);
  const b = [...base].sort((x, y) => x - y);
  const d = (p: number) => round(percentile(a, p) - percentile(b, p));
  return { id, value: d(50), unit, baseline: null, ratio: null, p50: d(50), p95: d(95), p99: d(99), runs: berth.length };
}
