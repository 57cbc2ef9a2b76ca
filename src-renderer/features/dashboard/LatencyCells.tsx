/**
 * Table cells shared by the Dashboard's latency tables: count, p50, p95, p99.
 */
import { formatMs, type LatencyStats } from './dashboard-data.js';

/** The header cells matching LatencyCells. */
export function LatencyHeaders({ prefix = '' }: { prefix?: string }) {
  return (
    <>
      <th scope="col" className="num">{`${prefix}n`}</th>
      <th scope="col" className="num">{`${prefix}p50`}</th>
      <th scope="col" className="num">{`${prefix}p95`}</th>
      <th scope="col" className="num">{`${prefix}p99`}</th>
    </>
  );
}

export function LatencyCells({ stats, strong = false }: { stats: LatencyStats | null; strong?: boolean }) {
  const cls = strong ? 'num dash-strong' : 'num';
  return (
    <>
      <td className="num dash-faint" data-testid="cell-count">
        {stats ? stats.count : '—'}
      </td>
      <td className={cls} data-testid="cell-p50">
        {formatMs(stats?.p50)}
      </td>
      <td className={cls} data-testid="cell-p95">
        {formatMs(stats?.p95)}
      </td>
      <td className={cls} data-testid="cell-p99">
        {formatMs(stats?.p99)}
      </td>
    </>
  );
}
