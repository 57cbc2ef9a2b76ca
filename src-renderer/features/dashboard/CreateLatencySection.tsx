/**
 * Session creation latency: per backend, cold and warm, each phase's p50/p95/p99 over the window, and a
 * chart of the per-second p95 of the whole create (request → first output byte) per backend.
 */
import { useMemo } from 'react';
import { METRIC_WINDOW_SECONDS, type MetricTimeSeriesDto, type MetricWindow, type MetricsSnapshotDto } from '../../../src-shared/metrics.js';
import { createChartData, createLatencyGroups } from './dashboard-data.js';
import { LatencyCells, LatencyHeaders } from './LatencyCells.js';
import { LatencyChart } from './LatencyChart.js';
import { chartSeconds } from './use-dashboard-poll.js';

/** A window in words, e.g. "5 minutes", "1 hour". */
export function windowText(metricWindow: MetricWindow): string {
  const seconds = METRIC_WINDOW_SECONDS[metricWindow];
  const SECONDS_PER_HOUR = 3_600;
  const SECONDS_PER_MINUTE = 60;
  if (seconds >= SECONDS_PER_HOUR) {
    const h = seconds / SECONDS_PER_HOUR;
    return `${h} hour${h === 1 ? '' : 's'}`;
  }
  const m = seconds / SECONDS_PER_MINUTE;
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/** Phase names as the table shows them. */
const PHASE_TEXT: Record<string, string> = {
  worktree: 'worktree',
  include: 'copy .worktreeinclude',
  setup: 'setup command',
  image: 'image',
  start: 'backend start',
  'first-output': 'first output',
  total: 'total',
};

export interface CreateLatencySectionProps {
  snapshot: MetricsSnapshotDto | null;
  series: readonly MetricTimeSeriesDto[];
  metricWindow: MetricWindow;
}

export function CreateLatencySection({ snapshot, series, metricWindow }: CreateLatencySectionProps) {
  const groups = useMemo(() => createLatencyGroups(snapshot), [snapshot]);
  const spanSeconds = chartSeconds(metricWindow);
  const chart = useMemo(() => createChartData(series, snapshot?.at ?? Date.now(), spanSeconds), [series, snapshot, spanSeconds]);
  const chartSpan = spanSeconds < METRIC_WINDOW_SECONDS[metricWindow] ? `last ${spanSeconds / 60} minutes` : `last ${windowText(metricWindow)}`;

  return (
    <section className="settings-section dash-section" data-testid="dash-create" aria-labelledby="dash-create-title">
      <div className="dash-section-head">
        <h2 id="dash-create-title">Session creation</h2>
        <span className="dash-note">p95 of request → first output, per second · {chartSpan}</span>
      </div>
      <LatencyChart data={chart} label="Per-second p95 of session creation time by backend" testId="create-chart" />
      {groups.length === 0 ? (
        <p className="field-hint dash-empty" data-testid="create-empty">
          No sessions created in the last {windowText(metricWindow)}.
        </p>
      ) : (
        <table className="data-table dash-table dash-create-table" data-testid="create-table">
          <thead>
            <tr>
              <th scope="col">Backend</th>
              <th scope="col">Start</th>
              <th scope="col">Phase</th>
              <LatencyHeaders />
            </tr>
          </thead>
          {groups.map((g) => (
            <tbody key={g.key} className="dash-group" data-testid="create-group" data-backend={g.backend} data-warm={g.warm}>
              {g.phases.map((p, i) => (
                <tr key={p.phase} data-testid="create-row" data-phase={p.phase} className={p.phase === 'total' ? 'dash-total' : undefined}>
                  {i === 0 ? (
                    <>
                      <th scope="rowgroup" rowSpan={g.phases.length} className="dash-backend">
                        {g.backend}
                      </th>
                      <td rowSpan={g.phases.length} className="dash-faint">
                        <span className={`dash-pill ${g.warm ? 'dash-warm' : 'dash-cold'}`}>{g.warm ? 'warm' : 'cold'}</span>
                      </td>
                    </>
                  ) : null}
                  <td>{PHASE_TEXT[p.phase] ?? p.phase}</td>
                  <LatencyCells stats={p} strong={p.phase === 'total'} />
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      )}
    </section>
  );
}
