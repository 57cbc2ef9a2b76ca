/**
 * The warm pool against a real engine: it fills after a Docker session on a repository, a create
 * claims a pooled container (the agent runs in it with the session's branch, environment and TTY
 * size), the pool refills, a claimed container is contained like a cold one (a listener on the host is
 * out of its reach), and a restarted orchestrator adopts a claimed container and removes leftover pool
 * containers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callHttp, readApiFile } from '../../client/node-client.js';
import { dockerClient } from '../../testing/docker-engine.js';
import { engineAvailable, makeRepo, startTestOrchestrator, tempDir, TerminalReader, waitFor, type TestOrchestrator } from '../../testing/fixtures.js';
import { LABEL_KIND } from './labels.js';
import { LABEL_REPO, launchScript, shellQuote } from './warm-pool.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

describe('warm pool launch script', () => {
  it('quotes anything, newlines and quotes included, and ends with its terminator', () => {
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    const s = launchScript('/workspace', ['sh', '-c', "echo 'a\nb'"], { GOOD: 'x y', 'BAD-NAME': 'z' });
    const lines = s.text.split('\n');
    expect(lines[0]).toBe(s.terminator);
    expect(lines.at(-2)).toBe(s.terminator);
    expect(s.text).toContain(`export GOOD='x y'`);
    expect(s.text).not.toContain('BAD-NAME');
    // The script is valid sh that runs the command with the environment.
    const out = execFileSync('sh', ['-c', s.text.split('\n').slice(1, -2).join('\n').replace("cd '/workspace' || exit 1", ':')]).toString();
    expect(out).toBe('a\nb\n');
  });
});

describe.runIf(available)('docker warm pool (real engine)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  let t: TestOrchestrator;
  let repo: string;

  beforeAll(async () => {
    t = await startTestOrchestrator();
    await t.must('settings.update', {
      docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [], warmImages: [d.image], warmPoolSize: 2 },
    });
    repo = makeRepo();
  });
  afterAll(async () => t?.close());

  /** Pool containers on a repository (each test's orchestrators work on their own repository). */
  const poolContainers = async (repoPath: string) =>
    (await dockerClient(d.endpoint)).listContainers({ all: true, filters: { label: [`${LABEL_KIND}=pool`, `${LABEL_REPO}=${repoPath}`] } });
  const ready = async () => (await t.must('docker.info', {})).pool.find((p) => p.image === d.image)?.ready ?? 0;
  const live = (ref: string) =>
    waitFor(async () => {
      const s = await t.must('sessions.get', { ref });
      if (s.state === 'failed') throw new Error(`session failed: ${s.reason}`);
      return s.pid !== null && s.state !== 'creating' ? s : null;
    }, `${ref} running`, 30_000);

  it('fills after a Docker session, a create claims a pooled container, and the pool refills', async () => {
    const cold = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: 'cold', command: 'sh -c "echo cold-ok; exec sh"' });
    expect(cold.docker?.warm).toBe(false);
    await live(cold.id);
    await waitFor(async () => (await ready()) === 2, 'pool filled to 2', 30_000);
    const pooled = (await poolContainers(repo)).map((c) => c.Id);
    expect(pooled).toHaveLength(2);

    const client = await t.connect();
    const warm = await t.must('sessions.create', {
      repoPath: repo,
      agent: 'custom',
      backend: 'docker',
      name: 'warm',
      command: `sh -c 'echo "warm-$BERTH_SESSION_ID"; stty size; exec sh'`,
      cols: 97,
      rows: 29,
    });
    expect(warm.docker?.warm).toBe(true);
    const running = await live(warm.id);
    expect(pooled).toContain(running.docker?.containerId);
    const reader = new TerminalReader(client, warm.id);
    client.attach(warm.id, { cols: 97, rows: 29 });
    const screen = () => `${reader.snapshot ?? ''}${reader.text}`;
    await waitFor(() => screen().includes(`warm-${warm.id}`) && screen().includes('29 97'), 'the agent ran in the claimed container', 15_000);
    // The session's branch is checked out in its worktree, and the launcher's script never shows.
    expect(screen()).not.toContain('#berth-');
    expect(fs.readdirSync(running.worktreePath)).toContain('README.md');
    expect(execFileSync('git', ['-c', 'safe.directory=*', '-C', running.worktreePath, 'branch', '--show-current']).toString().trim()).toBe('berth/warm');
    client.input(warm.id, 'echo typed-$((6*7))\r');
    await waitFor(() => reader.text.includes('typed-42'), 'input reaches the claimed container');

    // Contained like a cold container: a listener on the host's bridge address is out of reach; only the proxy is there.
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections++;
      socket.end('HOSTPAGE\n');
    });
    await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
    try {
      const port = (listener.address() as net.AddressInfo).port;
      client.input(warm.id, `echo | nc -w 3 ${d.gateway ?? '127.0.0.1'} ${port} | grep -q HOSTPAGE && echo REACHED-$((1+1)) || echo NO-ROUTE-$((6*7)); echo "$HTTPS_PROXY"\r`);
      await waitFor(() => /REACHED-2|NO-ROUTE-42/.test(reader.text), 'the probe from the claimed container', 20_000);
      expect(reader.text).toContain('NO-ROUTE-42');
      expect(reader.text).toMatch(/@berth-proxy:3128/);
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }

    // The pool refills behind the claim.
    await waitFor(async () => (await ready()) === 2, 'pool refilled to 2', 30_000);

    // Deleting the warm session removes its container and its worktree like any other.
    await t.must('sessions.delete', { ref: warm.id, force: true });
    expect(fs.existsSync(running.worktreePath)).toBe(false);
    const ids = (await (await dockerClient(d.endpoint)).listContainers({ all: true })).map((c) => c.Id);
    expect(ids).not.toContain(running.docker?.containerId);
    await t.must('sessions.delete', { ref: cold.id, force: true });
  }, 120_000);

  it('a restarted orchestrator adopts a claimed container and removes leftover pool containers', async () => {
    const home = tempDir('berth-home-');
    const repo2 = makeRepo();
    const entry = path.resolve(import.meta.dirname, '../../orchestrator/main.ts');
    const children: ChildProcess[] = [];
    const start = async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, BERTH_HOME: home, BERTH_PORT: '0' }, stdio: 'ignore' });
      children.push(child);
      return waitFor(() => {
        const api = readApiFile(home);
        return api.ok && api.value.pid === child.pid ? api.value : null;
      }, 'orchestrator ready', 20_000);
    };
    const must = async <T,>(r: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>) => {
      const v = await r;
      if (!v.ok) throw new Error(v.error.message);
      return v.value;
    };
    try {
      const first = await start();
      await must(callHttp(first, 'settings.update', { docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [], warmImages: [d.image], warmPoolSize: 1 } }));
      const poolOf = async (api: typeof first) => (await must(callHttp(api, 'docker.info', {}))).pool.find((p) => p.image === d.image)?.ready ?? 0;
      const cold = await must(callHttp(first, 'sessions.create', { repoPath: repo2, agent: 'custom', backend: 'docker', command: 'sh' }));
      await waitFor(async () => (await poolOf(first)) === 1, 'pool filled', 30_000);
      const warm = await must(callHttp(first, 'sessions.create', { repoPath: repo2, agent: 'custom', backend: 'docker', name: 'survivor', command: 'sh' }));
      expect(warm.docker?.warm).toBe(true);
      const running = await waitFor(async () => {
        const s = await must(callHttp(first, 'sessions.get', { ref: warm.id }));
        return s.state === 'working' && s.docker?.containerId ? s : null;
      }, 'warm session running', 30_000);
      await waitFor(async () => (await poolOf(first)) === 1, 'pool refilled', 30_000);
      const leftovers = await poolContainers(repo2);
      const leftoverWorktrees = leftovers.map((c) => c.Labels['berth.worktree']!);
      expect(leftoverWorktrees.every((w) => fs.existsSync(w))).toBe(true);
      children[0]!.kill('SIGKILL');
      await new Promise((r) => children[0]!.once('exit', r));

      const second = await start();
      // Live again (a quiet shell shows as idle a second after its adoption).
      const adopted = await waitFor(async () => {
        const s = await must(callHttp(second, 'sessions.get', { ref: warm.id }));
        return ['working', 'idle'].includes(s.state) ? s : null;
      }, 'claimed container adopted', 30_000);
      expect(adopted.docker?.containerId).toBe(running.docker?.containerId);
      expect((await callHttp(second, 'terminal.text', { ref: warm.id })).ok).toBe(true);
      // The earlier run's pool containers and their slot worktrees are gone; the pool fills anew.
      await waitFor(async () => !(await poolContainers(repo2)).some((c) => leftovers.some((l) => l.Id === c.Id)), 'leftover pool containers removed', 30_000);
      await waitFor(() => leftoverWorktrees.every((w) => !fs.existsSync(w)), 'leftover slot worktrees removed');
      await waitFor(async () => (await poolOf(second)) === 1, 'pool filled again after the restart', 30_000);
      for (const s of [warm, cold]) await must(callHttp(second, 'sessions.delete', { ref: s.id, force: true }));
      // Drained on close: no pool containers are left behind by a clean shutdown.
      children[1]!.kill('SIGTERM');
      await new Promise((r) => children[1]!.once('exit', r));
      expect(await poolContainers(repo2)).toEqual([]);
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
  }, 150_000);
});
