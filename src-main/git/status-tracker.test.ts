import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionDto } from '../../src-shared/dto.js';
import { makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

/** Longest a change may take to show (debounce 300 ms, one refresh per second, three git calls). */
const SHOWS_WITHIN_MS = 8_000;

const gitIn = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' }).toString();
const commitAll = (dir: string, message: string) => {
  gitIn(dir, 'add', '-A');
  gitIn(dir, '-c', 'user.email=t@berth.invalid', '-c', 'user.name=T', 'commit', '-q', '-m', message);
};

describe('live git status of sessions (real git, file-system events)', () => {
  let t: TestOrchestrator;
  let repo: string;
  beforeEach(async () => {
    t = await startTestOrchestrator();
    repo = makeRepo();
  });
  afterEach(async () => t.close());

  const get = (ref: string) => t.must('sessions.get', { ref });
  const create = async (name: string): Promise<SessionDto> => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: '', name });
    return waitFor(async () => {
      const now = await get(s.id);
      return now.git !== null ? now : null;
    }, `${name}'s first git status`, SHOWS_WITHIN_MS);
  };
  const until = (ref: string, what: string, ok: (git: NonNullable<SessionDto['git']>) => boolean) =>
    waitFor(async () => {
      const g = (await get(ref)).git;
      return g !== null && ok(g) ? g : null;
    }, what, SHOWS_WITHIN_MS);

  it('shows a written file as dirty, a commit as ahead, and a commit on the base branch as behind for every session', async () => {
    const a = await create('alpha');
    const b = await create('beta');
    expect(a.git).toEqual({ ahead: 0, behind: 0, dirty: false, changedFiles: 0, overlaps: [] });

    fs.mkdirSync(path.join(a.worktreePath, 'src', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(a.worktreePath, 'src', 'deep', 'new.ts'), 'export {};\n');
    await until('alpha', 'alpha dirty with 1 changed file', (g) => g.dirty && g.changedFiles === 1);

    commitAll(a.worktreePath, 'add new.ts');
    const committed = await until('alpha', 'alpha ahead 1 and clean', (g) => g.ahead === 1 && !g.dirty);
    expect(committed.changedFiles).toBe(1);

    // A folder made after tracking started is watched too.
    fs.writeFileSync(path.join(a.worktreePath, 'src', 'deep', 'later.ts'), 'export {};\n');
    await until('alpha', 'alpha dirty again', (g) => g.dirty && g.changedFiles === 2);

    fs.writeFileSync(path.join(repo, 'base.txt'), 'on main\n');
    commitAll(repo, 'main moves');
    await until('alpha', 'alpha behind 1', (g) => g.behind === 1);
    await until('beta', 'beta behind 1', (g) => g.behind === 1 && g.ahead === 0);
    expect((await get(b.id)).git!.dirty).toBe(false);
  });

  it('flags two sessions changing the same file on both, and clears it when one is deleted', async () => {
    const a = await create('left');
    const b = await create('right');
    const file = 'src/a.ts';
    // One commits it, the other leaves it uncommitted: both count.
    fs.mkdirSync(path.join(a.worktreePath, 'src'));
    fs.writeFileSync(path.join(a.worktreePath, file), 'left\n');
    commitAll(a.worktreePath, 'left edits a.ts');
    fs.mkdirSync(path.join(b.worktreePath, 'src'));
    fs.writeFileSync(path.join(b.worktreePath, file), 'right\n');
    fs.writeFileSync(path.join(b.worktreePath, 'only-right.txt'), 'x\n');

    const left = await until('left', 'left flags right', (g) => g.overlaps.length === 1);
    expect(left.overlaps).toEqual([{ sessionId: b.id, name: 'right', files: [file] }]);
    const right = await until('right', 'right flags left', (g) => g.overlaps.length === 1);
    expect(right.overlaps).toEqual([{ sessionId: a.id, name: 'left', files: [file] }]);
    expect(right.changedFiles).toBe(2);

    await t.must('sessions.delete', { ref: 'right', force: true });
    await until('left', 'left no longer flagged', (g) => g.overlaps.length === 0);
    // All git calls of the repository ran one at a time.
    expect(t.orch.gitStatus.lanes.maxConcurrent).toBe(1);
  });

  it('follows a base branch other than main, and gives a status for a session based on a tag', async () => {
    gitIn(repo, 'branch', 'develop');
    gitIn(repo, 'tag', 'v1');
    const dev = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: '', name: 'on-develop', baseBranch: 'develop' });
    const tagged = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: '', name: 'on-tag', baseBranch: 'v1' });
    await until(dev.id, 'on-develop status', (g) => g.behind === 0);
    await until(tagged.id, 'on-tag status', (g) => g.behind === 0 && g.ahead === 0);
    gitIn(repo, 'checkout', '-q', 'develop');
    fs.writeFileSync(path.join(repo, 'dev.txt'), 'dev\n');
    commitAll(repo, 'develop moves');
    await until(dev.id, 'on-develop behind 1', (g) => g.behind === 1);
  });

  it('handles file names with spaces, unicode and a leading dash', async () => {
    const a = await create('odd-a');
    const b = await create('odd-b');
    const name = '-dash ünï cödé.txt';
    fs.writeFileSync(path.join(a.worktreePath, name), 'a\n');
    fs.writeFileSync(path.join(b.worktreePath, name), 'b\n');
    commitAll(b.worktreePath, 'odd name');
    const g = await until('odd-a', 'odd-a flags odd-b', (x) => x.overlaps.length === 1);
    expect(g.overlaps[0]!.files).toEqual([name]);
  });

  it('drops the status and the watchers of a stopped session, and tracks it again on restart', async () => {
    const a = await create('stopper');
    expect(t.orch.gitStatus.watchedDirs).toBeGreaterThan(0);
    await t.must('sessions.stop', { ref: a.id });
    await waitFor(async () => (await get(a.id)).git === null, 'status cleared on stop');
    expect(t.orch.gitStatus.watchedDirs).toBe(0);
    await t.must('sessions.restart', { ref: a.id });
    await until('stopper', 'status back after restart', () => true);
  });

  it('does not announce the session again when a refresh finds nothing changed', async () => {
    const a = await create('quiet');
    const sessions = t.orch.sessions;
    const announced: string[] = [];
    const setGit = sessions.setGit.bind(sessions);
    sessions.setGit = (id, git) => {
      announced.push(id);
      setGit(id, git);
    };
    const callsBefore = t.orch.gitStatus.lanes.calls;
    // Rewriting a file with the same bytes wakes the watcher and refreshes; git sees no change.
    const readme = path.join(a.worktreePath, 'README.md');
    fs.writeFileSync(readme, fs.readFileSync(readme));
    await waitFor(() => t.orch.gitStatus.lanes.calls > callsBefore && t.orch.gitStatus.lanes.pending === 0, 'a refresh ran', SHOWS_WITHIN_MS);
    expect(announced).toEqual([]);
  });
});
