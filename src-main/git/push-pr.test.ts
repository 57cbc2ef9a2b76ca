/**
 * Push to a bare repository on disk, and "Create pull request" through `gh`: unavailable with the
 * reason when gh is absent or logged out, and run with the right arguments when a `gh` is on PATH.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, startTestOrchestrator, tempDir, type TestOrchestrator } from '../testing/fixtures.js';
import { commitFile, gitIn, shellSession } from '../testing/git-snapshot.js';
import { GH_NOT_INSTALLED, GH_NOT_LOGGED_IN, pullRequestAvailability } from './pull-request.js';

/** A bare repository to push to. */
function bareRepo(): string {
  const dir = path.join(tempDir('berth-bare-'), 'remote.git');
  gitIn(path.dirname(dir), 'init', '-q', '--bare', dir);
  return dir;
}

/**
 * A fake `gh` in a fresh folder: `auth status` exits with `authExit`; every call's argv is appended
 * to `log` (NUL after each argument, RS after each call); `pr create` prints a URL.
 */
function fakeGh(authExit: number): { dir: string; log: string } {
  const dir = tempDir('berth-gh-');
  const log = path.join(dir, 'calls.log');
  const script = `#!/bin/sh
for a in "$@"; do printf '%s\\0' "$a" >> '${log}'; done
printf '\\036' >> '${log}'
if [ "$1" = auth ]; then exit ${authExit}; fi
if [ "$1" = pr ]; then echo "Creating pull request..." >&2; echo "https://github.com/acme/app/pull/42"; exit 0; fi
exit 3
`;
  fs.writeFileSync(path.join(dir, 'gh'), script, { mode: 0o755 });
  return { dir, log };
}

function calls(log: string): string[][] {
  return fs
    .readFileSync(log, 'utf8')
    .split('\x1e')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\0').slice(0, -1));
}

describe('sessions.push (real git, bare remote on disk)', () => {
  let t: TestOrchestrator;
  beforeAll(async () => {
    t = await startTestOrchestrator();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('pushes berth/<name> to origin under the same name', async () => {
    const repo = makeRepo();
    const remote = bareRepo();
    gitIn(repo, 'remote', 'add', 'origin', remote);
    const s = await shellSession(t, repo, 'pushed');
    const head = commitFile(s.worktreePath, 'p.txt', 'p\n');
    expect(await t.must('sessions.push', { ref: s.name })).toEqual({ remote: 'origin', branch: 'berth/pushed' });
    expect(gitIn(remote, 'rev-parse', 'refs/heads/berth/pushed').trim()).toBe(head);
  });

  it('picks the only remote, needs --remote among several without origin, and says when there is none', async () => {
    const repo = makeRepo();
    const s = await shellSession(t, repo, 'remotes');
    commitFile(s.worktreePath, 'r.txt', 'r\n');

    const none = await t.call('sessions.push', { ref: s.name });
    expect(none.ok ? '' : none.error.message).toMatch(/has no remote to push to: add one/);

    const a = bareRepo();
    gitIn(repo, 'remote', 'add', 'upstream', a);
    expect(await t.must('sessions.push', { ref: s.name })).toMatchObject({ remote: 'upstream' });

    const b = bareRepo();
    gitIn(repo, 'remote', 'add', 'fork', b);
    const several = await t.call('sessions.push', { ref: s.name });
    expect(several.ok ? '' : several.error.message).toMatch(/several remotes \(fork, upstream\).*--remote/);
    expect(await t.must('sessions.push', { ref: s.name, remote: 'fork' })).toMatchObject({ remote: 'fork' });
    expect(gitIn(b, 'rev-parse', 'refs/heads/berth/remotes').trim()).toBe(gitIn(repo, 'rev-parse', 'berth/remotes').trim());

    const unknown = await t.call('sessions.push', { ref: s.name, remote: 'nope' });
    expect(unknown.ok ? null : unknown.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('no remote "nope"') });
  });

  it('a rejected push is an error with git’s reason', async () => {
    const repo = makeRepo();
    const remote = bareRepo();
    gitIn(repo, 'remote', 'add', 'origin', remote);
    const s = await shellSession(t, repo, 'rejected');
    commitFile(s.worktreePath, 'a.txt', 'a\n');
    await t.must('sessions.push', { ref: s.name });
    gitIn(s.worktreePath, 'commit', '-q', '--amend', '-m', 'rewritten');
    const r = await t.call('sessions.push', { ref: s.name });
    expect(r.ok ? null : r.error.code).toBe('git_failed');
    expect(r.ok ? '' : r.error.message).toMatch(/pushing berth\/rejected to origin failed: .*(rejected|non-fast-forward|fetch first)/);
  });
});

describe('sessions.pr', () => {
  it('gh absent: unavailable with the reason, and the call is refused with it', async () => {
    // The tests' PATH is hermetic: system folders only, where gh is not installed here.
    const t = await startTestOrchestrator(undefined, { ...process.env, PATH: '/usr/bin:/bin' });
    try {
      expect(await pullRequestAvailability({ PATH: '/usr/bin:/bin' })).toEqual({ available: false, reason: GH_NOT_INSTALLED });
      const repo = makeRepo();
      const s = await shellSession(t, repo, 'no-gh');
      const r = await t.call('sessions.pr', { ref: s.name });
      expect(r.ok ? null : r.error).toEqual({ code: 'invalid_state', message: GH_NOT_INSTALLED });
      const changes = await t.must('changes.list', { ref: s.name });
      expect(changes.pullRequest).toEqual({ available: false, reason: GH_NOT_INSTALLED });
    } finally {
      await t.close();
    }
  });

  it('gh logged out: unavailable, "run gh auth login"', async () => {
    const gh = fakeGh(1);
    expect(await pullRequestAvailability({ PATH: `${gh.dir}:/usr/bin:/bin` })).toEqual({ available: false, reason: GH_NOT_LOGGED_IN });
    expect(calls(gh.log)).toEqual([['auth', 'status']]);
  });

  it('gh logged in: runs gh pr create with head, base, title and body, and answers its URL', async () => {
    const gh = fakeGh(0);
    const t = await startTestOrchestrator(undefined, { ...process.env, PATH: `${gh.dir}:${process.env.PATH ?? ''}` });
    try {
      const repo = makeRepo();
      const s = await shellSession(t, repo, 'with-gh', 'echo fix the flaky test');
      expect(await t.must('sessions.pr', { ref: s.name })).toEqual({ url: 'https://github.com/acme/app/pull/42' });
      expect(await t.must('sessions.pr', { ref: s.name, title: '-odd title', body: 'line 1\nline 2' })).toEqual({ url: 'https://github.com/acme/app/pull/42' });
      const made = calls(gh.log).filter((c) => c[0] === 'pr');
      expect(made).toEqual([
        ['pr', 'create', '--head=berth/with-gh', '--base=main', '--title=echo fix the flaky test', '--body=echo fix the flaky test\n\nMade in Berth session `with-gh`.'],
        ['pr', 'create', '--head=berth/with-gh', '--base=main', '--title=-odd title', '--body=line 1\nline 2'],
      ]);
      // Availability is asked once and cached.
      expect(calls(gh.log).filter((c) => c[0] === 'auth')).toHaveLength(1);
      expect((await t.must('changes.list', { ref: s.name })).pullRequest).toEqual({ available: true, reason: null });
    } finally {
      await t.close();
    }
  });
});
