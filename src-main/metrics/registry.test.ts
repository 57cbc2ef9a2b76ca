import path from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsSnapshotDto, MetricTimeSeriesDto } from '../../src-shared/metrics.js';
import { openDatabase, type Db } from '../store/database.js';
import { assertNoLeaks, tempDir } from '../testing/fixtures.js';
import { MetricsRegistry, type MetricsRegistryOptions } from './registry.js';

/** A registry on a fake clock, disposed after each test. */
const made: MetricsRegistry[] = [];
const dbs: Db[] = [];
afterEach(async () => {
  for (const r of made.splice(0)) r.dispose();
  for (const d of dbs.splice(0)) d.close();
  await assertNoLeaks();
});

/** 2024-01-01T00:00:00Z: a whole minute, so offsets below read naturally. */
const T0 = Date.UTC(2024, 0, 1);

function setup(opts: MetricsRegistryOptions = {}) {
  const clock = { t: T0 };
  const reg = new MetricsRegistry({ autoTick: false, now: () => clock.t, ...opts });
  made.push(reg);
  const create = reg.histogram({ name: 'session_create_ms', help: 'Session creation phases.', labelNames: ['backend', 'phase', 'warm'] });
  return { clock, reg, create };
}

async function db(): Promise<Db> {
  const d = await openDatabase(path.join(tempDir(), 'berth.db'));
  dbs.push(d);
  return d;
}

describe('MetricsRegistry', () => {
  it('summarises windows and keeps the 1 m window to the last minute', () => {
    const { clock, reg, create } = setup();
    const local = { backend: 'local', phase: 'start', warm: false } as const;
    // Minute 0: 1..100 ms spread over 50 seconds.
    for (let v = 1; v <= 100; v++) {
      clock.t = T0 + Math.floor((v - 1) / 2) * 1000;
      create.observe(local, v);
    }
    let snap = MetricsSnapshotDto.parse(reg.snapshot('1m'));
    let s = snap.histograms.find((h) => h.labels.backend === 'local')!;
    expect(s.series).toBe('session_create_ms{backend="local",phase="start",warm="false"}');
    expect(s.count).toBe(100);
    expect(s.p50).toBeCloseTo(50, -0.3);
    expect(s.max).toBe(100);
    // Three minutes later, 1000 ms values only.
    clock.t = T0 + 3 * 60_000 + 5_000;
    for (let i = 0; i < 10; i++) create.observe(local, 1_000);
    snap = MetricsSnapshotDto.parse(reg.snapshot('1m'));
    s = snap.histograms[0]!;
    expect(s.count).toBe(10);
    expect(s.p50).toBe(1_000);
    expect(s.totalCount).toBe(110);
    const five = reg.snapshot('5m').histograms[0]!;
    expect(five.count).toBe(110);
    expect(five.min).toBe(1);
    // Two hours on, nothing is left in any window but the lifetime count stays.
    clock.t += 2 * 60 * 60_000;
    const hour = reg.snapshot('1h').histograms[0]!;
    expect(hour.count).toBe(0);
    expect(hour.p99).toBeNull();
    expect(hour.totalCount).toBe(110);
  });

  it('the master switch turns observe into a no-op', () => {
    const { reg, create } = setup({ enabled: false });
    create.observe({ backend: 'local', phase: 'start', warm: true }, 5);
    expect(reg.snapshot().histograms).toHaveLength(0);
    reg.enabled = true;
    create.observe({ backend: 'local', phase: 'start', warm: true }, 5);
    expect(reg.snapshot().histograms[0]!.labels.warm).toBe('true');
  });

  it('time() measures with hrtime and observes once', async () => {
    const { reg } = setup();
    const api = reg.histogram({ name: 'api_request_ms', help: 'API requests.', labelNames: ['method'] });
    const stop = api.time({ method: 'sessions.list' });
    await new Promise((r) => setTimeout(r, 5));
    const ms = stop();
    expect(ms).toBeGreaterThan(0);
    expect(stop()).toBe(ms);
    await expect(api.timeAsync({ method: 'sessions.get' }, async () => 'done')).resolves.toBe('done');
    const snap = reg.snapshot();
    expect(snap.histograms.map((h) => [h.labels.method, h.count])).toEqual([['sessions.list', 1], ['sessions.get', 1]]);
    expect(snap.histograms[0]!.max).toBe(ms);
  });

  it('gives per-second points for charts', () => {
    const { clock, reg, create } = setup();
    const labels = { backend: 'docker', phase: 'first_output', warm: true };
    clock.t = T0 + 10_000;
    create.observe(labels, 10);
    create.observe(labels, 30);
    clock.t = T0 + 12_000;
    create.observe(labels, 20);
    clock.t = T0 + 13_500;
    const [ts] = reg.timeSeries({ seconds: 5 }).map((t) => MetricTimeSeriesDto.parse(t));
    expect(ts!.start).toBe(T0 + 8_000);
    expect(ts!.count).toEqual([0, 0, 2, 0, 1]);
    // p50 is the top of the histogram bucket holding 10 ms (1 % precision): 10.047 ms.
    expect(ts!.p50).toEqual([null, null, 10.047, null, 20]);
    expect(ts!.max[2]).toBe(30);
    expect(reg.timeSeries({ names: ['other'] })).toEqual([]);
  });

  it('gauges (set and collected) and counters appear in snapshots', () => {
    const { reg } = setup();
    const g = reg.gauge({ name: 'sessions', help: 'Sessions by state.', labelNames: ['state'] });
    g.set({ state: 'running' }, 3);
    g.set({ state: 'idle' }, 1);
    g.remove({ state: 'idle' });
    let cpu = 12.5;
    reg.gauge({ name: 'session_cpu_percent', help: 'CPU.', labelNames: ['session'], collect: () => [{ labels: { session: 'a' }, value: cpu }] });
    reg.gauge({ name: 'broken', help: 'Throws.', labelNames: [], collect: () => { throw new Error('boom'); } });
    const c = reg.counter({ name: 'proxy_requests_total', help: 'Requests.', labelNames: ['provider'] });
    c.inc({ provider: 'anthropic' });
    c.inc({ provider: 'anthropic' }, 2);
    cpu = 40;
    const snap = reg.snapshot();
    expect(snap.gauges).toEqual([
      { name: 'sessions', labels: { state: 'running' }, value: 3 },
      { name: 'session_cpu_percent', labels: { session: 'a' }, value: 40 },
    ]);
    expect(snap.counters).toEqual([{ name: 'proxy_requests_total', labels: { provider: 'anthropic' }, value: 3 }]);
    expect(() => reg.counter({ name: 'sessions', help: '', labelNames: [] })).toThrow(/already a gauge/);
    expect(() => reg.gauge({ name: 'bad name', help: '', labelNames: [] })).toThrow(/invalid metric name/);
  });

  it('exposes Prometheus text that a parser reads back with the right bucket counts', () => {
    const { reg, create } = setup();
    const labels = { backend: 'local', phase: 'worktree', warm: false };
    for (const v of [0.3, 4, 4, 7, 40, 300, 90_000]) create.observe(labels, v);
    create.observe({ backend: 'docker', phase: 'worktree', warm: true }, 2_000);
    const tricky = 'a "quoted" \\ path\nnext';
    const proxy = reg.histogram({ name: 'proxy_request_ms', help: 'Proxy latency.\nAdded or upstream.', labelNames: ['provider', 'kind'], buckets: [1, 10] });
    proxy.observe({ provider: tricky, kind: 'added' }, 2);
    const db = reg.histogram({ name: 'db_query_ms', help: 'DB queries.', labelNames: [], buckets: [1, 10] });
    for (const v of [0.5, 0.7, 5]) db.observe({}, v);
    reg.gauge({ name: 'sessions', help: 'Sessions by state.', labelNames: ['state'] }).set({ state: 'running' }, 2);
    const text = reg.toPrometheus();
    expect(text).toContain('# TYPE session_create_ms histogram\n');

    // The whole text parses; families, types and help come back.
    const parsed = parsePrometheusTextFormat(text);
    expect(parsed.map((f) => [f.name, f.type])).toEqual([
      ['session_create_ms', 'HISTOGRAM'],
      ['proxy_request_ms', 'HISTOGRAM'],
      ['db_query_ms', 'HISTOGRAM'],
      ['sessions', 'GAUGE'],
    ]);
    expect(parsed[1]!.help).toBe('Proxy latency.\nAdded or upstream.');
    // The parser folds histograms fully only without labels (it merges labelled series into one).
    expect(parsed[2]!.metrics).toEqual([{ buckets: { '1': '2', '10': '3', '+Inf': '3' }, count: '3', sum: '6.2' }]);
    expect(parsed[3]!.metrics).toEqual([{ labels: { state: 'running' }, value: '2' }]);

    // Labelled series sample by sample: read the histograms as untyped so every line is kept.
    const flat = parsePrometheusTextFormat(text.replace(/ histogram\n/g, ' untyped\n'));
    const sample = (name: string, want: Record<string, string>) =>
      flat.filter((f) => f.name === name).flatMap((f) => f.metrics).filter((m) => Object.entries(want).every(([k, v]) => m.labels?.[k] === v)).map((m) => m.value);
    const local = { backend: 'local', phase: 'worktree', warm: 'false' };
    const buckets = Object.fromEntries(['0.5', '1', '5', '10', '50', '250', '500', '60000', '+Inf'].map((le) => [le, sample('session_create_ms_bucket', { ...local, le })]));
    expect(buckets).toEqual({ '0.5': ['1'], '1': ['1'], '5': ['3'], '10': ['4'], '50': ['5'], '250': ['5'], '500': ['6'], '60000': ['6'], '+Inf': ['7'] });
    expect(sample('session_create_ms_count', local)).toEqual(['7']);
    expect(Number(sample('session_create_ms_sum', local)![0])).toBeCloseTo(90_355.3, 6);
    expect(sample('session_create_ms_count', { backend: 'docker', warm: 'true' })).toEqual(['1']);
    expect(sample('session_create_ms_bucket', { backend: 'docker', le: '1000' })).toEqual(['0']);
    expect(sample('session_create_ms_bucket', { backend: 'docker', le: '2500' })).toEqual(['1']);
    // Escaped label values come back as they were.
    expect(sample('proxy_request_ms_bucket', { provider: tricky, kind: 'added', le: '10' })).toEqual(['1']);
  });

  it('flushes per-second and per-minute rollups to SQLite in one transaction', async () => {
    const d = await db();
    const { clock, reg, create } = setup({ db: d, flushIntervalMs: 3_600_000 });
    const labels = { backend: 'local', phase: 'start', warm: false };
    for (let sec = 0; sec < 3; sec++) {
      clock.t = T0 + sec * 1000;
      create.observe(labels, 10 * (sec + 1));
      create.observe(labels, 10 * (sec + 1) + 1);
    }
    clock.t = T0 + 61_000;
    reg.tick(); // seals seconds 0..2 and minute 0
    expect(reg.pendingRows).toBe(4);
    // A trigger that fails on the minute row: the whole batch must roll back, nothing half-written.
    d.exec(`CREATE TEMP TRIGGER fail_minute BEFORE INSERT ON metric_rollups WHEN NEW.resolution = 60 BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const failed = reg.flush();
    expect(failed.ok).toBe(false);
    expect(d.prepare('SELECT count(*) AS n FROM metric_rollups').get()).toEqual({ n: 0 });
    expect(reg.pendingRows).toBe(4);
    d.exec('DROP TRIGGER fail_minute');
    // Every insert of the batch runs inside one explicit transaction.
    const seen: boolean[] = [];
    d.function('note_tx', () => (seen.push(d.inTransaction), null));
    d.exec('CREATE TEMP TRIGGER note AFTER INSERT ON metric_rollups BEGIN SELECT note_tx(); END');
    const written = reg.flush();
    expect(written).toEqual({ ok: true, value: 4 });
    expect(seen).toEqual([true, true, true, true]);
    const rows = d.prepare('SELECT series, resolution, bucket_start, count, sum, min, max, p50 FROM metric_rollups ORDER BY resolution, bucket_start').all();
    const series = 'session_create_ms{backend="local",phase="start",warm="false"}';
    expect(rows).toEqual([
      { series, resolution: 1, bucket_start: T0, count: 2, sum: 21, min: 10, max: 11, p50: expect.closeTo(10, 1) },
      { series, resolution: 1, bucket_start: T0 + 1000, count: 2, sum: 41, min: 20, max: 21, p50: expect.closeTo(20, 0) },
      { series, resolution: 1, bucket_start: T0 + 2000, count: 2, sum: 61, min: 30, max: 31, p50: expect.closeTo(30, 0) },
      { series, resolution: 60, bucket_start: T0, count: 6, sum: 123, min: 10, max: 31, p50: expect.closeTo(20, 0) },
    ]);
  });

  it('dispose seals the open second and minute and flushes them', async () => {
    const d = await db();
    const { reg, create } = setup({ db: d });
    create.observe({ backend: 'local', phase: 'start', warm: false }, 7);
    made.splice(made.indexOf(reg), 1);
    reg.dispose();
    expect(d.prepare('SELECT resolution, count FROM metric_rollups ORDER BY resolution').all()).toEqual([
      { resolution: 1, count: 1 },
      { resolution: 60, count: 1 },
    ]);
  });

  it('retention deletes per-second rows after an hour and all rows after the configured days', async () => {
    const d = await db();
    const now = T0 + 30 * 24 * 60 * 60_000;
    const { clock, reg } = setup({ db: d, retention: { allRowsMs: 7 * 24 * 60 * 60_000 } });
    clock.t = now;
    const insert = d.prepare('INSERT INTO metric_rollups VALUES (?, ?, ?, 1, 1, 1, 1, 1, 1, 1)');
    const ages = { fresh: 10_000, hourOld: 2 * 60 * 60_000, weekOld: 8 * 24 * 60 * 60_000 };
    for (const [name, age] of Object.entries(ages)) for (const res of [1, 60]) insert.run(`m{a="${name}"}`, res, now - age);
    expect(reg.flush().ok).toBe(true);
    const left = d.prepare('SELECT series, resolution FROM metric_rollups ORDER BY series, resolution').all();
    expect(left).toEqual([
      { series: 'm{a="fresh"}', resolution: 1 },
      { series: 'm{a="fresh"}', resolution: 60 },
      { series: 'm{a="hourOld"}', resolution: 60 },
    ]);
  });

  it('keeps memory bounded: the 1 h window holds an hour, and rollup rows only queue with a database', () => {
    const { clock, reg, create } = setup();
    const labels = { backend: 'local', phase: 'start', warm: false };
    // Two simulated hours at 20 observations a second.
    for (let sec = 0; sec < 2 * 3_600; sec++) {
      clock.t = T0 + sec * 1000;
      for (let i = 0; i < 20; i++) create.observe(labels, 1 + ((sec * 20 + i) % 500));
    }
    // Without a database, no rollup rows pile up.
    expect(reg.pendingRows).toBe(0);
    const hour = reg.snapshot('1h').histograms[0]!;
    expect(hour.totalCount).toBe(2 * 3_600 * 20);
    // The 1 h window holds at most 61 minutes of observations, not two hours' worth.
    expect(hour.count).toBeLessThanOrEqual(61 * 60 * 20);
    expect(hour.count).toBeGreaterThanOrEqual(60 * 60 * 20);
  });
});
