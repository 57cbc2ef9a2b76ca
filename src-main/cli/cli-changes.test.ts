/**
 * `berth diff` and `berth commit` against a real orchestrator and a real session worktree.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangedFileDto, CommitDto, DiffDto } from '../../src-shared/changes.js';
import { makeGitRepo, runBerth, startTestOrchestrator, waitFor, type TestOrchestrator } from './cli-test-support.js';

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();

describe('berth diff and commit', () => {
  let server: TestOrchestrator;
  let repo: string;
  let worktree: string;
  const berth = (...args: string[]) => runBerth(args, { home: server.home });

  beforeAll(async () => {
    server = await startTestOrchestrator();
    repo = makeGitRepo();
    const created = await berth('create', '--repo', repo, '--agent', 'shell', '--prompt', 'true', '--name', 'review', '--json');
    expect(created.code).toBe(0);
    worktree = (JSON.parse(created.stdout) as { worktreePath: string }).worktreePath;
    await waitFor('the worktree', () => (fs.existsSync(path.join(worktree, '.git')) ? true : undefined));
    // Committed on the branch, staged, unstaged, and a new file: the whole change has all four.
    fs.writeFileSync(path.join(worktree, 'committed.txt'), 'c1\nc2\n');
    git(worktree, 'add', 'committed.txt');
    git(worktree, 'commit', '-q', '-m', 'agent commit');
    fs.writeFileSync(path.join(worktree, 'README.md'), '# test repo\nstaged line\n');
    git(worktree, 'add', 'README.md');
    fs.appendFileSync(path.join(worktree, 'committed.txt'), 'c3\n');
    fs.writeFileSync(path.join(worktree, 'new file.txt'), 'n1\nn2\nn3\nn4\n');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('prints the whole change against the base, and one area of it', async () => {
    const all = await berth('diff', 'review');
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('+++ b/README.md\n');
    expect(all.stdout).toContain('+++ b/committed.txt\n@@ -0,0 +1,3 @@\n+c1\n+c2\n+c3\n');
    // git ends a ---/+++ path that has a space with a tab (for patch(1)).
    expect(all.stdout).toContain('+++ b/new file.txt\t\n@@ -0,0 +1,4 @@\n+n1\n');

    const staged = await berth('diff', 'review', '--staged');
    expect(staged.stdout).toContain('+staged line');
    expect(staged.stdout).not.toContain('committed.txt');
    const committed = await berth('diff', 'review', '--committed');
    expect(committed.stdout).toContain('+c2\n');
    expect(committed.stdout).not.toContain('+c3');

    const both = await berth('diff', 'review', '--staged', '--committed');
    expect(both.code).toBe(2);
  });

  it('prints per-file counts with --stat, and JSON with --json', async () => {
    const stat = await berth('diff', 'review', '--stat');
    expect(stat.code).toBe(0);
    expect(stat.stdout).toBe(
      [' README.md     | 1 +', ' committed.txt | 3 +++', ' new file.txt  | 4 ++++', ' 3 files changed, 8 insertions(+)', ''].join('\n'),
    );

    const json = await berth('diff', 'review', '--json');
    const diff = DiffDto.parse(JSON.parse(json.stdout));
    expect(diff.truncated).toBe(false);
    expect(diff.diff).toContain('+n4\n');

    const statJson = await berth('diff', 'review', '--stat', '--unstaged', '--json');
    const files = ChangedFileDto.array().parse((JSON.parse(statJson.stdout) as { files: unknown }).files);
    expect(files.map((f) => [f.path, f.status, f.additions])).toEqual([
      ['committed.txt', 'modified', 1],
      ['new file.txt', 'untracked', 4],
    ]);
  });

  it('commits what is staged, or everything with --all', async () => {
    const staged = await berth('commit', 'review', '-m', 'review: readme');
    expect(staged.stderr).toBe('');
    expect(staged.stdout).toMatch(/^committed [0-9a-f]{7} review: readme\n$/);
    expect(git(worktree, 'log', '-1', '--format=%s', '--name-only').trim().split('\n')).toEqual(['review: readme', '', 'README.md']);

    const nothing = await berth('commit', 'review', '-m', 'again');
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('nothing is staged');

    const empty = await berth('commit', 'review', '-m', '  ');
    expect(empty.code).toBe(2);

    const all = await berth('commit', 'review', '-m', 'the rest', '--all', '--json');
    expect(all.code).toBe(0);
    const commit = CommitDto.parse(JSON.parse(all.stdout));
    expect(git(worktree, 'rev-parse', 'HEAD').trim()).toBe(commit.commit);
    expect(git(worktree, 'status', '--porcelain')).toBe('');
    const stat = await berth('diff', 'review', '--stat', '--committed');
    expect(stat.stdout).toContain(' 3 files changed, 8 insertions(+)\n');
  });

  it('names a missing session', async () => {
    const res = await berth('diff', 'no-such-session');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^berth: .*no-such-session/);
  });
});
