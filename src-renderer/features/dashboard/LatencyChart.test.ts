import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { createChartData } from './dashboard-data.js';
import { FIXTURE_AT, SERIES_FIXTURE } from '../../testing/dashboard-fixture.js';
import { applyChartData, clockTicks, SERIES_COLORS } from './LatencyChart.js';

/** Records what the chart is told; stands in for a uPlot instance (jsdom can't draw one). */
function fakePlot() {
  const calls: string[] = [];
  const added: uPlot.Series[] = [];
  const data: uPlot.AlignedData[] = [];
  const plot = {
    batch: (fn: () => void) => {
      calls.push('batch');
      fn();
    },
    addSeries: (s: uPlot.Series) => {
      calls.push(`add ${String(s.label)}`);
      added.push(s);
    },
    setData: (d: uPlot.AlignedData) => {
      calls.push('setData');
      data.push(d);
    },
  };
  return { plot: plot as unknown as uPlot, calls, added, data };
}

describe('latency chart updates', () => {
  it('adds a series only for a key it has not seen, then sets the data in the keys’ order', () => {
    const { plot, calls, added, data } = fakePlot();
    const keys: string[] = [];
    const localOnly = createChartData(SERIES_FIXTURE.slice(0, 2), FIXTURE_AT, 300);
    applyChartData(plot, localOnly, keys);
    expect(calls).toEqual(['batch', 'add local', 'setData']);
    expect(keys).toEqual(['local|cold']);
    expect(data[0]).toEqual([localOnly.x, [null, 38, null, 61.2, null]]);

    // Next second: docker (warm) appears; local keeps its series and colour.
    const both = createChartData(SERIES_FIXTURE, FIXTURE_AT + 1_000, 300);
    applyChartData(plot, both, keys);
    expect(calls.slice(3)).toEqual(['batch', 'add docker (warm)', 'setData']);
    expect(added.map((s) => s.stroke)).toEqual([SERIES_COLORS[0], SERIES_COLORS[1]]);
    expect(data[1]).toEqual([both.x, [null, 38, null, 61.2, null], [84, null, null, null, 96]]);

    // Local drops out of the window: its series stays, empty, so nothing is re-created.
    const dockerOnly = createChartData(SERIES_FIXTURE.slice(2), FIXTURE_AT + 2_000, 300);
    applyChartData(plot, dockerOnly, keys);
    expect(calls.slice(6)).toEqual(['batch', 'setData']);
    expect(data[2]).toEqual([dockerOnly.x, [null, null, null, null, null], [84, null, null, null, 96]]);
  });

  it('labels the time axis with the local clock', () => {
    const at = (h: number, m: number, s: number) => new Date(2025, 0, 10, h, m, s).getTime() / 1000;
    expect(clockTicks([at(9, 5, 0), at(9, 6, 0)])).toEqual(['09:05', '09:06']);
    expect(clockTicks([at(9, 5, 0), at(9, 5, 30)])).toEqual(['09:05:00', '09:05:30']);
  });
});
