/**
 * Benchmark slice: the run under way ("Benchmark this machine"), its progress from the `bench.progress`
 * events, and how this window's last run ended.
 *
 * Kept in the app store rather than in the Dashboard so that leaving the page during a run (it takes
 * minutes) loses nothing: the request goes on, the events keep arriving, and the page shows both again
 * when it comes back. Progress of a run started elsewhere (`berth bench`, another window) lands here too.
 */
import type { StateCreator } from 'zustand';
import type { BenchProgressDto, BenchRunDto, BenchRunRequest } from '../../src-shared/bench.js';
import type { ErrorDto, Result } from '../../src-shared/result.js';

/** This window's run, from the click on Run until `bench.run` answers. */
export interface BenchOwnRun {
  startedAt: number;
  request: BenchRunRequest;
}

/** How this window's last run ended: the stored run, or the error the orchestrator answered. */
export type BenchOutcome = { ok: true; run: BenchRunDto; at: number } | { ok: false; error: ErrorDto; at: number };

/** State and actions of the benchmark slice. */
export interface BenchSlice {
  /** The newest progress of the run under way (this window's or another client's); null when none. */
  benchProgress: BenchProgressDto | null;
  /** This window's run while `bench.run` is out; null otherwise. */
  benchOwnRun: BenchOwnRun | null;
  /** How this window's last run ended; null before the first. */
  benchOutcome: BenchOutcome | null;
  /** Set by "Benchmark this machine" links elsewhere: the Dashboard scrolls to the benchmark once. */
  benchRevealRequested: boolean;
  /** Applies a `bench.progress` event (older runs' late events are dropped). */
  applyBenchProgress(progress: BenchProgressDto): void;
  /** This window sent `bench.run`. */
  benchRunStarted(request: BenchRunRequest, startedAt: number): void;
  /** `bench.run` answered (or failed as a value, e.g. the connection closed). */
  benchRunEnded(result: Result<BenchRunDto>, at: number): void;
  /** Forgets the progress shown (a run elsewhere finished). */
  clearBenchProgress(): void;
  setBenchRevealRequested(requested: boolean): void;
}

export const createBenchSlice: StateCreator<BenchSlice, [], [], BenchSlice> = (set) => ({
  benchProgress: null,
  benchOwnRun: null,
  benchOutcome: null,
  benchRevealRequested: false,
  applyBenchProgress: (progress) =>
    set((s) => (s.benchProgress && progress.runId < s.benchProgress.runId ? s : { benchProgress: progress })),
  benchRunStarted: (request, startedAt) => set({ benchOwnRun: { startedAt, request }, benchOutcome: null, benchProgress: null }),
  benchRunEnded: (result, at) =>
    set((s) => ({
      benchOwnRun: null,
      benchOutcome: result.ok ? { ok: true, run: result.value, at } : { ok: false, error: result.error, at },
      // A conflict means another run is going: its progress stays. A lost connection leaves the run
      // going too; its next events bring the bar back.
      benchProgress: !result.ok && result.error.code === 'conflict' ? s.benchProgress : null,
    })),
  clearBenchProgress: () => set({ benchProgress: null }),
  setBenchRevealRequested: (benchRevealRequested) => set({ benchRevealRequested }),
});
