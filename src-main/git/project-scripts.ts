/**
 * A repository's setup and teardown commands (`.berth.json`, or `conductor.json`'s scripts), run in a
 * session's worktree through `sh -c` by the shared process runner: a deadline, an abort signal, and
 * the whole process group killed when either fires (an `npm install`'s children go too).
 *
 * stderr is folded into stdout (`exec 2>&1` before the command), so the kept output reads as the
 * terminal would have shown it.
 */
import { CONDUCTOR_CONFIG_FILE } from '../../src-shared/berth-config.js';
import { withoutCredentials } from '../backends/credential-env.js';
import { describeFailure, runProcess } from '../process/run.js';
import type { ProjectConfig } from './project-config.js';

/** Longest a setup command may run (a cold `npm ci` of a large monorepo takes minutes). */
export const SETUP_TIMEOUT_MS = 30 * 60_000;
/** Longest a teardown command may run before the delete goes on without it. */
export const TEARDOWN_TIMEOUT_MS = 5 * 60_000;
/** Output kept from one command; more is a failure (the process group is killed). */
const SCRIPT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Lines of output quoted in a failed setup's reason. */
const TAIL_LINES = 20;
/** Characters of output quoted in a failed setup's reason, at most. */
const TAIL_MAX_CHARS = 2_000;

/** The session a command runs for. */
export interface ScriptTarget {
  /** The main checkout. */
  root: string;
  worktree: string;
  sessionName: string;
  baseBranch: string;
}

/** How a command ended. */
export interface ScriptResult {
  ok: boolean;
  /** Its exit code; null when it did not exit by itself (killed, timed out, not started). */
  exitCode: number | null;
  /** stdout and stderr, interleaved as printed. */
  output: string;
  ms: number;
  /** Why it failed, in words; null when it succeeded. */
  failure: string | null;
  aborted: boolean;
}

/**
 * The command's environment: Berth's own (without the credentials agents never get), the config's
 * `env`, and where it runs: `BERTH_ROOT_PATH` (the main checkout, to copy from), `BERTH_WORKTREE_PATH`,
 * `BERTH_SESSION_NAME`, `BERTH_BASE_BRANCH`; for Conductor's scripts also the `CONDUCTOR_*` names
 * they are written against.
 */
export function scriptEnv(config: ProjectConfig, target: ScriptTarget): Record<string, string> {
  const env: Record<string, string> = {
    ...withoutCredentials(process.env),
    ...config.env,
    BERTH_ROOT_PATH: target.root,
    BERTH_WORKTREE_PATH: target.worktree,
    BERTH_SESSION_NAME: target.sessionName,
    BERTH_BASE_BRANCH: target.baseBranch,
  };
  if (config.source === CONDUCTOR_CONFIG_FILE) {
    Object.assign(env, {
      CONDUCTOR_ROOT_PATH: target.root,
      CONDUCTOR_WORKSPACE_PATH: target.worktree,
      CONDUCTOR_WORKSPACE_NAME: target.sessionName,
      CONDUCTOR_DEFAULT_BRANCH: target.baseBranch,
    });
  }
  return env;
}

/** Runs `command` with `sh -c` in the worktree; every ending is a value. */
export async function runProjectScript(
  command: string,
  config: ProjectConfig,
  target: ScriptTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ScriptResult> {
  const t0 = process.hrtime.bigint();
  const outcome = await runProcess('sh', ['-c', `exec 2>&1\n${command}`], {
    cwd: target.worktree,
    env: scriptEnv(config, target),
    timeoutMs,
    signal,
    maxOutputBytes: SCRIPT_MAX_OUTPUT_BYTES,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const output = 'stdout' in outcome ? outcome.stdout : '';
  if (outcome.kind === 'exit' && outcome.code === 0) return { ok: true, exitCode: 0, output, ms, failure: null, aborted: false };
  const exitCode = outcome.kind === 'exit' ? outcome.code : null;
  const failure = outcome.kind === 'exit' ? `exited with code ${outcome.code}` : describeFailure(outcome);
  return { ok: false, exitCode, output, ms, failure, aborted: outcome.kind === 'aborted' };
}

/** The last lines of `output` (at most TAIL_LINES lines and TAIL_MAX_CHARS characters). */
export function outputTail(output: string): string {
  const lines = output.replace(/\s+$/, '').split('\n').slice(-TAIL_LINES).join('\n');
  return lines.length > TAIL_MAX_CHARS ? `…${lines.slice(-TAIL_MAX_CHARS)}` : lines;
}
