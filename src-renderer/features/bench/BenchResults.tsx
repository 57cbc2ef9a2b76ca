/**
 * One benchmark run: each figure's Berth p50/p95 beside its raw baseline, the ratio, and the change of
 * the p50 since the previous run (as `berth bench` prints it); then the advice per backend and the
 * backends that could not be measured, with why.
 */
import type { BenchFigureDto, BenchRunDto } from '../../../src-shared/bench.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { adviceSentence, changeSince, formatBenchValue, formatRatio, machineText, runDate } from './bench-format.js';

interface BenchResultsProps {
  run: BenchRunDto;
  /** The run stored before it (null: the first, or older than the list). */
  previous: BenchRunDto | null;
  /** The newest run (its advice is what the New session dialog shows). */
  latest: boolean;
}

/** A figure's columns; the last compares its p50 with the run before (`previous`). */
function figureColumns(previous: BenchRunDto | null): Column<BenchFigureDto>[] {
  const change = (f: BenchFigureDto) => changeSince(f, previous);
  return [
    { header: 'Figure', rowHeader: true, className: 'mono', render: (f) => f.id },
    { header: 'Berth p50', headerTitle: "Berth's median", numeric: true, className: 'dash-strong', testId: 'figure-p50', render: (f) => formatBenchValue(f.p50, f.unit) },
    { header: 'p95', numeric: true, testId: 'figure-p95', render: (f) => formatBenchValue(f.p95, f.unit) },
    {
      header: 'Baseline',
      headerTitle: "The raw baseline's median, measured in the same run",
      numeric: true,
      className: 'dash-faint',
      testId: 'figure-baseline',
      render: (f) => formatBenchValue(f.baseline, f.unit),
    },
    { header: 'Ratio', headerTitle: 'Berth p50 / baseline', numeric: true, testId: 'figure-ratio', render: (f) => formatRatio(f.ratio) },
    {
      header: previous ? `vs run ${previous.id}` : 'vs previous',
      headerTitle: previous ? `p50 change since run ${previous.id}` : 'No earlier run to compare with',
      numeric: true,
      className: (f) => `bench-change bench-change-${change(f).kind}`,
      testId: 'figure-change',
      attributes: (f) => ({ 'data-kind': change(f).kind }),
      render: (f) => change(f).text,
    },
    { header: 'Runs', numeric: true, className: 'dash-faint', render: (f) => f.runs },
  ];
}

export function BenchResults({ run, previous, latest }: BenchResultsProps) {
  return (
    <div className="bench-results" data-testid="bench-results" data-run-id={run.id}>
      <p className="field-hint bench-results-head">
        <span className="dash-strong">Run {run.id}</span> · {runDate(run.startedAt)} · {machineText(run.machine)}
        {latest ? null : <span className="dash-faint"> · an earlier run</span>}
      </p>
      {run.figures.length === 0 ? (
        <p className="field-hint dash-empty">No figures: nothing could be measured.</p>
      ) : (
        <DataTable
          className="dash-table bench-table"
          testId="bench-table"
          columns={figureColumns(previous)}
          rows={run.figures}
          rowKey={(f) => f.id}
          rowAttributes={(f) => ({ 'data-testid': 'bench-figure', 'data-figure-id': f.id })}
        />
      )}
      {run.advice.length > 0 ? (
        <div className="bench-advice" data-testid="bench-advice">
          <h3>Advice{latest ? ' (shown in New session next to each backend)' : ''}</h3>
          <ul>
            {run.advice.map((a) => (
              <li key={a.backend} data-testid="bench-advice-line" data-backend={a.backend}>
                <span className="bench-backend">{a.backend}</span> {adviceSentence(a.text)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {run.skipped.length > 0 ? (
        <ul className="bench-skipped" data-testid="bench-skipped">
          {run.skipped.map((s) => (
            <li key={s.backend} data-testid="bench-skipped-line" data-backend={s.backend}>
              <span className="bench-backend">{s.backend}</span> skipped: {s.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
