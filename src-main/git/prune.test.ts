/**
 * Prune through the API against real git: leftovers of deleted sessions are listed with their size and
 * unsaved work; what live or archived sessions own, and detached pool slots, never are; unsaved work is
 * removed only when confirmed by id.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoWorktreesDir } from '../sessions/naming.js';
import { makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../testing/fixtures.js';
import { commitFile, gitIn, shellSession } from '../testing/git-snapshot.js';

describe('prune (real git)', () => {
  let t: TestOrchestrator;
  beforeAll(async () => {
    t = await startTestOrchestrator();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists only what no session owns, with size and unsaved work, and removes unsaved work only when confirmed', async () => {
    const repo = makeRepo();
    const folder = repoWorktreesDir(t.dataDir, repo);

    // Owned: a live session and an archived one, both with commits of their own.
    const live = await shellSession(t, repo, 'live');
    commitFile(live.worktreePath, 'live.txt', 'live\n');
    const archived = await shellSession(t, repo, 'kept-archived');
    commitFile(archived.worktreePath, 'arch.txt', 'arch\n');
    await t.must('sessions.stop', { ref: archived.name });
    await t.must('sessions.archive', { ref: archived.name });

    // Deleted with a commit nobody else has: the delete keeps its branch.
    const gone = await shellSession(t, repo, 'gone');
    commitFile(gone.worktreePath, 'gone.txt', 'gone\n');
    await t.must('sessions.delete', { ref: gone.name, force: true });
    await waitFor(() => !fs.existsSync(gone.worktreePath), 'the deleted worktree to go');

    // Left behind by an interrupted delete: one clean worktree at main, one with uncommitted work.
    const clean = path.join(folder, 'left clean');
    gitIn(repo, 'worktree', 'add', '-q', '-b', 'berth/left-clean', clean, 'main');
    const dirty = path.join(folder, 'left-dirty');
    gitIn(repo, 'worktree', 'add', '-q', '-b', 'berth/left-dirty', dirty, 'main');
    fs.writeFileSync(path.join(dirty, 'wip ü.txt'), 'unsaved\n'.repeat(1000));
    // A detached slot in the same folder belongs to a pool (never listed); a merged leftover branch goes without asking.
    gitIn(repo, 'worktree', 'add', '-q', '--detach', path.join(folder, 'warm-abc'), 'main');
    gitIn(repo, 'branch', 'berth/merged', 'main');

    const items = await t.must('prune.list', {});
    const mine = items.filter((i) => i.repoPath === repo);
    const byBranch = new Map(mine.map((i) => [i.branch, i]));
    expect([...byBranch.keys()].sort()).toEqual(['berth/gone', 'berth/left-clean', 'berth/left-dirty', 'berth/merged']);
    expect(byBranch.get('berth/gone')).toMatchObject({ kind: 'branch', path: null, bytes: 0, unsaved: ['1 commit on berth/gone not on any other branch'] });
    expect(byBranch.get('berth/merged')).toMatchObject({ kind: 'branch', unsaved: [] });
    expect(byBranch.get('berth/left-clean')).toMatchObject({ kind: 'worktree', path: clean, unsaved: [] });
    const dirtyItem = byBranch.get('berth/left-dirty')!;
    expect(dirtyItem).toMatchObject({ kind: 'worktree', path: dirty, unsaved: ['uncommitted: wip ü.txt'] });
    expect(dirtyItem.bytes).toBeGreaterThan(8000);

    // Unconfirmed unsaved work is kept, with the reason; the rest goes.
    const ids = mine.map((i) => i.id);
    const first = await t.must('prune.run', { ids });
    expect(first.removed.sort()).toEqual([byBranch.get('berth/left-clean')!.id, byBranch.get('berth/merged')!.id].sort());
    expect(first.kept.map((k) => k.id).sort()).toEqual([byBranch.get('berth/gone')!.id, dirtyItem.id].sort());
    expect(first.kept.find((k) => k.id === dirtyItem.id)!.reason).toContain('uncommitted: wip ü.txt');
    expect(fs.existsSync(clean)).toBe(false);
    expect(fs.existsSync(dirty)).toBe(true);
    const branches = () => gitIn(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/berth/').trim().split('\n').sort();
    expect(branches()).toEqual(['berth/gone', 'berth/kept-archived', 'berth/left-dirty', 'berth/live']);

    // Confirmed: removed too. Sessions' worktrees and branches, and the pool slot, are untouched.
    const second = await t.must('prune.run', { ids: [dirtyItem.id, byBranch.get('berth/gone')!.id], confirmUnsaved: [dirtyItem.id, byBranch.get('berth/gone')!.id] });
    expect(second.kept).toEqual([]);
    expect(fs.existsSync(dirty)).toBe(false);
    expect(branches()).toEqual(['berth/kept-archived', 'berth/live']);
    expect(fs.existsSync(live.worktreePath) && fs.existsSync(archived.worktreePath) && fs.existsSync(path.join(folder, 'warm-abc'))).toBe(true);
    expect((await t.must('prune.list', {})).filter((i) => i.repoPath === repo)).toEqual([]);

    const unknown = await t.must('prune.run', { ids: ['nope'] });
    expect(unknown).toEqual({ removed: [], kept: [{ id: 'nope', reason: expect.stringContaining('no such item') }] });
  });
});
