/**
 * Latency histogram over hdr-histogram-js (its pure-JS build, no WebAssembly).
 *
 * Values are milliseconds recorded as whole microseconds, so the resolution is 1 µs for small values and
 * 1 % relative (two significant digits) everywhere. The counts array has a fixed size (autoResize off), so
 * one histogram costs about 14 KB however many values it records; values outside the range are clamped.
 * count, sum, min and max are kept exactly beside the HDR counts.
 */
import { createRequire } from 'node:module';
import type JsHistogram from 'hdr-histogram-js/dist/JsHistogram';
import type Int32HistogramClass from 'hdr-histogram-js/dist/Int32Histogram';

/**
 * The package's entry also loads its WebAssembly build (a large inlined module: ~25 ms and ~10 MB at
 * every orchestrator start); the JS histogram class alone is all Berth uses, so it is loaded directly.
 */
const Int32Histogram = (createRequire(import.meta.url)('hdr-histogram-js/dist/Int32Histogram.js') as { default: typeof Int32HistogramClass }).default;

/** Microseconds per millisecond: the histogram's integer unit is 1 µs. */
const US_PER_MS = 1_000;
/** Largest value tracked: one hour, in µs. Longer latencies are clamped to it (and counted). */
export const HISTOGRAM_MAX_MS = 3_600_000;
const MAX_US = HISTOGRAM_MAX_MS * US_PER_MS;
/**
 * Two significant digits: 1 % relative precision. Three would cost ~95 KB per histogram (23,552 counts)
 * instead of ~14 KB (3,328 counts), for precision a latency dashboard does not need.
 */
const SIGNIFICANT_DIGITS = 2;

/** The summary numbers one rollup row stores. Percentiles are NaN when the histogram is empty. */
export interface HistogramSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * A sealed histogram in compact form: `pairs` holds [valueUs, count, valueUs, count, …] for the non-zero
 * buckets only, plus the exact count/sum/min/max. A minute with a handful of distinct latencies takes a
 * few hundred bytes instead of a full counts array.
 */
export interface SparseHistogram {
  readonly pairs: Float64Array;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

function newHdr(): JsHistogram {
  // 32-bit counts, fixed size (autoResize is off by default).
  return new Int32Histogram(1, MAX_US, SIGNIFICANT_DIGITS);
}

/** Milliseconds → the histogram's integer µs, clamped into its range. */
function toUs(ms: number): number {
  const us = Math.round(ms * US_PER_MS);
  return us < 0 ? 0 : us > MAX_US ? MAX_US : us;
}

/** A latency histogram in milliseconds with exact count/sum/min/max and HDR percentiles. */
export class LatencyHistogram {
  private readonly hdr = newHdr();
  private n = 0;
  private total = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  /** Values above HISTOGRAM_MAX_MS, recorded as the maximum. */
  clamped = 0;

  /** Records `count` occurrences of `ms`. NaN and non-positive counts are ignored; negatives count as 0. */
  record(ms: number, count = 1): void {
    if (Number.isNaN(ms) || !(count > 0)) return;
    const v = ms < 0 ? 0 : ms;
    if (v > HISTOGRAM_MAX_MS) this.clamped += count;
    if (count === 1) this.hdr.recordValue(toUs(v));
    else this.hdr.recordValueWithCount(toUs(v), count);
    this.n += count;
    this.total += v * count;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }

  get count(): number {
    return this.n;
  }

  /** Exact sum of the recorded values, ms. */
  get sum(): number {
    return this.total;
  }

  /** Exact minimum, ms (NaN when empty). */
  get min(): number {
    return this.n === 0 ? Number.NaN : this.lo;
  }

  /** Exact maximum, ms (NaN when empty). */
  get max(): number {
    return this.n === 0 ? Number.NaN : this.hi;
  }

  /**
   * The value at percentile `q` (0–100), ms, within the 1 % precision; clamped into the exact [min, max].
   * NaN when empty.
   */
  percentile(q: number): number {
    if (this.n === 0) return Number.NaN;
    const v = this.hdr.getValueAtPercentile(q) / US_PER_MS;
    return Math.min(this.hi, Math.max(this.lo, v));
  }

  summary(): HistogramSummary {
    return {
      count: this.n,
      sum: this.total,
      min: this.min,
      max: this.max,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
    };
  }

  /** Adds another histogram's values (a live one or a sealed sparse one) to this one. */
  merge(other: LatencyHistogram | SparseHistogram): void {
    if (other.count === 0) return;
    if (other instanceof LatencyHistogram) {
      this.hdr.add(other.hdr);
      this.clamped += other.clamped;
    } else {
      const p = other.pairs;
      for (let i = 0; i < p.length; i += 2) this.hdr.recordValueWithCount(p[i]!, p[i + 1]!);
    }
    this.n += other.count;
    this.total += other.sum;
    if (other.min < this.lo) this.lo = other.min;
    if (other.max > this.hi) this.hi = other.max;
  }

  reset(): void {
    this.hdr.reset();
    this.n = 0;
    this.total = 0;
    this.lo = Number.POSITIVE_INFINITY;
    this.hi = Number.NEGATIVE_INFINITY;
    this.clamped = 0;
  }

  /**
   * Calls `visit(lowestValueUs, count)` for each non-zero bucket in ascending order. Walks the counts
   * between the min and max indexes directly: the library's recordedValuesIterator costs ~100× more.
   */
  private forEachBucket(visit: (valueUs: number, count: number) => void): void {
    if (this.n === 0) return;
    const hdr = this.hdr;
    const last = hdr.countsArrayIndex(toUs(this.hi));
    for (let i = hdr.countsArrayIndex(toUs(this.lo)); i <= last; i++) {
      const c = hdr.getCountAtIndex(i);
      if (c > 0) visit(hdr.valueFromIndex(i), c);
    }
  }

  /** The non-zero buckets and exact summary as a compact, immutable copy. */
  toSparse(): SparseHistogram {
    const values: number[] = [];
    this.forEachBucket((v, c) => values.push(v, c));
    return { pairs: Float64Array.from(values), count: this.n, sum: this.total, min: this.lo, max: this.hi };
  }

  /**
   * Cumulative counts for Prometheus bucket upper bounds (ms, ascending): element i is the number of
   * values ≤ bounds[i]. A value within the histogram's 1 % precision of a bound may land on either side
   * of it; the `+Inf` bucket is `count`.
   */
  cumulativeCounts(boundsMs: readonly number[]): number[] {
    const out = new Array<number>(boundsMs.length).fill(0);
    let b = 0;
    let running = 0;
    this.forEachBucket((lowestUs, count) => {
      const lowestMs = lowestUs / US_PER_MS;
      while (b < boundsMs.length && lowestMs > boundsMs[b]!) out[b++] = running;
      running += count;
    });
    while (b < boundsMs.length) out[b++] = running;
    return out;
  }

  /** The library's (conservatively high) estimate of this histogram's counts array, in bytes. */
  get footprintBytes(): number {
    return this.hdr.estimatedFootprintInBytes;
  }
}

/** The summary of a sealed sparse histogram, via a scratch histogram the caller reuses. */
export function summarizeSparse(sparse: SparseHistogram, scratch: LatencyHistogram): HistogramSummary {
  scratch.reset();
  scratch.merge(sparse);
  return scratch.summary();
}
