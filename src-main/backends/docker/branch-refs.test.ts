import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo } from '../../testing/fixtures.js';
import { prepareRefCell, refCell, refCellMounts } from './branch-refs.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('ref cell mount targets', () => {
  it('survive git deleting the last berth branch, so a container made earlier can still start', () => {
    const repo = makeRepo();
    const gitDir = path.join(repo, '.git');
    const uid = process.getuid?.() ?? 1000;
    const gid = process.getgid?.() ?? 1000;
    // A warm container's cell is prepared while another session's branch exists…
    git(repo, 'branch', 'berth/other');
    prepareRefCell(refCell(gitDir, 'warm-1'), uid, gid);
    // …and that session is deleted (its branch with it) before the container starts.
    git(repo, 'branch', '-D', 'berth/other');
    for (const m of refCellMounts(refCell(gitDir, 'warm-1'))) expect(fs.statSync(m.target).isDirectory()).toBe(true);
    // The kept directory is invisible to git: no stray ref, new branches still work.
    expect(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/berth')).toBe('');
    git(repo, 'branch', 'berth/next');
    expect(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/berth')).toBe('refs/heads/berth/next');
    expect(git(repo, 'fsck', '--no-progress')).toBe('');
  });
});
