import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRepo, startTestOrchestrator, TerminalReader, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

describe('sessions on the local backend (real git, real pty)', () => {
  let t: TestOrchestrator;
  let repo: string;
  beforeEach(async () => {
    t = await startTestOrchestrator();
    repo = makeRepo();
  });
  afterEach(async () => t.close());

  const state = async (ref: string) => (await t.must('sessions.get', { ref })).state;

  it('creates a worktree on berth/<slug>, runs the shell command, takes input and resizes', async () => {
    const client = await t.connect();
    const progress: string[] = [];
    client.onDidEvent((e) => {
      if (e.event === 'session.progress') progress.push(`${e.progress.phase}:${e.progress.status}`);
    });
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo created-$((6*7))' });
    expect(s.name).toBe('echo-created-6-7');
    expect(s.branch).toBe('berth/echo-created-6-7');
    expect(s.worktreePath.startsWith(t.dataDir)).toBe(true);
    await waitFor(async () => (await state(s.id)) === 'working' || (await state(s.id)) === 'idle', 'working');
    const reader = new TerminalReader(client, s.id);
    client.attach(s.id, { cols: 100, rows: 30 });
    await waitFor(() => `${reader.snapshot ?? ''}${reader.text}`.includes('created-42'), 'command output');
    expect(fs.existsSync(path.join(s.worktreePath, 'README.md'))).toBe(true);
    const branch = execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: s.worktreePath }).toString().trim();
    expect(branch).toBe('berth/echo-created-6-7');

    client.input(s.id, 'echo typed-$((1+1))\r');
    await waitFor(() => reader.text.includes('typed-2'), 'typed input echoed');

    client.resize(s.id, 90, 20);
    client.input(s.id, 'stty size\r');
    await waitFor(() => reader.text.includes('20 90'), 'resized pty');
    await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).cols === 90, 'size persisted');

    const got = await t.must('sessions.get', { ref: s.name });
    expect(got.phases.worktreeMs).toBeGreaterThan(0);
    expect(got.phases.startMs).toBeGreaterThan(0);
    expect(got.phases.firstOutputMs).toBeGreaterThan(0);
    expect(progress).toEqual(['worktree:started', 'worktree:done', 'start:started', 'start:done', 'first-output:started', 'first-output:done']);
    const text = await t.must('terminal.text', { ref: s.name });
    expect(text.text).toContain('typed-2');
  });

  it('stops, restarts, archives, unarchives and records every transition', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo hello' });
    await waitFor(async () => ['working', 'idle'].includes(await state(s.id)), 'working');
    const stopped = await t.must('sessions.stop', { ref: s.name });
    expect(stopped.state).toBe('exited');
    expect(stopped.pid).toBeNull();

    await t.must('sessions.restart', { ref: s.name });
    await waitFor(async () => ['working', 'idle'].includes(await state(s.id)), 'running again');

    const archived = await t.must('sessions.archive', { ref: s.name });
    expect(archived.archived).toBe(true);
    expect(archived.state).toBe('exited');
    expect((await t.must('sessions.list', {})).map((x) => x.id)).not.toContain(s.id);
    expect((await t.must('sessions.list', { archived: true })).map((x) => x.id)).toContain(s.id);
    expect(fs.existsSync(s.worktreePath)).toBe(true);

    const restartArchived = await t.call('sessions.restart', { ref: s.name });
    expect(restartArchived.ok).toBe(false);

    const un = await t.must('sessions.unarchive', { ref: s.name });
    expect(un.archived).toBe(false);

    const events = await t.must('sessions.events', { ref: s.name });
    const transitions = events.map((e) => `${e.from ?? '∅'}→${e.to}`);
    expect(transitions[0]).toBe('∅→creating');
    expect(transitions).toContain('creating→working');
    expect(transitions).toContain('working→exited');
    expect(transitions).toContain('exited→creating');
    for (const e of events) expect(e.at).toBeGreaterThan(0);
  });

  it('refuses to delete a dirty worktree unless forced, then removes worktree, row and merged branch', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo x > scratch.txt' });
    await waitFor(() => fs.existsSync(path.join(s.worktreePath, 'scratch.txt')), 'file written by the agent');
    const refused = await t.call('sessions.delete', { ref: s.name });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('worktree_dirty');
      expect(refused.error.message).toContain('uncommitted');
      expect(refused.error.message).toContain('scratch.txt');
    }
    expect(fs.existsSync(s.worktreePath)).toBe(true);
    await t.must('sessions.delete', { ref: s.name, force: true });
    expect(fs.existsSync(s.worktreePath)).toBe(false);
    expect((await t.call('sessions.get', { ref: s.id })).ok).toBe(false);
    const branches = execFileSync('git', ['branch', '--list', 'berth/*'], { cwd: repo }).toString();
    expect(branches.trim()).toBe('');
  });

  it('keeps a branch that has commits of its own when the session is deleted', async () => {
    const s = await t.must('sessions.create', {
      repoPath: repo,
      agent: 'shell',
      prompt: 'git -c user.email=a@b.invalid -c user.name=A commit -q --allow-empty -m work && echo commit-$((1+1))',
    });
    const client = await t.connect();
    const reader = new TerminalReader(client, s.id);
    await waitFor(async () => ['working', 'idle'].includes(await state(s.id)), 'working');
    client.attach(s.id);
    await waitFor(() => `${reader.snapshot ?? ''}${reader.text}`.includes("commit-2"), "commit made");
    await t.must('sessions.delete', { ref: s.name });
    expect(fs.existsSync(s.worktreePath)).toBe(false);
    const branches = execFileSync('git', ['branch', '--list', 'berth/*'], { cwd: repo }).toString();
    expect(branches).toContain(s.branch);
  });

  it('names sessions uniquely and honours an explicit name and base branch', async () => {
    execFileSync('git', ['branch', 'feature'], { cwd: repo });
    const a = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'Fix the login bug!' });
    const b = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'fix the login bug' });
    expect(a.name).toBe('fix-the-login-bug');
    expect(b.name).toBe('fix-the-login-bug-2');
    const c = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: '', name: 'mine', baseBranch: 'feature' });
    expect(c.name).toBe('mine');
    expect(c.baseBranch).toBe('feature');
    const dup = await t.call('sessions.create', { repoPath: repo, agent: 'shell', prompt: '', name: 'mine' });
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.error.code).toBe('conflict');
    execFileSync('git', ['branch', 'berth/taken-by-hand'], { cwd: repo });
    const byHand = await t.call('sessions.create', { repoPath: repo, agent: 'shell', prompt: '', name: 'taken-by-hand' });
    expect(!byHand.ok && byHand.error.code).toBe('conflict');
    const generated = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'taken by hand' });
    expect(generated.name).toBe('taken-by-hand-2');
    const fromSubdir = await t.must('sessions.create', { repoPath: path.join(repo, '.git', '..'), agent: 'shell', prompt: 'sub' });
    expect(fromSubdir.repoPath).toBe(repo);
    expect(fromSubdir.baseBranch).toBe('main');
    const recent = await t.must('repos.recent', {});
    expect(recent[0]?.path).toBe(repo);
  });

  it('records the exit code of an agent that exits', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', prompt: '', command: 'sh -c "echo bye; exit 3"' });
    await waitFor(async () => (await state(s.id)) === 'exited', 'exited');
    const got = await t.must('sessions.get', { ref: s.id });
    expect(got.exitCode).toBe(3);
    expect(got.reason).toContain('code 3');
  });

  it('a late-joining client gets the current screen before live output', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo early-line' });
    const first = await t.connect();
    const r1 = new TerminalReader(first, s.id);
    await waitFor(async () => ['working', 'idle'].includes(await state(s.id)), 'working');
    first.attach(s.id);
    await waitFor(() => `${r1.snapshot ?? ''}${r1.text}`.includes('early-line'), 'first client output');
    const second = await t.connect();
    const r2 = new TerminalReader(second, s.id);
    second.attach(s.id);
    await waitFor(() => r2.snapshot !== null, 'snapshot');
    expect(r2.snapshot).toContain('early-line');
    first.input(s.id, 'echo after-join\r');
    await waitFor(() => r2.text.includes('after-join'), 'live output to the late joiner');
  });

  it('shows the last screen of an ended session to a client that opens it later', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', command: 'sh -c "echo last-words-$((3*3)); exit 4"' });
    await waitFor(async () => (await state(s.id)) === 'exited', 'exited');
    const client = await t.connect();
    const reader = new TerminalReader(client, s.id);
    client.attach(s.id);
    await waitFor(() => reader.snapshot !== null && reader.exit !== null, 'snapshot and exit');
    expect(reader.snapshot).toContain('last-words-9');
    expect(reader.exit?.exitCode).toBe(4);
    expect((await t.must('terminal.text', { ref: s.id })).text).toContain('last-words-9');
  });

  it('queues what a client types until the initial command has been typed', async () => {
    const client = await t.connect();
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo first-$((10+1))' });
    await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).pid !== null, 'started');
    const reader = new TerminalReader(client, s.id);
    client.attach(s.id);
    client.input(s.id, 'echo second-$((20+2))\r');
    await waitFor(() => `${reader.snapshot ?? ''}${reader.text}`.includes('second-22'), 'both commands ran');
    const all = `${reader.snapshot ?? ''}${reader.text}`;
    expect(all).toContain('first-11');
    expect(all.indexOf('first-11')).toBeLessThan(all.indexOf('second-22'));
  });
});
