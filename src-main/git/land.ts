/**
 * Land: a session branch merged into its base branch in the main checkout, as one squashed commit
 * (default), a merge commit, or its commits rebased then fast-forwarded.
 *
 * Nothing is touched until the result is known to apply: `git merge-tree --write-tree` computes the
 * merged tree without a work tree (a conflict is reported with its files and changes nothing), the
 * commit is made with `git commit-tree`, and only then `git merge --ff-only` moves the base branch and
 * the main checkout's files to it, which git refuses, again changing nothing, if a local change would
 * be overwritten. Files the land touches that have local changes are refused up front with their names.
 *
 * After a squash the session branch is not an ancestor of the base, so its "ahead" count would stay.
 * The session branch is then reset to the new base head with `git reset --keep` (its files already
 * hold the landed tree, plus whatever the base had gained). `--keep` refuses rather than lose a local
 * change, so when the session's worktree has uncommitted changes in files the reset would touch, the
 * branch is left as it was and still counts its commits as ahead.
 */
import type { LandDto, LandMode } from '../../src-shared/changes.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { conflictError, countCommits, currentBranch, namePaths, plural, revParse, unmergedFiles } from './branch-ops.js';
import { dirtyPaths, git, gitWith, trustDir } from './git.js';
import { inRepoQueue } from './repo-queue.js';

/** What a land needs of its session. */
export type LandSession = Pick<SessionDto, 'name' | 'prompt' | 'repoPath' | 'worktreePath' | 'branch' | 'baseBranch'>;

/** The default commit message: the session's name, then its prompt. */
export function defaultLandMessage(s: Pick<SessionDto, 'name' | 'prompt'>): string {
  const prompt = s.prompt.trim();
  return prompt.length > 0 ? `${s.name}\n\n${prompt}\n` : `${s.name}\n`;
}

/** Merged tree of `ours` and `theirs`, or the files that conflict. */
type MergedTree = { tree: string } | { conflicts: string[] };

/** `git merge-tree --write-tree`: merges two commits without a work tree or index. */
export async function mergeTree(cwd: string, ours: string, theirs: string): Promise<Result<MergedTree>> {
  // Exit 0: clean; exit 1: conflicts; anything else: git could not merge (unrelated histories, …).
  const r = await gitWith(cwd, [...trustDir(cwd), 'merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', ours, theirs], { okCodes: [1] });
  if (!r.ok) return r;
  const [tree = '', ...rest] = r.value.stdout.split('\0');
  if (r.value.code === 0) return ok({ tree });
  return ok({ conflicts: [...new Set(rest.filter((p) => p.length > 0))] });
}

/**
 * Lands `s` (see the file comment). Runs in the repository's queue (one ref change at a time), then in
 * its worktree's, where the Changes view's stage and commit run: never beside them on git's index.lock.
 */
export function landSession(s: LandSession, mode: LandMode = 'squash', message?: string): Promise<Result<LandDto>> {
  return inRepoQueue(s.repoPath, () => inRepoQueue(s.worktreePath, () => landNow(s, mode, message ?? defaultLandMessage(s))));
}

async function landNow(s: LandSession, mode: LandMode, message: string): Promise<Result<LandDto>> {
  const main = s.repoPath;
  const onBranch = await currentBranch(main);
  if (onBranch !== s.baseBranch) {
    const where = onBranch === null ? 'has a detached HEAD' : `is on branch ${onBranch}`;
    return err('invalid_state', `the main checkout ${main} ${where}, not ${s.baseBranch}: switch it to ${s.baseBranch} (git switch ${s.baseBranch}) and land again`);
  }
  const base = await revParse(main, `refs/heads/${s.baseBranch}`, `the base branch ${s.baseBranch}`);
  if (!base.ok) return base;
  const head = await revParse(main, `refs/heads/${s.branch}`, `the session branch ${s.branch}`);
  if (!head.ok) return head;
  const ahead = await countCommits(main, base.value, head.value);
  if (!ahead.ok) return ahead;
  if (ahead.value === 0) {
    const dirty = await dirtyPaths(s.worktreePath);
    const uncommitted = dirty.ok && dirty.value.length > 0 ? ` (its worktree has ${plural(dirty.value.length, 'uncommitted file')}: commit them first)` : '';
    return err('invalid_state', `${s.branch} has no commits that ${s.baseBranch} lacks: nothing to land${uncommitted}`);
  }

  const merged = await mergeTree(main, base.value, head.value);
  if (!merged.ok) return merged;
  if ('conflicts' in merged.value) {
    return conflictError(
      `${s.branch} conflicts with ${s.baseBranch}; nothing was changed (use "Update from base" to resolve it in the session, then land again).`,
      merged.value.conflicts,
    );
  }
  const tree = merged.value.tree;

  // Local changes in the main checkout to files this land changes: refused with their names.
  const touched = await git(main, ['diff', '--name-only', '-z', '--no-renames', base.value, tree, '--']);
  if (!touched.ok) return touched;
  const dirty = await dirtyPaths(main);
  if (!dirty.ok) return dirty;
  const touchedSet = new Set(touched.value.stdout.split('\0').filter((p) => p.length > 0));
  const blocking = dirty.value.filter((p) => touchedSet.has(p));
  if (blocking.length > 0) {
    return err(
      'worktree_dirty',
      `the main checkout ${main} has uncommitted changes in ${plural(blocking.length, 'file')} this land changes (${namePaths(blocking)}): commit or stash them there, then land again`,
    );
  }

  const commit = await makeCommit(s, mode, base.value, head.value, tree, message);
  if (!commit.ok) return commit;

  const ff = await git(main, ['merge', '--ff-only', '--quiet', commit.value]);
  if (!ff.ok) return err('git_failed', `${s.baseBranch} was not moved (the main checkout is as it was): ${ff.error.message}`);

  if (mode === 'squash') await followLanded(s.worktreePath, commit.value);
  return ok({ mode, baseBranch: s.baseBranch, commit: commit.value });
}

/** The commit the base branch moves to. */
async function makeCommit(s: LandSession, mode: LandMode, base: string, head: string, tree: string, message: string): Promise<Result<string>> {
  if (mode === 'rebase') return rebaseOnto(s, base);
  const parents = mode === 'merge' ? ['-p', base, '-p', head] : ['-p', base];
  const r = await gitWith(s.repoPath, ['commit-tree', tree, ...parents, '-F', '-'], { input: message });
  return r.ok ? ok(r.value.stdout.trim()) : r;
}

/**
 * Rebases the session branch onto `base` in its own worktree (it must have no uncommitted changes); a
 * stop is aborted, which restores the branch and its files exactly. Answers the rebased head.
 */
async function rebaseOnto(s: LandSession, base: string): Promise<Result<string>> {
  const wt = s.worktreePath;
  const dirty = await dirtyPaths(wt);
  if (!dirty.ok) return dirty;
  if (dirty.value.length > 0) {
    return err('worktree_dirty', `the session's worktree has ${plural(dirty.value.length, 'uncommitted file')} (${namePaths(dirty.value)}): commit or discard them before a rebase land`);
  }
  const r = await git(wt, [...trustDir(wt), 'rebase', '--no-autostash', '--no-update-refs', base]);
  if (!r.ok) {
    // Stopped (on a conflict) or refused: either way the branch and its files go back as they were.
    const files = await unmergedFiles(wt);
    await git(wt, [...trustDir(wt), 'rebase', '--abort']);
    if (files.length > 0) return conflictError(`rebasing ${s.branch} onto ${s.baseBranch} conflicts; nothing was changed.`, files);
    return r;
  }
  return revParse(wt, 'HEAD', `the rebased ${s.branch}`);
}

/** After a squash land, moves the session branch to the landed commit when no local change is in the way. */
async function followLanded(worktree: string, landed: string): Promise<void> {
  await git(worktree, [...trustDir(worktree), 'reset', '--keep', '--quiet', landed]);
}
