import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRepo, startTestOrchestrator, TerminalReader, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();

describe('a new session worktree is bootstrapped from the repository (real git, real processes)', () => {
  let t: TestOrchestrator;
  let repo: string;
  beforeEach(async () => {
    t = await startTestOrchestrator();
    repo = makeRepo();
  });
  afterEach(async () => t.close());

  const settled = async (ref: string) => {
    const s = await t.must('sessions.get', { ref });
    return s.state !== 'creating' ? s : null;
  };

  it('copies the .worktreeinclude matches before the agent starts, timed as the include phase', async () => {
    fs.writeFileSync(path.join(repo, '.gitignore'), '.env\n');
    git(repo, 'add', '.gitignore');
    git(repo, 'commit', '-q', '-m', 'ignore .env');
    fs.writeFileSync(path.join(repo, '.worktreeinclude'), '.env\n');
    fs.writeFileSync(path.join(repo, '.env'), 'TOKEN=from-main-checkout\n');
    const client = await t.connect();
    const progress: string[] = [];
    client.onDidEvent((e) => {
      if (e.event === 'session.progress') progress.push(`${e.progress.phase}:${e.progress.status}`);
    });
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'cat .env' });
    const reader = new TerminalReader(client, s.id);
    await waitFor(() => settled(s.id), 'started');
    client.attach(s.id);
    await waitFor(() => `${reader.snapshot ?? ''}${reader.text}`.includes('TOKEN=from-main-checkout'), 'the agent sees the copied .env');
    expect(progress.slice(0, 4)).toEqual(['worktree:started', 'worktree:done', 'include:started', 'include:done']);
    const metrics = await t.must('metrics.text', {});
    expect(metrics.text).toMatch(/session_create_ms_count\{[^}]*phase="include"[^}]*\} 1/);
  });

  it('refuses a create when .berth.json has a bad field, naming it, and makes nothing', async () => {
    fs.writeFileSync(path.join(repo, '.berth.json'), JSON.stringify({ setup: 'true', waitForSetpu: false }));
    const r = await t.call('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo never' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad_request');
      expect(r.error.message).toContain('unknown field "waitForSetpu"');
    }
    expect(await t.must('sessions.list', {})).toEqual([]);
    expect(git(repo, 'branch', '--list', 'berth/*')).toBe('');
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(fs.existsSync(path.join(t.dataDir, 'worktrees'))).toBe(false);
  });

  it('runs setup in the worktree before the agent, keeps its output, and gives the agent the env', async () => {
    fs.writeFileSync(
      path.join(repo, '.berth.json'),
      JSON.stringify({ setup: 'echo "setting up in $PWD from $BERTH_ROOT_PATH"; echo to-stderr >&2; echo ready > setup-ran.txt', env: { GREETING: 'hello from berth.json' } }),
    );
    const client = await t.connect();
    const progress: string[] = [];
    client.onDidEvent((e) => {
      if (e.event === 'session.progress') progress.push(`${e.progress.phase}:${e.progress.status}`);
    });
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo "[$GREETING] [$(cat setup-ran.txt)]"' });
    const reader = new TerminalReader(client, s.id);
    await waitFor(() => settled(s.id), 'started');
    client.attach(s.id);
    await waitFor(() => `${reader.snapshot ?? ''}${reader.text}`.includes('[hello from berth.json] [ready]'), 'agent output with env and setup result');
    expect(progress.slice(0, 4)).toEqual(['worktree:started', 'worktree:done', 'setup:started', 'setup:done']);
    const log = await t.must('sessions.setupLog', { ref: s.name });
    expect(log).toMatchObject({ source: '.berth.json', status: 'succeeded', exitCode: 0 });
    expect(log?.output).toBe(`setting up in ${s.worktreePath} from ${repo}\nto-stderr\n`);
    expect(log?.ms).toBeGreaterThan(0);
  });

  it('fails the session with the tail of the setup output when setup fails, and never starts the agent', async () => {
    fs.writeFileSync(path.join(repo, '.berth.json'), JSON.stringify({ setup: 'echo installing; echo "npm ERR! missing lockfile" >&2; exit 3' }));
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'touch agent-ran' });
    const failed = await waitFor(() => settled(s.id), 'setup failed');
    expect(failed.state).toBe('failed');
    expect(failed.reason).toContain('exited with code 3');
    expect(failed.reason).toContain('installing\nnpm ERR! missing lockfile');
    expect(failed.pid).toBeNull();
    expect(fs.existsSync(path.join(s.worktreePath, 'agent-ran'))).toBe(false);
    const log = await t.must('sessions.setupLog', { ref: s.name });
    expect(log).toMatchObject({ status: 'failed', exitCode: 3, output: 'installing\nnpm ERR! missing lockfile\n' });
  });

  it('with waitForSetup false the agent starts while setup still runs', async () => {
    const gate = path.join(t.dataDir, 'gate');
    fs.writeFileSync(path.join(repo, '.berth.json'), JSON.stringify({ setup: `while [ ! -e '${gate}' ]; do sleep 0.05; done; echo released`, waitForSetup: false }));
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo agent-up' });
    await waitFor(async () => ['working', 'idle'].includes((await t.must('sessions.get', { ref: s.id })).state), 'agent running before setup ended');
    expect((await t.must('sessions.setupLog', { ref: s.name }))?.status).toBe('running');
    fs.writeFileSync(gate, '');
    await waitFor(async () => (await t.must('sessions.setupLog', { ref: s.name }))?.status === 'succeeded', 'setup ended');
  });

  it('runs teardown in the worktree on delete, before it is removed; a failing teardown does not block the delete', async () => {
    const mark = path.join(t.dataDir, 'teardown-mark');
    fs.writeFileSync(path.join(repo, '.berth.json'), JSON.stringify({ teardown: `echo "$PWD $(ls)" > '${mark}'; exit 1` }));
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo hi' });
    await waitFor(() => settled(s.id), 'started');
    await t.must('sessions.delete', { ref: s.name });
    expect(fs.readFileSync(mark, 'utf8').trim()).toBe(`${s.worktreePath} README.md`);
    expect(fs.existsSync(s.worktreePath)).toBe(false);
    expect(await t.must('sessions.list', {})).toEqual([]);
  });

  it("uses conductor.json's setup and archive scripts when there is no .berth.json", async () => {
    const mark = path.join(t.dataDir, 'archive-mark');
    fs.writeFileSync(
      path.join(repo, 'conductor.json'),
      JSON.stringify({ scripts: { setup: 'echo "$CONDUCTOR_WORKSPACE_NAME" > conductor-setup.txt', run: 'npm run dev', archive: `echo archived > '${mark}'` } }),
    );
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo hi' });
    await waitFor(() => settled(s.id), 'started');
    expect(fs.readFileSync(path.join(s.worktreePath, 'conductor-setup.txt'), 'utf8')).toBe(`${s.name}\n`);
    expect((await t.must('sessions.setupLog', { ref: s.name }))?.source).toBe('conductor.json');
    await t.must('sessions.delete', { ref: s.name, force: true });
    expect(fs.readFileSync(mark, 'utf8')).toBe('archived\n');
  });
});
