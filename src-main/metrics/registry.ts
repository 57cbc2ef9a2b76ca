/**
 * The metrics registry: histogram, gauge and counter families; windowed views for the dashboard;
 * per-second and per-minute rollups flushed to SQLite in batches; Prometheus text exposition.
 *
 * A 1 s tick seals finished seconds and minutes of every series; every ~10 s (and on dispose) the
 * rollup rows waiting since the last flush are written in one transaction, with retention applied.
 */
import { METRIC_WINDOW_SECONDS, type MetricsSnapshotDto, type MetricTimeSeriesDto, type MetricValueDto, type MetricWindow } from '../../src-shared/metrics.js';
import { DisposableStore, toDisposable, type Disposable } from '../../src-shared/lifecycle.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { Db } from '../store/database.js';
import { CounterFamily, GaugeFamily, HistogramFamily, type AnyFamily, type FamilyOptions, type Labels } from './families.js';
import { LatencyHistogram } from './histogram.js';
import { familyHeader, formatLabels, formatValue } from './prometheus.js';
import { DEFAULT_ROLLUP_RETENTION, MetricRollupsRepo, type RollupRetention } from './rollups-repo.js';
import type { RollupRow, SeriesContext } from './windowed-series.js';

/** How often finished seconds are sealed into rollups and chart points. */
const DEFAULT_TICK_MS = 1_000;
/** How often waiting rollup rows are written. */
const DEFAULT_FLUSH_MS = 10_000;
/** Seconds of per-second chart history kept in memory per series (10 minutes). */
const DEFAULT_CHART_SECONDS = 600;
/** Retention deletes run at most this often (they ride along with a flush). */
const RETENTION_EVERY_MS = 60_000;
/** Rollup rows kept while the database is failing; beyond this the oldest are dropped. */
const MAX_PENDING_ROWS = 100_000;

export interface MetricsRegistryOptions {
  /** Where rollups go; without one they are computed for the live views only. */
  db?: Db | null;
  /** Master switch; when false, histogram observe and counter inc are no-ops. Default true. */
  enabled?: boolean;
  tickIntervalMs?: number;
  flushIntervalMs?: number;
  chartSeconds?: number;
  retention?: Partial<RollupRetention>;
  /** Clock, ms since the epoch (tests). */
  now?: () => number;
  /** Run the tick/flush timer. Default true; tests drive tick() and flush() themselves. */
  autoTick?: boolean;
}

const orNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

/** Histogram, gauge and counter families with windowed views, SQLite rollups and Prometheus output. */
export class MetricsRegistry implements Disposable {
  /** Master switch: while false, observations are dropped (gauges still answer). */
  enabled: boolean;
  /** Rollup rows dropped because the database kept failing. */
  droppedRows = 0;

  private readonly store = new DisposableStore('metrics-registry');
  private readonly families = new Map<string, AnyFamily>();
  private readonly now: () => number;
  private readonly repo: MetricRollupsRepo | null;
  private readonly retention: RollupRetention;
  private readonly flushIntervalMs: number;
  private readonly chartSeconds: number;
  private pending: RollupRow[] = [];
  private lastFlush: number;
  private lastRetention = Number.NEGATIVE_INFINITY;
  private disposed = false;
  private readonly ctx: SeriesContext;
  private readonly host;

  constructor(opts: MetricsRegistryOptions = {}) {
    this.enabled = opts.enabled ?? true;
    this.now = opts.now ?? Date.now;
    this.repo = opts.db ? new MetricRollupsRepo(opts.db) : null;
    this.retention = { ...DEFAULT_ROLLUP_RETENTION, ...opts.retention };
    this.flushIntervalMs = opts.flushIntervalMs ?? DEFAULT_FLUSH_MS;
    this.chartSeconds = opts.chartSeconds ?? DEFAULT_CHART_SECONDS;
    this.lastFlush = this.now();
    this.ctx = {
      scratch: new LatencyHistogram(),
      chartSeconds: this.chartSeconds,
      emit: (row) => {
        if (!this.repo) return;
        if (this.pending.length >= MAX_PENDING_ROWS) {
          this.pending.shift();
          this.droppedRows++;
        }
        this.pending.push(row);
      },
    };
    const isEnabled = () => this.enabled;
    this.host = {
      get enabled() {
        return isEnabled();
      },
      nowSecond: () => Math.floor(this.now() / 1000),
      seriesContext: this.ctx,
    };
    if (opts.autoTick ?? true) {
      const timer = setInterval(() => this.tick(), opts.tickIntervalMs ?? DEFAULT_TICK_MS);
      timer.unref();
      this.store.add(toDisposable(() => clearInterval(timer)));
    }
  }

  /** Declares a latency histogram family (ms). Declaring the same name again returns the existing one. */
  histogram<L extends string>(opts: FamilyOptions<L> & { buckets?: readonly number[] }): HistogramFamily<L> {
    return this.declare(opts.name, 'histogram', () => new HistogramFamily<L>(opts, this.host)) as HistogramFamily<L>;
  }

  /** Declares a gauge family; `collect`, when given, is called each time the gauges are read. */
  gauge<L extends string>(opts: FamilyOptions<L> & { collect?: () => Iterable<{ labels: Labels<L>; value: number }> }): GaugeFamily<L> {
    return this.declare(opts.name, 'gauge', () => new GaugeFamily<L>(opts)) as GaugeFamily<L>;
  }

  /** Declares a counter family. */
  counter<L extends string>(opts: FamilyOptions<L>): CounterFamily<L> {
    return this.declare(opts.name, 'counter', () => new CounterFamily<L>(opts, this.host)) as CounterFamily<L>;
  }

  private declare(name: string, kind: AnyFamily['kind'], make: () => AnyFamily): AnyFamily {
    const existing = this.families.get(name);
    if (existing) {
      if (existing.kind !== kind) throw new Error(`metric ${name} is already a ${existing.kind}`);
      return existing;
    }
    const family = make();
    this.families.set(name, family);
    return family;
  }

  /** Seals finished seconds/minutes of every series and flushes when a flush is due. */
  tick(): void {
    if (this.disposed) return;
    const second = Math.floor(this.now() / 1000);
    for (const s of this.allSeries()) s.series.roll(second);
    if (this.now() - this.lastFlush >= this.flushIntervalMs) this.flush();
  }

  /**
   * Writes the waiting rollup rows and, at most once a minute, deletes rows past retention: one
   * transaction. Returns the number of rows written; on a database error the rows wait for the next flush.
   */
  flush(): Result<number> {
    const at = this.now();
    this.lastFlush = at;
    if (!this.repo) return ok(0);
    const rows = this.pending;
    const retention = at - this.lastRetention >= RETENTION_EVERY_MS ? { now: at, policy: this.retention } : null;
    if (rows.length === 0 && !retention) return ok(0);
    try {
      this.pending = [];
      this.repo.write(rows, retention);
      if (retention) this.lastRetention = at;
      return ok(rows.length);
    } catch (error) {
      this.pending = rows.concat(this.pending).slice(-MAX_PENDING_ROWS);
      return err('internal', `writing metric rollups failed: ${(error as Error).message}`);
    }
  }

  /** Rollup rows waiting for the next flush. */
  get pendingRows(): number {
    return this.pending.length;
  }

  private *allSeries() {
    for (const f of this.families.values()) if (f.kind === 'histogram') for (const series of f.series()) yield { family: f, series };
  }

  /** Every series summarised over `window`, plus gauges and counters: plain JSON. */
  snapshot(window: MetricWindow = '1m'): MetricsSnapshotDto {
    const at = this.now();
    const second = Math.floor(at / 1000);
    const histograms: MetricsSnapshotDto['histograms'] = [];
    for (const { family, series } of this.allSeries()) {
      series.roll(second);
      const s = series.window(METRIC_WINDOW_SECONDS[window], second);
      histograms.push({
        name: family.name,
        series: series.key,
        labels: family.labelsOf(series.labelValues),
        count: s.count,
        sum: s.sum,
        min: orNull(s.min),
        max: orNull(s.max),
        p50: orNull(s.p50),
        p95: orNull(s.p95),
        p99: orNull(s.p99),
        totalCount: series.totalCount,
      });
    }
    const gauges: MetricValueDto[] = [];
    const counters: MetricValueDto[] = [];
    for (const f of this.families.values()) {
      if (f.kind === 'histogram') continue;
      const out = f.kind === 'gauge' ? gauges : counters;
      for (const v of f.read()) out.push({ name: f.name, labels: f.labelsOf(v.labelValues), value: orNull(v.value) });
    }
    return { at, window, enabled: this.enabled, histograms, gauges, counters };
  }

  /**
   * Per-second points of the last `seconds` whole seconds (at most the kept chart history) for every
   * series with data in that range, or only the families named in `names`.
   */
  timeSeries(opts: { seconds?: number; names?: readonly string[] } = {}): MetricTimeSeriesDto[] {
    const second = Math.floor(this.now() / 1000);
    const span = Math.max(1, Math.min(opts.seconds ?? this.chartSeconds, this.chartSeconds));
    const to = second - 1;
    const from = to - span + 1;
    const out: MetricTimeSeriesDto[] = [];
    for (const { family, series } of this.allSeries()) {
      if (opts.names && !opts.names.includes(family.name)) continue;
      series.roll(second);
      const points = series.chartPoints(from, to);
      if (!points.count.some((c) => c > 0)) continue;
      out.push({ name: family.name, series: series.key, labels: family.labelsOf(series.labelValues), start: from * 1000, stepMs: 1000, ...points });
    }
    return out;
  }

  /** All families in the Prometheus text exposition format 0.0.4. */
  toPrometheus(): string {
    const parts: string[] = [];
    for (const f of this.families.values()) {
      parts.push(familyHeader(f.name, f.help, f.kind));
      if (f.kind === 'histogram') {
        for (const s of f.series()) {
          let cumulative = 0;
          f.buckets.forEach((bound, i) => {
            cumulative += s.bucketCounts[i]!;
            parts.push(`${f.name}_bucket${formatLabels(f.labelNames, s.labelValues, ['le', formatValue(bound)])} ${cumulative}\n`);
          });
          parts.push(`${f.name}_bucket${formatLabels(f.labelNames, s.labelValues, ['le', '+Inf'])} ${s.totalCount}\n`);
          parts.push(`${f.name}_sum${formatLabels(f.labelNames, s.labelValues)} ${formatValue(s.totalSum)}\n`);
          parts.push(`${f.name}_count${formatLabels(f.labelNames, s.labelValues)} ${s.totalCount}\n`);
        }
      } else {
        for (const v of f.read()) parts.push(`${f.name}${formatLabels(f.labelNames, v.labelValues)} ${formatValue(v.value)}\n`);
      }
    }
    return parts.join('');
  }

  /** Seals what is still open, flushes, stops the timer. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
    for (const { series } of this.allSeries()) series.sealAll();
    this.flush();
  }
}
