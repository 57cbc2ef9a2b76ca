/**
 * The built-in benchmark service behind `bench.run` / `bench.list` / `bench.advice`: one run at a time,
 * each stored in `bench_runs` with its figures, the backends it skipped and the advice drawn from them.
 * The measurements are the ones `npm run bench` makes (measure.ts, docker-measure.ts, stats.ts).
 */
import type { BenchAdviceDto, BenchRunDto, BenchRunRequest } from '../../src-shared/bench.js';
import { err, ok } from '../../src-shared/result.js';
import { adviceFromFigures } from './advice.js';
import type { BenchService } from './bench-service.js';
import { BenchRunsRepo, describeMachine } from './bench-runs-repo.js';
import { measureAll, planBackends, type BenchRunDeps } from './bench-run.js';
import { recoverInterruptedRuns } from './bench-recovery.js';

export type { BenchRunDeps as BenchServiceDeps } from './bench-run.js';

/** Creates per figure when the request does not say. */
export const DEFAULT_BENCH_RUNS = 5;

/** Creates the service; `deps.call` is the orchestrator's own API (the benchmark drives it like a client). */
export function createBenchService(deps: BenchRunDeps): BenchService {
  const runs = new BenchRunsRepo(deps.db);
  // A run cut short by a crash left settings, sessions and a scratch repository: put right first.
  const recovered = recoverInterruptedRuns({ dataDir: deps.dataDir, sessions: deps.sessions, settings: deps.settings, runs }).catch(() => undefined);
  let running: { startedAt: number; abort: AbortController } | null = null;
  let disposed = false;

  return {
    async run(request: BenchRunRequest, onProgress) {
      if (disposed) return err('invalid_state', 'the orchestrator is shutting down');
      if (running) return err('conflict', `a benchmark is already running (started ${new Date(running.startedAt).toISOString()}); wait for it to finish`);
      const current = { startedAt: Date.now(), abort: new AbortController() };
      running = current;
      let runId: number | null = null;
      try {
        await recovered;
        const count = request.runs ?? DEFAULT_BENCH_RUNS;
        const plan = await planBackends(deps, request.backends);
        const machine = describeMachine();
        runId = runs.start(current.startedAt, machine);
        const id = runId;
        const figures = await measureAll(deps, {
          runId: id,
          backends: plan.measure,
          runs: count,
          onProgress,
          signal: current.abort.signal,
          savePendingRestore: (saved) => runs.savePendingRestore(id, saved),
        });
        const results = { figures, advice: adviceFromFigures(figures), skipped: plan.skipped };
        const finishedAt = Date.now();
        runs.finish(runId, finishedAt, results);
        return ok<BenchRunDto>({ id: runId, startedAt: current.startedAt, finishedAt, machine, ...results });
      } catch (e) {
        // The database is closed when the orchestrator stopped mid-run: the next start forgets the row.
        if (runId !== null && deps.db.open) runs.delete(runId);
        if (current.abort.signal.aborted) return err('invalid_state', 'the benchmark was stopped: the orchestrator is shutting down');
        return err('internal', `the benchmark failed: ${(e as Error).message}`);
      } finally {
        running = null;
      }
    },
    list: (limit: number): BenchRunDto[] => runs.list(limit),
    advice: (): BenchAdviceDto[] => runs.list(1)[0]?.advice ?? [],
    dispose() {
      disposed = true;
      running?.abort.abort();
    },
  };
}
