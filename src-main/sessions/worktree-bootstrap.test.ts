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
});
