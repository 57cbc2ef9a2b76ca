/**
 * Runs the orchestrator's checks (`doctor.run`) once when the Doctor page opens, and again on demand.
 *
 * The report stays in the page (not the app store): it is only shown here, and reopening the page runs
 * the checks again.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DoctorReportDto } from '../../../src-shared/doctor.js';
import { useAppState, useServices } from '../../app/services.js';

/** What the hook gives: the last report, whether a run is out, the last error, and a run. */
export interface DoctorState {
  report: DoctorReportDto | null;
  running: boolean;
  error: string | null;
  run(): Promise<void>;
}

export function useDoctor(): DoctorState {
  const { connection } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const [report, setReport] = useState<DoctorReportDto | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Set once the page has run its first check, so reconnects don't rerun on their own. */
  const ranOnce = useRef(false);
  /** Ignores answers that arrive after the page closed. */
  const mounted = useRef(true);
  /** The latest run; an older one that finishes late does not overwrite its result. */
  const runId = useRef(0);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async () => {
    const id = ++runId.current;
    setRunning(true);
    const result = await connection.request('doctor.run', {});
    if (!mounted.current || id !== runId.current) return;
    setRunning(false);
    if (result.ok) {
      setReport(result.value);
      setError(null);
    } else {
      setError(result.error.message);
    }
  }, [connection]);

  useEffect(() => {
    if (!connected || ranOnce.current) return;
    ranOnce.current = true;
    void run();
  }, [connected, run]);

  return { report, running, error, run };
}
