import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo, tempDir } from '../testing/fixtures.js';
import { addWorktree, git, removeWorktree } from './git.js';
import { inRepoQueue } from './repo-queue.js';

/** Worktrees added at once, the way sessions created side by side and a warm-pool refill add them. */
const PARALLEL = 24;

describe('worktree changes in one repository', () => {
  it('sessions and pool slots added and removed at once all succeed (git alone fails on "commondir")', async () => {
    const repo = makeRepo();
    const root = tempDir();
    const sessions = Array.from({ length: PARALLEL }, (_, i) => path.join(root, `s${i}`));
    const slots = Array.from({ length: PARALLEL }, (_, i) => path.join(root, `w${i}`));
    const added = await Promise.all([
      ...sessions.map((dir, i) => addWorktree(repo, dir, `berth/s${i}`, 'HEAD')),
      ...slots.map((dir) => inRepoQueue(repo, () => git(repo, ['worktree', 'add', '--quiet', '--detach', '--no-checkout', dir, 'HEAD']))),
    ]);
    expect(added.filter((r) => !r.ok)).toEqual([]);
    const removed = await Promise.all(sessions.map((dir, i) => removeWorktree(repo, dir, `berth/s${i}`, false)));
    expect(removed.filter((r) => !r.ok)).toEqual([]);
    const list = await git(repo, ['worktree', 'list', '--porcelain']);
    expect(list.ok && list.value.stdout.split('\n').filter((l) => l.startsWith('worktree ')).length).toBe(1 + PARALLEL);
    for (const dir of sessions) expect(fs.existsSync(dir)).toBe(false);
  });

  it('a call that throws does not block the ones after it; different repositories run side by side', async () => {
    const order: string[] = [];
    const failing = inRepoQueue('/tmp/repo-a', () => {
      throw new Error('boom');
    });
    const next = inRepoQueue('/tmp/repo-a', async () => order.push('a2'));
    let releaseB!: () => void;
    const b = inRepoQueue('/tmp/repo-b', () => new Promise<void>((r) => (releaseB = r)).then(() => void order.push('b')));
    await expect(failing).rejects.toThrow('boom');
    await next;
    expect(order).toEqual(['a2']);
    releaseB();
    await b;
    expect(order).toEqual(['a2', 'b']);
  });
});
