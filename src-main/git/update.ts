/**
 * Update from base: the base branch's new commits brought into the session branch, in the session's
 * worktree, by a rebase (default) or a merge.
 *
 * The worktree must have no uncommitted changes (so an abort can restore it exactly). A conflict is
 * aborted at once (`git rebase --abort` / `git merge --abort`), which puts the branch, index and files
 * back as they were, and reported with the conflicting files.
 */
import type { UpdateDto } from '../../src-shared/changes.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { conflictError, countCommits, currentBranch, namePaths, plural, revParse, unmergedFiles } from './branch-ops.js';
import { dirtyPaths, git, trustDir } from './git.js';
import { inRepoQueue } from './repo-queue.js';

export type UpdateMode = UpdateDto['mode'];

/** What an update needs of its session. */
export type UpdateSession = Pick<SessionDto, 'name' | 'repoPath' | 'worktreePath' | 'branch' | 'baseBranch'>;

/**
 * Brings `s`'s base into its branch (see the file comment): one ref change per repository at a time,
 * and never beside the Changes view's stage or commit in the same worktree.
 */
export function updateSession(s: UpdateSession, mode: UpdateMode = 'rebase'): Promise<Result<UpdateDto>> {
  return inRepoQueue(s.repoPath, () => inRepoQueue(s.worktreePath, () => updateNow(s, mode)));
}

async function updateNow(s: UpdateSession, mode: UpdateMode): Promise<Result<UpdateDto>> {
  const wt = s.worktreePath;
  const onBranch = await currentBranch(wt);
  if (onBranch !== s.branch) {
    return err('invalid_state', `the session's worktree ${wt} is not on ${s.branch} (${onBranch === null ? 'detached HEAD' : `on ${onBranch}`}): switch it back, then update`);
  }
  const dirty = await dirtyPaths(wt);
  if (!dirty.ok) return dirty;
  if (dirty.value.length > 0) {
    return err(
      'worktree_dirty',
      `session "${s.name}" has ${plural(dirty.value.length, 'uncommitted file')} (${namePaths(dirty.value)}): commit or discard them, then update from ${s.baseBranch}`,
    );
  }
  const base = await revParse(wt, `refs/heads/${s.baseBranch}`, `the base branch ${s.baseBranch}`);
  if (!base.ok) return base;

  const args =
    mode === 'rebase'
      ? ['rebase', '--no-autostash', '--no-update-refs', base.value]
      : ['merge', '--no-edit', '--no-autostash', '-m', `Merge ${s.baseBranch} into ${s.branch}`, base.value];
  const r = await git(wt, [...trustDir(wt), ...args]);
  if (!r.ok) {
    // Stopped (on a conflict) or refused: an abort puts the branch, index and files back as they were.
    const files = await unmergedFiles(wt);
    await git(wt, [...trustDir(wt), mode, '--abort']);
    if (files.length > 0) return conflictError(`${s.baseBranch} conflicts with ${s.branch}; the session was left as it was.`, files);
    return r;
  }
  const head = await revParse(wt, 'HEAD', `${s.branch}`);
  if (!head.ok) return head;
  const behind = await countCommits(wt, head.value, base.value);
  if (!behind.ok) return behind;
  return ok({ mode, head: head.value, behind: behind.value });
}
