/**
 * Bench harness: temp repos, orchestrator processes started from the built output, timing helpers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readApiFile, type ApiFile } from '../src-main/client/node-client.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const ORCHESTRATOR_ENTRY = path.join(ROOT, 'out/main/orchestrator.js');

/** Builds the app when its bundle is missing or older than any source file (figures must be of the current code). */
export function ensureBuilt(): void {
  const built = fs.existsSync(ORCHESTRATOR_ENTRY) ? fs.statSync(ORCHESTRATOR_ENTRY).mtimeMs : 0;
  if (built < newestSource(['src-main', 'src-shared', 'src-renderer', 'src-preload'].map((d) => path.join(ROOT, d)))) {
    console.error('bench: building first (npm run build)…');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', process.stderr, 'inherit'] });
  }
}

function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.includes('.test.')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) if (fs.existsSync(d)) walk(d);
  return newest;
}

export function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function makeRepo(): string {
  const dir = tempDir('berth-bench-repo-');
  const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  run('init', '-q', '-b', 'main');
  run('config', 'user.email', 'bench@berth.invalid');
  run('config', 'user.name', 'Berth Bench');
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dir, `file-${i}.txt`), `content ${i}\n`.repeat(50));
  run('add', '.');
  run('commit', '-q', '-m', 'initial');
  return dir;
}

export interface OrchestratorProcess {
  child: ChildProcess;
  api: ApiFile;
  home: string;
  /** ms from spawn to the ready line on stdout. */
  readyMs: number;
  stop(): Promise<void>;
}

/** Starts `node out/main/orchestrator.js` on a free port with its own data dir. */
export async function startOrchestratorProcess(home = tempDir('berth-bench-home-'), env: NodeJS.ProcessEnv = {}): Promise<OrchestratorProcess> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [ORCHESTRATOR_ENTRY], {
    env: { ...process.env, ...env, BERTH_HOME: home, BERTH_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const readyMs = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`orchestrator did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('Berth is serving')) {
        clearTimeout(timer);
        resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    });
    child.once('exit', (code) => reject(new Error(`orchestrator exited (${code}): ${stderr}`)));
  });
  const api = readApiFile(home);
  if (!api.ok) throw new Error(api.error.message);
  return {
    child,
    api: api.value,
    home,
    readyMs,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Resident set size of a process, in MB. */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
