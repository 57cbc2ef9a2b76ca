/**
 * The orchestrator's own latency: API requests per route (slowest p95 first), the credential proxy's
 * added and upstream time per provider, DB operations, and the event loop's delay with a sparkline.
 */
import { useMemo } from 'react';
import type { MetricsSnapshotDto } from '../../../src-shared/metrics.js';
import { apiRoutes, dbOperations, eventLoop, formatMs, proxyProviders, type LabelledLatency } from './dashboard-data.js';
import { LatencyCells, LatencyHeaders } from './LatencyCells.js';
import { Sparkline } from './Sparkline.js';

/** The event-loop sparkline's y axis reaches at least this, ms (its target). */
const EVENT_LOOP_SPARK_MIN_MS = 5;

function LabelledTable({ rows, what, testId, empty }: { rows: LabelledLatency[]; what: string; testId: string; empty: string }) {
  if (rows.length === 0) return <p className="field-hint dash-empty">{empty}</p>;
  return (
    <table className="data-table dash-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{what}</th>
          <LatencyHeaders />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label} data-testid={`${testId}-row`} data-label={r.label}>
            <th scope="row" className="mono dash-label">
              {r.label}
            </th>
            <LatencyCells stats={r} />
          </tr>
        ))}
      </tbody>
    </table>
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
          <table className="data-table dash-table" data-testid="proxy-table">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col" className="num">n</th>
                <th scope="col" className="num">added p50</th>
                <th scope="col" className="num">added p95</th>
                <th scope="col" className="num">upstream p50</th>
                <th scope="col" className="num">upstream p95</th>
              </tr>
            </thead>
            <tbody>
              {proxy.map((p) => (
                <tr key={p.provider} data-testid="proxy-row" data-provider={p.provider}>
                  <th scope="row" className="mono dash-label">
                    {p.provider}
                  </th>
                  <td className="num dash-faint">{p.added?.count ?? p.upstream?.count ?? 0}</td>
                  <td className="num">{formatMs(p.added?.p50)}</td>
                  <td className="num dash-strong">{formatMs(p.added?.p95)}</td>
                  <td className="num">{formatMs(p.upstream?.p50)}</td>
                  <td className="num">{formatMs(p.upstream?.p95)}</td>
                </tr>
              ))}
            </tbody>
          </table>
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
