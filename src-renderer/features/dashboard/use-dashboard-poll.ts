/**
 * Polls the orchestrator for the Dashboard about once a second while the page is open, connected and
 * visible: `metrics.snapshot` for the window, `metrics.series` of create latency for the chart, and
 * `resources.get` (which also keeps the orchestrator's sampler at 1 s). Hidden, it stops; shown
 * again, it polls at once. Answers go through a FrameCoalescer into the Dashboard store.
 */
import { useEffect, useState } from 'react';
import { METRIC_WINDOW_SECONDS, type MetricWindow } from '../../../src-shared/metrics.js';
import { useAppState, useServices } from '../../app/services.js';
import { FrameCoalescer, type FrameScheduler } from './coalesce.js';
import { METRIC } from './dashboard-data.js';
import type { DashboardPatch, DashboardStore } from './dashboard-store.js';

/** Time between the starts of two polls. */
export const POLL_INTERVAL_MS = 1_000;
/** Most seconds `metrics.series` answers (src-shared/contract.ts). */
export const MAX_CHART_SECONDS = 600;

/** Seconds the chart spans for a window (the window, at most MAX_CHART_SECONDS). */
export function chartSeconds(metricWindow: MetricWindow): number {
  return Math.min(METRIC_WINDOW_SECONDS[metricWindow], MAX_CHART_SECONDS);
}

/** Whether polling runs, and why not. */
export type PollState = 'live' | 'hidden' | 'offline';

export interface DashboardPollOptions {
  /** For tests: the frame scheduler of the coalescer. */
  scheduler?: FrameScheduler;
  /** For tests: the document whose visibility pauses polling. */
  doc?: Document;
}

export function useDashboardPoll(store: DashboardStore, metricWindow: MetricWindow, options: DashboardPollOptions = {}): PollState {
  const { connection } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const doc = options.doc ?? document;
  const scheduler = options.scheduler;
  const [visible, setVisible] = useState(() => doc.visibilityState === 'visible');

  useEffect(() => {
    const onChange = () => setVisible(doc.visibilityState === 'visible');
    doc.addEventListener('visibilitychange', onChange);
    return () => doc.removeEventListener('visibilitychange', onChange);
  }, [doc]);

  useEffect(() => {
    if (!connected || !visible) return;
    const coalescer = new FrameCoalescer<DashboardPatch>((patch) => store.getState().apply(patch), scheduler);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const poll = async () => {
      const started = performance.now();
      const [snapshot, series, resources] = await Promise.all([
        connection.request('metrics.snapshot', { window: metricWindow }),
        connection.request('metrics.series', { seconds: chartSeconds(metricWindow), names: [METRIC.create] }),
        connection.request('resources.get', {}),
      ]);
      if (stopped) return;
      const patch: Partial<DashboardPatch> = {};
      const errors: string[] = [];
      if (snapshot.ok) patch.snapshot = snapshot.value;
      else errors.push(snapshot.error.message);
      if (series.ok) patch.series = series.value;
      else errors.push(series.error.message);
      if (resources.ok) patch.resources = resources.value;
      else errors.push(resources.error.message);
      patch.error = errors.length > 0 ? errors.join('; ') : null;
      coalescer.push(patch);
      timer = setTimeout(() => void poll(), Math.max(0, POLL_INTERVAL_MS - (performance.now() - started)));
    };
    void poll();

    return () => {
      stopped = true;
      clearTimeout(timer);
      coalescer.dispose();
    };
  }, [connected, visible, metricWindow, connection, store, scheduler]);

  return !connected ? 'offline' : visible ? 'live' : 'hidden';
}
