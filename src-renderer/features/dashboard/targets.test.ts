import { describe, expect, it } from 'vitest';
import { SNAPSHOT_FIXTURE } from '../../testing/dashboard-fixture.js';
import {
  classify,
  DEFAULT_TARGETS,
  effectiveTargets,
  liveFigure,
  knownOverrides,
  thresholdProblem,
  withOverride,
  type TargetDef,
} from './targets.js';

const target = (id: string): TargetDef => {
  const t = DEFAULT_TARGETS.find((d) => d.id === id);
  if (!t) throw new Error(`no target ${id}`);
  return t;
};

describe('target colouring', () => {
  it('is ok up to the target, acceptable up to the acceptable threshold, slow above, none without data', () => {
    const t = { targetMs: 50, acceptableMs: 100 };
    expect([0, 49.9, 50, 50.01, 100, 100.01, 5_000].map((v) => classify(v, t))).toEqual(['ok', 'ok', 'ok', 'acceptable', 'acceptable', 'slow', 'slow']);
    expect([null, undefined, Number.NaN, Number.POSITIVE_INFINITY].map((v) => classify(v, t))).toEqual(['none', 'none', 'none', 'none']);
  });

  it('has the defaults from Berth’s goals', () => {
    expect(DEFAULT_TARGETS.map((d) => [d.id, d.stat, d.targetMs, d.acceptableMs])).toEqual([
      ['create.local', 'p95', 50, 100],
      ['create.docker.warm', 'p95', 100, 200],
      ['create.docker.cold', 'p95', 500, 1000],
      ['api.request', 'p95', 5, 20],
      ['proxy.added', 'p95', 1, 3],
      ['event-loop', 'p99', 5, 20],
    ]);
  });
});

describe('live figures', () => {
  it('reads each target from the snapshot: the worst matching series, or a gauge', () => {
    const figures = DEFAULT_TARGETS.map((d) => {
      const f = liveFigure(d, SNAPSHOT_FIXTURE);
      return [d.id, f.value, f.from, classify(f.value, d)];
    });
    expect(figures).toEqual([
      ['create.local', 61.2, 'session_create_ms{backend="local",phase="total",warm="false"}', 'acceptable'],
      ['create.docker.warm', 96, 'session_create_ms{backend="docker",phase="total",warm="true"}', 'ok'],
      ['create.docker.cold', 410, 'session_create_ms{backend="docker",phase="total",warm="false"}', 'ok'],
      // Reads only: sessions.create (60 ms) and doctor.run (380 ms) are not API-latency figures.
      ['api.request', 2.4, 'api_request_ms{method="sessions.list"}', 'ok'],
      // The worst provider: openai adds 2.2 ms at p95.
      ['proxy.added', 2.2, 'proxy_request_ms{provider="openai",kind="added"}', 'acceptable'],
      ['event-loop', 12.6, null, 'acceptable'],
    ]);
  });

  it('has no figure without a snapshot or without observations in the window', () => {
    expect(liveFigure(target('create.local'), null)).toEqual({ value: null, from: null, count: 0 });
    const empty = { ...SNAPSHOT_FIXTURE, histograms: SNAPSHOT_FIXTURE.histograms.map((h) => ({ ...h, count: 0 })), gauges: [] };
    expect(DEFAULT_TARGETS.map((d) => liveFigure(d, empty).value)).toEqual([null, null, null, null, null, null]);
  });
});

describe('editable thresholds', () => {
  it('validates a pair', () => {
    expect(thresholdProblem({ targetMs: 10, acceptableMs: 10 })).toBeNull();
    expect(thresholdProblem({ targetMs: 10, acceptableMs: 5 })).toBe('acceptable must be at least the target');
    expect(thresholdProblem({ targetMs: 0, acceptableMs: 5 })).toMatch(/above 0/);
    expect(thresholdProblem({ targetMs: Number.NaN, acceptableMs: 5 })).toMatch(/above 0/);
  });

  it('keeps only edits that differ from the defaults, and reads them back from Settings', () => {
    let overrides = withOverride({}, 'create.local', { targetMs: 30, acceptableMs: 60 });
    overrides = withOverride(overrides, 'proxy.added', { targetMs: 1, acceptableMs: 3 });
    expect(overrides).toEqual({ 'create.local': { targetMs: 30, acceptableMs: 60 } });
    const loaded = knownOverrides(overrides);
    expect(effectiveTargets(loaded).find((t) => t.id === 'create.local')).toMatchObject({ targetMs: 30, acceptableMs: 60 });
    // Back to the defaults: nothing is kept.
    expect(withOverride(loaded, 'create.local', { targetMs: 50, acceptableMs: 100 })).toEqual({});
  });

  it('ignores invalid and unknown entries', () => {
    const mixed = {
      'create.local': { targetMs: 40, acceptableMs: 80 },
      'api.request': { targetMs: 9, acceptableMs: 3 },
      'no.such': { targetMs: 1, acceptableMs: 2 },
    };
    expect(knownOverrides(mixed)).toEqual({ 'create.local': { targetMs: 40, acceptableMs: 80 } });
    expect(knownOverrides(undefined)).toEqual({});
  });
});
