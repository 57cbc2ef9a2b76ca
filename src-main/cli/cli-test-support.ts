/**
 * Test support for the CLI's integration tests: a temp data dir, a temp git repository, a real
 * orchestrator, and the real `berth` command run as a child process.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunningOrchestrator } from '../orchestrator/index.js';
import { makeRepo, startTestOrchestrator as startFixtureOrchestrator } from '../testing/fixtures.js';
import { stripAnsi } from './ansi.js';

/** The package root (src-main/cli → ../..). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The CLI's source entry, run through tsx. */
export const CLI_MAIN = path.join(PACKAGE_ROOT, 'src-main/cli/main.ts');
/** Longest a single CLI call may take in tests. */
const RUN_TIMEOUT_MS = 20_000;
/** Poll interval of `waitFor`. */
const POLL_MS = 100;

/** A finished CLI run. */
export interface RunOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** tsx's loader by absolute URL, so the CLI can run from any working directory. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Node arguments that run the CLI from source. */
export function cliArgs(args: readonly string[]): string[] {
  return ['--import', TSX_LOADER, CLI_MAIN, ...args];
}

/** Runs `berth <args>` with `BERTH_HOME=home` and resolves when it exits. */
export function runBerth(args: readonly string[], options: { home?: string; cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs(args), {
      cwd: options.cwd ?? PACKAGE_ROOT,
      env: { ...process.env, ...(options.home ? { BERTH_HOME: options.home } : {}), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`berth ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = RUN_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** A fresh temp folder (removed after the test file, like every fixture's). */
export { tempDir } from '../testing/fixtures.js';

/** A git repository with one commit on `main`. */
export function makeGitRepo(): string {
  return makeRepo();
}

/** A real orchestrator on a free port with its own data dir, as the CLI tests address it. */
export interface TestOrchestrator {
  home: string;
  orchestrator: RunningOrchestrator;
  close(): Promise<void>;
}

/** Starts a headless orchestrator on a temp data dir (the shared fixture: leak-checked on close). */
export async function startTestOrchestrator(): Promise<TestOrchestrator> {
  const t = await startFixtureOrchestrator();
  return { home: t.dataDir, orchestrator: t.orch, close: () => t.close() };
}

/** The plain lines of some terminal output (escape sequences and CRs removed). */
export function plainLines(text: string): string[] {
  return stripAnsi(text).split('\n');
}
