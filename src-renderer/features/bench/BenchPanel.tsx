/**
 * "Benchmark this machine" (the Dashboard's last section): pick backends and runs, Run; a progress bar
 * follows the `bench.progress` events while the run (minutes) goes on; then the figures against their
 * raw baselines with the change since the previous run, the advice, what was skipped, and the past runs.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BackendId } from '../../../src-shared/dto.js';
import { useAppState, useServices } from '../../app/services.js';
import { startBenchRun } from './bench-actions.js';
import { defaultBackendSelection, DEFAULT_RUNS, MAX_RUNS, MIN_RUNS, previousRun, runsProblem, withRun } from './bench-format.js';
import { BenchHistory } from './BenchHistory.js';
import { BenchProgress } from './BenchProgress.js';
import { BenchResults } from './BenchResults.js';
import { useBenchData } from './use-bench-data.js';
import { useReveal } from './use-reveal.js';
import './bench.css';

/** Words before an error the orchestrator answered, by code. */
function errorText(code: string, message: string): string {
  if (code === 'conflict') return `Another benchmark is running: ${message}`;
  return `The benchmark did not finish: ${message}`;
}

export function BenchPanel() {
  const { connection, store } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const ownRun = useAppState((s) => s.benchOwnRun);
  const progress = useAppState((s) => s.benchProgress);
  const outcome = useAppState((s) => s.benchOutcome);
  const reveal = useAppState((s) => s.benchRevealRequested);
  const { backends, runs, loadError } = useBenchData();
  /** Backends the user checked; null until they change the defaults. */
  const [picked, setPicked] = useState<BackendId[] | null>(null);
  const [runsText, setRunsText] = useState(String(DEFAULT_RUNS));
  /** The past run being viewed; null: the newest. */
  const [viewedId, setViewedId] = useState<number | null>(null);
  const sectionRef = useRef<HTMLElement>(null);

  // Opened from a "Benchmark this machine" link: bring the section into view once.
  const revealed = useCallback(() => store.getState().setBenchRevealRequested(false), [store]);
  useReveal(sectionRef, reveal, revealed);

  // A run of this window just finished: show it.
  useEffect(() => {
    if (outcome?.ok) setViewedId(null);
  }, [outcome]);

  const allRuns = useMemo(() => withRun(runs ?? [], outcome?.ok ? outcome.run : null), [runs, outcome]);
  const shown = (viewedId === null ? allRuns[0] : allRuns.find((r) => r.id === viewedId)) ?? null;
  const selection = picked ?? (backends ? defaultBackendSelection(backends) : []);
  const problem = runsProblem(runsText);
  const running = ownRun !== null;
  const canRun = connected && !running && backends !== null && selection.length > 0 && problem === null;

  const toggle = (id: BackendId, on: boolean) => {
    const next = new Set(selection);
    if (on) next.add(id);
    else next.delete(id);
    // Keep the list's order so the request is stable.
    setPicked((backends ?? []).map((b) => b.id).filter((b) => next.has(b)));
  };
  const run = () => {
    if (!canRun) return;
    void startBenchRun(connection, store, { backends: selection, runs: Number(runsText) });
  };

  return (
    <section ref={sectionRef} className="settings-section dash-section bench-panel" data-testid="bench-panel" aria-labelledby="bench-title" aria-busy={running}>
      <div className="dash-section-head">
        <h2 id="bench-title">Benchmark this machine</h2>
        <span className="dash-note">each backend’s create → first output against its raw baseline, plus proxy and API overhead</span>
      </div>

      <form
        className="bench-form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <fieldset className="bench-backends" disabled={running}>
          <legend className="field-label">Backends</legend>
          <div className="checkbox-row" data-testid="bench-backends">
            {backends === null ? <span className="field-hint">Loading…</span> : null}
            {backends?.map((b) => (
              <label key={b.id} className="checkbox" title={b.available ? b.description : (b.reason ?? 'unavailable')}>
                <input
                  type="checkbox"
                  data-testid={`bench-backend-${b.id}`}
                  checked={selection.includes(b.id)}
                  disabled={!b.available}
                  onChange={(e) => toggle(b.id, e.target.checked)}
                />
                {b.name}
                {b.available ? null : <span className="dash-faint bench-unavailable"> — {b.reason ?? 'unavailable'}</span>}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field bench-runs">
          <label htmlFor="bench-runs">Runs</label>
          <input
            id="bench-runs"
            className="input dash-input"
            type="number"
            min={MIN_RUNS}
            max={MAX_RUNS}
            step={1}
            data-testid="bench-runs"
            aria-invalid={problem !== null}
            aria-describedby="bench-runs-hint"
            disabled={running}
            value={runsText}
            onChange={(e) => setRunsText(e.target.value)}
          />
        </div>
        <button type="submit" className="button primary bench-run" data-testid="bench-run" disabled={!canRun}>
          {running ? 'Running…' : 'Run benchmark'}
        </button>
        <p id="bench-runs-hint" className={problem ? 'field-error bench-hint' : 'field-hint bench-hint'}>
          {problem
            ? `Runs: ${problem}.`
            : selection.length === 0 && backends !== null
              ? 'Pick at least one backend.'
              : 'Creates per figure, each against its baseline. A run makes and removes sessions in a scratch repository and takes a few minutes; you can leave this page meanwhile.'}
        </p>
      </form>

      {running || progress ? <BenchProgress progress={progress} startedAt={ownRun?.startedAt ?? null} /> : null}

      {outcome && !outcome.ok ? (
        <p className="error-text" role="alert" data-testid="bench-error" data-code={outcome.error.code}>
          {errorText(outcome.error.code, outcome.error.message)}
        </p>
      ) : null}
      {loadError ? (
        <p className="error-text" role="alert" data-testid="bench-load-error">
          Could not read the stored runs: {loadError}
        </p>
      ) : null}

      {shown ? (
        <BenchResults run={shown} previous={previousRun(allRuns, shown)} latest={shown.id === allRuns[0]?.id} />
      ) : runs !== null && !running ? (
        <p className="field-hint dash-empty" data-testid="bench-empty">
          No runs yet. The figures and the advice of the first run show here and next to each backend in New session.
        </p>
      ) : null}

      {allRuns.length > 1 ? <BenchHistory runs={allRuns} selectedId={shown?.id ?? null} onSelect={setViewedId} /> : null}
    </section>
  );
}
