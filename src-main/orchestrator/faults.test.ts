/**
 * No single fault takes Berth down. A backend that throws from start (instead of returning an error)
 * fails only that session, with the reason; a backend whose inspect throws during the start-up
 * reconcile fails only that session, and the orchestrator starts; each is counted in /metrics. A
 * spawned `berth serve` that meets an unhandled rejection and an uncaught exception logs and counts
 * them and keeps serving.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { callHttp, readApiFile } from '../client/node-client.js';
import { LocalPtyBackend } from '../backends/local-pty/local-pty-backend.js';
import { cliArgs, PACKAGE_ROOT } from '../cli/cli-test-support.js';
import { makeRepo, startTestOrchestrator, tempDir, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

/** The preload that injects the faults on SIGUSR2. */
const FAULT_INJECTOR = pathToFileURL(path.resolve(import.meta.dirname, '../testing/fault-injector.ts')).href;

async function metricsText(t: { url: string; token: string }): Promise<string> {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.token}` } });
  expect(res.status).toBe(200);
  return res.text();
}

describe('faults in background work (in-process orchestrator)', () => {
  const open: TestOrchestrator[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const t of open.splice(0)) await t.close();
  });

  it('a backend whose start throws fails that session with the reason; the API answers and /metrics counts it', async () => {
    const t = await startTestOrchestrator();
    open.push(t);
    vi.spyOn(LocalPtyBackend.prototype, 'start').mockRejectedValueOnce(new Error('injected start fault'));
    const repo = makeRepo();
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', command: 'sh' });
    const failed = await waitFor(async () => {
      const x = await t.must('sessions.get', { ref: s.id });
      return x.state === 'failed' ? x : null;
    }, 'failed');
    expect(failed.reason).toContain('injected start fault');
    // The orchestrator keeps working: the list answers and the next create runs.
    expect((await t.must('sessions.list', {})).map((x) => x.id)).toContain(s.id);
    const next = await t.must('sessions.create', { repoPath: repo, agent: 'custom', command: 'sh' });
    await waitFor(async () => ['working', 'idle'].includes((await t.must('sessions.get', { ref: next.id })).state), 'next session running');
    expect(await metricsText(t.orch)).toMatch(/^berth_background_errors_total\{task="provision"\} 1$/m);
  });

  it('a reconcile whose inspect throws fails that session; the orchestrator starts and /metrics counts it', async () => {
    const dataDir = tempDir('berth-home-');
    const first = await startTestOrchestrator(dataDir);
    const repo = makeRepo();
    const s = await first.must('sessions.create', { repoPath: repo, agent: 'custom', command: 'sh' });
    await waitFor(async () => (await first.must('sessions.get', { ref: s.id })).pid !== null, 'working');
    await first.close();
    // As a crash would leave it: the store still believes the session runs.
    const db = new Database(path.join(dataDir, 'berth.db'));
    db.prepare("UPDATE sessions SET state = 'working', pid = ? WHERE id = ?").run(process.pid, s.id);
    db.close();

    vi.spyOn(LocalPtyBackend.prototype, 'inspect').mockRejectedValue(new Error('injected inspect fault'));
    const second = await startTestOrchestrator(dataDir);
    open.push(second);
    const after = await second.must('sessions.get', { ref: s.id });
    expect(after.state).toBe('failed');
    expect(after.reason).toContain('injected inspect fault');
    expect(await metricsText(second.orch)).toMatch(/^berth_background_errors_total\{task="reconcile"\} 1$/m);
  });
});

describe('process-wide fault handlers (berth serve)', () => {
  const children: ChildProcessWithoutNullStreams[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('an unhandled rejection and an uncaught exception are logged and counted, and berth serve keeps serving', async () => {
    const home = tempDir('berth-cli-faults-');
    // The injector is TypeScript: it loads after tsx's loader, before the CLI.
    const [importFlag, tsxLoader, ...cli] = cliArgs(['serve', '--port', '0']);
    const child = spawn(process.execPath, [importFlag!, tsxLoader!, '--import', FAULT_INJECTOR, ...cli], { cwd: PACKAGE_ROOT, env: { ...process.env, BERTH_HOME: home } });
    children.push(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const api = await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`berth serve exited with ${child.exitCode}: ${stderr}`);
      const file = readApiFile(home);
      return file.ok && file.value.pid === child.pid ? file.value : null;
    }, 'berth serve ready', 60_000);

    child.kill('SIGUSR2');
    const text = await waitFor(async () => {
      const m = await metricsText(api);
      return /berth_unhandled_errors_total\{kind="uncaughtException"\} 1/.test(m) ? m : null;
    }, 'faults counted');
    expect(text).toMatch(/^berth_unhandled_errors_total\{kind="unhandledRejection"\} 1$/m);
    expect(stderr).toContain('injected fault: a promise nobody handled');
    expect(stderr).toContain('injected fault: an exception nobody caught');
    // Still serving.
    expect(child.exitCode).toBeNull();
    expect((await callHttp(api, 'sessions.list', {})).ok).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
