/**
 * The built-in benchmark as the orchestrator serves it (`bench.run`, `bench.list`, `bench.advice`).
 */
import type { BenchAdviceDto, BenchProgressDto, BenchRunDto, BenchRunRequest } from '../../src-shared/bench.js';
import type { Disposable } from '../../src-shared/lifecycle.js';
import type { Result } from '../../src-shared/result.js';

/**
 * The benchmark service (runner.ts's `createBenchService`). Disposing it stops a run under way: the run
 * ends with an `invalid_state` error value after cleaning up.
 */
export interface BenchService extends Disposable {
  /** Runs the benchmark (one at a time: a second call while one runs is a `conflict` error). */
  run(request: BenchRunRequest, onProgress: (p: BenchProgressDto) => void): Promise<Result<BenchRunDto>>;
  /** Stored runs, newest first. */
  list(limit: number): BenchRunDto[];
  /** Advice per backend from the latest run. */
  advice(): BenchAdviceDto[];
}
