/**
 * Dashboard: Berth's live performance and resource figures, updated about once a second while shown.
 * Targets first (live p95 beside Berth's goals), then session creation per backend and phase, the
 * orchestrator's API/proxy/DB/event-loop latency, and CPU/memory per session and Berth process.
 * "Export JSON/CSV" saves the current window.
 */
import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { MetricWindow } from '../../../src-shared/metrics.js';
import { useServices } from '../../app/services.js';
import { BenchPanel } from '../bench/BenchPanel.js';
import { CreateLatencySection, windowText } from './CreateLatencySection.js';
import { sessionsByState } from './dashboard-data.js';
import { createDashboardStore } from './dashboard-store.js';
import { downloadText, EXPORT_MIME, exportCsv, exportFileName, exportJson, type DashboardExport } from './export.js';
import { ResourcesSection } from './ResourcesSection.js';
import { ServiceLatencySection } from './ServiceLatencySection.js';
import { TargetsSection } from './TargetsSection.js';
import { useDashboardPoll, type PollState } from './use-dashboard-poll.js';
import { useSessionMeta } from './use-session-meta.js';
import './dashboard.css';

/** The window the page opens with. */
export const DEFAULT_WINDOW: MetricWindow = '5m';

/** What the live indicator says. */
const POLL_TEXT: Record<PollState, string> = {
  live: 'Live · every second',
  hidden: 'Paused while hidden',
  offline: 'Waiting for the orchestrator',
};

export function DashboardPage() {
  const [store] = useState(createDashboardStore);
  const [metricWindow, setMetricWindow] = useState<MetricWindow>(DEFAULT_WINDOW);
  const poll = useDashboardPoll(store, metricWindow);
  const snapshot = useStore(store, (s) => s.snapshot);
  const series = useStore(store, (s) => s.series);
  const resources = useStore(store, (s) => s.resources);
  const eventLoopHistory = useStore(store, (s) => s.eventLoopHistory);
  const error = useStore(store, (s) => s.error);
  const { store: appStore } = useServices();
  const meta = useSessionMeta();
  const states = useMemo(() => sessionsByState(Object.values(meta)), [meta]);

  const save = (format: 'json' | 'csv') => {
    if (!snapshot) return;
    const data: DashboardExport = {
      exportedAt: Date.now(),
      window: snapshot.window,
      snapshot,
      resources,
      sessionNames: Object.fromEntries(Object.values(appStore.getState().sessions).map((s) => [s.id, s.name])),
    };
    const text = format === 'json' ? exportJson(data) : exportCsv(data);
    downloadText(document, exportFileName(data.window, data.exportedAt, format), EXPORT_MIME[format], text);
  };

  return (
    <div className="settings-page dashboard-page" data-testid="dashboard-page" data-poll={poll} aria-busy={!snapshot}>
      <div className="page-head">
        <h1>Dashboard</h1>
        <div className="page-actions">
          <div className="dash-windows" role="group" aria-label="Window">
            {MetricWindow.options.map((w) => (
              <button
                key={w}
                type="button"
                className={`dash-window${w === metricWindow ? ' active' : ''}`}
                aria-pressed={w === metricWindow}
                data-testid={`window-${w}`}
                title={`Percentiles over the last ${windowText(w)}`}
                onClick={() => setMetricWindow(w)}
              >
                {w}
              </button>
            ))}
          </div>
          <button type="button" className="button" data-testid="export-json" disabled={!snapshot} onClick={() => save('json')}>
            Export JSON
          </button>
          <button type="button" className="button" data-testid="export-csv" disabled={!snapshot} onClick={() => save('csv')}>
            Export CSV
          </button>
        </div>
      </div>
      <div className="dash-status" role="status">
        <span className={`dash-live-dot dash-poll-${poll}`} aria-hidden="true" />
        <span data-testid="dash-poll">{POLL_TEXT[poll]}</span>
        {snapshot && !snapshot.enabled ? <span className="dash-warn-text">· metrics are switched off</span> : null}
        <span className="dash-states" data-testid="dash-states">
          {states.map((s) => (
            <span key={s.state} className={`state-badge state-${s.state}`} data-state={s.state}>
              {s.count} {s.state}
            </span>
          ))}
        </span>
      </div>
      {error ? (
        <p className="error-text dash-error" role="alert" data-testid="dash-error">
          {error}
        </p>
      ) : null}

      <TargetsSection snapshot={snapshot} />
      <CreateLatencySection snapshot={snapshot} series={series} metricWindow={metricWindow} />
      <ServiceLatencySection snapshot={snapshot} eventLoopHistory={eventLoopHistory} />
      <ResourcesSection resources={resources} />
      <BenchPanel />
    </div>
  );
}
