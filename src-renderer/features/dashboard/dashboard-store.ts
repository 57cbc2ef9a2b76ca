/**
 * The Dashboard's own small store: the last metrics snapshot, chart series and resources, and a short
 * history of event-loop delay. One per open Dashboard (the data is only shown there and is refetched
 * when the page opens); fed through a FrameCoalescer so it changes at most once per frame.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { MetricTimeSeriesDto, MetricsSnapshotDto } from '../../../src-shared/metrics.js';
import { eventLoop } from './dashboard-data.js';
import type { ResourcesDto } from './resources-data.js';

/** Event-loop p99 readings kept for its sparkline (one per poll: a minute at 1/s). */
export const EVENT_LOOP_HISTORY = 60;

/** What one poll delivers (any part may be missing when its request failed). */
export interface DashboardPatch {
  snapshot: MetricsSnapshotDto;
  series: MetricTimeSeriesDto[];
  resources: ResourcesDto;
  /** The last poll's error, or null when everything answered. */
  error: string | null;
}

export interface DashboardState {
  snapshot: MetricsSnapshotDto | null;
  series: MetricTimeSeriesDto[];
  resources: ResourcesDto | null;
  /** Event-loop p99 per poll, oldest first. */
  eventLoopHistory: Array<number | null>;
  error: string | null;
  /** Patches applied (a change counter for charts and tests). */
  version: number;
  apply(patch: Partial<DashboardPatch>): void;
}

export type DashboardStore = StoreApi<DashboardState>;

export function createDashboardStore(): DashboardStore {
  return createStore<DashboardState>()((set) => ({
    snapshot: null,
    series: [],
    resources: null,
    eventLoopHistory: [],
    error: null,
    version: 0,
    apply: (patch) =>
      set((state) => {
        const next: Partial<DashboardState> = { version: state.version + 1 };
        if (patch.snapshot) {
          next.snapshot = patch.snapshot;
          next.eventLoopHistory = [...state.eventLoopHistory, eventLoop(patch.snapshot).p99].slice(-EVENT_LOOP_HISTORY);
        }
        if (patch.series) next.series = patch.series;
        if (patch.resources) next.resources = patch.resources;
        if (patch.error !== undefined) next.error = patch.error;
        return next;
      }),
  }));
}
