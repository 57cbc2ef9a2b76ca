/**
 * One benchmark run: each figure's Berth p50/p95 beside its raw baseline, the ratio, and the change of
 * the p50 since the previous run (as `berth bench` prints it); then the advice per backend and the
 * backends that could not be measured, with why.
 */
import type { BenchRunDto } from '../../../src-shared/bench.js';
import { adviceSentence, changeSince, formatBenchValue, formatRatio, machineText, runDate } from './bench-format.js';

interface BenchResultsProps {
  run: BenchRunDto;
  /** The run stored before it (null: the first, or older than the list). */
  previous: BenchRunDto | null;
  /** The newest run (its advice is what the New session dialog shows). */
  latest: boolean;
}

export function BenchResults({ run, previous, latest }: BenchResultsProps) {
  const since = previous ? `vs run ${previous.id}` : 'vs previous';
  return (
    <div className="bench-results" data-testid="bench-results" data-run-id={run.id}>
      <p className="field-hint bench-results-head">
        <span className="dash-strong">Run {run.id}</span> · {runDate(run.startedAt)} · {machineText(run.machine)}
        {latest ? null : <span className="dash-faint"> · an earlier run</span>}
      </p>
      {run.figures.length === 0 ? (
        <p className="field-hint dash-empty">No figures: nothing could be measured.</p>
      ) : (
        <table className="data-table dash-table bench-table" data-testid="bench-table">
          <thead>
            <tr>
              <th scope="col">Figure</th>
              <th scope="col" className="num" title="Berth's median">
                Berth p50
              </th>
              <th scope="col" className="num">p95</th>
              <th scope="col" className="num" title="The raw baseline's median, measured in the same run">
                Baseline
              </th>
              <th scope="col" className="num" title="Berth p50 / baseline">
                Ratio
              </th>
              <th scope="col" className="num" title={previous ? `p50 change since run ${previous.id}` : 'No earlier run to compare with'}>
                {since}
              </th>
              <th scope="col" className="num">Runs</th>
            </tr>
          </thead>
          <tbody>
            {run.figures.map((f) => {
              const change = changeSince(f, previous);
              return (
                <tr key={f.id} data-testid="bench-figure" data-figure-id={f.id}>
                  <th scope="row" className="mono">
                    {f.id}
                  </th>
                  <td className="num dash-strong" data-testid="figure-p50">
                    {formatBenchValue(f.p50, f.unit)}
                  </td>
                  <td className="num" data-testid="figure-p95">
                    {formatBenchValue(f.p95, f.unit)}
                  </td>
                  <td className="num dash-faint" data-testid="figure-baseline">
                    {formatBenchValue(f.baseline, f.unit)}
                  </td>
                  <td className="num" data-testid="figure-ratio">
                    {formatRatio(f.ratio)}
                  </td>
                  <td className={`num bench-change bench-change-${change.kind}`} data-testid="figure-change" data-kind={change.kind}>
                    {change.text}
                  </td>
                  <td className="num dash-faint">{f.runs}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
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
