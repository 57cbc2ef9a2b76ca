/**
 * What the benchmark panel reads from the orchestrator: the backends (`backends.list`) and the stored
 * runs (`bench.list`, newest first). Loaded when the panel opens and on every reconnect; the runs again
 * when this window's run ends and shortly after a run started elsewhere reports its last step.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BenchRunDto } from '../../../src-shared/bench.js';
import type { BackendDto } from '../../../src-shared/dto.js';
import { useAppState, useServices } from '../../app/services.js';

/** Stored runs the panel lists. */
export const RUNS_LISTED = 20;
/**
 * Wait after another client's run reported its last step before reading the runs: the orchestrator
 * stores the run just after that step.
 */
export const FOREIGN_FINISH_RELOAD_MS = 1_000;

/** The panel's data; null lists until they arrive. */
export interface BenchData {
  backends: BackendDto[] | null;
  runs: BenchRunDto[] | null;
  loadError: string | null;
  reload(): void;
}

export function useBenchData(): BenchData {
  const { connection, store } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const outcome = useAppState((s) => s.benchOutcome);
  const progress = useAppState((s) => s.benchProgress);
  const ownRun = useAppState((s) => s.benchOwnRun);
  const [backends, setBackends] = useState<BackendDto[] | null>(null);
  const [runs, setRuns] = useState<BenchRunDto[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** The latest load; an older one answering late does not overwrite it. */
  const loadId = useRef(0);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const reload = useCallback(() => {
    const id = ++loadId.current;
    void Promise.all([connection.request('backends.list', {}), connection.request('bench.list', { limit: RUNS_LISTED })]).then(([b, r]) => {
      if (!mounted.current || id !== loadId.current) return;
      if (b.ok) setBackends(b.value);
      if (r.ok) setRuns(r.value);
      const failed = [b, r].find((x) => !x.ok);
      setLoadError(failed && !failed.ok ? failed.error.message : null);
    });
  }, [connection]);

  useEffect(() => {
    if (connected) reload();
  }, [connected, reload, outcome]);

  // A run started elsewhere finished: read the runs once it is stored, and drop its finished bar.
  const foreignDone = !ownRun && progress !== null && progress.total > 0 && progress.done >= progress.total;
  useEffect(() => {
    if (!foreignDone) return;
    const timer = setTimeout(() => {
      store.getState().clearBenchProgress();
      reload();
    }, FOREIGN_FINISH_RELOAD_MS);
    return () => clearTimeout(timer);
  }, [foreignDone, reload, store]);

  return { backends, runs, loadError, reload };
}
