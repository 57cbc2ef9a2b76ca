/**
 * A live latency chart (uPlot): created once when it mounts, then fed with `setData`; a series that
 * appears later is added with `addSeries`, never by re-creating the chart. Width follows the container
 * through a ResizeObserver (no layout reads on updates). uPlot is loaded on first use, only where a
 * 2D canvas exists.
 */
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMs, type ChartData } from './dashboard-data.js';

/** Chart height, px (plot plus axes; the legend sits below). */
const CHART_HEIGHT = 200;
/** Width used until the container has been measured, px. */
const INITIAL_WIDTH = 600;
/** Series colours, in order of appearance (from the app's theme). */
export const SERIES_COLORS = ['#4c9bff', '#5fd38d', '#e5c07b', '#c678dd', '#f26d6d', '#56b6c2', '#d19a66'];
const AXIS_COLOR = '#8b97a7';
const GRID_COLOR = '#242c38';
/** Point diameter, px: creates are sparse, so a second with one create must still show. */
const POINT_SIZE = 5;

/** Whether this document can draw on a 2D canvas (jsdom can't). */
function canvasSupported(doc: Document): boolean {
  try {
    return doc.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

/** A y tick: "0" at the origin, else a latency. */
const tickMs = (v: number) => (v === 0 ? '0' : formatMs(v));

/** An x tick (unix seconds) as local "HH:MM", or "HH:MM:SS" when the ticks fall within minutes. */
export function clockTicks(splits: readonly number[]): string[] {
  const SECONDS_PER_MINUTE = 60;
  const withSeconds = splits.some((s) => s % SECONDS_PER_MINUTE !== 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return splits.map((s) => {
    const d = new Date(s * 1_000);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return withSeconds ? `${hm}:${pad(d.getSeconds())}` : hm;
  });
}

function chartOptions(width: number): uPlot.Options {
  const axis = { stroke: AXIS_COLOR, grid: { stroke: GRID_COLOR, width: 1 }, ticks: { stroke: GRID_COLOR, width: 1 }, font: '11px system-ui, sans-serif' };
  return {
    width,
    height: CHART_HEIGHT,
    // Live data: keep the axes still instead of animating a zoom selection.
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { ...axis, values: (_u, splits) => clockTicks(splits) },
      { ...axis, size: 60, values: (_u, splits) => splits.map(tickMs) },
    ],
    series: [{}],
    legend: { live: true },
  };
}

/** Sets the chart's data, adding series for keys it has not seen (keys keeps their order). */
export function applyChartData(u: uPlot, data: ChartData, keys: string[]): void {
  u.batch(() => {
    for (const [key, s] of data.series) {
      if (keys.includes(key)) continue;
      const color = SERIES_COLORS[keys.length % SERIES_COLORS.length]!;
      u.addSeries({
        label: s.label,
        stroke: color,
        width: 1.5,
        spanGaps: true,
        points: { show: true, size: POINT_SIZE, fill: color },
        value: (_u, v) => formatMs(v),
      });
      keys.push(key);
    }
    const empty = () => data.x.map(() => null);
    u.setData([data.x, ...keys.map((k) => data.series.get(k)?.values ?? empty())] as uPlot.AlignedData);
  });
}

export interface LatencyChartProps {
  data: ChartData;
  /** Accessible name of the chart. */
  label: string;
  testId?: string;
}

export function LatencyChart({ data, label, testId }: LatencyChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const keys = useRef<string[]>([]);
  const latest = useRef(data);
  latest.current = data;
  const [unsupported, setUnsupported] = useState(false);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    if (!canvasSupported(el.ownerDocument)) {
      setUnsupported(true);
      return;
    }
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void import('uplot').then(({ default: UPlot }) => {
      if (disposed) return;
      const u = new UPlot(chartOptions(el.clientWidth || INITIAL_WIDTH), [[]], el);
      plot.current = u;
      applyChartData(u, latest.current, keys.current);
      observer = new ResizeObserver((entries) => {
        const width = Math.round(entries[0]?.contentRect.width ?? 0);
        if (width > 0 && width !== u.width) u.setSize({ width, height: CHART_HEIGHT });
      });
      observer.observe(el);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
      keys.current = [];
    };
    // Created once per mount; data goes in through the effect below.
  }, []);

  useEffect(() => {
    if (plot.current) applyChartData(plot.current, data, keys.current);
  }, [data]);

  return (
    <div className="latency-chart" role="figure" aria-label={label} data-testid={testId} data-series={data.series.size}>
      <div ref={host} className="latency-chart-host" />
      {unsupported ? <p className="field-hint">Charts need a 2D canvas, which this view does not have.</p> : null}
    </div>
  );
}
