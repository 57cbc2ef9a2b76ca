/**
 * Reads one session worktree's state against its base branch with three short git calls, each run in
 * the repository's lane (one git process per repository at a time): uncommitted changes, commits ahead
 * and behind, and the files the branch changes since the merge base.
 */
import { err, ok, type Result } from '../../src-shared/result.js';
import { git, trustDir } from './git.js';
import type { GitLanes } from './git-lanes.js';
import { statusPaths } from './changes-parse.js';
import { parseLeftRight, parseNulList } from './status-parse.js';

/** A worktree's state against its base branch; `paths` are every changed file, committed or not. */
export interface WorktreeStatus {
  ahead: number;
  behind: number;
  dirty: boolean;
  paths: ReadonlySet<string>;
}

/** Where a session's git state lives. */
export interface WorktreeRef {
  repoPath: string;
  worktreePath: string;
  baseBranch: string;
}

/** Runs git in the worktree, in its repository's lane. */
function laneGit(lanes: GitLanes, ref: WorktreeRef, args: string[], signal?: AbortSignal) {
  return lanes.run(ref.repoPath, () => git(ref.worktreePath, [...trustDir(ref.worktreePath), ...args], signal));
}

/** The worktree's state against `baseRef` (see `resolveBaseRef`); an error when git can't tell (worktree gone, base deleted). */
export async function readWorktreeStatus(lanes: GitLanes, ref: WorktreeRef, baseRef: string, signal?: AbortSignal): Promise<Result<WorktreeStatus>> {
  // GIT_OPTIONAL_LOCKS=0 (git()'s environment) keeps status from rewriting the index, which would
  // wake the index watcher and refresh again.
  const status = await laneGit(lanes, ref, ['status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all'], signal);
  if (!status.ok) return status;
  const uncommitted = statusPaths(status.value.stdout);
  const range = `${baseRef}...HEAD`;
  const counts = await laneGit(lanes, ref, ['rev-list', '--left-right', '--count', range, '--'], signal);
  if (!counts.ok) return counts;
  const lr = parseLeftRight(counts.value.stdout);
  if (!lr) return err('git_failed', `git rev-list printed "${counts.value.stdout.trim()}", not two counts`);
  const paths = new Set(uncommitted);
  // Nothing ahead: the branch is the merge base, so it changes no file itself.
  if (lr.ahead > 0) {
    const diff = await laneGit(lanes, ref, ['diff', '--name-only', '-z', '--no-renames', range, '--'], signal);
    if (!diff.ok) return diff;
    for (const p of parseNulList(diff.value.stdout)) paths.add(p);
  }
  return ok({ ahead: lr.ahead, behind: lr.behind, dirty: uncommitted.length > 0, paths });
}

/**
 * The base as a full ref name: `refs/heads/<base>` when it is a local branch (so a tag of the same name
 * is never taken for it), else what git resolves it to (`refs/remotes/…`, `refs/tags/…`), else the base
 * as given (a commit id, which never moves).
 */
export async function resolveBaseRef(lanes: GitLanes, ref: WorktreeRef, signal?: AbortSignal): Promise<string> {
  const local = `refs/heads/${ref.baseBranch}`;
  if ((await laneGit(lanes, ref, ['show-ref', '--verify', '--quiet', local], signal)).ok) return local;
  const full = await laneGit(lanes, ref, ['rev-parse', '--verify', '--quiet', '--symbolic-full-name', ref.baseBranch], signal);
  const name = full.ok ? full.value.stdout.trim() : '';
  return name.startsWith('refs/') ? name : ref.baseBranch;
}

/** The worktree's own git dir (HEAD, index) and the repository's common dir (refs, packed-refs), absolute. */
export async function gitDirsOf(lanes: GitLanes, ref: WorktreeRef, signal?: AbortSignal): Promise<Result<{ gitDir: string; commonDir: string }>> {
  const r = await laneGit(lanes, ref, ['rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir'], signal);
  if (!r.ok) return r;
  const [gitDir, commonDir] = r.value.stdout.split('\n');
  if (!gitDir || !commonDir) return err('git_failed', `git rev-parse printed "${r.value.stdout.trim()}", not two folders`);
  return ok({ gitDir, commonDir });
}

/**
 * Folders git ignores under `dirs` (worktree-relative; all of the worktree when empty), each with a
 * trailing `/`: the watcher does not descend into them (node_modules, build output).
 */
export async function ignoredDirs(lanes: GitLanes, ref: WorktreeRef, dirs: readonly string[], signal?: AbortSignal): Promise<Result<Set<string>>> {
  const r = await laneGit(lanes, ref, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', ...dirs], signal);
  if (!r.ok) return r;
  return ok(new Set(parseNulList(r.value.stdout).filter((p) => p.endsWith('/'))));
}
