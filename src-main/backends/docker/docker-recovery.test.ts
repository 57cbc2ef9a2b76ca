/**
 * Docker sessions survive what kills a local one: the engine going away mid-session (the session is
 * `unknown`, the orchestrator keeps serving, and the container is adopted when the engine is back) and
 * the orchestrator being killed (the next one adopts the running container).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callHttp, readApiFile } from '../../client/node-client.js';
import { ensureBusyboxImage, startPrivateDockerd, type PrivateDockerd } from '../../testing/docker-engine.js';
import { engineAvailable, makeRepo, startTestOrchestrator, tempDir, TerminalReader, waitFor } from '../../testing/fixtures.js';

const docker = inject('berthDocker');
const available = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

describe.runIf(available)('docker session recovery (real engine)', () => {
  let engine: PrivateDockerd;
  let image: string;
  beforeAll(async () => {
    // Its own engine: this test stops and starts it, which the shared one must not see.
    engine = await startPrivateDockerd({ liveRestore: true });
    image = await ensureBusyboxImage(engine.endpoint);
  }, 120_000);
  afterAll(async () => engine?.stop());

  it('engine stopped mid-session: unknown, orchestrator alive, adopted when the engine is back', async () => {
    const t = await startTestOrchestrator();
    let engineDown = false;
    try {
      await t.must('settings.update', { docker: { endpoint: engine.endpoint, defaultImage: image, pullPolicy: 'Never', caches: [] } });
      const repo = makeRepo();
      const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh' });
      await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).state === 'working', 'working', 30_000);

      await engine.down();
      engineDown = true;
      const unknown = await waitFor(async () => {
        const x = await t.must('sessions.get', { ref: s.id });
        return x.state === 'unknown' ? x : null;
      }, 'unknown', 40_000);
      expect(unknown.reason).toBeTruthy();
      const backends = await t.must('backends.list', {});
      const dockerBackend = backends.find((b) => b.id === 'docker')!;
      expect(dockerBackend.available).toBe(false);
      expect(dockerBackend.reason).toContain('not reachable');
      expect(backends.find((b) => b.id === 'local')!.available).toBe(true);

      await engine.up();
      engineDown = false;
      // The engine restarts (live-restore keeps the container) and the next reconcile pass adopts it;
      // both take longer on a loaded machine.
      // Adopted: live again (a quiet shell shows as idle a second later).
      await waitFor(async () => ['working', 'idle'].includes((await t.must('sessions.get', { ref: s.id })).state), 'adopted', 60_000);
      const client = await t.connect();
      const reader = new TerminalReader(client, s.id);
      client.attach(s.id);
      await waitFor(() => reader.snapshot !== null, 'snapshot');
      client.input(s.id, 'echo adopted-$((6*7))\r');
      await waitFor(() => reader.text.includes('adopted-42'), 'input after adoption', 10_000);
      const events = (await t.must('sessions.events', { ref: s.id })).map((e) => e.to);
      expect(events).toEqual(expect.arrayContaining(['working', 'unknown']));
      await t.must('sessions.delete', { ref: s.id, force: true });
    } finally {
      await t.close();
      // The next test needs the engine, whatever happened here.
      if (engineDown) await engine.up();
    }
  }, 120_000);

  it('orchestrator killed: the next one adopts the running container', async () => {
    const home = tempDir('berth-home-');
    const repo = makeRepo();
    const entry = path.resolve(import.meta.dirname, '../../orchestrator/main.ts');
    const children: ChildProcess[] = [];
    const start = async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, BERTH_HOME: home, BERTH_PORT: '0' }, stdio: 'ignore' });
      children.push(child);
      return waitFor(() => {
        const api = readApiFile(home);
        return api.ok && api.value.pid === child.pid ? { child, api: api.value } : null;
      }, 'orchestrator ready', 20_000);
    };
    try {
      const first = await start();
      await callHttp(first.api, 'settings.update', { docker: { endpoint: engine.endpoint, defaultImage: image, pullPolicy: 'Never', caches: [] } });
      const created = await callHttp(first.api, 'sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh' });
      if (!created.ok) throw new Error(created.error.message);
      const running = await waitFor(async () => {
        const r = await callHttp(first.api, 'sessions.get', { ref: created.value.id });
        return r.ok && r.value.state === 'working' ? r.value : null;
      }, 'working', 30_000);
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));

      const second = await start();
      // Live again (a quiet shell shows as idle a second after its adoption).
      const adopted = await waitFor(async () => {
        const r = await callHttp(second.api, 'sessions.get', { ref: created.value.id });
        return r.ok && ['working', 'idle'].includes(r.value.state) ? r.value : null;
      }, 'adopted', 30_000);
      expect(adopted.docker?.containerId).toBe(running.docker?.containerId);
      // Adopted, not just shown as running: the new orchestrator has its terminal.
      const text = await callHttp(second.api, 'terminal.text', { ref: created.value.id });
      expect(text.ok).toBe(true);
      await callHttp(second.api, 'sessions.delete', { ref: created.value.id, force: true });
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
  }, 120_000);
});
