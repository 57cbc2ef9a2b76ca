/**
 * Starts "Benchmark this machine": sends `bench.run` and records the run in the app store's benchmark
 * slice, so the answer (minutes later) lands even if the Dashboard was closed meanwhile.
 */
import type { BenchRunRequest } from '../../../src-shared/bench.js';
import type { Connection } from '../../client/connection.js';
import type { AppStore } from '../../store/app-store.js';

/** Runs the benchmark; resolves once `bench.run` answered and the slice holds the outcome. */
export async function startBenchRun(connection: Connection, store: AppStore, request: BenchRunRequest, now: () => number = Date.now): Promise<void> {
  if (store.getState().benchOwnRun) return;
  store.getState().benchRunStarted(request, now());
  const result = await connection.request('bench.run', request);
  store.getState().benchRunEnded(result, now());
}
