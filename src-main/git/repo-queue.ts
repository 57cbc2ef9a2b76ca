/**
 * Git commands that change a repository's worktree list or its refs run one at a time per repository.
 *
 * git's worktree bookkeeping is not safe under concurrency: `git worktree add` writes
 * `.git/worktrees/<name>/` in several steps, and another git that reads the worktree list meanwhile
 * (a second add, `branch -d`, `worktree prune`) dies with "failed to read .git/worktrees/<name>/commondir".
 * Sessions created side by side and the Docker warm pool's refills hit exactly that.
 */
import path from 'node:path';

const tails = new Map<string, Promise<void>>();
const settle = (): void => undefined;

/**
 * Runs `fn` once every earlier call for the same repository has settled. An idle repository's `fn`
 * starts synchronously (its git is spawned before this returns), so callers can overlap other work with it.
 */
export function inRepoQueue<T>(repo: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(repo);
  const prev = tails.get(key);
  const call = (): Promise<T> => {
    try {
      return fn();
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const run = prev ? prev.then(call) : call();
  const tail = run.then(settle, settle);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
