/**
 * Runs a short helper process (a credential command, `secret-tool`) with a deadline, bounded output
 * and an optional stdin, and reports how it ended without ever logging or echoing its output.
 *
 * The process gets its own process group, so the deadline kills everything it started: a shell's
 * children would otherwise keep the output pipes open and the result would wait for them.
 */
import { spawn } from 'node:child_process';
import type { Disposable } from '../../src-shared/lifecycle.js';

/** Largest stdout or stderr kept from a helper (a credential is far smaller). */
export const MAX_HELPER_OUTPUT_BYTES = 64 * 1024;

/** How a helper process ended. `stdout` is secret material: callers must never put it in a message. */
export type ProcessOutcome =
  | { readonly kind: 'exit'; readonly code: number; readonly stdout: string; readonly stderr: string }
  | { readonly kind: 'signal'; readonly signal: string; readonly stderr: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'overflow' }
  | { readonly kind: 'error'; readonly message: string };

/** A running helper: await `outcome`; dispose to kill it (the outcome then reports the signal). */
export interface RunningProcess extends Disposable {
  readonly outcome: Promise<ProcessOutcome>;
}

/** How to run a helper. */
export interface RunProcessOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Written to stdin, which is then closed; stdin is closed at once without it. */
  input?: string;
}

/** Starts `file args` (no shell unless `file` is one) in its own process group. */
export function runProcess(file: string, args: readonly string[], options: RunProcessOptions): RunningProcess {
  let ended: 'timeout' | 'overflow' | null = null;
  let settled = false;
  let resolveOutcome!: (outcome: ProcessOutcome) => void;
  const outcome = new Promise<ProcessOutcome>((resolve) => (resolveOutcome = resolve));
  const settle = (value: ProcessOutcome): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    resolveOutcome(value);
  };

  // spawn, not execFile: execFile drops `detached`, and the process group is what makes the deadline work.
  const child = spawn(file, [...args], { env: options.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true, windowsHide: true });
  const killGroup = (): void => {
    if (child.pid === undefined) return;
    try {
      // Negative pid: the whole process group started for this helper.
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };

  const collect = (stream: NodeJS.ReadableStream | null): Buffer[] => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream?.on('data', (chunk: Buffer) => {
      if (ended) return;
      size += chunk.length;
      if (size > MAX_HELPER_OUTPUT_BYTES) {
        ended = 'overflow';
        killGroup();
        return;
      }
      chunks.push(chunk);
    });
    return chunks;
  };
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');

  child.on('error', (error: NodeJS.ErrnoException) => {
    settle({ kind: 'error', message: `cannot run ${file}: ${error.code ?? 'spawn failed'}` });
  });
  child.on('close', (code, signal) => {
    if (ended) return settle({ kind: ended });
    if (code !== null) return settle({ kind: 'exit', code, stdout: text(stdout), stderr: text(stderr) });
    settle({ kind: 'signal', signal: signal ?? 'an unknown signal', stderr: text(stderr) });
  });

  const timer = setTimeout(() => {
    ended = 'timeout';
    killGroup();
  }, options.timeoutMs);

  child.stdin.on('error', () => undefined); // EPIPE when the helper exits without reading stdin.
  child.stdin.end(options.input ?? '');

  return {
    outcome,
    dispose() {
      if (settled) return;
      clearTimeout(timer);
      killGroup();
    },
  };
}

/** Longest stderr line quoted in an error message. */
const MAX_QUOTED_STDERR_CHARS = 200;

/**
 * The first non-empty stderr line, shortened, with every occurrence of the (secret) stdout removed in
 * case the helper echoed its answer to stderr too.
 */
export function firstStderrLine(stderr: string, secret?: string): string | null {
  let line = stderr.split(/\r?\n/).find((l) => l.trim().length > 0)?.trim() ?? null;
  if (line === null) return null;
  const s = secret?.trim();
  if (s) line = line.split(s).join('[redacted]');
  return line.length > MAX_QUOTED_STDERR_CHARS ? `${line.slice(0, MAX_QUOTED_STDERR_CHARS)}…` : line;
}
