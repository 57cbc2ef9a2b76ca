/**
 * The review backend through a real orchestrator: real sessions, real git in temp repositories, the
 * worktree edited from the test as an agent would.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DIFF_LINES, type ChangedFileDto, type ChangesDto } from '../../src-shared/changes.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { makeRepo, startTestOrchestrator, tempDir, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();
const write = (dir: string, rel: string, text: string): void => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
const paths = (files: ChangedFileDto[]): string[] => files.map((f) => f.path).sort();
const lines = (n: number, tag = 'line'): string => Array.from({ length: n }, (_, i) => `${tag} ${i + 1}\n`).join('');

describe('changes service', () => {
  let t: TestOrchestrator;
  let repo: string;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestOrchestrator();
    repo = makeRepo();
    write(repo, 'tracked.txt', lines(20));
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'tracked');
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A shell session whose worktree is ready. */
  async function session(): Promise<SessionDto> {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'true', name: `ch-${++counter}` });
    await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).state !== 'creating', 'worktree ready', 20_000);
    return t.must('sessions.get', { ref: s.id });
  }

  it('lists committed, staged, unstaged and untracked files, and ahead/behind after a base commit', async () => {
    const s = await session();
    const wt = s.worktreePath;
    write(wt, 'added.txt', 'one\ntwo\n');
    git(wt, 'add', 'added.txt');
    git(wt, 'commit', '-q', '-m', 'agent work');
    write(wt, 'README.md', '# changed\nmore\n');
    git(wt, 'add', 'README.md');
    write(wt, 'added.txt', 'one\ntwo\nthree\n');
    write(wt, 'dir/new.txt', 'a\nb\nc\n');
    fs.rmSync(path.join(wt, 'tracked.txt'));
    write(repo, 'base-only.txt', 'x\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'base moved');

    const c: ChangesDto = await t.must('changes.list', { ref: s.name });
    expect(c).toMatchObject({ sessionId: s.id, branch: s.branch, baseBranch: 'main', ahead: 1, behind: 1, remotes: [] });
    expect(c.committed).toEqual([{ path: 'added.txt', oldPath: null, status: 'added', additions: 2, deletions: 0, binary: false }]);
    expect(c.staged).toEqual([{ path: 'README.md', oldPath: null, status: 'modified', additions: 2, deletions: 1, binary: false }]);
    expect(c.unstaged).toEqual([
      { path: 'added.txt', oldPath: null, status: 'modified', additions: 1, deletions: 0, binary: false },
      { path: 'tracked.txt', oldPath: null, status: 'deleted', additions: 0, deletions: 20, binary: false },
      { path: 'dir/new.txt', oldPath: null, status: 'untracked', additions: 3, deletions: 0, binary: false },
    ]);

    const committed = await t.must('changes.diff', { ref: s.name, area: 'committed' });
    expect(committed.diff).toContain('+++ b/added.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n');
    expect(committed.diff).not.toContain('base-only');
    const staged = await t.must('changes.diff', { ref: s.name, area: 'staged' });
    expect(staged.diff).toContain('-# test repo\n+# changed\n+more\n');
    const unstaged = await t.must('changes.diff', { ref: s.name, area: 'unstaged', path: 'dir/new.txt' });
    expect(unstaged.diff).toContain('new file mode');
    expect(unstaged.diff).toContain('+a\n+b\n+c\n');
    expect(unstaged.diff).not.toContain('added.txt');
    const all = await t.must('changes.diff', { ref: s.name, area: 'all', stat: true });
    for (const f of ['added.txt', 'README.md', 'tracked.txt', 'dir/new.txt']) expect(all.diff).toContain(`b/${f}\n`);
    expect(all.truncated).toBe(false);
    expect(all.files?.map((f) => [f.path, f.additions, f.deletions])).toEqual([
      ['README.md', 2, 1],
      ['added.txt', 3, 0],
      ['tracked.txt', 0, 20],
      ['dir/new.txt', 3, 0],
    ]);
  });

  it('handles paths with spaces, a newline, unicode, a leading dash and glob characters', async () => {
    const s = await session();
    const wt = s.worktreePath;
    const names = ['with space.txt', 'new\nline.txt', 'ünï cödé.txt', '-dash.txt', '*', 'sub/:colon.txt'];
    names.forEach((n, i) => write(wt, n, `content ${i}\n`));
    let c = await t.must('changes.list', { ref: s.id });
    expect(paths(c.unstaged)).toEqual([...names].sort());
    expect(c.unstaged.every((f) => f.status === 'untracked' && f.additions === 1)).toBe(true);
    for (const [i, n] of names.entries()) {
      const d = await t.must('changes.diff', { ref: s.id, area: 'unstaged', path: n });
      expect(d.diff).toContain(`+content ${i}\n`);
      expect(d.diff.match(/^diff --git/gm)).toHaveLength(1);
    }

    c = await t.must('changes.stage', { ref: s.id, paths: names });
    expect(paths(c.staged)).toEqual([...names].sort());
    expect(c.unstaged).toEqual([]);
    c = await t.must('changes.unstage', { ref: s.id, paths: ['*'] });
    expect(paths(c.unstaged)).toEqual(['*']);
    await t.must('changes.stage', { ref: s.id, paths: ['*'] });
    const commit = await t.must('changes.commit', { ref: s.id, message: 'weird names\n\nbody' });
    expect(commit.summary).toBe('weird names');
    expect(git(wt, 'rev-parse', 'HEAD').trim()).toBe(commit.commit);
    c = await t.must('changes.list', { ref: s.id });
    expect(paths(c.committed)).toEqual([...names].sort());

    names.forEach((n) => write(wt, n, 'edited\n'));
    c = await t.must('changes.discard', { ref: s.id, paths: ['-dash.txt', 'new\nline.txt', '*'] });
    expect(paths(c.unstaged)).toEqual(['sub/:colon.txt', 'with space.txt', 'ünï cödé.txt']);
    expect(fs.readFileSync(path.join(wt, '-dash.txt'), 'utf8')).toBe('content 3\n');
    expect(fs.readFileSync(path.join(wt, 'new\nline.txt'), 'utf8')).toBe('content 1\n');
    expect(fs.readFileSync(path.join(wt, '*'), 'utf8')).toBe('content 4\n');
    expect(fs.readFileSync(path.join(wt, 'with space.txt'), 'utf8')).toBe('edited\n');
  });

  it('stages exactly one hunk of a file with two, and refuses a stale header', async () => {
    const s = await session();
    const wt = s.worktreePath;
    write(wt, 'tracked.txt', lines(20).replace('line 2\n', 'line TWO\n').replace('line 18\n', 'line EIGHTEEN\n'));
    const d = await t.must('changes.diff', { ref: s.id, area: 'unstaged', path: 'tracked.txt' });
    const headers = d.diff.split('\n').filter((l) => l.startsWith('@@'));
    expect(headers).toHaveLength(2);

    let c = await t.must('changes.stageHunk', { ref: s.id, path: 'tracked.txt', header: headers[1]! });
    expect(paths(c.staged)).toEqual(['tracked.txt']);
    const cached = git(wt, 'diff', '--cached');
    expect(cached).toContain('+line EIGHTEEN');
    expect(cached).not.toContain('line TWO');
    expect(git(wt, 'diff')).toContain('+line TWO');
    expect(git(wt, 'diff')).not.toContain('EIGHTEEN');

    const stale = await t.call('changes.stageHunk', { ref: s.id, path: 'tracked.txt', header: headers[1]! });
    expect(stale.ok ? null : stale.error.code).toBe('conflict');
    expect(stale.ok ? '' : stale.error.message).toContain('reload');
    expect(git(wt, 'diff', '--cached')).toBe(cached);

    const stagedHeader = (await t.must('changes.diff', { ref: s.id, area: 'staged', path: 'tracked.txt' })).diff.split('\n').find((l) => l.startsWith('@@'))!;
    c = await t.must('changes.stageHunk', { ref: s.id, path: 'tracked.txt', header: stagedHeader, unstage: true });
    expect(c.staged).toEqual([]);
    expect(git(wt, 'diff', '--cached')).toBe('');
  });

  it('runs no hooks and no fsmonitor from the repository during status and commit, and the commit lands', async () => {
    const s = await session();
    const wt = s.worktreePath;
    const markers = tempDir('berth-markers-');
    const script = (name: string): string => {
      const file = path.join(markers, `${name}.sh`);
      fs.writeFileSync(file, `#!/bin/sh\necho ran >> "${path.join(markers, name)}"\nexit 1\n`, { mode: 0o755 });
      return file;
    };
    const hooksDir = path.join(markers, 'hooks');
    fs.mkdirSync(hooksDir);
    fs.copyFileSync(script('pre-commit-default'), path.join(repo, '.git/hooks/pre-commit'));
    fs.chmodSync(path.join(repo, '.git/hooks/pre-commit'), 0o755);
    fs.copyFileSync(script('pre-commit-hookspath'), path.join(hooksDir, 'pre-commit'));
    fs.chmodSync(path.join(hooksDir, 'pre-commit'), 0o755);
    const fsmonitor = script('fsmonitor');
    try {
      write(wt, 'hooked.txt', 'x\n');
      await t.must('changes.list', { ref: s.id });
      await t.must('changes.stage', { ref: s.id, paths: ['hooked.txt'] });
      git(repo, 'config', 'core.hooksPath', hooksDir);
      git(repo, 'config', 'core.fsmonitor', fsmonitor);
      await t.must('changes.list', { ref: s.id });
      const commit = await t.must('changes.commit', { ref: s.id, message: 'no hooks' });
      expect(git(wt, 'log', '-1', '--format=%H %s').trim()).toBe(`${commit.commit} no hooks`);
      expect(fs.readdirSync(markers).filter((f) => !f.endsWith('.sh') && f !== 'hooks')).toEqual([]);

      // The planted config is live: plain git runs both (so the assertion above can fail).
      git(wt, 'status');
      expect(() => git(wt, 'commit', '--allow-empty', '-q', '-m', 'plain')).toThrow();
      expect(fs.existsSync(path.join(markers, 'fsmonitor'))).toBe(true);
      expect(fs.existsSync(path.join(markers, 'pre-commit-hookspath'))).toBe(true);
    } finally {
      git(repo, 'config', '--unset', 'core.hooksPath');
      git(repo, 'config', '--unset', 'core.fsmonitor');
      fs.rmSync(path.join(repo, '.git/hooks/pre-commit'));
    }
  });

  it('discards exactly the named files and leaves the others alone', async () => {
    const s = await session();
    const wt = s.worktreePath;
    write(wt, 'tracked.txt', 'changed\n');
    write(wt, 'README.md', 'also changed\n');
    write(wt, 'deep/dir/gone.txt', 'u1\n');
    write(wt, 'kept.txt', 'u2\n');
    const c = await t.must('changes.discard', { ref: s.id, paths: ['tracked.txt', 'deep/dir/gone.txt'] });
    expect(paths(c.unstaged)).toEqual(['README.md', 'kept.txt']);
    expect(fs.readFileSync(path.join(wt, 'tracked.txt'), 'utf8')).toBe(lines(20));
    expect(fs.existsSync(path.join(wt, 'deep'))).toBe(false);
    expect(fs.readFileSync(path.join(wt, 'README.md'), 'utf8')).toBe('also changed\n');
    expect(fs.readFileSync(path.join(wt, 'kept.txt'), 'utf8')).toBe('u2\n');
  });

  it('refuses bad input and changes nothing', async () => {
    const s = await session();
    const wt = s.worktreePath;
    write(wt, 'tracked.txt', 'changed\n');
    write(repo, 'outside.txt', 'keep\n');
    git(wt, 'add', 'tracked.txt');
    write(wt, 'loose.txt', 'loose\n');
    const before = git(wt, 'status', '--porcelain=v2');
    const head = git(wt, 'rev-parse', 'HEAD');
    const bad = [
      await t.call('changes.discard', { ref: s.id, paths: ['../outside.txt'] }),
      await t.call('changes.stage', { ref: s.id, paths: ['sub/../../x'] }),
      await t.call('changes.discard', { ref: s.id, paths: ['/etc/passwd'] }),
      await t.call('changes.commit', { ref: s.id, message: '   ' }),
      await t.call('changes.discard', { ref: s.id, paths: ['loose.txt', 'README.md'] }),
      await t.call('changes.unstage', { ref: s.id, paths: ['loose.txt'] }),
    ];
    for (const r of bad) expect(r.ok ? 'ok' : r.error.code).toBe('bad_request');
    expect(bad[3]!.ok ? '' : bad[3]!.error.message).toContain('write a commit message');
    expect(bad[4]!.ok ? '' : bad[4]!.error.message).toContain('README.md');
    expect(git(wt, 'status', '--porcelain=v2')).toBe(before);
    expect(git(wt, 'rev-parse', 'HEAD')).toBe(head);
    expect(fs.readFileSync(path.join(repo, 'outside.txt'), 'utf8')).toBe('keep\n');
    fs.rmSync(path.join(repo, 'outside.txt'));
  });

  it('commits all, and refuses an empty commit or one without a configured identity', async () => {
    const s = await session();
    const wt = s.worktreePath;
    const empty = await t.call('changes.commit', { ref: s.id, message: 'nothing' });
    expect(empty.ok ? '' : `${empty.error.code}: ${empty.error.message}`).toMatch(/^invalid_state: nothing is staged/);

    write(wt, 'all.txt', 'all\n');
    // No identity anywhere: not in the repository, not in the (hermetic) global config.
    git(repo, 'config', '--unset', 'user.name');
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    try {
      const anonymous = await t.call('changes.commit', { ref: s.id, message: 'who', all: true });
      expect(anonymous.ok ? '' : anonymous.error.message).toContain('git config user.name');
      expect(git(wt, 'status', '--porcelain')).toBe('?? all.txt\n');
    } finally {
      delete process.env.GIT_CONFIG_GLOBAL;
      git(repo, 'config', 'user.name', 'Berth Test');
    }
    const done = await t.must('changes.commit', { ref: s.id, message: 'everything', all: true });
    expect(git(wt, 'show', '--format=%an <%ae>', '--name-only', done.commit).trim().split('\n')).toEqual(['Berth Test <test@berth.invalid>', '', 'all.txt']);
    expect((await t.must('changes.list', { ref: s.id })).ahead).toBe(1);
  });

  it('shows a staged rename with its old path, and unstages both sides of it', async () => {
    const s = await session();
    const wt = s.worktreePath;
    fs.mkdirSync(path.join(wt, 'moved dir'));
    git(wt, 'mv', 'tracked.txt', 'moved dir/renamed.txt');
    let c = await t.must('changes.list', { ref: s.id });
    expect(c.staged).toEqual([{ path: 'moved dir/renamed.txt', oldPath: 'tracked.txt', status: 'renamed', additions: 0, deletions: 0, binary: false }]);
    c = await t.must('changes.unstage', { ref: s.id, paths: ['moved dir/renamed.txt'] });
    expect(c.staged).toEqual([]);
    expect(c.unstaged.map((f) => [f.path, f.status])).toEqual([
      ['tracked.txt', 'deleted'],
      ['moved dir/renamed.txt', 'untracked'],
    ]);
    git(wt, 'add', '-A');
    await t.must('changes.commit', { ref: s.id, message: 'move' });
    c = await t.must('changes.list', { ref: s.id });
    expect(c.committed.map((f) => [f.path, f.oldPath, f.status])).toEqual([['moved dir/renamed.txt', 'tracked.txt', 'renamed']]);
  });

  it('cuts a diff longer than MAX_DIFF_LINES and says so', async () => {
    const s = await session();
    write(s.worktreePath, 'huge.txt', lines(MAX_DIFF_LINES + 100));
    const d = await t.must('changes.diff', { ref: s.id, area: 'unstaged' });
    expect(d.truncated).toBe(true);
    expect(d.diff.split('\n')).toHaveLength(MAX_DIFF_LINES + 1);
    const c = await t.must('changes.list', { ref: s.id });
    expect(c.unstaged[0]?.additions).toBe(MAX_DIFF_LINES + 100);
  });

  it('runs operations on one worktree one at a time: 20 stages, then 20 commits, sent at once', async () => {
    const s = await session();
    const names = Array.from({ length: 20 }, (_, i) => `f${i}.txt`);
    for (const n of names) write(s.worktreePath, n, `${n}\n`);
    const results = await Promise.all(names.map((n) => t.call('changes.stage', { ref: s.id, paths: [n] })));
    expect(results.map((r) => (r.ok ? 'ok' : r.error.message))).toEqual(names.map(() => 'ok'));
    expect(paths((await t.must('changes.list', { ref: s.id })).staged)).toEqual([...names].sort());

    // Check-then-act under load: the first commit takes everything, each later one finds nothing to commit.
    for (const n of names) write(s.worktreePath, n, 'changed\n');
    const commits = await Promise.all(names.map((n) => t.call('changes.commit', { ref: s.id, message: n, all: true })));
    expect(commits.map((r) => (r.ok ? 'ok' : r.error.message)).sort()).toEqual(['ok', ...names.slice(1).map(() => 'there are no changes to commit')]);
  });

  it('still lists the worktree when its base branch was deleted, and says so for the committed diff', async () => {
    git(repo, 'branch', 'short-lived', 'main');
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'true', name: 'on-short-lived', baseBranch: 'short-lived' });
    await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).state !== 'creating', 'worktree ready', 20_000);
    git(repo, 'branch', '-D', 'short-lived');
    write(s.worktreePath, 'still.txt', 'here\n');
    const c = await t.must('changes.list', { ref: s.id });
    expect(c).toMatchObject({ ahead: 0, behind: 0, committed: [], baseBranch: 'short-lived' });
    expect(paths(c.unstaged)).toEqual(['still.txt']);
    const d = await t.call('changes.diff', { ref: s.id, area: 'committed' });
    expect(d.ok ? '' : `${d.error.code}: ${d.error.message}`).toBe('not_found: the base branch "short-lived" no longer exists');
  });

  it('lists a nested repository as a folder, diffs around it and refuses to discard it', async () => {
    const s = await session();
    const nested = path.join(s.worktreePath, 'nested');
    fs.mkdirSync(nested);
    git(nested, 'init', '-q');
    write(nested, 'inner.txt', 'inner\n');
    write(s.worktreePath, 'beside.txt', 'beside\n');
    const c = await t.must('changes.list', { ref: s.id });
    expect(c.unstaged.map((f) => [f.path, f.status])).toEqual([
      ['beside.txt', 'untracked'],
      ['nested/', 'untracked'],
    ]);
    const d = await t.must('changes.diff', { ref: s.id, area: 'all' });
    expect(d.diff).toContain('+beside\n');
    const r = await t.call('changes.discard', { ref: s.id, paths: ['nested/'] });
    expect(r.ok ? '' : `${r.error.code}: ${r.error.message}`).toMatch(/^bad_request: "nested\/" is a folder/);
    expect(fs.existsSync(path.join(nested, 'inner.txt'))).toBe(true);
  });

  it('says clearly when the worktree is gone', async () => {
    const s = await session();
    await t.must('sessions.stop', { ref: s.id });
    fs.rmSync(s.worktreePath, { recursive: true, force: true });
    const r = await t.call('changes.list', { ref: s.id });
    expect(r.ok ? '' : `${r.error.code}: ${r.error.message}`).toMatch(/^invalid_state: the worktree of session "ch-\d+" is gone/);
  });
});
