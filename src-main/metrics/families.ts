/**
 * Metric families: a name, help text and label names, with one series per set of label values.
 * Histograms keep windowed latency series; gauges hold values set directly or collected at read time;
 * counters only go up.
 */
import { formatLabels, isValidLabelName, isValidMetricName } from './prometheus.js';
import { WindowedSeries, type SeriesContext } from './windowed-series.js';

/** A label value; numbers and booleans are written as their string form (`warm="true"`). */
export type LabelValue = string | number | boolean;
/** Label values keyed by the family's label names. */
export type Labels<L extends string> = { readonly [K in L]: LabelValue };

/** Default histogram bucket upper bounds, ms: 0.5 ms to a minute. */
export const DEFAULT_LATENCY_BUCKETS_MS: readonly number[] = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000];
/** Series per family beyond which new label sets are dropped, so a runaway label can't eat memory. */
export const MAX_SERIES_PER_FAMILY = 1_000;

/** What the registry lends its families. */
export interface FamilyHost {
  readonly enabled: boolean;
  nowSecond(): number;
  readonly seriesContext: SeriesContext;
}

/** How a family is declared. */
export interface FamilyOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

abstract class Family<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** Observations dropped because the family already had MAX_SERIES_PER_FAMILY series. */
  droppedSeries = 0;

  constructor(opts: FamilyOptions<L>) {
    if (!isValidMetricName(opts.name)) throw new Error(`invalid metric name: ${opts.name}`);
    for (const l of opts.labelNames) if (!isValidLabelName(l)) throw new Error(`invalid label name on ${opts.name}: ${l}`);
    if (new Set(opts.labelNames).size !== opts.labelNames.length) throw new Error(`duplicate label name on ${opts.name}`);
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = opts.labelNames;
  }

  protected valuesOf(labels: Labels<L>): string[] {
    return this.labelNames.map((n) => {
      const v = labels[n];
      return v === undefined || v === null ? '' : String(v);
    });
  }

  /** The label values as an object, for DTOs. */
  labelsOf(values: readonly string[]): Record<string, string> {
    const out: Record<string, string> = {};
    this.labelNames.forEach((n, i) => (out[n] = values[i] ?? ''));
    return out;
  }

  /** `name{a="x",…}`: the series key of metric_rollups. */
  seriesKey(values: readonly string[]): string {
    return this.name + formatLabels(this.labelNames, values);
  }
}

/** Map key of a set of label values (the NUL can't appear in a label value we'd want to keep apart). */
const mapKey = (values: readonly string[]) => values.join('\u0000');

/** A latency histogram family: `observe(labels, ms)` and timing helpers. */
export class HistogramFamily<L extends string> extends Family<L> {
  readonly kind = 'histogram';
  readonly buckets: readonly number[];
  private readonly byKey = new Map<string, WindowedSeries>();

  constructor(opts: FamilyOptions<L> & { buckets?: readonly number[] }, private readonly host: FamilyHost) {
    super(opts);
    const buckets = opts.buckets ?? DEFAULT_LATENCY_BUCKETS_MS;
    for (let i = 1; i < buckets.length; i++) if (!(buckets[i]! > buckets[i - 1]!)) throw new Error(`buckets of ${opts.name} must ascend`);
    this.buckets = buckets.filter((b) => Number.isFinite(b));
  }

  /** Records one observation in ms. A no-op while the registry is disabled. */
  observe(labels: Labels<L>, ms: number): void {
    if (!this.host.enabled) return;
    const values = this.valuesOf(labels);
    const key = mapKey(values);
    let series = this.byKey.get(key);
    if (!series) {
      if (this.byKey.size >= MAX_SERIES_PER_FAMILY) {
        this.droppedSeries++;
        return;
      }
      series = new WindowedSeries(this.seriesKey(values), values, this.buckets, this.host.seriesContext);
      this.byKey.set(key, series);
    }
    series.observe(ms, this.host.nowSecond());
  }

  /**
   * Starts a timer (process.hrtime.bigint); the returned function stops it, observes the elapsed ms and
   * returns them. Calling it again returns the same figure without observing twice.
   */
  time(labels: Labels<L>): () => number {
    const t0 = process.hrtime.bigint();
    let ms: number | null = null;
    return () => {
      if (ms === null) {
        ms = Number(process.hrtime.bigint() - t0) / 1e6;
        this.observe(labels, ms);
      }
      return ms;
    };
  }

  /** Times `fn` (whether it resolves or throws) and observes the elapsed ms. */
  async timeAsync<T>(labels: Labels<L>, fn: () => Promise<T>): Promise<T> {
    const stop = this.time(labels);
    try {
      return await fn();
    } finally {
      stop();
    }
  }

  /** Every series, in creation order. */
  series(): IterableIterator<WindowedSeries> {
    return this.byKey.values();
  }
}

/** One gauge or counter value with its label values. */
export interface ValueSample {
  labelValues: readonly string[];
  value: number;
}

/** A gauge family: values set directly, or produced by a collect callback each time it is read. */
export class GaugeFamily<L extends string> extends Family<L> {
  readonly kind = 'gauge';
  private readonly values = new Map<string, ValueSample>();
  private readonly collect: (() => Iterable<{ labels: Labels<L>; value: number }>) | undefined;

  constructor(opts: FamilyOptions<L> & { collect?: () => Iterable<{ labels: Labels<L>; value: number }> }) {
    super(opts);
    this.collect = opts.collect;
  }

  set(labels: Labels<L>, value: number): void {
    const labelValues = this.valuesOf(labels);
    const key = mapKey(labelValues);
    if (!this.values.has(key) && this.values.size >= MAX_SERIES_PER_FAMILY) {
      this.droppedSeries++;
      return;
    }
    this.values.set(key, { labelValues, value });
  }

  /** Drops a series (e.g. a session's CPU gauge when it ends). */
  remove(labels: Labels<L>): void {
    this.values.delete(mapKey(this.valuesOf(labels)));
  }

  clear(): void {
    this.values.clear();
  }

  /** The set values, then the collected ones. A throwing collect callback contributes nothing. */
  read(): ValueSample[] {
    const out = [...this.values.values()];
    if (this.collect) {
      try {
        for (const { labels, value } of this.collect()) out.push({ labelValues: this.valuesOf(labels), value });
      } catch {
        // A broken collector must not take /metrics down; its gauges are simply absent this time.
      }
    }
    return out;
  }
}

/** A counter family: monotonically increasing totals. A no-op while the registry is disabled. */
export class CounterFamily<L extends string> extends Family<L> {
  readonly kind = 'counter';
  private readonly values = new Map<string, ValueSample>();

  constructor(opts: FamilyOptions<L>, private readonly host: Pick<FamilyHost, 'enabled'>) {
    super(opts);
  }

  inc(labels: Labels<L>, by = 1): void {
    if (!this.host.enabled || !(by >= 0)) return;
    const labelValues = this.valuesOf(labels);
    const key = mapKey(labelValues);
    const cur = this.values.get(key);
    if (cur) cur.value += by;
    else if (this.values.size >= MAX_SERIES_PER_FAMILY) this.droppedSeries++;
    else this.values.set(key, { labelValues, value: by });
  }

  read(): ValueSample[] {
    return [...this.values.values()];
  }
}

export type AnyFamily = HistogramFamily<string> | GaugeFamily<string> | CounterFamily<string>;
