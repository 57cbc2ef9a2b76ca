/**
 * A graceful quit keeps the README's promise that Docker sessions outlive the orchestrator: SIGTERM to
 * `berth serve` leaves their containers running (local sessions, which can't survive, are stopped), the
 * next `berth serve` adopts them with their terminals, and with "On quit: stop everything" SIGTERM stops
 * them. Tried from the user's side: the real `berth serve` as a child process and a real dockerd.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { callHttp, connectWebSocket, readApiFile, type Endpoint } from '../client/node-client.js';
import { dockerClient } from '../testing/docker-engine.js';
import { engineAvailable, makeRepo, TerminalReader } from '../testing/fixtures.js';
import type { MethodName, MethodParams, MethodResult } from '../../src-shared/contract.js';
import { cliArgs, PACKAGE_ROOT, tempDir, waitFor } from './cli-test-support.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

/** A `berth serve` start on a loaded machine (module loading, migrations, reconcile). */
const START_TIMEOUT_MS = 60_000;
/** A Docker session from create to running. */
const RUNNING_TIMEOUT_MS = 60_000;

describe.runIf(available)('berth serve: quit policy (real engine)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  const home = tempDir('berth-cli-quit-');
  const children: ChildProcessWithoutNullStreams[] = [];
  const containers: string[] = [];

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    const engine = await dockerClient(d.endpoint);
    await Promise.all(containers.map((id) => engine.getContainer(id).remove({ force: true }).catch(() => undefined)));
  });

  /** Starts `berth serve` and resolves with its API endpoint once it serves. */
  async function serve() {
    const child = spawn(process.execPath, cliArgs(['serve', '--port', '0']), { cwd: PACKAGE_ROOT, env: { ...process.env, BERTH_HOME: home } });
    children.push(child);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const api = await waitFor(
      'berth serve ready',
      () => {
        if (child.exitCode !== null) throw new Error(`berth serve exited with ${child.exitCode}: ${output}`);
        const file = readApiFile(home);
        return file.ok && file.value.pid === child.pid ? file.value : undefined;
      },
      START_TIMEOUT_MS,
    );
    return { child, api: api as Endpoint, exited, output: () => output };
  }

  async function must<M extends MethodName>(api: Endpoint, method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    const r = await callHttp(api, method, params);
    if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
    return r.value;
  }

  const running = (api: Endpoint, id: string) =>
    waitFor(
      `session ${id} running`,
      async () => {
        const s = await must(api, 'sessions.get', { ref: id });
        if (s.state === 'failed') throw new Error(`session failed: ${s.reason}`);
        return (s.state === 'working' || s.state === 'idle') && s.pid !== null ? s : undefined;
      },
      RUNNING_TIMEOUT_MS,
    );

  const isRunning = async (containerId: string) => (await (await dockerClient(d.endpoint)).getContainer(containerId).inspect()).State.Running;

  it('SIGTERM leaves Docker sessions running and the next start adopts them; "stop everything" stops them', async () => {
    const repo = makeRepo();
    const first = await serve();
    await must(first.api, 'settings.update', { docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [] } });
    const a = await must(first.api, 'sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: 'quit-a', command: 'sh' });
    const b = await must(first.api, 'sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: 'quit-b', command: 'sh' });
    const local = await must(first.api, 'sessions.create', { repoPath: repo, agent: 'custom', name: 'quit-local', command: 'sh' });
    const before = [await running(first.api, a.id), await running(first.api, b.id)];
    const localPid = (await running(first.api, local.id)).pid!;
    const ids = before.map((s) => s.docker!.containerId!);
    containers.push(...ids);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // The default policy: both containers outlive the orchestrator; the local session was stopped.
    for (const id of ids) expect(await isRunning(id)).toBe(true);
    expect(processAlive(localPid)).toBe(false);

    const second = await serve();
    for (const [i, s] of [a, b].entries()) {
      const adopted = await running(second.api, s.id);
      expect(adopted.docker?.containerId).toBe(ids[i]);
    }
    const localAfter = await must(second.api, 'sessions.get', { ref: local.id });
    expect(localAfter.state).toBe('exited');
    // Adopted with its terminal: input typed now reaches the same shell and its output comes back.
    const client = await connectWebSocket(second.api);
    if (!client.ok) throw new Error(client.error.message);
    try {
      for (const s of [a, b]) {
        const reader = new TerminalReader(client.value, s.id);
        client.value.attach(s.id);
        await waitFor('snapshot', () => (reader.snapshot !== null ? true : undefined));
        client.value.input(s.id, `echo adopted-${s.name}-$((6*7))\r`);
        await waitFor(`${s.name} answers`, () => (reader.text.includes(`adopted-${s.name}-42`) ? true : undefined));
        reader.dispose();
      }
    } finally {
      client.value.dispose();
    }

    await must(second.api, 'settings.update', { onQuit: 'stop-all' });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    for (const id of ids) expect(await isRunning(id)).toBe(false);
  }, 300_000);
});

/** Alive and not a zombie. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
