/**
 * Figures and their statistics, in the shape `npm run bench -- --json` prints. The percentile and
 * figure code is the product's (src-main/bench-runner/stats.ts, also behind `berth bench`); this file
 * adds the goal shown on each human-readable line.
 */
import { measuredFigure, round } from '../src-main/bench-runner/stats.js';

export { msSince, percentile } from '../src-main/bench-runner/stats.js';

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

/** A figure from per-run samples of Berth and (optionally) of the baseline. */
export function figure(id: string, unit: string, samples: number[], baselineSamples: number[] | null, goal?: string): Figure {
  return { ...measuredFigure(id, unit, samples, baselineSamples), goal };
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
