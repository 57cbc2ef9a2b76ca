/**
 * Audit rows as a table: time, session, provider, host, method, path, status, bytes up/down, latency,
 * whether a credential was injected, the egress decision, tokens in/out and cost. Never header values
 * or bodies: the rows carry none.
 */
import type { SessionDto } from '../../../../src-shared/dto.js';
import type { AuditRowDto } from '../../../../src-shared/proxy.js';
import { formatBytes } from '../../docker/docker-format.js';
import { formatAuditTime, formatCost, formatCount, formatLatency, sessionLabel } from '../proxy-format.js';

interface AuditTableProps {
  rows: readonly AuditRowDto[];
  sessions: Readonly<Record<string, Pick<SessionDto, 'name'>>>;
  now?: number;
}

/** Status classes: 2xx ok, 4xx/5xx and refusals (no status) bad. */
function statusClass(status: number | null): string {
  if (status === null) return 'audit-status-none';
  if (status < 400) return 'audit-status-ok';
  return 'audit-status-bad';
}

const COLUMNS = 14;

export function AuditTable({ rows, sessions, now = Date.now() }: AuditTableProps) {
  return (
    <div className="audit-table-wrap">
      <table className="data-table audit-table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Session</th>
            <th scope="col">Provider</th>
            <th scope="col">Host</th>
            <th scope="col">Method</th>
            <th scope="col">Path</th>
            <th scope="col" className="num">
              Status
            </th>
            <th scope="col" className="num">
              Up
            </th>
            <th scope="col" className="num">
              Down
            </th>
            <th scope="col" className="num">
              Latency
            </th>
            <th scope="col">Injected</th>
            <th scope="col">Decision</th>
            <th scope="col" className="num">
              Tokens in / out
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS} className="empty-cell" data-testid="audit-empty">
                No requests recorded.
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.id} data-testid="audit-row" data-id={row.id} data-injected={row.injected} data-decision={row.decision} data-status={row.status ?? ''}>
                <td className="nowrap" title={new Date(row.at).toLocaleString()}>
                  {formatAuditTime(row.at, now)}
                </td>
                <td className="nowrap" data-testid="audit-session">
                  {sessionLabel(row.sessionId, sessions)}
                </td>
                <td className="nowrap">{row.provider ?? '—'}</td>
                <td className="mono nowrap" data-testid="audit-host">
                  {row.host}
                </td>
                <td className="mono" data-testid="audit-method">
                  {row.method}
                </td>
                <td className="mono audit-path" data-testid="audit-path" title={row.path}>
                  {row.path}
                </td>
                <td className={`num ${statusClass(row.status)}`} data-testid="audit-status">
                  {row.status ?? '—'}
                </td>
                <td className="num">{formatBytes(row.bytesUp)}</td>
                <td className="num">{formatBytes(row.bytesDown)}</td>
                <td className="num">{formatLatency(row.latencyMs)}</td>
                <td data-testid="audit-injected" className={row.injected ? 'audit-injected' : 'empty-cell'}>
                  {row.injected ? 'yes' : 'no'}
                </td>
                <td data-testid="audit-decision">
                  <span className={`decision decision-${row.decision}`}>{row.decision}</span>
                </td>
                <td className="num" data-testid="audit-tokens" title={row.model ?? undefined}>
                  {row.tokensIn === null && row.tokensOut === null ? '—' : `${formatCount(row.tokensIn)} / ${formatCount(row.tokensOut)}`}
                </td>
                <td className="num" data-testid="audit-cost">
                  {formatCost(row.costUsd)}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
