/**
 * A Docker stop the engine doesn't answer: the container's shim is frozen (SIGSTOP), so the engine
 * can neither stop, kill nor inspect that container. The stop must still come back, with the agent
 * killed, instead of hanging `berth stop`, delete, restart and quit.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dockerClient } from '../../testing/docker-engine.js';
import { engineAvailable, makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../../testing/fixtures.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

/** Bound on the stop call: well past the stop's own deadlines, far short of "never". */
const STOP_BOUND_MS = 25_000;

/** The pid of the containerd shim serving `containerId` on this host, or null. */
function shimPid(containerId: string): number | null {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.includes('containerd-shim') && argv.includes(containerId)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/** Whether `pid` still runs (a killed process its frozen parent hasn't reaped is a zombie: not running). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe.runIf(available)('docker stop when the engine does not answer (real engine)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  let t: TestOrchestrator;
  let repo: string;

  beforeAll(async () => {
    t = await startTestOrchestrator();
    await t.must('settings.update', { docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [] } });
    repo = makeRepo();
  });
  afterAll(async () => t?.close());

  it('kills the container after a deadline and the stop returns', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name: 'frozen', command: 'sh -c "echo up; exec sleep 600"' });
    const live = await waitFor(async () => {
      const x = await t.must('sessions.get', { ref: s.id });
      if (x.state === 'failed') throw new Error(`session failed: ${x.reason}`);
      return x.state !== 'creating' && x.pid !== null && x.docker?.containerId ? x : null;
    }, 'session running', 30_000);
    const containerId = live.docker!.containerId!;
    const init = live.pid!;
    const shim = shimPid(containerId);
    if (shim === null) throw new Error(`no containerd shim found for container ${containerId} on this host`);
    process.kill(shim, 'SIGSTOP');
    try {
      const stopping = t.call('sessions.stop', { ref: s.id });
      const outcome = await Promise.race([stopping, new Promise<'hung'>((r) => setTimeout(() => r('hung'), STOP_BOUND_MS))]);
      if (outcome === 'hung') throw new Error('sessions.stop did not return while the engine could not stop the container');
      expect(outcome.ok).toBe(true);
      if (outcome.ok) {
        expect(outcome.value.state).toBe('exited');
        expect(outcome.value.reason).toMatch(/did not stop the container/);
      }
      // Killed on this host although the engine never answered.
      expect(running(init)).toBe(false);
    } finally {
      process.kill(shim, 'SIGCONT');
    }
    // The engine catches up: the container is not running.
    const client = await dockerClient(d.endpoint);
    await waitFor(async () => !(await client.getContainer(containerId).inspect()).State.Running, 'the engine sees the container ended', 30_000);
    await t.must('sessions.delete', { ref: s.id, force: true });
  }, 90_000);
});
