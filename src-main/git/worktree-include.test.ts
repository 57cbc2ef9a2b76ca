import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo, tempDir } from '../testing/fixtures.js';
import { copyWorktreeIncludes, listWorktreeIncludes } from './worktree-include.js';

const run = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();

function write(root: string, rel: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), content);
}

/** Every file and symlink under `root` (relative), `.git` aside. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = path.relative(root, path.join(dir, e.name));
      if (rel === '.git') continue;
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else out.push(rel);
    }
  };
  walk(root);
  return out.sort();
}

function addWorktree(repo: string, base = 'HEAD'): string {
  const dir = path.join(tempDir('berth-wt-'), 'wt');
  run(repo, 'worktree', 'add', '--quiet', '-b', `t/${path.basename(path.dirname(dir))}`, dir, base);
  return dir;
}

describe('.worktreeinclude (real git)', () => {
  it('copies exactly the ignored files it names: nested, negated and folder patterns, odd names, symlinks as symlinks', async () => {
    const repo = makeRepo();
    write(repo, '.gitignore', ['.env*', 'node_modules/', '*.log', 'config/local/', 'build/', 'dir with space/', 'tracked.local', ''].join('\n'));
    write(repo, 'tracked.local', 'committed\n');
    run(repo, 'add', '.gitignore');
    run(repo, 'add', '-f', 'tracked.local');
    run(repo, 'commit', '-q', '-m', 'ignore rules and a tracked file that matches them');
    write(repo, '.worktreeinclude', ['# what a new worktree needs', '.env*', '!.env.example', 'node_modules/', 'config/', '**/*.log', 'dir with space/', 'plain/', 'tracked.local', ''].join('\n'));

    write(repo, '.env', 'SECRET=1\n');
    write(repo, '.env.local', 'LOCAL=1\n');
    write(repo, '.env.example', 'negated: not copied\n');
    write(repo, 'node_modules/pkg/lib/index.js', 'module.exports = 1;\n');
    fs.symlinkSync('/etc/hostname', path.join(repo, 'node_modules/abs-link'));
    write(repo, 'config/local/settings.json', '{}\n');
    fs.symlinkSync('../../.env', path.join(repo, 'config/local/env-link'));
    write(repo, 'sub/deep/app.log', 'nested log\n');
    write(repo, 'sub/deep/-dash name.log', 'leading dash\n');
    write(repo, 'build/out.js', 'ignored but not named: not copied\n');
    write(repo, 'dir with space/é ü 名.txt', 'unicode\n');
    write(repo, 'plain/untracked.txt', 'named but not ignored: not copied\n');
    write(repo, 'tracked.local', 'changed in the main checkout: never copied over the tracked one\n');
    fs.chmodSync(path.join(repo, '.env'), 0o600);

    const wt = addWorktree(repo);
    const before = tree(wt);
    const copied = await copyWorktreeIncludes(repo, wt);
    expect(copied.ok && copied.value).toEqual({ copied: 9, skipped: 0 });
    const added = tree(wt).filter((f) => !before.includes(f));
    expect(added).toEqual(
      [
        '.env',
        '.env.local',
        'config/local/env-link',
        'config/local/settings.json',
        'dir with space/é ü 名.txt',
        'node_modules/abs-link',
        'node_modules/pkg/lib/index.js',
        'sub/deep/-dash name.log',
        'sub/deep/app.log',
      ].sort(),
    );
    expect(fs.readFileSync(path.join(wt, 'dir with space/é ü 名.txt'), 'utf8')).toBe('unicode\n');
    expect(fs.statSync(path.join(wt, '.env')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(wt, 'tracked.local'), 'utf8')).toBe('committed\n');
    // Symlinks stay links with their own targets: never followed, never rewritten.
    expect(fs.lstatSync(path.join(wt, 'node_modules/abs-link')).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(path.join(wt, 'node_modules/abs-link'))).toBe('/etc/hostname');
    expect(fs.readlinkSync(path.join(wt, 'config/local/env-link'))).toBe('../../.env');
    expect(fs.readFileSync(path.join(wt, 'config/local/env-link'), 'utf8')).toBe('SECRET=1\n');
    // The worktree is git-clean: only ignored files arrived.
    expect(run(wt, 'status', '--porcelain')).toBe('');
  });

  it('never writes through a worktree folder that is a symlink leading out of it', async () => {
    const repo = makeRepo();
    const outside = tempDir('berth-outside-');
    write(repo, '.gitignore', '.env\n');
    fs.symlinkSync(outside, path.join(repo, 'out'));
    run(repo, 'add', '.');
    run(repo, 'commit', '-q', '-m', 'out is a symlink on this commit');
    run(repo, 'branch', 'old');
    run(repo, 'rm', '-q', 'out');
    run(repo, 'commit', '-q', '-m', 'out is gone');
    write(repo, 'out/.env', 'SECRET=1\n');
    write(repo, '.env', 'TOP=1\n');
    write(repo, '.worktreeinclude', '.env\nout/\n');

    const wt = addWorktree(repo, 'old');
    const copied = await copyWorktreeIncludes(repo, wt);
    expect(copied.ok && copied.value).toEqual({ copied: 1, skipped: 1 });
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.readFileSync(path.join(wt, '.env'), 'utf8')).toBe('TOP=1\n');
  });

  it('without the file, or with only comments, there is nothing to copy and no error', async () => {
    const repo = makeRepo();
    write(repo, '.gitignore', '.env\n');
    write(repo, '.env', 'X=1\n');
    expect(await listWorktreeIncludes(repo)).toEqual({ ok: true, value: null });
    write(repo, '.worktreeinclude', '# nothing yet\n\n');
    const wt = addWorktree(repo);
    expect(await copyWorktreeIncludes(repo, wt)).toEqual({ ok: true, value: null });
    expect(fs.existsSync(path.join(wt, '.env'))).toBe(false);
  });
});
