/**
 * `berth land`, `update`, `push`, `pr` and `prune` against a real orchestrator and real git.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFLICT_FILES_HEADER } from '../../src-shared/changes.js';
import { SessionDto } from '../../src-shared/dto.js';
import { commitFile, gitIn, snapshot } from '../testing/git-snapshot.js';
import { makeGitRepo, runBerth, startTestOrchestrator, tempDir, type TestOrchestrator } from './cli-test-support.js';

describe('berth land / update / push / pr / prune', () => {
  let server: TestOrchestrator;
  let repo: string;
  const berth = (...args: string[]) => runBerth(args, { home: server.home });
  const create = async (name: string): Promise<SessionDto> => {
    const made = await berth('create', '--repo', repo, '--agent', 'shell', '--prompt', `echo ${name}`, '--name', name, '--wait', '--json');
    expect(made.code).toBe(0);
    return SessionDto.parse(JSON.parse(made.stdout));
  };

  beforeAll(async () => {
    server = await startTestOrchestrator();
    repo = makeGitRepo();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('land: a conflict prints the files and changes nothing; --merge -m lands', async () => {
    const s = await create('cli-land');
    commitFile(s.worktreePath, 'README.md', '# session\n');
    commitFile(repo, 'README.md', '# main\n');
    const before = snapshot(repo);
    const conflict = await berth('land', s.name);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain(`${CONFLICT_FILES_HEADER}\nREADME.md\n`);
    expect(snapshot(repo)).toEqual(before);

    const both = await berth('land', s.name, '--merge', '--rebase');
    expect(both.code).toBe(2);

    gitIn(s.worktreePath, 'reset', '-q', '--hard', 'HEAD~1');
    commitFile(s.worktreePath, 'cli.txt', 'cli\n');
    const landed = await berth('land', s.name, '--merge', '-m', 'Land from the CLI');
    expect(landed.stderr).toBe('');
    expect(landed.stdout).toMatch(/^landed cli-land on main \(merge\): [0-9a-f]{12}\n$/);
    expect(gitIn(repo, 'log', '-1', '--format=%s').trim()).toBe('Land from the CLI');
  });

  it('update: rebases on the moved base; says so when the worktree is dirty', async () => {
    const s = await create('cli-update');
    commitFile(s.worktreePath, 'u.txt', 'u\n');
    commitFile(repo, 'moved.txt', 'moved\n');
    fs.writeFileSync(path.join(s.worktreePath, 'wip.txt'), 'wip\n');
    const dirty = await berth('update', s.name);
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toMatch(/uncommitted file \(wip\.txt\): commit or discard them/);
    fs.rmSync(path.join(s.worktreePath, 'wip.txt'));
    const r = await berth('update', s.name, '--merge');
    expect(r.stdout).toMatch(/^updated cli-update from its base \(merge\): [0-9a-f]{12}, 0 behind\n$/);
    expect(fs.existsSync(path.join(s.worktreePath, 'moved.txt'))).toBe(true);
  });

  it('push to a bare repository; pr without gh says why', async () => {
    const s = await create('cli-push');
    commitFile(s.worktreePath, 'p.txt', 'p\n');
    const bare = path.join(tempDir('berth-bare-'), 'r.git');
    gitIn(path.dirname(bare), 'init', '-q', '--bare', bare);
    gitIn(repo, 'remote', 'add', 'backup', bare);
    const pushed = await berth('push', s.name, '--remote', 'backup');
    expect(pushed.stdout).toBe('pushed berth/cli-push to backup\n');
    expect(gitIn(bare, 'rev-parse', 'berth/cli-push').trim()).toBe(gitIn(repo, 'rev-parse', 'berth/cli-push').trim());

    const pr = await berth('pr', s.name);
    expect(pr.code).toBe(1);
    expect(pr.stderr).toMatch(/^berth: gh is not installed/);
  });

  it('prune: lists with sizes and unsaved work, removes only what --yes (and --include-unsaved) allow', async () => {
    const s = await create('cli-prune');
    commitFile(s.worktreePath, 'lost.txt', 'lost\n');
    expect((await berth('delete', s.name, '--force')).code).toBe(0);
    gitIn(repo, 'branch', 'berth/leftover', 'main');

    const listed = await berth('prune');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^KIND\s+BRANCH\s+PATH\s+SIZE\s+UNSAVED$/m);
    expect(listed.stdout).toMatch(/^branch\s+berth\/cli-prune\s+\S+\s+-\s+yes$/m);
    expect(listed.stdout).toContain('unsaved work in berth/cli-prune (lost if removed):\n  1 commit on berth/cli-prune not on any other branch');
    expect(listed.stdout).toContain('Nothing removed');

    expect((await berth('prune', '--include-unsaved')).code).toBe(2);
    const yes = await berth('prune', '--yes');
    expect(yes.stdout).toContain('removed berth/leftover');
    expect(yes.stdout).toContain('Keeping 1 with unsaved work');
    expect(gitIn(repo, 'branch', '--list', 'berth/cli-prune').trim()).toBe('berth/cli-prune');
    const all = await berth('prune', '--yes', '--include-unsaved');
    expect(all.stdout).toContain('removed berth/cli-prune');
    expect(gitIn(repo, 'branch', '--list', 'berth/cli-prune').trim()).toBe('');
    expect((await berth('prune')).stdout).toBe('Nothing to prune.\n');
  });
});
