/**
 * Git commands that change a repository's worktree list or its refs run one at a time per repository.
 *
 * git's worktree bookkeeping is not safe under concurrency: `git worktree add` writes
 * `.git/worktrees/<name>/` in several steps, and another git that reads the worktree list meanwhile
 * (a second add, `branch -d`, `worktree prune`) dies with "failed to read .git/worktrees/<name>/commondir".
 * Sessions created side by side and the Docker warm pool's refills hit exactly that.
 */
import path from 'node:path';

const settle = (): void => undefined;

/** Calls keyed by a folder (made absolute) run one after another per key; different keys run side by side. */
export class SerialQueues {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with a call queued or running. */
  get pending(): number {
    return this.tails.size;
  }

  /**
   * Runs `fn` once every earlier call for the same key has settled. An idle key's `fn` starts
   * synchronously (its git is spawned before this returns), so callers can overlap other work with it.
   */
  run<T>(dir: string, fn: () => Promise<T>): Promise<T> {
    const key = path.resolve(dir);
    const prev = this.tails.get(key);
    const call = (): Promise<T> => {
      try {
        return fn();
      } catch (e) {
        return Promise.reject(e);
      }
    };
    const run = prev ? prev.then(call) : call();
    const tail = run.then(settle, settle);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}

/** The queue of worktree and ref changes (also used per worktree by the Changes view, land and update). */
const repoQueues = new SerialQueues();

/** Runs `fn` after every earlier call for the same repository (or worktree) has settled. */
export function inRepoQueue<T>(repo: string, fn: () => Promise<T>): Promise<T> {
  return repoQueues.run(repo, fn);
}
