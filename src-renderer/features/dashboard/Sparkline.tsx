/**
 * A tiny line chart on a fixed-size canvas, redrawn only when its values change. Sized by attributes
 * (never measured), so drawing dozens of them reads no layout.
 */
import { useEffect, useRef } from 'react';

/** CSS size of a sparkline, px. */
export const SPARK_WIDTH = 96;
export const SPARK_HEIGHT = 22;
/** Inset so the line's stroke is not clipped at the edges, px. */
const PAD = 1.5;

/** Where the points of `values` go on a width × height canvas; gaps (null) break the line. */
export function sparkPoints(values: ReadonlyArray<number | null>, width: number, height: number, minMax: number): Array<Array<[number, number]>> {
  const max = Math.max(minMax, ...values.map((v) => v ?? 0));
  const n = values.length;
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (run.length > 0) runs.push(run);
      run = [];
      return;
    }
    const x = n <= 1 ? width - PAD : PAD + (i / (n - 1)) * (width - 2 * PAD);
    const y = height - PAD - (Math.max(0, v) / max) * (height - 2 * PAD);
    run.push([x, y]);
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

export interface SparklineProps {
  values: ReadonlyArray<number | null>;
  /** The y axis reaches at least this (so a near-idle line stays near the bottom). */
  minMax: number;
  label: string;
  color?: string;
}

/** Line and fill colours when none is given (the theme's accent). */
const DEFAULT_COLOR = '#4c9bff';
/** Opacity of the area under the line, as a two-digit hex alpha. */
const FILL_ALPHA_HEX = '2e';

export function Sparkline({ values, minMax, label, color = DEFAULT_COLOR }: SparklineProps) {
  const ref = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(SPARK_WIDTH * dpr);
    const h = Math.round(SPARK_HEIGHT * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, SPARK_WIDTH, SPARK_HEIGHT);
    ctx.lineWidth = 1.25;
    ctx.lineJoin = 'round';
    for (const run of sparkPoints(values, SPARK_WIDTH, SPARK_HEIGHT, minMax)) {
      const [first] = run;
      if (!first) continue;
      if (run.length === 1) {
        ctx.fillStyle = color;
        ctx.fillRect(first[0] - 1, first[1] - 1, 2, 2);
        continue;
      }
      ctx.beginPath();
      ctx.moveTo(first[0], SPARK_HEIGHT);
      for (const [x, y] of run) ctx.lineTo(x, y);
      ctx.lineTo(run[run.length - 1]![0], SPARK_HEIGHT);
      ctx.closePath();
      ctx.fillStyle = color + FILL_ALPHA_HEX;
      ctx.fill();
      ctx.beginPath();
      run.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      ctx.strokeStyle = color;
      ctx.stroke();
    }
  }, [values, minMax, color]);

  return <canvas ref={ref} className="sparkline" width={SPARK_WIDTH} height={SPARK_HEIGHT} role="img" aria-label={label} data-testid="sparkline" />;
}
