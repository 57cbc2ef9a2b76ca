/**
 * A Docker agent writes only its own branch (real engine, real git in the container): it commits,
 * amends, resets and gets its commits onto `berth/<name>` on the host at once, while moving `main` or
 * another branch, creating a branch, writing `packed-refs`, `git stash` and removing the repository's
 * objects all fail; a failed auto-gc doesn't fail a commit. Cold containers and warm-pool ones alike.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SessionDto } from '../../../src-shared/dto.js';
import { engineAvailable, makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../../testing/fixtures.js';
import { ensureGitImage } from '../../testing/git-image.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

/**
 * What the agent tries, one `name=ok|refused` line each. `$1` is the main repository's .git; `$2` is
 * `rm` when removing the repository's pack files is expected to fail (as root on the host, see
 * shareObjectDirs). `side` is a branch the host has; nothing in the container should move it.
 */
const PROBE = `
G="$1"
r() { n="$1"; shift; if "$@" >/dev/null 2>&1; then echo "$n=ok"; else echo "$n=refused"; fi; }
echo agent > agent.txt
r add git add agent.txt
r commit git commit -q -m "agent: first"
r amend git commit -q --amend -m "agent: amended"
echo two > two.txt; git add two.txt
r second git commit -q -m "agent: second"
r reset git reset -q --hard HEAD~1
r gc-commit git -c gc.auto=1 -c gc.autoPackLimit=1 -c gc.autoDetach=false commit -q --allow-empty -m "agent: with auto gc"
r update-main git update-ref refs/heads/main HEAD
r branch-main git branch -f main HEAD
r update-side git update-ref refs/heads/side HEAD
r branch-side git branch -f side HEAD
r create-other git update-ref refs/heads/other HEAD
r create-berth-other git update-ref refs/heads/berth/someone-else HEAD
r tag git tag agent-tag
r packed-refs sh -c "echo 0000000000000000000000000000000000000000 refs/heads/planted >> $G/packed-refs"
r config sh -c "echo [core] >> $G/config"
echo stash > stashed.txt; git add stashed.txt
r stash git stash
git reset -q --hard
[ "$2" = rm ] && r rm-pack sh -c "rm -f $G/objects/pack/*.pack"
r log-main git log -1 --format=%s main
echo probe-done
exec sleep 600
`;

describe.runIf(available)('docker sessions write only their own branch (real engine, git in the container)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  let t: TestOrchestrator;
  let repo: string;
  let image: string;

  beforeAll(async () => {
    image = await ensureGitImage(d.endpoint, d.image);
    t = await startTestOrchestrator();
    await t.must('settings.update', { docker: { endpoint: d.endpoint, defaultImage: image, pullPolicy: 'Never', caches: [] } });
    repo = makeRepo();
    const g = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' }).toString().trim();
    fs.writeFileSync(path.join(repo, 'probe.sh'), PROBE);
    g('add', 'probe.sh');
    g('commit', '-q', '-m', 'probe');
    g('branch', 'side');
    // A stash of the user's, in the main checkout: refs/stash is shared by the whole repository.
    fs.writeFileSync(path.join(repo, 'README.md'), 'users own work in progress\n');
    g('stash');
    g('pack-refs', '--all');
    g('repack', '-q', '-a', '-d');
  }, 120_000);
  afterAll(async () => t?.close());

  const g = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' }).toString().trim();

  async function probe(s: SessionDto): Promise<Record<string, string>> {
    let last = '';
    const text = await waitFor(async () => {
      const r = await t.call('terminal.text', { ref: s.id });
      const current = await t.must('sessions.get', { ref: s.id });
      last = r.ok ? r.value.text : last;
      if (current.state === 'failed' || current.state === 'exited') throw new Error(`session ended: ${current.reason}\n${last}`);
      return last.includes('probe-done') ? last : null;
    }, `probe in ${s.name}`, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; the terminal said:\n${last}`);
    });
    return Object.fromEntries([...text.matchAll(/^([a-z-]+)=(ok|refused)\s*$/gm)].map((m) => [m[1]!, m[2]!]));
  }

  /** Runs the probe in a session and checks what it could and couldn't do, in the container and on the host. */
  async function expectOnlyOwnBranch(s: SessionDto) {
    const before = { main: g('rev-parse', 'main'), side: g('rev-parse', 'side'), stash: g('rev-parse', 'refs/stash'), packed: fs.readFileSync(path.join(repo, '.git', 'packed-refs'), 'utf8') };
    const packs = fs.readdirSync(path.join(repo, '.git', 'objects', 'pack'));
    const seen = await probe(s);
    expect(seen).toMatchObject({ add: 'ok', commit: 'ok', amend: 'ok', second: 'ok', reset: 'ok', 'gc-commit': 'ok', 'log-main': 'ok' });
    expect(seen).toMatchObject({
      'update-main': 'refused',
      'branch-main': 'refused',
      'update-side': 'refused',
      'branch-side': 'refused',
      'create-other': 'refused',
      tag: 'refused',
      'packed-refs': 'refused',
      config: 'refused',
      stash: 'refused',
    });
    // The session's commits are on its branch on the host, at once, while the agent still runs.
    expect(g('log', '--format=%s', `${s.branch}`).split('\n').slice(0, 2)).toEqual(['agent: with auto gc', 'agent: amended']);
    expect(g('rev-parse', 'main')).toBe(before.main);
    expect(g('rev-parse', 'side')).toBe(before.side);
    expect(g('rev-parse', 'refs/stash')).toBe(before.stash);
    expect(fs.readFileSync(path.join(repo, '.git', 'packed-refs'), 'utf8')).toBe(before.packed);
    // A ref the agent makes beside its branch stays in its own ref cell: the host never sees it.
    expect(g('for-each-ref', '--format=%(refname)', 'refs/heads/other', 'refs/heads/berth/someone-else', 'refs/tags/')).toBe('');
    // As root on the host, the container's uid can add objects but not remove the repository's.
    if (process.getuid?.() === 0) expect(seen['rm-pack']).toBe('refused');
    for (const p of packs) expect(fs.existsSync(path.join(repo, '.git', 'objects', 'pack', p))).toBe(true);
    g('fsck', '--no-dangling');

    const tip = g('rev-parse', s.branch);
    await t.must('sessions.stop', { ref: s.id });
    // After the run the branch is a plain ref again, with the container's commits and reflog.
    const ref = path.join(repo, '.git', 'refs', 'heads', ...s.branch.split('/'));
    expect(fs.lstatSync(ref).isFile()).toBe(true);
    expect(fs.readFileSync(ref, 'utf8').trim()).toBe(tip);
    expect(g('reflog', '--format=%gs', s.branch)).toContain('commit (amend): agent: amended');
  }

  /** The probe as a session command. */
  const probeCommand = () => `sh probe.sh ${path.join(repo, '.git')} ${process.getuid?.() === 0 ? 'rm' : 'keep'}`;

  it('a cold container commits to its branch and can move nothing else', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: 'cold-git', command: probeCommand() });
    expect(s.docker?.warm).toBe(false);
    await expectOnlyOwnBranch(s);
    // A restart gets the branch again, with the commits of the first run.
    await t.must('sessions.restart', { ref: s.id });
    // Its probe commits on top of the first run's commits.
    await waitFor(() => g('log', '--format=%s', s.branch).split('\n').filter((l) => l === 'agent: with auto gc').length === 2, 'second run committed', 60_000);
    await t.must('sessions.delete', { ref: s.id, force: true });
    expect(fs.existsSync(path.join(repo, '.git', 'berth-refs', 'cold-git'))).toBe(false);
  }, 120_000);

  it('a warm-pool container, made before the branch existed, commits to the branch it is claimed for and nothing else', async () => {
    await t.must('settings.update', { docker: { warmImages: [image], warmPoolSize: 1 } });
    // The pool fills after a Docker session on the repository.
    const first = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: 'fills-pool', command: 'sh -c "exec sleep 600"' });
    await waitFor(async () => (await t.must('docker.info', {})).pool.find((p) => p.image === image)?.ready === 1, 'pool ready', 60_000);
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: 'warm-git', command: probeCommand() });
    expect(s.docker?.warm).toBe(true);
    await expectOnlyOwnBranch(s);
    await t.must('settings.update', { docker: { warmPoolSize: 0 } });
    await t.must('sessions.delete', { ref: s.id, force: true });
    await t.must('sessions.delete', { ref: first.id, force: true });
  }, 180_000);
});
