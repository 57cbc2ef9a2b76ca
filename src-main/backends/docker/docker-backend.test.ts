/**
 * The Docker backend against a real engine (a private dockerd started by the global setup) and real
 * git: lifecycle, hardening, limits, pull policy, caches, runtimes, parallel creation.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dockerClient } from '../../testing/docker-engine.js';
import { engineAvailable, makeRepo, startTestOrchestrator, TerminalReader, waitFor, type TestOrchestrator } from '../../testing/fixtures.js';
import { KEPT_CAPABILITIES } from './container-spec.js';
import { LABEL_SESSION } from './labels.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

/** Linux capability numbers of the capabilities the spec keeps (linux/capability.h). */
const CAP_NUMBERS: Record<string, number> = { CHOWN: 0, DAC_OVERRIDE: 1, FOWNER: 3, KILL: 5, SETGID: 6, SETUID: 7 };

describe.runIf(available)('docker backend (real engine)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  let t: TestOrchestrator;
  let repo: string;

  beforeAll(async () => {
    t = await startTestOrchestrator();
    await t.must('settings.update', { docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [] } });
    repo = makeRepo();
  });
  afterAll(async () => t?.close());

  const get = (ref: string) => t.must('sessions.get', { ref });
  const live = async (ref: string) => waitFor(async () => {
    const s = await get(ref);
    if (s.state === 'failed') throw new Error(`session failed: ${s.reason}`);
    return s.pid !== null && s.state !== 'creating' ? s : null;
  }, `${ref} running`, 30_000);
  const containersOf = async (sessionId: string) =>
    (await dockerClient(d.endpoint)).listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=${sessionId}`] } });

  async function run(name: string, script: string, options: Record<string, unknown> = {}) {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name, command: `sh -c '${script}'`, docker: options });
    return s;
  }

  async function textOf(ref: string, marker: string) {
    return waitFor(async () => {
      const r = await t.call('terminal.text', { ref });
      return r.ok && r.value.text.includes(marker) ? r.value.text : null;
    }, `"${marker}" from ${ref}`, 30_000);
  }

  it('runs an agent in a container: output, input, resize, stop, restart, delete', async () => {
    const client = await t.connect();
    const s = await run('life', 'echo hello-$((20+1)); exec sh');
    expect(s.docker?.image).toBe(d.image);
    const running = await live(s.id);
    expect(running.docker?.containerId).toMatch(/^[0-9a-f]{64}$/);
    const reader = new TerminalReader(client, s.id);
    client.attach(s.id, { cols: 100, rows: 30 });
    await waitFor(() => `${reader.snapshot ?? ''}${reader.text}`.includes('hello-21'), 'first output');
    client.input(s.id, 'echo typed-$((2*21))\r');
    await waitFor(() => reader.text.includes('typed-42'), 'typed input');
    client.resize(s.id, 91, 23);
    client.input(s.id, 'stty size\r');
    await waitFor(() => reader.text.includes('23 91'), 'resized TTY');
    client.input(s.id, '\x03');

    const stopped = await t.must('sessions.stop', { ref: s.id });
    expect(stopped.state).toBe('exited');
    await t.must('sessions.restart', { ref: s.id });
    const again = await live(s.id);
    expect(again.docker?.containerId).not.toBe(running.docker?.containerId);
    expect((await containersOf(s.id)).length).toBe(1);

    await t.must('sessions.delete', { ref: s.id, force: true });
    expect(await containersOf(s.id)).toEqual([]);
    expect(fs.existsSync(s.worktreePath)).toBe(false);
  });

  it("the shell agent uses the image's shell, and agents are not looked up on this machine's PATH", async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', backend: 'docker', name: 'shell-in', prompt: 'echo in-image-$((9*9))' });
    expect(s.command).toEqual(['sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash -i || exec sh -i']);
    await textOf(s.id, 'in-image-81');
    await t.must('sessions.delete', { ref: s.id, force: true });
    // Not on this machine's PATH (the test PATH never holds it) nor in the test image: accepted, and the
    // start fails with the reason.
    const agents = await t.must('agents.list', {});
    expect(agents.find((a) => a.id === 'codex')!.available).toBe(false);
    const codex = await t.must('sessions.create', { repoPath: repo, agent: 'codex', backend: 'docker', name: 'codex-in', prompt: 'hi' });
    const ended = await waitFor(async () => {
      const x = await get(codex.id);
      return x.state === 'exited' || x.state === 'failed' ? x : null;
    }, 'codex start', 30_000);
    expect(ended.reason).toBeTruthy();
    await t.must('sessions.delete', { ref: codex.id, force: true });
  });

  it('bind mode: a file the agent writes is in the worktree on the host at once', async () => {
    const s = await run('bind', 'echo from-container > made.txt; echo wrote-$((1+1)); sleep 60');
    await textOf(s.id, 'wrote-2');
    expect(fs.readFileSync(path.join(s.worktreePath, 'made.txt'), 'utf8')).toBe('from-container\n');
    await t.must('sessions.delete', { ref: s.id, force: true });
  });

  it('volume mode: the file reaches the worktree after the session stops', async () => {
    const s = await run('vol', 'echo from-volume > vol.txt; echo wrote-$((2+2)); sleep 60', { volumeMode: 'volume' });
    await textOf(s.id, 'wrote-4');
    expect(fs.existsSync(path.join(s.worktreePath, 'vol.txt'))).toBe(false);
    await t.must('sessions.stop', { ref: s.id });
    expect(fs.readFileSync(path.join(s.worktreePath, 'vol.txt'), 'utf8')).toBe('from-volume\n');
    await t.must('sessions.delete', { ref: s.id, force: true });
  });

  it('is hardened: non-root, no new privileges, declared capabilities, no docker socket, read-only hooks', async () => {
    const hooks = path.join(repo, '.git', 'hooks');
    const s = await run(
      'hard',
      [
        'id -u',
        'grep -E "^(NoNewPrivs|CapEff|CapBnd)" /proc/self/status',
        'test -e /var/run/docker.sock && echo sock=yes || echo sock=no',
        `touch ${hooks}/planted 2>/dev/null && echo hooks=writable || echo hooks=readonly`,
        `echo x >> ${path.join(repo, '.git', 'config')} 2>/dev/null && echo config=writable || echo config=readonly`,
        'echo done-$((3+3))',
        'sleep 60',
      ].join('; '),
    );
    const text = await textOf(s.id, 'done-6');
    expect(text).toMatch(/^1000$/m);
    expect(text).toMatch(/NoNewPrivs:\s+1/);
    expect(text).toMatch(/CapEff:\s+0+$/m);
    const bnd = BigInt(`0x${/CapBnd:\s+([0-9a-f]+)/.exec(text)![1]}`);
    const expected = KEPT_CAPABILITIES.reduce((m, c) => m | (1n << BigInt(CAP_NUMBERS[c]!)), 0n);
    expect(bnd).toBe(expected);
    expect(text).toContain('sock=no');
    expect(text).toContain('hooks=readonly');
    expect(text).toContain('config=readonly');
    expect(fs.existsSync(path.join(hooks, 'planted'))).toBe(false);
    const inspect = await (await dockerClient(d.endpoint)).getContainer((await get(s.id)).docker!.containerId!).inspect();
    expect(inspect.HostConfig.NetworkMode).not.toBe('host');
    expect(inspect.HostConfig.PidMode).toBe('');
    expect(inspect.HostConfig.Privileged).toBe(false);
    expect(inspect.HostConfig.Tmpfs?.['/tmp']).toBeDefined();
    await t.must('sessions.delete', { ref: s.id, force: true });
  });

  it('applies CPU, memory and pids limits; a process over the memory limit is killed and the session says so', async () => {
    const limited = await run('limits', 'echo limited-$((4+4)); sleep 60', { cpus: 0.5, memoryMb: 64, pids: 128 });
    await textOf(limited.id, 'limited-8');
    const info = await (await dockerClient(d.endpoint)).getContainer((await get(limited.id)).docker!.containerId!).inspect();
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.PidsLimit).toBe(128);
    expect((await get(limited.id)).docker?.limits).toEqual({ cpus: 0.5, memoryMb: 64, pids: 128 });
    await t.must('sessions.delete', { ref: limited.id, force: true });

    // A shell variable growing past 32 MB.
    const hog = await run('oom', 'echo start; s=$(head -c 200000000 /dev/zero | tr "\\\\0" a); echo survived', { memoryMb: 32 });
    const ended = await waitFor(async () => {
      const s = await get(hog.id);
      return s.state === 'exited' ? s : null;
    }, 'OOM kill', 60_000);
    expect(ended.reason).toMatch(/out of memory|killed/);
    expect((await t.must('terminal.text', { ref: hog.id })).text).not.toContain('survived');
    await t.must('sessions.delete', { ref: hog.id, force: true });
  });

  it('cancels a create while its image is being pulled: nothing is left behind', async () => {
    // A "registry" on loopback that accepts connections and never answers: the pull hangs.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const client = await t.connect();
      const phases: string[] = [];
      const reasons: (string | null)[] = [];
      client.onDidEvent((e) => {
        if (e.event === 'session.progress') phases.push(`${e.progress.phase}:${e.progress.status}`);
        if (e.event === 'session.updated' && e.session.name === 'slow-pull') reasons.push(e.session.reason);
      });
      const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: 'slow-pull', command: 'sh', docker: { image: `127.0.0.1:${port}/slow:1`, pullPolicy: 'Always' } });
      await waitFor(() => phases.includes('image:started'), 'pull started', 20_000);
      const during = await get(s.id);
      expect(during.state, during.reason ?? '').toBe('creating');
      await t.must('sessions.delete', { ref: s.id, force: true });
      // The pull was abandoned before the session went, not left running behind a deleted session.
      await waitFor(() => reasons.includes('cancelled while being created'), 'cancellation recorded');
      expect((await t.call('sessions.get', { ref: s.id })).ok).toBe(false);
      expect(fs.existsSync(s.worktreePath)).toBe(false);
      await new Promise((r) => setTimeout(r, 500));
      expect(await containersOf(s.id)).toEqual([]);
    } finally {
      silent.close();
    }
  });

  it('pull policy Never with a missing image fails at once and creates nothing', async () => {
    const before = (await t.must('sessions.list', {})).length;
    const r = await t.call('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh', docker: { image: 'berth-not-here:9', pullPolicy: 'Never' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('image berth-not-here:9 is not present locally (pull policy: Never)');
    expect((await t.must('sessions.list', {})).length).toBe(before);
    const branches = execFileSync('git', ['branch', '--list', 'berth/*'], { cwd: repo }).toString();
    expect(branches).not.toContain('sh');
  });

  it('shares cache volumes across sessions; size is reported and clean removes them', async () => {
    const a = await run('cache-a', 'echo cached > /home/agent/.npm/marker; dd if=/dev/zero of=/home/agent/.npm/blob bs=1024 count=512 2>/dev/null; echo a-$((5+5)); sleep 60', { caches: ['npm'] });
    await textOf(a.id, 'a-10');
    await t.must('sessions.delete', { ref: a.id, force: true });
    const b = await run('cache-b', 'cat /home/agent/.npm/marker; echo b-$((6+6)); sleep 60', { caches: ['npm'] });
    expect(await textOf(b.id, 'b-12')).toContain('cached');
    await t.must('sessions.delete', { ref: b.id, force: true });

    const caches = await t.must('caches.list', { type: 'npm' });
    expect(caches[0]).toMatchObject({ type: 'npm', volume: 'berth-cache-npm', exists: true });
    expect(caches[0]!.sizeBytes).toBeGreaterThanOrEqual(512 * 1024);
    const cleaned = await t.must('caches.clean', { type: 'npm' });
    expect(cleaned.removed).toEqual(['berth-cache-npm']);
    expect((await t.must('caches.list', { type: 'npm' }))[0]!.exists).toBe(false);
    const c = await run('cache-c', 'cat /home/agent/.npm/marker 2>/dev/null || echo no-marker; echo c-$((7+7)); sleep 60', { caches: ['npm'] });
    expect(await textOf(c.id, 'c-14')).toContain('no-marker');
    const busy = await t.call('caches.clean', { type: 'npm' });
    expect(!busy.ok && busy.error.message).toContain('berth-cache-npm is in use by a session');
    await t.must('sessions.delete', { ref: c.id, force: true });
  });

  it('runs a session with another runtime the engine reports (crun)', async () => {
    if (!engineAvailable('crun', d.runtimes.includes('crun'), 'crun is not installed or not registered with the test engine')) return;
    const info = await t.must('docker.info', {});
    expect(info.runtimes).toContain('crun');
    const s = await run('crun', 'echo via-crun-$((8+8)); sleep 60', { runtime: 'crun' });
    await textOf(s.id, 'via-crun-16');
    const inspect = await (await dockerClient(d.endpoint)).getContainer((await get(s.id)).docker!.containerId!).inspect();
    expect(inspect.HostConfig.Runtime).toBe('crun');
    await t.must('sessions.delete', { ref: s.id, force: true });
    const bad = await t.call('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh', docker: { runtime: 'no-such-runtime' } });
    expect(!bad.ok && bad.error.message).toContain('no runtime "no-such-runtime"');
  });

  it('creates 10 sessions at once', async () => {
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: `par-${i}`, command: `sh -c 'echo par-$((${i}+100)); sleep 60'` })),
    );
    for (const [i, s] of created.entries()) await textOf(s.id, `par-${i + 100}`);
    await Promise.all(created.map((s) => t.must('sessions.delete', { ref: s.id, force: true })));
  }, 120_000);
});
