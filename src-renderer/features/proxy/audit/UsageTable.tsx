/**
 * Token use and cost per session and model (`usage.list`), grouped by session, with the totals.
 */
import type { SessionDto } from '../../../../src-shared/dto.js';
import type { UsageDto } from '../../../../src-shared/proxy.js';
import { DataTable, type Column } from '../../../components/DataTable.js';
import { formatCost, formatCount, sessionLabel, sumUsage } from '../proxy-format.js';

interface UsageTableProps {
  usage: readonly UsageDto[];
  sessions: Readonly<Record<string, Pick<SessionDto, 'name'>>>;
}

/** Rows grouped by session (sessions by name), the costliest model first within a session. */
export function orderUsage(usage: readonly UsageDto[], sessions: UsageTableProps['sessions']): UsageDto[] {
  return [...usage].sort((a, b) => {
    const byName = sessionLabel(a.sessionId, sessions).localeCompare(sessionLabel(b.sessionId, sessions));
    if (byName !== 0) return byName;
    if (a.sessionId !== b.sessionId) return a.sessionId.localeCompare(b.sessionId);
    return b.costUsd - a.costUsd || a.model.localeCompare(b.model);
  });
}

const COLUMNS_AFTER_SESSION: readonly Column<UsageDto>[] = [
  { header: 'Provider', className: 'nowrap', render: (row) => row.provider },
  { header: 'Model', className: 'mono', render: (row) => row.model },
  { header: 'Requests', numeric: true, render: (row) => formatCount(row.requests) },
  { header: 'Tokens in', numeric: true, render: (row) => formatCount(row.tokensIn) },
  { header: 'Tokens out', numeric: true, render: (row) => formatCount(row.tokensOut) },
  { header: 'Cost', numeric: true, render: (row) => formatCost(row.costUsd) },
];

export function UsageTable({ usage, sessions }: UsageTableProps) {
  const rows = orderUsage(usage, sessions);
  const totals = sumUsage(usage);
  const columns: Column<UsageDto>[] = [{ header: 'Session', className: 'nowrap', render: (row) => sessionLabel(row.sessionId, sessions) }, ...COLUMNS_AFTER_SESSION];
  return (
    <DataTable
      className="usage-table"
      testId="usage-table"
      columns={columns}
      rows={rows}
      rowKey={(row) => `${row.sessionId}|${row.provider}|${row.model}`}
      rowAttributes={(row) => ({ 'data-testid': 'usage-row', 'data-session-id': row.sessionId, 'data-model': row.model })}
      empty={{ text: 'No token use recorded yet.', testId: 'usage-empty' }}
      footer={
        rows.length > 0 ? (
          <tr className="usage-total" data-testid="usage-total">
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td className="num">{formatCount(totals.requests)}</td>
            <td className="num">{formatCount(totals.tokensIn)}</td>
            <td className="num">{formatCount(totals.tokensOut)}</td>
            <td className="num">{formatCost(totals.costUsd)}</td>
          </tr>
        ) : undefined
      }
    />
  );
}
