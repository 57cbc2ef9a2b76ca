/**
 * The count, p50, p95 and p99 every Dashboard latency table shows: as `DataTable` columns, and as
 * loose cells for the one table with grouped rows (session creation).
 */
import type { Column } from '../../components/DataTable.js';
import { formatMs, type LatencyStats } from './dashboard-data.js';

/** One latency figure: its header, its cell's test id and how it reads from the stats. */
interface LatencyFigure {
  header: string;
  testId: string;
  /** The count is shown faint, never strong. */
  faint: boolean;
  text(stats: LatencyStats | null): string | number;
}

const FIGURES: readonly LatencyFigure[] = [
  { header: 'n', testId: 'cell-count', faint: true, text: (s) => (s ? s.count : '—') },
  { header: 'p50', testId: 'cell-p50', faint: false, text: (s) => formatMs(s?.p50) },
  { header: 'p95', testId: 'cell-p95', faint: false, text: (s) => formatMs(s?.p95) },
  { header: 'p99', testId: 'cell-p99', faint: false, text: (s) => formatMs(s?.p99) },
];

function figureClass(figure: LatencyFigure, strong: boolean): string | undefined {
  if (figure.faint) return 'dash-faint';
  return strong ? 'dash-strong' : undefined;
}

/** The latency columns of a `DataTable` whose rows carry stats. */
export function latencyColumns<Row extends LatencyStats | null>(): Column<Row>[] {
  return FIGURES.map((figure) => ({ header: figure.header, numeric: true, className: figureClass(figure, false), testId: figure.testId, render: (row) => figure.text(row) }));
}

/** The header cells matching LatencyCells. */
export function LatencyHeaders() {
  return (
    <>
      {FIGURES.map((figure) => (
        <th key={figure.testId} scope="col" className="num">
          {figure.header}
        </th>
      ))}
    </>
  );
}

/** A row's latency cells, strong (a total) or not. */
export function LatencyCells({ stats, strong = false }: { stats: LatencyStats | null; strong?: boolean }) {
  return (
    <>
      {FIGURES.map((figure) => {
        const own = figureClass(figure, strong);
        return (
          <td key={figure.testId} className={own ? `num ${own}` : 'num'} data-testid={figure.testId}>
            {figure.text(stats)}
          </td>
        );
      })}
    </>
  );
}
