/**
 * The orchestrator's own latency: API requests per route (slowest p95 first), the credential proxy's
 * added and upstream time per provider, DB operations, and the event loop's delay with a sparkline.
 */
import { useMemo } from 'react';
import type { MetricsSnapshotDto } from '../../../src-shared/metrics.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { apiRoutes, dbOperations, eventLoop, formatMs, proxyProviders, type LabelledLatency, type ProxyRow } from './dashboard-data.js';
import { latencyColumns } from './LatencyCells.js';
import { Sparkline } from './Sparkline.js';

/** The event-loop sparkline's y axis reaches at least this, ms (its target). */
const EVENT_LOOP_SPARK_MIN_MS = 5;

/** The proxy table's columns: requests, then what Berth adds and the upstream's time, p50 and p95. */
const PROXY_COLUMNS: readonly Column<ProxyRow>[] = [
  { header: 'Provider', rowHeader: true, className: 'mono dash-label', render: (p) => p.provider },
  { header: 'n', numeric: true, className: 'dash-faint', render: (p) => p.added?.count ?? p.upstream?.count ?? 0 },
  { header: 'added p50', numeric: true, render: (p) => formatMs(p.added?.p50) },
  { header: 'added p95', numeric: true, className: 'dash-strong', render: (p) => formatMs(p.added?.p95) },
  { header: 'upstream p50', numeric: true, render: (p) => formatMs(p.upstream?.p50) },
  { header: 'upstream p95', numeric: true, render: (p) => formatMs(p.upstream?.p95) },
];

function LabelledTable({ rows, what, testId, empty }: { rows: LabelledLatency[]; what: string; testId: string; empty: string }) {
  if (rows.length === 0) return <p className="field-hint dash-empty">{empty}</p>;
  const columns: Column<LabelledLatency>[] = [{ header: what, rowHeader: true, className: 'mono dash-label', render: (r) => r.label }, ...latencyColumns<LabelledLatency>()];
  return (
    <DataTable
      className="dash-table"
      testId={testId}
      columns={columns}
      rows={rows}
      rowKey={(r) => r.label}
      rowAttributes={(r) => ({ 'data-testid': `${testId}-row`, 'data-label': r.label })}
    />
  );
}

export function ServiceLatencySection({ snapshot, eventLoopHistory }: { snapshot: MetricsSnapshotDto | null; eventLoopHistory: Array<number | null> }) {
  const api = useMemo(() => apiRoutes(snapshot), [snapshot]);
  const db = useMemo(() => dbOperations(snapshot), [snapshot]);
  const proxy = useMemo(() => proxyProviders(snapshot), [snapshot]);
  const loop = eventLoop(snapshot);

  return (
    <div className="dash-grid">
      <section className="settings-section dash-section" data-testid="dash-api" aria-labelledby="dash-api-title">
        <div className="dash-section-head">
          <h2 id="dash-api-title">API requests</h2>
          <span className="dash-note">by route, slowest p95 first</span>
        </div>
        <LabelledTable rows={api.rows} what="Route" testId="api-table" empty="No API requests in this window." />
        {api.more > 0 ? <p className="field-hint">and {api.more} more routes (in the export)</p> : null}
      </section>

      <section className="settings-section dash-section" data-testid="dash-proxy" aria-labelledby="dash-proxy-title">
        <div className="dash-section-head">
          <h2 id="dash-proxy-title">Credential proxy</h2>
          <span className="dash-note">added by Berth · upstream to headers</span>
        </div>
        {proxy.length === 0 ? (
          <p className="field-hint dash-empty">No proxied requests in this window.</p>
        ) : (
          <DataTable
            className="dash-table"
            testId="proxy-table"
            columns={PROXY_COLUMNS}
            rows={proxy}
            rowKey={(p) => p.provider}
            rowAttributes={(p) => ({ 'data-testid': 'proxy-row', 'data-provider': p.provider })}
          />
        )}
      </section>

      <section className="settings-section dash-section" data-testid="dash-db" aria-labelledby="dash-db-title">
        <div className="dash-section-head">
          <h2 id="dash-db-title">Database</h2>
          <span className="dash-note">by operation</span>
        </div>
        <LabelledTable rows={db} what="Operation" testId="db-table" empty="No database operations in this window." />
      </section>

      <section className="settings-section dash-section" data-testid="dash-event-loop" aria-labelledby="dash-loop-title">
        <div className="dash-section-head">
          <h2 id="dash-loop-title">Event loop</h2>
          <span className="dash-note">how late the orchestrator ran due work, last second</span>
        </div>
        <div className="dash-loop">
          <dl className="dash-figures">
            <div>
              <dt>p50</dt>
              <dd data-testid="loop-p50">{formatMs(loop.p50)}</dd>
            </div>
            <div>
              <dt>p99</dt>
              <dd data-testid="loop-p99">{formatMs(loop.p99)}</dd>
            </div>
            <div>
              <dt>max</dt>
              <dd data-testid="loop-max">{formatMs(loop.max)}</dd>
            </div>
          </dl>
          <Sparkline values={eventLoopHistory} minMax={EVENT_LOOP_SPARK_MIN_MS} label="Event-loop delay p99 over the last minute" />
        </div>
      </section>
    </div>
  );
}
