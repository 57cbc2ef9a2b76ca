/**
 * The benchmark's progress bar: steps done of the total with the current step's label (from the
 * `bench.progress` events), the time elapsed since Run, and an estimate of the time left.
 * Only this small component re-renders on the clock's tick.
 */
import { useEffect, useState } from 'react';
import type { BenchProgressDto } from '../../../src-shared/bench.js';
import { estimateRemainingMs, formatClock, progressPercent } from './bench-format.js';

/** How often the elapsed time is redrawn. */
const CLOCK_TICK_MS = 1_000;
/** No estimate of the time left before this much has elapsed (the first steps say little of the pace). */
const MIN_ELAPSED_FOR_ESTIMATE_MS = 3_000;

interface BenchProgressProps {
  progress: BenchProgressDto | null;
  /** When this window's run started; null for a run started elsewhere. */
  startedAt: number | null;
  /** For tests: the clock. */
  now?: () => number;
}

/** The current time, refreshed every CLOCK_TICK_MS while `active`. */
function useClock(active: boolean, now: () => number): number {
  const [time, setTime] = useState(now);
  useEffect(() => {
    if (!active) return;
    setTime(now());
    const timer = setInterval(() => setTime(now()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, [active, now]);
  return time;
}

export function BenchProgress({ progress, startedAt, now = Date.now }: BenchProgressProps) {
  const time = useClock(startedAt !== null, now);
  // A progress event re-renders between ticks: read the clock then too, so the estimate uses it.
  const elapsed = startedAt === null ? null : Math.max(0, Math.max(time, now()) - startedAt);
  const done = progress?.done ?? 0;
  const total = progress?.total ?? 0;
  const percent = progressPercent(done, total);
  const remaining = elapsed === null || elapsed < MIN_ELAPSED_FOR_ESTIMATE_MS ? null : estimateRemainingMs(elapsed, done, total);
  const label = progress ? progress.label : 'starting: checking the backends…';
  return (
    <div className="bench-progress" data-testid="bench-progress" data-done={done} data-total={total}>
      <div className="bench-progress-head">
        <span className="bench-progress-count" data-testid="bench-progress-count">
          {total > 0 ? `${done}/${total}` : '…'}
        </span>
        <span className="bench-progress-label" data-testid="bench-progress-label" title={label}>
          {label}
        </span>
        <span className="bench-progress-time">
          {elapsed === null ? (
            <span data-testid="bench-elsewhere">started elsewhere (another window or `berth bench`)</span>
          ) : (
            <>
              <span data-testid="bench-elapsed">{formatClock(elapsed)}</span> elapsed
              {remaining !== null ? <span className="dash-faint"> · about {formatClock(remaining)} left</span> : null}
            </>
          )}
        </span>
      </div>
      <div
        className={`bench-bar${total > 0 ? '' : ' bench-bar-waiting'}`}
        role="progressbar"
        aria-label="Benchmark progress"
        aria-valuemin={0}
        aria-valuemax={total || undefined}
        aria-valuenow={total > 0 ? done : undefined}
        aria-valuetext={total > 0 ? `${done} of ${total}: ${label}` : label}
      >
        <span style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
