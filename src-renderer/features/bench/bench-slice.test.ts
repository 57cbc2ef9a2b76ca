import { describe, expect, it } from 'vitest';
import { err, ok } from '../../../src-shared/result.js';
import { createAppStore } from '../../store/app-store.js';
import { RUN_3 } from '../../testing/bench-fixture.js';

const progress = (runId: number, done: number) => ({ runId, done, total: 10, label: `step ${done}` });

describe('benchmark slice', () => {
  it('keeps the newest run’s progress and forgets it when this window’s run answers', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().benchRunStarted({ runs: 2 }, 1_000);
    expect(s().benchOwnRun).toEqual({ startedAt: 1_000, request: { runs: 2 } });
    s().applyBenchProgress(progress(3, 4));
    s().applyBenchProgress(progress(2, 9)); // a late event of an older run
    expect(s().benchProgress).toEqual(progress(3, 4));
    s().benchRunEnded(ok(RUN_3), 2_000);
    expect(s().benchOwnRun).toBeNull();
    expect(s().benchProgress).toBeNull();
    expect(s().benchOutcome).toEqual({ ok: true, run: RUN_3, at: 2_000 });
  });

  it('keeps the other run’s progress when the orchestrator answers conflict, and drops it on other errors', () => {
    const store = createAppStore();
    const s = () => store.getState();
    s().applyBenchProgress(progress(7, 1)); // a run started elsewhere
    s().benchRunStarted({}, 1_000);
    s().applyBenchProgress(progress(7, 2));
    s().benchRunEnded(err('conflict', 'a benchmark is already running'), 1_010);
    expect(s().benchProgress).toEqual(progress(7, 2));
    expect(s().benchOutcome).toEqual({ ok: false, error: { code: 'conflict', message: 'a benchmark is already running' }, at: 1_010 });

    s().benchRunStarted({}, 2_000);
    expect(s().benchOutcome).toBeNull();
    s().applyBenchProgress(progress(8, 3));
    s().benchRunEnded(err('internal', 'the benchmark failed: boom'), 2_500);
    expect(s().benchProgress).toBeNull();
  });
});
