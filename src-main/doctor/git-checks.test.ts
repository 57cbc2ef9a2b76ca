/**
 * Git checks on real repositories: large untracked files (sparse, so the test writes no real data), ignored ones
 * left out, a repository that is gone, and `git count-objects -v` parsing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo, tempDir } from '../testing/fixtures.js';
import { runCheck } from './doctor.js';
import { gitChecks, parseCountObjects } from './git-checks.js';
import { DEFAULT_THRESHOLDS } from './types.js';

const MiB = 1024 * 1024;
/** Generous: these checks take milliseconds. */
const TIMEOUT_MS = 20_000;

/** A file of `bytes` that uses no disk (a hole). */
function sparse(file: string, bytes: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  fs.ftruncateSync(fd, bytes);
  fs.closeSync(fd);
}

async function run(repo: string) {
  return Promise.all(gitChecks([repo], DEFAULT_THRESHOLDS).map((c) => runCheck(c, TIMEOUT_MS)));
}

describe('git checks', () => {
  it('lists large untracked files biggest first, with an ignore command; ignored and small files are left out', async () => {
    const dir = path.join(tempDir('berth-doctor-git-'), 'my repo');
    fs.mkdirSync(dir);
    const repo = makeRepo(dir);
    sparse(path.join(repo, 'data', 'model.bin'), 120 * MiB);
    sparse(path.join(repo, 'dump.sql'), 60 * MiB);
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'small\n');
    fs.writeFileSync(path.join(repo, '.gitignore'), 'ignored.iso\n');
    sparse(path.join(repo, 'ignored.iso'), 200 * MiB);

    const [loose, untracked] = await run(repo);
    expect(loose!.status).toBe('ok');
    expect(untracked!.id).toBe(`git.untracked-large:${repo}`);
    expect(untracked!.status).toBe('warn');
    expect(untracked!.detail).toContain('2 untracked file(s) over 50 MiB, 180 MiB in all: data/model.bin (120 MiB), dump.sql (60 MiB)');
    expect(untracked!.detail).not.toContain('ignored.iso');
    expect(untracked!.detail).not.toContain('notes.txt');
    // notes.txt, .gitignore and the two big ones.
    expect(untracked!.detail).toContain('(of 4 untracked file(s))');
    expect(untracked!.fix).toContain(`printf '%s\\n' /data/model.bin /dump.sql >> '${repo}/.gitignore'`);
    expect(untracked!.fix).toMatch(/agents' tools .* walk them/);
  });

  it('fails with a fix for a repository that no longer exists', async () => {
    const gone = path.join(tempDir('berth-doctor-gone-'), 'gone');
    const checks = await run(gone);
    for (const c of checks) {
      expect(c.status).toBe('fail');
      expect(c.detail).toContain('does not exist');
      expect(c.fix).toContain(`git -C ${gone} status`);
    }
  });

  it('fails with git\'s message for a folder that is not a repository', async () => {
    const plain = tempDir('berth-doctor-plain-');
    const [loose] = await run(plain);
    expect(loose!.status).toBe('fail');
    expect(loose!.detail).toMatch(/not a git repository/);
  });

  it('parses count-objects -v, sizes in bytes', () => {
    const c = parseCountObjects('count: 2500\nsize: 10000\nin-pack: 7\npacks: 1\nsize-pack: 3\nprune-packable: 0\ngarbage: 2\nsize-garbage: 1\n');
    expect(c).toEqual({ count: 2500, sizeBytes: 10_240_000, inPack: 7, packs: 1, sizePackBytes: 3072, garbage: 2 });
  });
});
