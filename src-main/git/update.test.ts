/**
 * Update from base through the API against real git: rebase and merge bring the base's commits in;
 * a conflict is aborted and leaves the session's worktree (and the main checkout) byte-identical.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFLICT_FILES_HEADER } from '../../src-shared/changes.js';
import { makeRepo, startTestOrchestrator, type TestOrchestrator } from '../testing/fixtures.js';
import { commitFile, gitIn, shellSession, snapshot } from '../testing/git-snapshot.js';

describe('sessions.update (real git)', () => {
  let t: TestOrchestrator;
  beforeAll(async () => {
    t = await startTestOrchestrator();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('rebase (default): the session branch sits on the base head with its own commits on top', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'up-rb');
    commitFile(s.worktreePath, 'mine.txt', 'mine\n', 'mine');
    const base = commitFile(repo, 'theirs.txt', 'theirs\n');

    const r = await t.must('sessions.update', { ref: s.name });
    expect(r).toMatchObject({ mode: 'rebase', behind: 0 });
    expect(gitIn(s.worktreePath, 'rev-parse', 'HEAD~1').trim()).toBe(base);
    expect(r.head).toBe(gitIn(s.worktreePath, 'rev-parse', 'HEAD').trim());
    expect(fs.readFileSync(path.join(s.worktreePath, 'theirs.txt'), 'utf8')).toBe('theirs\n');
  });

  it('merge: a merge commit with the base as second parent', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'up-mg');
    const mine = commitFile(s.worktreePath, 'mine.txt', 'mine\n', 'mine');
    const base = commitFile(repo, 'theirs.txt', 'theirs\n');

    const r = await t.must('sessions.update', { ref: s.name, mode: 'merge' });
    expect(r).toMatchObject({ mode: 'merge', behind: 0 });
    expect(gitIn(s.worktreePath, 'rev-parse', 'HEAD^@').trim().split('\n')).toEqual([mine, base]);
  });

  for (const mode of ['rebase', 'merge'] as const) {
    it(`a conflict (${mode}) is aborted: files named, worktree and main checkout byte-identical`, async () => {
      const repo = makeRepo();
      const odd = 'sub dir/ä -b.txt';
      commitFile(repo, odd, 'base\n');
      const s = await shellSession(t, repo, `up-cf-${mode}`);
      commitFile(s.worktreePath, odd, 'session\n');
      commitFile(repo, odd, 'main\n');
      // Ignored files in the worktree are no reason to refuse, and must survive.
      commitFile(s.worktreePath, '.gitignore', '*.log\n');
      fs.writeFileSync(path.join(s.worktreePath, 'debug.log'), 'log\n');
      const sessionBefore = snapshot(s.worktreePath);
      const mainBefore = snapshot(repo);

      const r = await t.call('sessions.update', { ref: s.name, mode });
      expect(r.ok ? null : r.error.code).toBe('conflict');
      const [first, ...files] = r.ok ? [''] : r.error.message.split('\n');
      expect(first!.endsWith(CONFLICT_FILES_HEADER)).toBe(true);
      expect(files).toEqual([odd]);
      expect(snapshot(s.worktreePath)).toEqual(sessionBefore);
      expect(snapshot(repo)).toEqual(mainBefore);
    });
  }

  it('refuses while the worktree has uncommitted changes, naming them, and changes nothing', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'up-dirty');
    commitFile(repo, 'theirs.txt', 'theirs\n');
    fs.writeFileSync(path.join(s.worktreePath, 'wip.txt'), 'wip\n');
    const before = snapshot(s.worktreePath);
    const r = await t.call('sessions.update', { ref: s.name });
    expect(r.ok ? null : r.error.code).toBe('worktree_dirty');
    expect(r.ok ? '' : r.error.message).toMatch(/1 uncommitted file \(wip\.txt\)/);
    expect(snapshot(s.worktreePath)).toEqual(before);
  });
});
