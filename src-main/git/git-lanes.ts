/**
 * One lane per repository for the status tracker's git calls: at most one of them runs per repository
 * at a time, however many sessions the repository has and however busy their worktrees are.
 *
 * Separate from repo-queue.ts (worktree adds and removes) so a status read never delays a create.
 */
import path from 'node:path';

export class GitLanes {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly active = new Map<string, number>();
  private peak = 0;
  /** Calls started since the lanes were made (tests read it). */
  calls = 0;

  /** The most calls ever running at once in one repository (1 unless the lanes are broken; tests read it). */
  get maxConcurrent(): number {
    return this.peak;
  }

  /** Calls queued or running, across repositories. */
  get pending(): number {
    return this.tails.size;
  }

  /** Runs `fn` once every earlier call in `repo`'s lane has settled. */
  run<T>(repo: string, fn: () => Promise<T>): Promise<T> {
    const key = path.resolve(repo);
    const prev = this.tails.get(key) ?? Promise.resolve();
    const run = prev.then(async () => {
      this.calls++;
      const n = (this.active.get(key) ?? 0) + 1;
      this.active.set(key, n);
      this.peak = Math.max(this.peak, n);
      try {
        return await fn();
      } finally {
        const left = (this.active.get(key) ?? 1) - 1;
        if (left === 0) this.active.delete(key);
        else this.active.set(key, left);
      }
    });
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}
