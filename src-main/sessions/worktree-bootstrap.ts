/**
 * The create steps that make a new worktree ready for its agent, between `git worktree add` and the
 * agent's start: the main checkout's `.worktreeinclude` matches copied in (phase `include`), then the
 * repository's setup command (phase `setup`); and, on delete, its teardown command. Each is reported and timed only
 * when the repository asks for it, so a plain repository's create has no extra step.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BerthConfig } from '../../src-shared/berth-config.js';
import type { CreatePhase, ProgressDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { BackgroundErrorSink } from '../metrics/faults.js';
import { loadProjectConfig, type ProjectConfig } from '../git/project-config.js';
import { outputTail, runProjectScript, SETUP_TIMEOUT_MS, TEARDOWN_TIMEOUT_MS, type ScriptTarget } from '../git/project-scripts.js';
import { copyWorktreeIncludes, WORKTREE_INCLUDE_FILE } from '../git/worktree-include.js';
import type { SetupLogs } from './setup-logs.js';

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

/**
 * Runs the repository's setup command in the new worktree (phase `setup`), keeping its output in the
 * session's setup log; a repository without one has no such step. A failure is an error whose message
 * ends with the tail of the output; a cancelled setup (`signal`) is not an error (the caller sees the
 * signal).
 */
export async function setupStep(
  sessionId: string,
  config: ProjectConfig | null,
  target: ScriptTarget,
  signal: AbortSignal,
  report: StepReporter,
  logs: SetupLogs,
): Promise<Result<void>> {
  const command = config?.setup;
  if (!config || !command) return ok();
  const startedAt = Date.now();
  const base = { source: config.source, command, startedAt };
  report.progress('setup', 'started', null, null);
  await logs.write(sessionId, { ...base, status: 'running', exitCode: null, failure: null, ms: null, output: '' });
  const run = await runProjectScript(command, config, target, SETUP_TIMEOUT_MS, signal);
  await logs.write(sessionId, { ...base, status: run.ok ? 'succeeded' : 'failed', exitCode: run.exitCode, failure: run.failure, ms: run.ms, output: run.output });
  if (run.aborted) return ok();
  if (!run.ok) {
    const tail = outputTail(run.output);
    const message = `setup (${config.source}) failed: ${run.failure}${tail ? `; its output ended with:\n${tail}` : ''}`;
    report.progress('setup', 'failed', run.ms, message);
    return err('spawn_failed', message);
  }
  report.progress('setup', 'done', run.ms, null);
  report.phase('setup', run.ms);
  return ok();
}

/**
 * Runs the repository's teardown command in the worktree about to be removed (config read now, so an
 * edited file counts). It never blocks the delete: a bad config, a failure or a timeout goes to
 * `report`, logged and counted. `stored`: the repository's stored settings (used without a
 * `.berth.json`); `extraEnv`: the session's own variables (its ports).
 */
export async function teardownStep(target: ScriptTarget, report: BackgroundErrorSink, stored: BerthConfig | null = null, extraEnv: Record<string, string> = {}): Promise<void> {
  if (!fs.existsSync(target.worktree)) return;
  const config = await loadProjectConfig(target.root, stored);
  if (!config.ok) return report('session-teardown', new Error(`teardown of ${target.sessionName} skipped: ${config.error.message}`));
  const command = config.value?.teardown;
  if (!config.value || !command) return;
  const run = await runProjectScript(command, { ...config.value, env: { ...config.value.env, ...extraEnv } }, target, TEARDOWN_TIMEOUT_MS);
  if (!run.ok) report('session-teardown', new Error(`teardown (${config.value.source}) of ${target.sessionName} failed: ${run.failure}; output: ${outputTail(run.output)}`));
}
