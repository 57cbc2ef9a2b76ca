/**
 * Shapes the orchestrator's metrics for the Dashboard's tables and charts: create latency per backend,
 * cold/warm and phase; API, proxy and DB latency; event-loop delay; sessions by state; the per-second
 * p95 chart data.
 */
import { LIVE_STATES } from '../../../src-shared/dto.js';
import type { MetricSeriesDto, MetricTimeSeriesDto, MetricsSnapshotDto } from '../../../src-shared/metrics.js';

/** Histogram families the Dashboard reads. */
export const METRIC = {
  create: 'session_create_ms',
  api: 'api_request_ms',
  proxy: 'proxy_request_ms',
  db: 'db_query_ms',
  eventLoop: 'event_loop_delay_ms',
} as const;

/** Create phases in the order they happen; `total` is request → first output byte. */
export const PHASE_ORDER: readonly string[] = ['worktree', 'include', 'setup', 'image', 'start', 'first-output', 'total'];
/** Backends in the order the tables list them (as src-shared/dto.ts declares them). */
export const BACKEND_ORDER: readonly string[] = ['local', 'tmux', 'sandbox', 'docker', 'kubernetes'];
/** API routes shown before "and N more". */
export const TOP_ROUTES = 10;

/** p50/p95/p99 and count of one series over the window. */
export interface LatencyStats {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

function stats(h: MetricSeriesDto): LatencyStats {
  return { count: h.count, p50: h.p50, p95: h.p95, p99: h.p99, max: h.max };
}

const orderOf = (order: readonly string[], value: string) => {
  const i = order.indexOf(value);
  return i < 0 ? order.length : i;
};

/** One backend's creates, cold or warm, broken into phases (in PHASE_ORDER, unknown phases last). */
export interface CreateLatencyGroup {
  /** `backend|warm`: the key of its chart series. */
  key: string;
  backend: string;
  warm: boolean;
  phases: Array<{ phase: string } & LatencyStats>;
}

/** Chart series key of a backend's cold or warm creates. */
export const createKey = (backend: string, warm: boolean) => `${backend}|${warm ? 'warm' : 'cold'}`;
/** A chart series' label: the backend, with "(warm)" for starts from a warm pool. */
export const createLabel = (backend: string, warm: boolean) => (warm ? `${backend} (warm)` : backend);

/** Create latency by backend and cold/warm; groups without an observation in the window are left out. */
export function createLatencyGroups(snapshot: MetricsSnapshotDto | null): CreateLatencyGroup[] {
  if (!snapshot) return [];
  const groups = new Map<string, CreateLatencyGroup>();
  for (const h of snapshot.histograms) {
    if (h.name !== METRIC.create || h.count === 0) continue;
    const backend = h.labels.backend ?? '?';
    const warm = h.labels.warm === 'true';
    const key = createKey(backend, warm);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, backend, warm, phases: [] }));
    group.phases.push({ phase: h.labels.phase ?? '?', ...stats(h) });
  }
  const out = [...groups.values()];
  for (const g of out) g.phases.sort((a, b) => orderOf(PHASE_ORDER, a.phase) - orderOf(PHASE_ORDER, b.phase) || a.phase.localeCompare(b.phase));
  return out.sort(
    (a, b) => orderOf(BACKEND_ORDER, a.backend) - orderOf(BACKEND_ORDER, b.backend) || a.backend.localeCompare(b.backend) || Number(a.warm) - Number(b.warm),
  );
}

/** One labelled latency row (an API route, a DB operation). */
export type LabelledLatency = { label: string } & LatencyStats;

function labelledRows(snapshot: MetricsSnapshotDto | null, name: string, label: string): LabelledLatency[] {
  if (!snapshot) return [];
  return snapshot.histograms
    .filter((h) => h.name === name && h.count > 0)
    .map((h) => ({ label: h.labels[label] ?? '?', ...stats(h) }))
    .sort((a, b) => (b.p95 ?? -1) - (a.p95 ?? -1) || a.label.localeCompare(b.label));
}

/** API routes with requests in the window, slowest p95 first: the top `limit` and how many more there are. */
export function apiRoutes(snapshot: MetricsSnapshotDto | null, limit = TOP_ROUTES): { rows: LabelledLatency[]; more: number } {
  const all = labelledRows(snapshot, METRIC.api, 'method');
  return { rows: all.slice(0, limit), more: Math.max(0, all.length - limit) };
}

/** DB operations with calls in the window, slowest p95 first. */
export function dbOperations(snapshot: MetricsSnapshotDto | null): LabelledLatency[] {
  return labelledRows(snapshot, METRIC.db, 'op');
}

/** One provider's proxy figures: what Berth adds, and the upstream's time to response headers. */
export interface ProxyRow {
  provider: string;
  added: LatencyStats | null;
  upstream: LatencyStats | null;
}

/** Proxy latency per provider (providers with requests in the window), by name. */
export function proxyProviders(snapshot: MetricsSnapshotDto | null): ProxyRow[] {
  if (!snapshot) return [];
  const rows = new Map<string, ProxyRow>();
  for (const h of snapshot.histograms) {
    if (h.name !== METRIC.proxy || h.count === 0) continue;
    const provider = h.labels.provider ?? '?';
    const row = rows.get(provider) ?? { provider, added: null, upstream: null };
    if (h.labels.kind === 'added') row.added = stats(h);
    else if (h.labels.kind === 'upstream') row.upstream = stats(h);
    rows.set(provider, row);
  }
  return [...rows.values()].sort((a, b) => a.provider.localeCompare(b.provider));
}

/** The orchestrator's event-loop delay over the last second, ms. */
export interface EventLoopFigures {
  p50: number | null;
  p99: number | null;
  max: number | null;
}

function gauge(snapshot: MetricsSnapshotDto | null, name: string, labels: Record<string, string>): number | null {
  const g = snapshot?.gauges.find((v) => v.name === name && Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return g?.value ?? null;
}

export function eventLoop(snapshot: MetricsSnapshotDto | null): EventLoopFigures {
  return {
    p50: gauge(snapshot, METRIC.eventLoop, { stat: 'p50' }),
    p99: gauge(snapshot, METRIC.eventLoop, { stat: 'p99' }),
    max: gauge(snapshot, METRIC.eventLoop, { stat: 'max' }),
  };
}

/**
 * Live, unarchived sessions by state, most first. From the app store (session events), not the
 * `sessions{state}` gauge, so the chips agree with the sidebar instead of trailing it by a poll.
 */
export function sessionsByState(sessions: ReadonlyArray<{ state: string; archived: boolean }>): Array<{ state: string; count: number }> {
  const counts = new Map<string, number>();
  for (const s of sessions) {
    if (s.archived || !(LIVE_STATES as readonly string[]).includes(s.state)) continue;
    counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  }
  return [...counts].map(([state, count]) => ({ state, count })).sort((a, b) => b.count - a.count || a.state.localeCompare(b.state));
}

/** Aligned chart data (uPlot's shape): x in unix seconds, then one y array per series. */
export interface ChartData {
  x: number[];
  /** Series by key, each as long as `x`. */
  series: Map<string, { label: string; values: Array<number | null> }>;
}

/** Milliseconds per second (uPlot's time axis is in seconds). */
const MS_PER_SECOND = 1_000;

/**
 * The per-second p95 of `total` create time per backend and cold/warm. The orchestrator answers every
 * series over the same seconds; without any series the axis still spans the last `seconds`.
 */
export function createChartData(series: readonly MetricTimeSeriesDto[], nowMs: number, seconds: number): ChartData {
  const totals = series.filter((s) => s.name === METRIC.create && s.labels.phase === 'total');
  const first = totals[0];
  const length = first ? first.p95.length : seconds;
  const startSec = first ? Math.floor(first.start / MS_PER_SECOND) : Math.floor(nowMs / MS_PER_SECOND) - seconds;
  const stepSec = first ? Math.max(1, first.stepMs / MS_PER_SECOND) : 1;
  const x = Array.from({ length }, (_, i) => startSec + i * stepSec);
  const out: ChartData = { x, series: new Map() };
  for (const s of totals) {
    const backend = s.labels.backend ?? '?';
    const warm = s.labels.warm === 'true';
    const values = x.map((_, i) => s.p95[i] ?? null);
    const key = createKey(backend, warm);
    const existing = out.series.get(key);
    // Two series can share a key only if labels other than backend/warm differ: keep the worse second.
    if (existing) existing.values = existing.values.map((v, i) => (v === null ? values[i]! : values[i] === null ? v : Math.max(v, values[i]!)));
    else out.series.set(key, { label: createLabel(backend, warm), values });
  }
  return out;
}

/** Durations below this are shown with two decimals. */
const TWO_DECIMALS_BELOW_MS = 1;
/** …and below this with one. */
const ONE_DECIMAL_BELOW_MS = 10;
/** From here on, seconds. */
const SECONDS_FROM_MS = 1_000;

/** A latency as "0.42 ms", "3.1 ms", "48 ms" or "1.25 s"; an em dash when unknown. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < TWO_DECIMALS_BELOW_MS) return `${ms.toFixed(2)} ms`;
  if (ms < ONE_DECIMAL_BELOW_MS) return `${ms.toFixed(1)} ms`;
  if (ms < SECONDS_FROM_MS) return `${Math.round(ms)} ms`;
  return `${(ms / SECONDS_FROM_MS).toFixed(2)} s`;
}
