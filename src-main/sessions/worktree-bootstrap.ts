/**
 * The create steps that make a new worktree ready for its agent, between `git worktree add` and the
 * agent's start: the main checkout's `.worktreeinclude` matches copied in (phase `include`), then the
 * repository's setup command (phase `setup`, see setup-step.ts). Each is reported and timed only
 * when the repository asks for it, so a plain repository's create has no extra step.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CreatePhase, ProgressDto } from '../../src-shared/dto.js';
import { ok, type Result } from '../../src-shared/result.js';
import { copyWorktreeIncludes, WORKTREE_INCLUDE_FILE } from '../git/worktree-include.js';

/** Where a create step reports its progress and its time. */
export interface StepReporter {
  progress(phase: CreatePhase, status: ProgressDto['status'], ms: number | null, message: string | null): void;
  phase(phase: CreatePhase, ms: number): void;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()`). */
export const elapsedSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/**
 * Copies the main checkout's `.worktreeinclude` matches into the new worktree (phase `include`); a
 * repository without the file has no such step. An error fails the create with its reason.
 */
export async function includeStep(repo: string, worktree: string, signal: AbortSignal, report: StepReporter): Promise<Result<void>> {
  try {
    await fs.promises.access(path.join(repo, WORKTREE_INCLUDE_FILE));
  } catch {
    return ok();
  }
  report.progress('include', 'started', null, null);
  const t0 = process.hrtime.bigint();
  const copied = await copyWorktreeIncludes(repo, worktree, signal);
  const ms = elapsedSince(t0);
  if (!copied.ok) {
    report.progress('include', 'failed', ms, copied.error.message);
    return copied;
  }
  const n = copied.value?.copied ?? 0;
  report.progress('include', 'done', ms, `${n} file${n === 1 ? '' : 's'} copied from ${WORKTREE_INCLUDE_FILE}`);
  report.phase('include', ms);
  return ok();
}
