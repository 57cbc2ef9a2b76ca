/**
 * Ready worktrees through a real orchestrator, real git and real setup commands: a create claims a slot
 * made ahead (includes copied, setup run) instead of running setup itself; a base that moved brings the
 * slot forward, re-running setup only when a file it depends on changed; slots survive a restart.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoWorktreesDir } from '../sessions/naming.js';
import { makeRepo, startTestOrchestrator, tempDir, waitFor, type TestOrchestrator } from '../testing/fixtures.js';
import { READY_DIR } from './ready-worktrees.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();
/** A fresh slot's setup takes a moment; the refill waits for the first output first. */
const SLOT_TIMEOUT_MS = 20_000;

/** A repository whose setup logs who ran it (a slot runs as "ready", a session as its own name). */
function readyRepo(count = 1): { repo: string; runs: () => string[] } {
  const repo = makeRepo();
  const log = path.join(tempDir(), 'setup-runs.log');
  fs.writeFileSync(path.join(repo, '.gitignore'), '.env\nnode_modules/\n');
  fs.writeFileSync(path.join(repo, '.worktreeinclude'), '.env\n');
  fs.writeFileSync(path.join(repo, '.env'), 'SECRET=main\n');
  fs.writeFileSync(path.join(repo, 'package-lock.json'), '{"v":1}\n');
  fs.writeFileSync(
    path.join(repo, '.berth.json'),
    JSON.stringify({ setup: `echo "$BERTH_SESSION_NAME" >> '${log}'; mkdir -p node_modules && cp package-lock.json node_modules/installed-from`, ready: { count } }),
  );
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'project files');
  return { repo, runs: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

describe('ready worktrees', () => {
  let t: TestOrchestrator | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const slots = (dataDir: string, repo: string) => {
    const dir = path.join(repoWorktreesDir(dataDir, fs.realpathSync(repo)), READY_DIR);
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.json')) : [];
  };
  const started = async (o: TestOrchestrator, ref: string) => {
    const s = await o.must('sessions.get', { ref });
    return s.state === 'working' || s.state === 'idle' ? s : s.state === 'failed' ? Promise.reject(new Error(s.reason ?? 'failed')) : null;
  };

  it('a create claims a slot made ahead: includes there, setup not run again; the base moving brings it forward', async () => {
    const { repo, runs } = readyRepo();
    t = await startTestOrchestrator();
    const o = t;
    const first = await o.must('sessions.create', { repoPath: repo, agent: 'shell', name: 'first' });
    await waitFor(() => started(o, first.id), 'first started');
    // The first create had no slot: it ran setup itself; after its first output one slot is made.
    await waitFor(() => slots(o.dataDir, repo).length === 1, 'a ready slot', SLOT_TIMEOUT_MS);
    expect(runs()).toEqual(['first', 'ready']);
    const [status] = await o.must('repos.ready', {});
    expect(status).toMatchObject({ repo: fs.realpathSync(repo), wanted: 1, ready: 1, lastError: null });
    expect(status!.bytes).toBeGreaterThan(0);

    const second = await o.must('sessions.create', { repoPath: repo, agent: 'shell', name: 'second' });
    const s2 = await waitFor(() => started(o, second.id), 'second started');
    expect(runs().slice(0, 2)).toEqual(['first', 'ready']);
    expect(runs().filter((r) => r === 'second')).toEqual([]);
    expect(fs.readFileSync(path.join(s2.worktreePath, '.env'), 'utf8')).toBe('SECRET=main\n');
    expect(fs.existsSync(path.join(s2.worktreePath, 'node_modules', 'installed-from'))).toBe(true);
    expect(git(s2.worktreePath, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('berth/second');
    expect(git(s2.worktreePath, 'status', '--porcelain')).toBe('');
    expect((await o.must('sessions.setupLog', { ref: second.id }))?.status).toBe('succeeded');

    // The base moves (not a lockfile): the next claim is brought forward without setup.
    await waitFor(() => slots(o.dataDir, repo).length === 1, 'the slot refilled', SLOT_TIMEOUT_MS);
    fs.writeFileSync(path.join(repo, 'feature.txt'), 'new on main\n');
    git(repo, 'add', 'feature.txt');
    git(repo, 'commit', '-q', '-m', 'feature');
    const third = await o.must('sessions.create', { repoPath: repo, agent: 'shell', name: 'third' });
    const s3 = await waitFor(() => started(o, third.id), 'third started');
    expect(fs.readFileSync(path.join(s3.worktreePath, 'feature.txt'), 'utf8')).toBe('new on main\n');
    expect(git(s3.worktreePath, 'rev-parse', 'HEAD')).toBe(git(repo, 'rev-parse', 'main'));
    expect(runs()).not.toContain('third');

    // A lockfile changes on the base: the claimed slot is brought forward and its setup runs again.
    await waitFor(() => slots(o.dataDir, repo).length === 1, 'the slot refilled', SLOT_TIMEOUT_MS);
    fs.writeFileSync(path.join(repo, 'package-lock.json'), '{"v":2}\n');
    git(repo, 'commit', '-q', '-am', 'dependency bump');
    const fourth = await o.must('sessions.create', { repoPath: repo, agent: 'shell', name: 'fourth' });
    const s4 = await waitFor(() => started(o, fourth.id), 'fourth started');
    expect(runs()).toContain('fourth');
    expect(fs.readFileSync(path.join(s4.worktreePath, 'node_modules', 'installed-from'), 'utf8')).toBe('{"v":2}\n');
  }, 90_000);

  it('slots outlive the orchestrator and are claimed after a restart; parallel creates share one slot safely', async () => {
    const { repo, runs } = readyRepo();
    const dataDir = tempDir('berth-home-');
    t = await startTestOrchestrator(dataDir);
    const o = t;
    const first = await o.must('sessions.create', { repoPath: repo, agent: 'shell', name: 'first' });
    await waitFor(() => started(o, first.id), 'first started');
    await waitFor(() => slots(dataDir, repo).length === 1, 'a ready slot', SLOT_TIMEOUT_MS);
    await o.close();

    t = await startTestOrchestrator(dataDir);
    const p = t;
    const made = await Promise.all(['a', 'b', 'c'].map((name) => p.must('sessions.create', { repoPath: repo, agent: 'shell', name })));
    const sessions = await Promise.all(made.map((s) => waitFor(() => started(p, s.id), `${s.name} started`)));
    // One of the three took the slot made before the restart; the other two ran setup themselves.
    expect(runs().filter((r) => ['a', 'b', 'c'].includes(r))).toHaveLength(2);
    for (const s of sessions) {
      expect(git(s.worktreePath, 'symbolic-ref', '--short', 'HEAD').trim()).toBe(`berth/${s.name}`);
      expect(fs.existsSync(path.join(s.worktreePath, 'node_modules', 'installed-from'))).toBe(true);
    }
    // main checkout + first + a, b, c + the slot refilled after them (one: count is 1).
    await waitFor(() => slots(dataDir, repo).length === 1, 'the slot refilled', SLOT_TIMEOUT_MS);
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(6);
  }, 90_000);

  it('a repository without `ready` gets no slots', async () => {
    const repo = makeRepo();
    t = await startTestOrchestrator();
    const o = t;
    const s = await o.must('sessions.create', { repoPath: repo, agent: 'shell', name: 'plain' });
    await waitFor(() => started(o, s.id), 'started');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(slots(o.dataDir, repo)).toEqual([]);
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(2);
  });
});
