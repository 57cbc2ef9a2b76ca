import { describe, expect, it } from 'vitest';
import { FIXTURE_AT, SERIES_FIXTURE, SESSIONS_FIXTURE, SNAPSHOT_FIXTURE } from '../../testing/dashboard-fixture.js';
import { apiRoutes, createChartData, createLatencyGroups, dbOperations, eventLoop, formatMs, proxyProviders, sessionsByState } from './dashboard-data.js';
import { createDashboardStore, EVENT_LOOP_HISTORY } from './dashboard-store.js';

describe('create latency', () => {
  it('groups by backend then cold before warm, phases in the order they happen, empty series left out', () => {
    const groups = createLatencyGroups(SNAPSHOT_FIXTURE);
    expect(groups.map((g) => [g.key, g.phases.map((p) => p.phase)])).toEqual([
      ['local|cold', ['worktree', 'start', 'first-output', 'total']],
      ['docker|cold', ['image', 'total']],
      ['docker|warm', ['total']],
    ]);
    const local = groups[0]!;
    expect(local.phases.find((p) => p.phase === 'total')).toEqual({ phase: 'total', count: 2, p50: 38, p95: 61.2, p99: 61.2, max: 61.2 });
    expect(createLatencyGroups(null)).toEqual([]);
  });

  it('charts the per-second p95 of total per backend and cold/warm, on one time axis', () => {
    const chart = createChartData(SERIES_FIXTURE, FIXTURE_AT, 300);
    const start = (FIXTURE_AT - 5_000) / 1000;
    expect(chart.x).toEqual([start, start + 1, start + 2, start + 3, start + 4]);
    expect([...chart.series.keys()]).toEqual(['local|cold', 'docker|warm']);
    expect(chart.series.get('local|cold')).toEqual({ label: 'local', values: [null, 38, null, 61.2, null] });
    expect(chart.series.get('docker|warm')).toEqual({ label: 'docker (warm)', values: [84, null, null, null, 96] });
  });

  it('still spans the window when nothing was created', () => {
    const chart = createChartData([], FIXTURE_AT, 60);
    expect(chart.x).toHaveLength(60);
    expect(chart.x[0]).toBe(Math.floor(FIXTURE_AT / 1000) - 60);
    expect(chart.series.size).toBe(0);
  });
});

describe('orchestrator latency', () => {
  it('lists API routes slowest p95 first, the top N and how many more', () => {
    expect(apiRoutes(SNAPSHOT_FIXTURE).rows.map((r) => [r.label, r.p95])).toEqual([
      ['doctor.run', 380],
      ['sessions.create', 60],
      ['sessions.list', 2.4],
      ['resources.get', 0.6],
    ]);
    const top2 = apiRoutes(SNAPSHOT_FIXTURE, 2);
    expect(top2.rows.map((r) => r.label)).toEqual(['doctor.run', 'sessions.create']);
    expect(top2.more).toBe(2);
  });

  it('pairs the proxy’s added and upstream time per provider', () => {
    expect(proxyProviders(SNAPSHOT_FIXTURE).map((p) => [p.provider, p.added?.p95 ?? null, p.upstream?.p95 ?? null])).toEqual([
      ['anthropic', 0.9, 610],
      ['openai', 2.2, null],
    ]);
  });

  it('lists DB operations, event-loop gauges, and counts live sessions by state', () => {
    expect(dbOperations(SNAPSHOT_FIXTURE).map((r) => r.label)).toEqual(['sessions.insert', 'metrics.flush']);
    expect(eventLoop(SNAPSHOT_FIXTURE)).toEqual({ p50: 0.4, p99: 12.6, max: 19 });
    expect(eventLoop(null)).toEqual({ p50: null, p99: null, max: null });
    // Live, unarchived sessions only: the exited and the archived one are left out.
    expect(sessionsByState(Object.values(SESSIONS_FIXTURE))).toEqual([
      { state: 'idle', count: 1 },
      { state: 'working', count: 1 },
    ]);
    expect(sessionsByState([{ state: 'working', archived: false }, { state: 'working', archived: false }, { state: 'waiting-input', archived: false }])).toEqual([
      { state: 'working', count: 2 },
      { state: 'waiting-input', count: 1 },
    ]);
  });

  it('formats latencies from sub-millisecond to seconds', () => {
    expect([0.042, 0.9, 3.14, 48.6, 999.4, 1_250, null, Number.NaN].map(formatMs)).toEqual(['0.04 ms', '0.90 ms', '3.1 ms', '49 ms', '999 ms', '1.25 s', '—', '—']);
  });
});

describe('dashboard store', () => {
  it('applies a patch in one update and keeps a bounded event-loop history', () => {
    const store = createDashboardStore();
    let updates = 0;
    const unsubscribe = store.subscribe(() => updates++);
    store.getState().apply({ snapshot: SNAPSHOT_FIXTURE, series: SERIES_FIXTURE, error: null });
    expect(updates).toBe(1);
    expect(store.getState()).toMatchObject({ snapshot: SNAPSHOT_FIXTURE, series: SERIES_FIXTURE, resources: null, eventLoopHistory: [12.6], version: 1 });
    // A failed poll keeps the last figures and says why.
    store.getState().apply({ error: 'boom' });
    expect(store.getState()).toMatchObject({ snapshot: SNAPSHOT_FIXTURE, error: 'boom', eventLoopHistory: [12.6] });
    for (let i = 0; i < EVENT_LOOP_HISTORY + 5; i++) store.getState().apply({ snapshot: SNAPSHOT_FIXTURE });
    expect(store.getState().eventLoopHistory).toHaveLength(EVENT_LOOP_HISTORY);
    unsubscribe();
  });
});
