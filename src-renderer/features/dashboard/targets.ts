/**
 * Latency targets: each operation's live figure beside its target and acceptable thresholds, as in the
 * performance guides' "Target latency (95th percentile)" tables. Defaults are Berth's own goals; the
 * thresholds can be edited on the Dashboard and are kept in Settings (`dashboardTargets`).
 */
import { MAX_TARGET_MS, TargetThresholds } from '../../../src-shared/dto.js';
import type { MetricsSnapshotDto } from '../../../src-shared/metrics.js';

/** How a live figure compares with its target: within it, within acceptable, above, or no data. */
export type TargetStatus = 'ok' | 'acceptable' | 'slow' | 'none';

/** The percentile a target is about. */
export type TargetStat = 'p95' | 'p99';

/**
 * Where a target's live figure comes from. A histogram matcher picks every series of `name` whose labels
 * match (a string: equal; a list: one of) and takes the worst `stat` among them (percentiles of different
 * series can't be merged, and the worst one is what a user feels). A gauge matcher reads one gauge.
 */
export type TargetSource =
  | { kind: 'histogram'; name: string; labels: Readonly<Record<string, string | readonly string[]>> }
  | { kind: 'gauge'; name: string; labels: Readonly<Record<string, string>> };

/** Thresholds of one target, ms: at most `targetMs` is ok, at most `acceptableMs` acceptable, above is slow. */
export interface Thresholds {
  targetMs: number;
  acceptableMs: number;
}

/** One row of the targets table. */
export interface TargetDef extends Thresholds {
  /** Stable id (the bench figure it corresponds to, where there is one). */
  id: string;
  operation: string;
  stat: TargetStat;
  source: TargetSource;
  /** What exactly is measured, for the row's title. */
  detail: string;
}

/**
 * Quick API routes (reads) the API target covers. Routes that do real work by nature (creating a
 * session, running the doctor, asking Docker) have their own figures and would always miss 5 ms; the
 * Dashboard's own polls (metrics.*, resources.get) are left out so watching does not move the figure.
 */
export const API_READ_METHODS: readonly string[] = [
  'system.info',
  'agents.list',
  'backends.list',
  'repos.recent',
  'sessions.list',
  'sessions.get',
  'sessions.events',
  'settings.get',
  'credentials.list',
  'egress.pending',
];

/** Berth's goals (issue 1 and 6, the bench figures of the same ids). */
export const DEFAULT_TARGETS: readonly TargetDef[] = [
  {
    id: 'create.local',
    operation: 'Create local session',
    stat: 'p95',
    source: { kind: 'histogram', name: 'session_create_ms', labels: { backend: 'local', phase: 'total' } },
    detail: 'session_create_ms{backend="local",phase="total"}: request → first output byte',
    targetMs: 50,
    acceptableMs: 100,
  },
  {
    id: 'create.docker.warm',
    operation: 'Create Docker session (warm)',
    stat: 'p95',
    source: { kind: 'histogram', name: 'session_create_ms', labels: { backend: 'docker', phase: 'total', warm: 'true' } },
    detail: 'session_create_ms{backend="docker",phase="total",warm="true"}: from the warm pool',
    targetMs: 100,
    acceptableMs: 200,
  },
  {
    id: 'create.docker.cold',
    operation: 'Create Docker session (cold)',
    stat: 'p95',
    source: { kind: 'histogram', name: 'session_create_ms', labels: { backend: 'docker', phase: 'total', warm: 'false' } },
    detail: 'session_create_ms{backend="docker",phase="total",warm="false"}: a new container',
    targetMs: 500,
    acceptableMs: 1_000,
  },
  {
    id: 'api.request',
    operation: 'API request (reads)',
    stat: 'p95',
    source: { kind: 'histogram', name: 'api_request_ms', labels: { method: API_READ_METHODS } },
    detail: `api_request_ms, worst of: ${API_READ_METHODS.join(', ')}`,
    targetMs: 5,
    acceptableMs: 20,
  },
  {
    id: 'proxy.added',
    operation: 'Proxy added latency',
    stat: 'p95',
    source: { kind: 'histogram', name: 'proxy_request_ms', labels: { kind: 'added' } },
    detail: 'proxy_request_ms{kind="added"}, worst provider: time the credential proxy adds to a request',
    targetMs: 1,
    acceptableMs: 3,
  },
  {
    id: 'event-loop',
    operation: 'Event-loop delay',
    stat: 'p99',
    source: { kind: 'gauge', name: 'event_loop_delay_ms', labels: { stat: 'p99' } },
    detail: "event_loop_delay_ms{stat=\"p99\"}: how late the orchestrator's event loop ran due work over the last second",
    targetMs: 5,
    acceptableMs: 20,
  },
];

/** Colours a live figure against its thresholds. */
export function classify(value: number | null | undefined, thresholds: Thresholds): TargetStatus {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'none';
  if (value <= thresholds.targetMs) return 'ok';
  if (value <= thresholds.acceptableMs) return 'acceptable';
  return 'slow';
}

function labelsMatch(labels: Readonly<Record<string, string>>, want: Readonly<Record<string, string | readonly string[]>>): boolean {
  for (const [key, expected] of Object.entries(want)) {
    const actual = labels[key];
    if (actual === undefined) return false;
    if (typeof expected === 'string' ? actual !== expected : !expected.includes(actual)) return false;
  }
  return true;
}

/** A target's live figure and the series it came from (the worst matching one). */
export interface LiveFigure {
  value: number | null;
  /** The series key (`name{…}`) the figure is from; null for a gauge or without data. */
  from: string | null;
  /** Observations behind the figure in the window (null for a gauge). */
  count: number | null;
}

/** The live figure of a target in a snapshot. */
export function liveFigure(def: TargetDef, snapshot: MetricsSnapshotDto | null): LiveFigure {
  const none: LiveFigure = { value: null, from: null, count: def.source.kind === 'gauge' ? null : 0 };
  if (!snapshot) return none;
  const source = def.source;
  if (source.kind === 'gauge') {
    const gauge = snapshot.gauges.find((g) => g.name === source.name && labelsMatch(g.labels, source.labels));
    return { value: gauge?.value ?? null, from: null, count: null };
  }
  let best: LiveFigure = none;
  for (const h of snapshot.histograms) {
    if (h.name !== source.name || !labelsMatch(h.labels, source.labels)) continue;
    const value = h[def.stat];
    if (value === null || h.count === 0) continue;
    if (best.value === null || value > best.value) best = { value, from: h.series, count: h.count };
  }
  return best;
}

/** Largest threshold accepted, ms (the settings schema's bound). */
export const MAX_THRESHOLD_MS = MAX_TARGET_MS;

/** Edited thresholds by target id (targets left at their defaults are absent). */
export type ThresholdOverrides = Readonly<Record<string, Thresholds>>;

/** Why a pair of thresholds is refused, or null when it is fine. */
export function thresholdProblem(t: Thresholds): string | null {
  const parsed = TargetThresholds.safeParse(t);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  if (issue?.path[0] === 'targetMs' || issue?.path[0] === 'acceptableMs') return `use a number above 0 and at most ${MAX_THRESHOLD_MS} ms`;
  return issue?.message ?? 'invalid thresholds';
}

/**
 * The edited thresholds kept in Settings (`dashboardTargets`), limited to targets this version knows
 * (an entry for a target that no longer exists is ignored).
 */
export function knownOverrides(saved: Readonly<Record<string, Thresholds>> | undefined): ThresholdOverrides {
  const out: Record<string, Thresholds> = {};
  for (const [id, t] of Object.entries(saved ?? {})) if (DEFAULT_TARGETS.some((d) => d.id === id) && thresholdProblem(t) === null) out[id] = t;
  return out;
}

/** The default targets with the edited thresholds applied. */
export function effectiveTargets(overrides: ThresholdOverrides): TargetDef[] {
  return DEFAULT_TARGETS.map((d) => {
    const o = overrides[d.id];
    return o ? { ...d, targetMs: o.targetMs, acceptableMs: o.acceptableMs } : { ...d };
  });
}

/** Sets one target's thresholds; setting them back to the defaults drops the override. */
export function withOverride(overrides: ThresholdOverrides, id: string, t: Thresholds): ThresholdOverrides {
  const def = DEFAULT_TARGETS.find((d) => d.id === id);
  const { [id]: _old, ...rest } = overrides;
  if (!def || (def.targetMs === t.targetMs && def.acceptableMs === t.acceptableMs)) return rest;
  return { ...rest, [id]: { targetMs: t.targetMs, acceptableMs: t.acceptableMs } };
}
