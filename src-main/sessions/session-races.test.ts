/**
 * Operations on one session run at the same time, on the local backend (real git, real pty): creates
 * with one name, stop or delete during a restart, two restarts. Processes are counted by the label
 * every agent carries in its environment (BERTH_SESSION_ID), straight from /proc.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_LABEL_ENV } from '../backends/backend.js';
import { makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

/** Live processes labelled with the session (zombies have no readable environment). */
function sessionProcesses(sessionId: string): number[] {
  const label = `${SESSION_LABEL_ENV}=${sessionId}`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(label)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/**
 * Waits out a quiet period in which `check` must stay true: for a start some earlier code may still
 * make in the background (there is nothing to wait *for* when it correctly never comes).
 */
async function staysTrue(check: () => boolean, what: string, ms = 1_500): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!check()) throw new Error(what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('concurrent operations on one session (local backend)', () => {
  let t: TestOrchestrator;
  let repo: string;
  beforeEach(async () => {
    t = await startTestOrchestrator();
    repo = makeRepo();
  });
  afterEach(async () => t.close());

  const running = (id: string) =>
    waitFor(async () => {
      const s = await t.must('sessions.get', { ref: id });
      if (s.state === 'failed') throw new Error(`session failed: ${s.reason}`);
      return s.pid !== null && (s.state === 'working' || s.state === 'idle') ? s : null;
    }, `${id} running`);

  it('two creates with one name: exactly one wins, the others get conflict', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => t.call('sessions.create', { repoPath: repo, agent: 'custom', name: 'twin', command: 'sleep 600' })),
    );
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    for (const r of results.filter((x) => !x.ok)) expect(!r.ok && r.error.code).toBe('conflict');
    const listed = (await t.must('sessions.list', {})).filter((s) => s.name === 'twin');
    expect(listed).toHaveLength(1);
    await running(listed[0]!.id);
    expect(execFileSync('git', ['for-each-ref', '--format=%(refname:short)', 'refs/heads/berth/'], { cwd: repo }).toString().trim()).toBe('berth/twin');

    // Names made from one prompt at the same time come out distinct.
    const generated = await Promise.all(Array.from({ length: 4 }, () => t.call('sessions.create', { repoPath: repo, agent: 'custom', prompt: 'same task', command: 'sleep 600' })));
    const names = generated.map((r) => (r.ok ? r.value.name : `${r.error.code}: ${r.error.message}`));
    expect(new Set(names)).toEqual(new Set(['same-task', 'same-task-2', 'same-task-3', 'same-task-4']));
  }, 60_000);

  it('a stop during a restart cancels it: no process is left and the session says exited', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', command: 'sleep 600' });
    await running(s.id);
    const restarting = t.orch.sessions.restart(s.id);
    const stopping = t.orch.sessions.stop(s.id);
    const [restarted, stopped] = await Promise.all([restarting, stopping]);
    expect(restarted.ok).toBe(true);
    expect(stopped.ok).toBe(true);
    const settled = await waitFor(async () => {
      const x = await t.must('sessions.get', { ref: s.id });
      return x.state !== 'creating' ? x : null;
    }, 'the restart settled');
    expect(settled.state).toBe('exited');
    expect(settled.pid).toBeNull();
    expect(sessionProcesses(s.id)).toEqual([]);
    await staysTrue(() => sessionProcesses(s.id).length === 0, 'a process started after the stop');
    expect((await t.must('sessions.get', { ref: s.id })).state).toBe('exited');
    const transitions = (await t.must('sessions.events', { ref: s.id })).map((e) => `${e.from ?? '∅'}→${e.to}`);
    expect(transitions.slice(-2)).toEqual(['exited→creating', 'creating→exited']);
  }, 60_000);

  it('a delete during a restart removes the session and leaves no process', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', command: 'sleep 600' });
    await running(s.id);
    const restarting = t.orch.sessions.restart(s.id);
    const deleting = t.orch.sessions.delete(s.id, true);
    const [, deleted] = await Promise.all([restarting, deleting]);
    expect(deleted.ok).toBe(true);
    expect((await t.call('sessions.get', { ref: s.id })).ok).toBe(false);
    expect(fs.existsSync(s.worktreePath)).toBe(false);
    await staysTrue(() => sessionProcesses(s.id).length === 0, 'a process of the deleted session runs');
  }, 60_000);

  it('two restarts at once give one process', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', command: 'sleep 600' });
    const first = await running(s.id);
    const results = await Promise.all([t.orch.sessions.restart(s.id), t.orch.sessions.restart(s.id)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused && !refused.ok && refused.error.code).toBe('invalid_state');
    const again = await waitFor(async () => {
      const x = await running(s.id);
      return x.pid !== first.pid ? x : null;
    }, 'running again');
    await staysTrue(() => sessionProcesses(s.id).length <= 1, 'more than one process for the session');
    expect(sessionProcesses(s.id)).toEqual([again.pid]);
    await t.must('sessions.stop', { ref: s.id });
    expect(sessionProcesses(s.id)).toEqual([]);
  }, 60_000);
});
