/**
 * Audit rows as a table: time, session, provider, host, method, path, status, bytes up/down, latency,
 * whether a credential was injected, the egress decision, tokens in/out and cost. Never header values
 * or bodies: the rows carry none.
 */
import type { SessionDto } from '../../../../src-shared/dto.js';
import type { AuditRowDto } from '../../../../src-shared/proxy.js';
import { DataTable, type Column } from '../../../components/DataTable.js';
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

/** The table's columns; times are shown relative to `now`. */
function auditColumns(now: number, sessions: AuditTableProps['sessions']): Column<AuditRowDto>[] {
  return [
    { header: 'Time', className: 'nowrap', title: (row) => new Date(row.at).toLocaleString(), render: (row) => formatAuditTime(row.at, now) },
    { header: 'Session', className: 'nowrap', testId: 'audit-session', render: (row) => sessionLabel(row.sessionId, sessions) },
    { header: 'Provider', className: 'nowrap', render: (row) => row.provider ?? '—' },
    { header: 'Host', className: 'mono nowrap', testId: 'audit-host', render: (row) => row.host },
    { header: 'Method', className: 'mono', testId: 'audit-method', render: (row) => row.method },
    { header: 'Path', className: 'mono audit-path', testId: 'audit-path', title: (row) => row.path, render: (row) => row.path },
    { header: 'Status', numeric: true, className: (row) => statusClass(row.status), testId: 'audit-status', render: (row) => row.status ?? '—' },
    { header: 'Up', numeric: true, render: (row) => formatBytes(row.bytesUp) },
    { header: 'Down', numeric: true, render: (row) => formatBytes(row.bytesDown) },
    { header: 'Latency', numeric: true, render: (row) => formatLatency(row.latencyMs) },
    { header: 'Injected', testId: 'audit-injected', className: (row) => (row.injected ? 'audit-injected' : 'empty-cell'), render: (row) => (row.injected ? 'yes' : 'no') },
    { header: 'Decision', testId: 'audit-decision', render: (row) => <span className={`decision decision-${row.decision}`}>{row.decision}</span> },
    {
      header: 'Tokens in / out',
      numeric: true,
      testId: 'audit-tokens',
      title: (row) => row.model ?? undefined,
      render: (row) => (row.tokensIn === null && row.tokensOut === null ? '—' : `${formatCount(row.tokensIn)} / ${formatCount(row.tokensOut)}`),
    },
    { header: 'Cost', numeric: true, testId: 'audit-cost', render: (row) => formatCost(row.costUsd) },
  ];
}

export function AuditTable({ rows, sessions, now = Date.now() }: AuditTableProps) {
  return (
    <div className="audit-table-wrap">
      <DataTable
        className="audit-table"
        testId="audit-table"
        columns={auditColumns(now, sessions)}
        rows={rows}
        rowKey={(row) => row.id}
        rowAttributes={(row) => ({ 'data-testid': 'audit-row', 'data-id': row.id, 'data-injected': row.injected, 'data-decision': row.decision, 'data-status': row.status ?? '' })}
        empty={{ text: 'No requests recorded.', testId: 'audit-empty' }}
      />
    </div>
  );
}
