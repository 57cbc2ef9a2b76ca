/**
 * Land through the API against real git: squash, merge and rebase land on the base in the main
 * checkout; conflicts and refusals leave the main checkout byte-identical.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFLICT_FILES_HEADER } from '../../src-shared/changes.js';
import { makeRepo, startTestOrchestrator, type TestOrchestrator } from '../testing/fixtures.js';
import { commitFile, gitIn, shellSession, snapshot } from '../testing/git-snapshot.js';

/** A file name git and shells find awkward: spaces, unicode, a leading dash. */
const ODD = 'dir with space/-ünï côde.txt';

describe('sessions.land (real git)', () => {
  let t: TestOrchestrator;
  beforeAll(async () => {
    t = await startTestOrchestrator();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('squash (default): one commit on the base with the name and prompt, main checkout updated, branch no longer ahead', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'sq', 'echo add the odd file');
    commitFile(s.worktreePath, ODD, 'from the session\n', 'first');
    commitFile(s.worktreePath, 'b.txt', 'b\n', 'second');
    const before = gitIn(repo, 'rev-parse', 'main').trim();

    const landed = await t.must('sessions.land', { ref: 'sq' });
    expect(landed).toMatchObject({ mode: 'squash', baseBranch: 'main' });
    expect(gitIn(repo, 'rev-parse', 'main').trim()).toBe(landed.commit);
    expect(gitIn(repo, 'rev-parse', `${landed.commit}^@`).trim().split('\n')).toEqual([before]);
    expect(gitIn(repo, 'log', '-1', '--format=%B', landed.commit)).toBe('sq\n\necho add the odd file\n\n');
    expect(fs.readFileSync(path.join(repo, ODD), 'utf8')).toBe('from the session\n');
    expect(gitIn(repo, 'status', '--porcelain=v2')).toBe('');
    // The branch followed the landed commit: nothing ahead, its files as they were.
    expect(gitIn(repo, 'rev-list', '--count', 'main..berth/sq').trim()).toBe('0');
    expect(fs.readFileSync(path.join(s.worktreePath, 'b.txt'), 'utf8')).toBe('b\n');
  });

  it('squash with uncommitted work in the session: kept; the branch follows unless that work is in a file the base changed', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'sq-dirty');
    commitFile(s.worktreePath, 'landed.txt', 'a\nb\nc\nd\ne\n');
    fs.writeFileSync(path.join(s.worktreePath, 'notes.txt'), 'wip\n');
    const first = await t.must('sessions.land', { ref: s.name });
    expect(gitIn(repo, 'rev-parse', 'berth/sq-dirty').trim()).toBe(first.commit);
    expect(fs.readFileSync(path.join(s.worktreePath, 'notes.txt'), 'utf8')).toBe('wip\n');

    // The base changes another line of the file the session works on (a clean merge), and the session
    // has uncommitted work in that file: the land goes through, the branch stays where it was.
    const head = commitFile(s.worktreePath, 'landed.txt', 'A\nb\nc\nd\ne\n');
    commitFile(repo, 'landed.txt', 'a\nb\nc\nd\nE\n');
    fs.writeFileSync(path.join(s.worktreePath, 'landed.txt'), 'A\nb\nC uncommitted\nd\ne\n');
    // Everything but the refs (main moves: it is shared with the main checkout).
    const worktree = () => ({ ...snapshot(s.worktreePath), refs: null });
    const worktreeBefore = worktree();
    const second = await t.must('sessions.land', { ref: s.name });
    expect(gitIn(repo, 'show', `${second.commit}:landed.txt`)).toBe('A\nb\nc\nd\nE\n');
    expect(gitIn(repo, 'rev-parse', 'berth/sq-dirty').trim()).toBe(head);
    expect(worktree()).toEqual(worktreeBefore);
  });

  it('merge: a merge commit with both parents and the given message', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'mg');
    const head = commitFile(s.worktreePath, 'm.txt', 'm\n');
    commitFile(repo, 'base-only.txt', 'base\n');
    const base = gitIn(repo, 'rev-parse', 'main').trim();

    const landed = await t.must('sessions.land', { ref: 'mg', mode: 'merge', message: 'Land mg' });
    expect(gitIn(repo, 'rev-parse', `${landed.commit}^@`).trim().split('\n')).toEqual([base, head]);
    expect(gitIn(repo, 'log', '-1', '--format=%s', landed.commit).trim()).toBe('Land mg');
    expect(fs.existsSync(path.join(repo, 'm.txt'))).toBe(true);
    expect(gitIn(repo, 'rev-list', '--count', 'main..berth/mg').trim()).toBe('0');
  });

  it('rebase: the branch is replayed on the moved base and fast-forwarded', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'rb');
    commitFile(s.worktreePath, 'r1.txt', '1\n', 'r1');
    commitFile(s.worktreePath, 'r2.txt', '2\n', 'r2');
    const moved = commitFile(repo, 'base.txt', 'base\n');

    const landed = await t.must('sessions.land', { ref: 'rb', mode: 'rebase' });
    expect(gitIn(repo, 'log', '--format=%s', `${moved}..main`).trim().split('\n')).toEqual(['r2', 'r1']);
    expect(gitIn(repo, 'rev-parse', 'berth/rb').trim()).toBe(landed.commit);
    expect(gitIn(repo, 'rev-list', '--merges', '--count', 'main').trim()).toBe('0');
    expect(fs.existsSync(path.join(repo, 'r2.txt'))).toBe(true);
    expect(fs.existsSync(path.join(s.worktreePath, 'base.txt'))).toBe(true);
  });

  for (const mode of ['squash', 'merge', 'rebase'] as const) {
    it(`a conflict (${mode}) names the files and leaves the main checkout and the session byte-identical`, async () => {
      const repo = makeRepo();
      commitFile(repo, ODD, 'base\n');
      commitFile(repo, 'other.txt', 'one\n');
      const s = await shellSession(t, repo, `cf-${mode}`);
      commitFile(s.worktreePath, ODD, 'session\n');
      commitFile(s.worktreePath, 'other.txt', 'session two\n');
      commitFile(repo, ODD, 'main moved\n');
      commitFile(repo, 'other.txt', 'main two\n');
      // Local changes and an untracked file in the main checkout must survive untouched too.
      fs.writeFileSync(path.join(repo, 'README.md'), '# edited locally\n');
      fs.writeFileSync(path.join(repo, 'scratch.txt'), 'untracked\n');
      gitIn(repo, 'add', 'README.md');
      fs.appendFileSync(path.join(repo, 'README.md'), 'and unstaged\n');
      const mainBefore = snapshot(repo);
      const sessionBefore = snapshot(s.worktreePath);

      const r = await t.call('sessions.land', { ref: s.name, mode });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('conflict');
      const [first, ...files] = r.error.message.split('\n');
      expect(first!.endsWith(CONFLICT_FILES_HEADER)).toBe(true);
      expect(files.sort()).toEqual([ODD, 'other.txt'].sort());
      expect(snapshot(repo)).toEqual(mainBefore);
      expect(snapshot(s.worktreePath)).toEqual(sessionBefore);
    });
  }

  it('rebase: a commit that conflicts on the way (though the end result would merge) is aborted; branch and checkouts unchanged', async () => {
    const repo = makeRepo();
    commitFile(repo, 'f.txt', 'base\n');
    const s = await shellSession(t, repo, 'rb-mid');
    commitFile(s.worktreePath, 'f.txt', 'session\n', 'change f');
    commitFile(s.worktreePath, 'f.txt', 'base\n', 'revert f');
    commitFile(repo, 'f.txt', 'main moved\n');
    const mainBefore = snapshot(repo);
    const sessionBefore = snapshot(s.worktreePath);

    const r = await t.call('sessions.land', { ref: s.name, mode: 'rebase' });
    expect(r.ok ? null : r.error.code).toBe('conflict');
    expect(r.ok ? [] : r.error.message.split('\n').slice(1)).toEqual(['f.txt']);
    expect(snapshot(repo)).toEqual(mainBefore);
    expect(snapshot(s.worktreePath)).toEqual(sessionBefore);
  });

  it('refuses when the main checkout is on another branch, and changes nothing', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'other-branch');
    commitFile(s.worktreePath, 'x.txt', 'x\n');
    gitIn(repo, 'switch', '-q', '-c', 'feature');
    const before = snapshot(repo);
    const r = await t.call('sessions.land', { ref: s.name });
    expect(r.ok ? null : r.error.code).toBe('invalid_state');
    expect(r.ok ? '' : r.error.message).toContain('is on branch feature, not main');
    expect(snapshot(repo)).toEqual(before);
  });

  it('refuses uncommitted changes in files the land touches (named), lands past unrelated ones', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'dirty-main');
    commitFile(s.worktreePath, 'README.md', '# from the session\n');
    commitFile(s.worktreePath, 'new.txt', 'new\n');
    fs.writeFileSync(path.join(repo, 'README.md'), '# local edit\n');
    const before = snapshot(repo);
    const r = await t.call('sessions.land', { ref: s.name });
    expect(r.ok ? null : r.error.code).toBe('worktree_dirty');
    expect(r.ok ? '' : r.error.message).toContain('README.md');
    expect(snapshot(repo)).toEqual(before);

    // An untracked file the land would create is in the way too.
    gitIn(repo, 'checkout', '--', 'README.md');
    fs.writeFileSync(path.join(repo, 'new.txt'), 'mine\n');
    const r2 = await t.call('sessions.land', { ref: s.name });
    expect(r2.ok ? '' : r2.error.message).toContain('new.txt');

    // A local change elsewhere stays as it was.
    fs.rmSync(path.join(repo, 'new.txt'));
    fs.writeFileSync(path.join(repo, 'unrelated.txt'), 'keep me\n');
    await t.must('sessions.land', { ref: s.name });
    expect(fs.readFileSync(path.join(repo, 'README.md'), 'utf8')).toBe('# from the session\n');
    expect(fs.readFileSync(path.join(repo, 'unrelated.txt'), 'utf8')).toBe('keep me\n');
  });

  it('refuses a session whose worktree is gone, for land, update and push alike', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'no-worktree');
    commitFile(s.worktreePath, 'x.txt', 'x\n');
    await t.must('sessions.stop', { ref: s.name });
    fs.rmSync(s.worktreePath, { recursive: true, force: true });
    const before = snapshot(repo);
    for (const method of ['sessions.land', 'sessions.update', 'sessions.push'] as const) {
      const r = await t.call(method, { ref: s.name });
      expect(r.ok ? null : r.error).toEqual({ code: 'invalid_state', message: `session "no-worktree" has no worktree (${s.worktreePath} is gone)` });
    }
    expect(snapshot(repo)).toEqual(before);
  });

  it('says there is nothing to land before the session committed anything', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'empty');
    fs.writeFileSync(path.join(s.worktreePath, 'wip.txt'), 'wip\n');
    const r = await t.call('sessions.land', { ref: s.name });
    expect(r.ok ? null : r.error.code).toBe('invalid_state');
    expect(r.ok ? '' : r.error.message).toMatch(/nothing to land.*1 uncommitted file/);
  });
});
