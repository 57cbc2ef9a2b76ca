import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callHttp, readApiFile } from '../client/node-client.js';
import { makeRepo, tempDir, waitFor } from '../testing/fixtures.js';

const ENTRY = path.resolve(import.meta.dirname, 'main.ts');

function spawnOrchestrator(home: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...process.env, BERTH_HOME: home, BERTH_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Alive and not a zombie (in a container nobody may reap the orphan). */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function endpointOf(home: string, child: ChildProcess) {
  return waitFor(() => {
    const api = readApiFile(home);
    return api.ok && api.value.pid === child.pid ? api.value : null;
  }, 'orchestrator ready', 20_000);
}

describe('orchestrator restart', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('after SIGKILL, a running session is reported exited with a reason; row and worktree intact', async () => {
    const home = tempDir('berth-home-');
    const repo = makeRepo();
    const first = spawnOrchestrator(home);
    children.push(first);
    const api1 = await endpointOf(home, first);
    const created = await callHttp(api1, 'sessions.create', { repoPath: repo, agent: 'shell', prompt: 'sleep 600' });
    if (!created.ok) throw new Error(created.error.message);
    const s = created.value;
    const running = await waitFor(async () => {
      const r = await callHttp(api1, 'sessions.get', { ref: s.id });
      return r.ok && r.value.state !== 'creating' && r.value.pid !== null ? r.value : null;
    }, 'working');
    expect(running.state).toMatch(/working|idle/);
    // An agent that ignores the hang-up survives its terminal; the reconciler must end it.
    const stubborn = await callHttp(api1, 'sessions.create', {
      repoPath: repo,
      agent: 'custom',
      name: 'stubborn',
      command: `sh -c "trap '' HUP; echo ready; while :; do sleep 1; done"`,
    });
    if (!stubborn.ok) throw new Error(stubborn.error.message);
    const stubbornPid = await waitFor(async () => {
      const r = await callHttp(api1, 'sessions.get', { ref: 'stubborn' });
      return r.ok && r.value.phases.firstOutputMs !== null ? r.value.pid : null;
    }, 'stubborn running');

    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    const second = spawnOrchestrator(home);
    children.push(second);
    const api2 = await endpointOf(home, second);
    const after = await callHttp(api2, 'sessions.get', { ref: s.name });
    if (!after.ok) throw new Error(after.error.message);
    expect(after.value.state).toBe('exited');
    expect(after.value.reason).toMatch(/orchestrator/);
    expect(after.value.pid).toBeNull();
    expect(fs.existsSync(path.join(s.worktreePath, 'README.md'))).toBe(true);
    // The shell that lost its terminal is not left running.
    expect(isRunning(running.pid!)).toBe(false);
    const stubbornAfter = await callHttp(api2, 'sessions.get', { ref: 'stubborn' });
    expect(stubbornAfter.ok && stubbornAfter.value.reason).toMatch(/orphaned process was ended/);
    await waitFor(() => !isRunning(stubbornPid), 'orphan ended', 5_000);
    const events = await callHttp(api2, 'sessions.events', { ref: s.id });
    expect(events.ok && events.value.at(-1)?.to).toBe('exited');
  }, 60_000);

  it('refuses a second orchestrator on the same data dir', async () => {
    const home = tempDir('berth-home-');
    const first = spawnOrchestrator(home);
    children.push(first);
    await endpointOf(home, first);
    const second = spawnOrchestrator(home);
    children.push(second);
    let stderr = '';
    second.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => second.once('exit', r));
    expect(code).toBe(1);
    expect(stderr).toContain('already running');
  }, 60_000);
});
