/**
 * Token use and cost per session and model (`usage.list`), grouped by session, with the totals.
 */
import type { SessionDto } from '../../../../src-shared/dto.js';
import type { UsageDto } from '../../../../src-shared/proxy.js';
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

export function UsageTable({ usage, sessions }: UsageTableProps) {
  const rows = orderUsage(usage, sessions);
  const totals = sumUsage(usage);
  return (
    <table className="data-table usage-table" data-testid="usage-table">
      <thead>
        <tr>
          <th scope="col">Session</th>
          <th scope="col">Provider</th>
          <th scope="col">Model</th>
          <th scope="col" className="num">
            Requests
          </th>
          <th scope="col" className="num">
            Tokens in
          </th>
          <th scope="col" className="num">
            Tokens out
          </th>
          <th scope="col" className="num">
            Cost
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={7} className="empty-cell" data-testid="usage-empty">
              No token use recorded yet.
            </td>
          </tr>
        ) : (
          rows.map((row) => (
            <tr key={`${row.sessionId}|${row.provider}|${row.model}`} data-testid="usage-row" data-session-id={row.sessionId} data-model={row.model}>
              <td className="nowrap">{sessionLabel(row.sessionId, sessions)}</td>
              <td className="nowrap">{row.provider}</td>
              <td className="mono">{row.model}</td>
              <td className="num">{formatCount(row.requests)}</td>
              <td className="num">{formatCount(row.tokensIn)}</td>
              <td className="num">{formatCount(row.tokensOut)}</td>
              <td className="num">{formatCost(row.costUsd)}</td>
            </tr>
          ))
        )}
      </tbody>
      {rows.length > 0 ? (
        <tfoot>
          <tr className="usage-total" data-testid="usage-total">
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td className="num">{formatCount(totals.requests)}</td>
            <td className="num">{formatCount(totals.tokensIn)}</td>
            <td className="num">{formatCount(totals.tokensOut)}</td>
            <td className="num">{formatCost(totals.costUsd)}</td>
          </tr>
        </tfoot>
      ) : null}
    </table>
  );
}
