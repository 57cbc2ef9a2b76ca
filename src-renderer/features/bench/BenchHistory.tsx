/**
 * Past benchmark runs, newest first: date, machine and a couple of headline figures each; a click shows
 * that run in the results above.
 */
import type { BenchRunDto } from '../../../src-shared/bench.js';
import { headlineFigures, machineText, runDate } from './bench-format.js';

interface BenchHistoryProps {
  runs: readonly BenchRunDto[];
  selectedId: number | null;
  onSelect(id: number): void;
}

export function BenchHistory({ runs, selectedId, onSelect }: BenchHistoryProps) {
  return (
    <table className="data-table dash-table bench-history" data-testid="bench-history">
      <caption>Past runs</caption>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Date</th>
          <th scope="col">Machine</th>
          <th scope="col">Headline figures (p50)</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const selected = run.id === selectedId;
          return (
            <tr
              key={run.id}
              className={`bench-history-row${selected ? ' selected' : ''}`}
              data-testid="bench-history-row"
              data-run-id={run.id}
              data-selected={selected}
              onClick={() => onSelect(run.id)}
            >
              <th scope="row">
                <button
                  type="button"
                  className="link-button"
                  aria-pressed={selected}
                  aria-label={`Show run ${run.id}`}
                  data-testid="bench-history-select"
                  onClick={(e) => {
                    e.stopPropagation();
                    onSelect(run.id);
                  }}
                >
                  #{run.id}
                </button>
              </th>
              <td className="nowrap">{runDate(run.startedAt)}</td>
              <td className="dash-label" title={machineText(run.machine)}>
                {machineText(run.machine)}
              </td>
              <td>
                {headlineFigures(run).map((h) => (
                  <span key={h.id} className="bench-headline" data-figure-id={h.id}>
                    {h.text}
                  </span>
                ))}
                {run.skipped.length > 0 ? <span className="dash-faint">{run.skipped.length} skipped</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
