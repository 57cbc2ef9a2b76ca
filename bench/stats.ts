/**
 * Figures and their statistics, in the shape `npm run bench -- --json` prints.
 */

/** One line of the bench output. */
export interface Figure {
  id: string;
  /** The Berth figure: the median of the runs (or a single reading, e.g. a rate). */
  value: number;
  unit: string;
  /** The raw baseline measured in the same run (median), when the figure has one. */
  baseline: number | null;
  /** value / baseline. */
  ratio: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  runs: number;
  /** The goal from the issue, for the human-readable line. */
  goal?: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** A figure from per-run samples of Berth and (optionally) of the baseline. */
export function figure(id: string, unit: string, samples: number[], baselineSamples: number[] | null, goal?: string): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const base = baselineSamples && baselineSamples.length > 0 ? percentile([...baselineSamples].sort((a, b) => a - b), 50) : null;
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
    goal,
  };
}

/** A single reading (a rate, a size). */
export function reading(id: string, unit: string, value: number, baseline: number | null, runs: number, goal?: string): Figure {
  return {
    id,
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: baseline === null || baseline === 0 ? null : round(value / baseline),
    p50: null,
    p95: null,
    p99: null,
    runs,
    goal,
  };
}

export function formatLine(f: Figure): string {
  const parts = [`${f.id.padEnd(24)} ${String(f.value).padStart(10)} ${f.unit}`];
  if (f.baseline !== null) parts.push(`baseline ${f.baseline} ${f.unit}`, `ratio ${f.ratio}×`);
  if (f.p95 !== null) parts.push(`p50 ${f.p50} p95 ${f.p95} p99 ${f.p99}`);
  parts.push(`runs ${f.runs}`);
  if (f.goal) parts.push(`goal ${f.goal}`);
  return parts.join('  ·  ');
}

export const msSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
