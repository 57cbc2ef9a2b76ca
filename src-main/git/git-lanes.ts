/**
 * One lane per repository for the status tracker's git calls: at most one of them runs per repository
 * at a time, however many sessions the repository has and however busy their worktrees are.
 *
 * Queues of their own, apart from inRepoQueue's (worktree adds and removes), so a status read never
 * delays a create; counted, so tests can see the one-at-a-time promise hold.
 */
import path from 'node:path';
import { SerialQueues } from './repo-queue.js';

export class GitLanes {
  private readonly queues = new SerialQueues();
  private readonly active = new Map<string, number>();
  private peak = 0;
  /** Calls started since the lanes were made (tests read it). */
  calls = 0;

  /** The most calls ever running at once in one repository (1 unless the lanes are broken; tests read it). */
  get maxConcurrent(): number {
    return this.peak;
  }

  /** Repositories with calls queued or running. */
  get pending(): number {
    return this.queues.pending;
  }

  /** Runs `fn` once every earlier call in `repo`'s lane has settled. */
  run<T>(repo: string, fn: () => Promise<T>): Promise<T> {
    const key = path.resolve(repo);
    return this.queues.run(key, async () => {
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
  }
}
