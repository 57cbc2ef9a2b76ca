/**
 * One histogram series over time, with bounded memory.
 *
 * Observations go into a live histogram for the current second. When the second is over it is sealed:
 * its summary becomes a per-second rollup row and a point of the chart ring (plain numbers), and its
 * buckets go, in sparse form, into a ring of the last 60 seconds. When a minute is over, its seconds are
 * merged into a per-minute rollup row and a sparse histogram in a ring of the last 60 minutes. Windows
 * are answered by merging those rings into a scratch histogram; nothing grows with the number of
 * observations or with uptime.
 */
import { LatencyHistogram, type HistogramSummary, type SparseHistogram } from './histogram.js';

/** Seconds per minute; also the size of the ring of sealed seconds. */
const SECONDS_PER_MINUTE = 60;
/** Sealed minutes kept: enough for the widest window (1 h). */
export const MINUTE_RING = 60;
/** Rollup resolutions, in seconds, as stored in metric_rollups.resolution. */
export const RESOLUTION_SECOND = 1;
export const RESOLUTION_MINUTE = 60;

/** A row for metric_rollups. bucketStart is ms since the epoch. */
export interface RollupRow {
  series: string;
  resolution: typeof RESOLUTION_SECOND | typeof RESOLUTION_MINUTE;
  bucketStart: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Per-second chart points for a range of seconds. */
export interface ChartPoints {
  count: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  max: (number | null)[];
}

/** Float32 back to the µs resolution the histogram has (drops float noise like 10.04699993). */
const toUs = (ms: number) => Math.round(ms * 1_000) / 1_000;

/** The last `size` seconds of summaries as plain typed arrays, allocated on first use. */
class ChartRing {
  private readonly at: Float64Array;
  private readonly count: Float64Array;
  /** p50, p95, p99, max interleaved; float32 is plenty for a chart. */
  private readonly values: Float32Array;

  constructor(private readonly size: number) {
    this.at = new Float64Array(size).fill(-1);
    this.count = new Float64Array(size);
    this.values = new Float32Array(size * 4);
  }

  put(second: number, s: HistogramSummary): void {
    const i = second % this.size;
    this.at[i] = second;
    this.count[i] = s.count;
    this.values.set([s.p50, s.p95, s.p99, s.max], i * 4);
  }

  read(fromSecond: number, toSecond: number, out: ChartPoints): void {
    for (let sec = fromSecond; sec <= toSecond; sec++) {
      const i = sec % this.size;
      if (sec >= 0 && this.at[i] === sec) {
        out.count.push(this.count[i]!);
        out.p50.push(toUs(this.values[i * 4]!));
        out.p95.push(toUs(this.values[i * 4 + 1]!));
        out.p99.push(toUs(this.values[i * 4 + 2]!));
        out.max.push(toUs(this.values[i * 4 + 3]!));
      } else {
        out.count.push(0);
        out.p50.push(null);
        out.p95.push(null);
        out.p99.push(null);
        out.max.push(null);
      }
    }
  }
}

/** Shared, reused state for sealing and window queries (single-threaded, so one is enough). */
export interface SeriesContext {
  /** A scratch histogram, reset before each use. */
  readonly scratch: LatencyHistogram;
  /** Where sealed seconds and minutes go as rollup rows. */
  emit(row: RollupRow): void;
  /** Seconds of per-second history kept for charts. */
  readonly chartSeconds: number;
}

export class WindowedSeries {
  /** Observations since start, and their sum (ms). */
  totalCount = 0;
  totalSum = 0;
  /** Exact cumulative-per-bound counts are built from these per-bucket (non-cumulative) counts. */
  readonly bucketCounts: Float64Array;

  private live: LatencyHistogram | null = null;
  private liveSecond = -1;
  private openMinute = -1;
  private readonly secondSlots: (SparseHistogram | null)[] = new Array(SECONDS_PER_MINUTE).fill(null);
  private readonly secondAt = new Float64Array(SECONDS_PER_MINUTE).fill(-1);
  private readonly minuteSlots: (SparseHistogram | null)[] = new Array(MINUTE_RING).fill(null);
  private readonly minuteAt = new Float64Array(MINUTE_RING).fill(-1);
  private chart: ChartRing | null = null;

  constructor(
    readonly key: string,
    readonly labelValues: readonly string[],
    private readonly bounds: readonly number[],
    private readonly ctx: SeriesContext,
  ) {
    this.bucketCounts = new Float64Array(bounds.length + 1);
  }

  /** Records one observation (ms) at `second` (epoch seconds). */
  observe(ms: number, second: number): void {
    if (Number.isNaN(ms)) return;
    this.roll(second);
    if (this.liveSecond < 0) this.liveSecond = second;
    if (this.openMinute < 0) this.openMinute = Math.floor(this.liveSecond / SECONDS_PER_MINUTE);
    (this.live ??= new LatencyHistogram()).record(ms);
    this.totalCount++;
    const v = ms < 0 ? 0 : ms;
    this.totalSum += v;
    // Exact Prometheus buckets: the first bound ≥ v (linear: bucket lists are short).
    let b = 0;
    while (b < this.bounds.length && v > this.bounds[b]!) b++;
    this.bucketCounts[b]!++;
  }

  /** Seals the live second and the open minute if `second` is past them. */
  roll(second: number): void {
    if (this.liveSecond >= 0 && second > this.liveSecond) this.sealSecond();
    if (this.openMinute >= 0 && Math.floor(second / SECONDS_PER_MINUTE) > this.openMinute) this.sealMinute();
  }

  /** Seals everything still open (on dispose). */
  sealAll(): void {
    if (this.liveSecond >= 0) this.sealSecond();
    if (this.openMinute >= 0) this.sealMinute();
  }

  private sealSecond(): void {
    const second = this.liveSecond;
    this.liveSecond = -1;
    const live = this.live;
    if (!live || live.count === 0) return;
    const summary = live.summary();
    this.ctx.emit(rollupRow(this.key, RESOLUTION_SECOND, second * 1000, summary));
    (this.chart ??= new ChartRing(this.ctx.chartSeconds)).put(second, summary);
    const slot = second % SECONDS_PER_MINUTE;
    this.secondSlots[slot] = live.toSparse();
    this.secondAt[slot] = second;
    live.reset();
  }

  private sealMinute(): void {
    const minute = this.openMinute;
    this.openMinute = -1;
    // The live histogram (14 KB) is given back each minute and made again on the next observation, so
    // a series that goes quiet holds only its sparse rings and chart points.
    if (this.liveSecond < 0) this.live = null;
    const scratch = this.ctx.scratch;
    scratch.reset();
    this.mergeSeconds(minute * SECONDS_PER_MINUTE, minute * SECONDS_PER_MINUTE + SECONDS_PER_MINUTE - 1, scratch);
    if (scratch.count === 0) return;
    this.ctx.emit(rollupRow(this.key, RESOLUTION_MINUTE, minute * SECONDS_PER_MINUTE * 1000, scratch.summary()));
    const slot = minute % MINUTE_RING;
    this.minuteSlots[slot] = scratch.toSparse();
    this.minuteAt[slot] = minute;
  }

  private mergeSeconds(from: number, to: number, into: LatencyHistogram): void {
    for (let i = 0; i < SECONDS_PER_MINUTE; i++) {
      const at = this.secondAt[i]!;
      const s = this.secondSlots[i];
      if (s && at >= from && at <= to) into.merge(s);
    }
  }

  /**
   * Summary over the last `windowSeconds` ending at `second` (call roll(second) first). Windows up to a
   * minute are exact to the second; longer ones are whole minutes: the current minute so far plus the
   * previous `windowSeconds / 60` sealed minutes.
   */
  window(windowSeconds: number, second: number): HistogramSummary {
    const scratch = this.ctx.scratch;
    scratch.reset();
    if (windowSeconds <= SECONDS_PER_MINUTE) {
      this.mergeSeconds(second - windowSeconds + 1, second, scratch);
    } else {
      const current = Math.floor(second / SECONDS_PER_MINUTE);
      const minutes = Math.ceil(windowSeconds / SECONDS_PER_MINUTE);
      for (let i = 0; i < MINUTE_RING; i++) {
        const at = this.minuteAt[i]!;
        const s = this.minuteSlots[i];
        if (s && at >= current - minutes && at < current) scratch.merge(s);
      }
      this.mergeSeconds(current * SECONDS_PER_MINUTE, second, scratch);
    }
    if (this.live && this.liveSecond >= 0 && this.liveSecond <= second) scratch.merge(this.live);
    return scratch.summary();
  }

  /** Chart points for seconds [from, to] (epoch seconds). */
  chartPoints(from: number, to: number): ChartPoints {
    const out: ChartPoints = { count: [], p50: [], p95: [], p99: [], max: [] };
    if (this.chart) {
      this.chart.read(from, to, out);
    } else {
      const n = Math.max(0, to - from + 1);
      out.count = new Array<number>(n).fill(0);
      for (const k of ['p50', 'p95', 'p99', 'max'] as const) out[k] = new Array<number | null>(n).fill(null);
    }
    return out;
  }
}

function rollupRow(series: string, resolution: RollupRow['resolution'], bucketStart: number, s: HistogramSummary): RollupRow {
  return { series, resolution, bucketStart, count: s.count, sum: s.sum, min: s.min, max: s.max, p50: s.p50, p95: s.p95, p99: s.p99 };
}
