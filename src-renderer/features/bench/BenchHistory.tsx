/**
 * Past benchmark runs, newest first: date, machine and a couple of headline figures each; a click shows
 * that run in the results above.
 */
import type { BenchRunDto } from '../../../src-shared/bench.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { headlineFigures, machineText, runDate } from './bench-format.js';

interface BenchHistoryProps {
  runs: readonly BenchRunDto[];
  selectedId: number | null;
  onSelect(id: number): void;
}

export function BenchHistory({ runs, selectedId, onSelect }: BenchHistoryProps) {
  const columns: Column<BenchRunDto>[] = [
    {
      header: 'Run',
      rowHeader: true,
      render: (run) => (
        <button
          type="button"
          className="link-button"
          aria-pressed={run.id === selectedId}
          aria-label={`Show run ${run.id}`}
          data-testid="bench-history-select"
          onClick={(e) => {
            e.stopPropagation();
            onSelect(run.id);
          }}
        >
          #{run.id}
        </button>
      ),
    },
    { header: 'Date', className: 'nowrap', render: (run) => runDate(run.startedAt) },
    { header: 'Machine', className: 'dash-label', title: (run) => machineText(run.machine), render: (run) => machineText(run.machine) },
    {
      header: 'Headline figures (p50)',
      render: (run) => (
        <>
          {headlineFigures(run).map((h) => (
            <span key={h.id} className="bench-headline" data-figure-id={h.id}>
              {h.text}
            </span>
          ))}
          {run.skipped.length > 0 ? <span className="dash-faint">{run.skipped.length} skipped</span> : null}
        </>
      ),
    },
  ];
  return (
    <DataTable
      className="dash-table bench-history"
      testId="bench-history"
      caption="Past runs"
      columns={columns}
      rows={runs}
      rowKey={(run) => run.id}
      rowAttributes={(run) => ({
        className: `bench-history-row${run.id === selectedId ? ' selected' : ''}`,
        'data-testid': 'bench-history-row',
        'data-run-id': run.id,
        'data-selected': run.id === selectedId,
        onClick: () => onSelect(run.id),
      })}
    />
  );
}
