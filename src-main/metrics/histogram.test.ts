import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HISTOGRAM_MAX_MS, LatencyHistogram, summarizeSparse } from './histogram.js';

/** The histogram's relative precision (two significant digits), with a little slack for rank rounding. */
const PRECISION = 0.011;

describe('LatencyHistogram', () => {
  it('percentiles of a uniform 1..10000 ms distribution are within the histogram precision', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 10_000; v++) h.record(v);
    expect(h.count).toBe(10_000);
    expect(h.sum).toBe((10_000 * 10_001) / 2);
    expect(h.min).toBe(1);
    expect(h.max).toBe(10_000);
    for (const [q, want] of [[50, 5_000], [95, 9_500], [99, 9_900], [10, 1_000]] as const) {
      expect(Math.abs(h.percentile(q) - want) / want).toBeLessThanOrEqual(PRECISION);
    }
    expect(h.percentile(100)).toBe(10_000);
  });

  it('keeps microsecond resolution for sub-millisecond values', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 100; i++) h.record(0.012);
    h.record(0.087);
    expect(h.percentile(50)).toBeCloseTo(0.012, 6);
    expect(h.max).toBeCloseTo(0.087, 9);
  });

  it('is empty-safe and ignores NaN; negatives count as 0; huge values clamp', () => {
    const h = new LatencyHistogram();
    expect(Number.isNaN(h.percentile(50))).toBe(true);
    expect(Number.isNaN(h.min)).toBe(true);
    h.record(Number.NaN);
    expect(h.count).toBe(0);
    h.record(-5);
    expect(h.min).toBe(0);
    h.record(HISTOGRAM_MAX_MS * 10);
    expect(h.clamped).toBe(1);
    expect(h.count).toBe(2);
    expect(h.percentile(100)).toBeLessThanOrEqual(HISTOGRAM_MAX_MS * 10);
  });

  it('merge of live and sparse histograms equals recording everything in one', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100_000, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.nat(200), (values, cut) => {
        const all = new LatencyHistogram();
        const a = new LatencyHistogram();
        const b = new LatencyHistogram();
        values.forEach((v, i) => {
          all.record(v);
          (i < cut ? a : b).record(v);
        });
        const viaLive = new LatencyHistogram();
        viaLive.merge(a);
        viaLive.merge(b);
        const viaSparse = new LatencyHistogram();
        viaSparse.merge(a.toSparse());
        viaSparse.merge(b.toSparse());
        for (const m of [viaLive, viaSparse]) {
          expect(m.count).toBe(all.count);
          expect(m.sum).toBeCloseTo(all.sum, 6);
          expect(m.min).toBe(all.min);
          expect(m.max).toBe(all.max);
          for (const q of [50, 95, 99]) expect(m.percentile(q)).toBe(all.percentile(q));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('reset empties it', () => {
    const h = new LatencyHistogram();
    h.record(5, 10);
    expect(h.count).toBe(10);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.sum).toBe(0);
    expect(h.toSparse().pairs.length).toBe(0);
  });

  it('memory stays bounded after millions of records over the whole range', () => {
    const h = new LatencyHistogram();
    const before = h.footprintBytes;
    expect(before).toBeLessThanOrEqual(16 * 1024);
    let x = 1;
    for (let i = 0; i < 3_000_000; i++) {
      // A cheap deterministic spread over 1 µs .. 1 h (log-uniform).
      x = (x * 48_271) % 2_147_483_647;
      h.record(10 ** ((x / 2_147_483_647) * 9.5 - 3));
    }
    expect(h.count).toBe(3_000_000);
    expect(h.footprintBytes).toBe(before);
    const sparse = h.toSparse();
    // Every bucket is used, and the sealed form is still bounded by the counts array.
    expect(sparse.pairs.byteLength).toBeLessThanOrEqual(3_328 * 16);
  });

  it('sparse form of a narrow distribution is small', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 10_000; i++) h.record(12 + (i % 5));
    expect(h.toSparse().pairs.length).toBe(10);
    const s = summarizeSparse(h.toSparse(), new LatencyHistogram());
    expect(s.count).toBe(10_000);
    expect(s.min).toBe(12);
    expect(s.max).toBe(16);
  });

  it('cumulative counts for Prometheus bounds', () => {
    const h = new LatencyHistogram();
    for (const v of [0.3, 0.7, 3, 7, 7, 40, 200, 200, 200, 9_000]) h.record(v);
    expect(h.cumulativeCounts([0.5, 1, 5, 10, 50, 100, 1_000])).toEqual([1, 2, 3, 5, 6, 6, 9]);
    expect(h.cumulativeCounts([])).toEqual([]);
    expect(new LatencyHistogram().cumulativeCounts([1, 2])).toEqual([0, 0]);
  });
});
