/**
 * Test fixtures: real git repositories in temp dirs and real orchestrators on loopback.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProtocolClient, type TerminalFrame } from '../../src-shared/client.js';
import type { MethodName, MethodParams, MethodResult } from '../../src-shared/contract.js';
import type { Result } from '../../src-shared/result.js';
import { leakTracker } from '../../src-shared/lifecycle.js';
import { callHttp, connectWebSocket } from '../client/node-client.js';
import { startOrchestrator, type RunningOrchestrator } from '../orchestrator/index.js';

/** Temp dirs made by this test file, removed after it (see setup.ts). */
const madeTempDirs: string[] = [];

export function tempDir(prefix = 'berth-test-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  madeTempDirs.push(dir);
  return dir;
}

/** Removes the temp dirs this file made (best effort: a dir still in use is left). */
export function removeTempDirs(): void {
  for (const dir of madeTempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
}

/** A git repository with one commit on `main`. */
export function makeRepo(dir = tempDir('berth-repo-')): string {
  const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  run('init', '-q', '-b', 'main');
  run('config', 'user.email', 'test@berth.invalid');
  run('config', 'user.name', 'Berth Test');
  fs.writeFileSync(path.join(dir, 'README.md'), '# test repo\n');
  run('add', '.');
  run('commit', '-q', '-m', 'initial');
  return dir;
}

export interface TestOrchestrator {
  orch: RunningOrchestrator;
  dataDir: string;
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<Result<MethodResult<M>>>;
  /** Like call, but throws on an error value. */
  must<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>;
  connect(): Promise<ProtocolClient>;
  close(): Promise<void>;
}

/** A real orchestrator on a free loopback port; `rendererDir` serves a renderer bundle (none by default). */
export async function startTestOrchestrator(dataDir = tempDir('berth-home-'), env?: NodeJS.ProcessEnv, rendererDir: string | null = null): Promise<TestOrchestrator> {
  const started = await startOrchestrator({ dataDir, mode: 'headless', port: 0, rendererDir, env });
  if (!started.ok) throw new Error(started.error.message);
  const orch = started.value;
  const endpoint = { url: orch.url, token: orch.token };
  const clients: ProtocolClient[] = [];
  const call = <M extends MethodName>(method: M, params: MethodParams<M>) => callHttp(endpoint, method, params);
  return {
    orch,
    dataDir,
    call,
    async must(method, params) {
      const r = await call(method, params);
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    },
    async connect() {
      const c = await connectWebSocket(endpoint);
      if (!c.ok) throw new Error(c.error.message);
      clients.push(c.value);
      return c.value;
    },
    async close() {
      for (const c of clients) c.dispose();
      await orch.close();
      await assertNoLeaks();
    },
  };
}

/** Fails when a DisposableStore created during the test is still alive (bounded wait for async closes). */
export async function assertNoLeaks(timeoutMs = 2_000): Promise<void> {
  if (!leakTracker.enabled) return;
  const deadline = Date.now() + timeoutMs;
  while (leakTracker.live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const leaked = [...leakTracker.live].map((s) => s.label);
  leakTracker.live.clear();
  if (leaked.length > 0) throw new Error(`leaked disposables: ${leaked.join(', ')}`);
}

/** Collects a session's terminal output from a client, acking as it goes. */
export class TerminalReader {
  text = '';
  snapshot: string | null = null;
  exit: Extract<TerminalFrame, { type: 'term.exit' }> | null = null;
  error: Extract<TerminalFrame, { type: 'term.error' }> | null = null;
  private readonly sub;

  constructor(client: ProtocolClient, readonly sessionId: string) {
    this.sub = client.onDidTerminalFrame((f) => {
      if (f.sessionId !== sessionId) return;
      if (f.type === 'term.snapshot') this.snapshot = f.data;
      else if (f.type === 'term.data') {
        this.text += f.data;
        client.ack(sessionId, f.data.length);
      } else if (f.type === 'term.exit') this.exit = f;
      else this.error = f;
    });
  }

  dispose(): void {
    this.sub.dispose();
  }
}

/** Polls `fn` until it returns a truthy value (bounded). */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 10_000, intervalMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Guards a test on an engine (docker, tmux, bwrap, chromium). Absent: prints a loud SKIPPED line and
 * returns false; with BERTH_TEST_REQUIRE_ENGINES=1 (CI) it throws instead.
 */
export function engineAvailable(name: string, available: boolean, why: string): boolean {
  if (available) return true;
  const line = `SKIPPED: ${name} engine missing — ${why}`;
  if (process.env.BERTH_TEST_REQUIRE_ENGINES === '1') throw new Error(`${line} (BERTH_TEST_REQUIRE_ENGINES=1 turns this skip into a failure)`);
  console.warn(`\n!!!!! ${line} !!!!!\n`);
  return false;
}
