/**
 * Metrics DTOs: what the orchestrator's metrics registry, event-loop monitor and resource sampler hand
 * to the dashboard and the CLI. Plain JSON: numbers that have no value yet (an empty window, a first
 * CPU sample) are null, never NaN.
 */
import { z } from 'zod';

/** Windows the dashboard can pick for percentiles. */
export const MetricWindow = z.enum(['1m', '5m', '15m', '1h']);
export type MetricWindow = z.infer<typeof MetricWindow>;

/** Seconds in each window. */
export const METRIC_WINDOW_SECONDS: Readonly<Record<MetricWindow, number>> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3_600 };

export const MetricLabels = z.record(z.string(), z.string());
export type MetricLabels = z.infer<typeof MetricLabels>;

/** One histogram series (a metric name plus one set of label values) summarised over a window. */
export const MetricSeriesDto = z.object({
  name: z.string(),
  /** `name{label="value",…}`, the key the rollup rows use. */
  series: z.string(),
  labels: MetricLabels,
  /** Observations in the window. */
  count: z.number(),
  /** ms; sum of the observations in the window. */
  sum: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  /** Observations since the orchestrator started. */
  totalCount: z.number(),
});
export type MetricSeriesDto = z.infer<typeof MetricSeriesDto>;

/** One gauge or counter value. */
export const MetricValueDto = z.object({
  name: z.string(),
  labels: MetricLabels,
  value: z.number().nullable(),
});
export type MetricValueDto = z.infer<typeof MetricValueDto>;

/** Everything the registry knows, with histograms summarised over `window`. */
export const MetricsSnapshotDto = z.object({
  /** ms since the epoch. */
  at: z.number(),
  window: MetricWindow,
  /** false when metrics are switched off (observations are dropped). */
  enabled: z.boolean(),
  histograms: z.array(MetricSeriesDto),
  gauges: z.array(MetricValueDto),
  counters: z.array(MetricValueDto),
});
export type MetricsSnapshotDto = z.infer<typeof MetricsSnapshotDto>;

/**
 * A per-second time series of one histogram series for charts: element i is the second starting at
 * `start + i * stepMs`; seconds without observations have count 0 and null percentiles.
 */
export const MetricTimeSeriesDto = z.object({
  name: z.string(),
  series: z.string(),
  labels: MetricLabels,
  start: z.number(),
  stepMs: z.number(),
  count: z.array(z.number()),
  p50: z.array(z.number().nullable()),
  p95: z.array(z.number().nullable()),
  p99: z.array(z.number().nullable()),
  max: z.array(z.number().nullable()),
});
export type MetricTimeSeriesDto = z.infer<typeof MetricTimeSeriesDto>;

/** The orchestrator's event-loop delay over the last interval, ms. */
export const EventLoopDelayDto = z.object({
  at: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
});
export type EventLoopDelayDto = z.infer<typeof EventLoopDelayDto>;

/**
 * CPU and memory of one subject (a session's process tree or container, one of Berth's processes).
 * cpuPercent is per core (100 = one core busy); null when unknown (first sample, gone, unsupported OS).
 */
export const ResourceSampleDto = z.object({
  subject: z.string(),
  at: z.number(),
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  /** Processes counted (null for sources that are not process trees, e.g. a container). */
  processCount: z.number().nullable(),
});
export type ResourceSampleDto = z.infer<typeof ResourceSampleDto>;

/** The machine's totals at a tick. cpuPercent is per core like the subjects' (max = 100 × cores). */
export const MachineSampleDto = z.object({
  at: z.number(),
  cores: z.number(),
  cpuPercent: z.number().nullable(),
  memoryTotalBytes: z.number(),
  memoryUsedBytes: z.number(),
});
export type MachineSampleDto = z.infer<typeof MachineSampleDto>;

/** One sampler tick: every subject's sample plus the machine's totals. */
export const ResourceTickDto = z.object({
  at: z.number(),
  intervalMs: z.number(),
  samples: z.array(ResourceSampleDto),
  machine: MachineSampleDto,
});
export type ResourceTickDto = z.infer<typeof ResourceTickDto>;
