/**
 * The one way Berth runs a short-lived helper process (git, a doctor probe, a credential command,
 * `secret-tool`, `chown`): no shell, a deadline, an abort signal, bounded output, and every ending a
 * value.
 *
 * The process gets its own process group (`detached`), and the deadline, the abort signal and
 * `dispose()` kill the whole group: a helper's children (a shell's pipeline, git's own helpers) would
 * otherwise keep the output pipes open and the result would wait for them, or outlive Berth's deadline.
 * `execFile` can't do this (it kills only the child and drops `detached`), so this uses `spawn`.
 */
import { spawn } from 'node:child_process';
import type { Disposable } from '../../src-shared/lifecycle.js';
import { err, ok, type ErrorCode, type Result } from '../../src-shared/result.js';

/** Output kept per stream unless the caller says otherwise (a probe prints a line or two). */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/** How a helper process ended. Output may be secret (a credential command's): callers decide what to show. */
export type ProcessOutcome =
  /** It exited by itself with `code` (zero or not). */
  | { readonly kind: 'exit'; readonly code: number; readonly stdout: string; readonly stderr: string }
  /** Something other than Berth killed it. */
  | { readonly kind: 'signal'; readonly signal: string; readonly stdout: string; readonly stderr: string }
  /** It ran past its deadline; its process group was killed. */
  | { readonly kind: 'timeout'; readonly timeoutMs: number; readonly stdout: string; readonly stderr: string }
  /** The caller's abort signal fired (or `dispose()` was called); its process group was killed. */
  | { readonly kind: 'aborted' }
  /** It printed more than `maxOutputBytes` on one stream; its process group was killed. */
  | { readonly kind: 'overflow'; readonly maxOutputBytes: number }
  /** It could not be started: `code` is Node's errno code (`ENOENT` for a missing executable, `EACCES`, …). */
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** How to run a helper. */
export interface RunOptions {
  /** Longest it may run; then its whole process group is killed. */
  timeoutMs: number;
  /** Working directory; this process's by default. */
  cwd?: string;
  /** Its whole environment; this process's by default. */
  env?: NodeJS.ProcessEnv;
  /** Aborting kills its process group; the outcome is then `aborted`. */
  signal?: AbortSignal;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  /** Most bytes kept from stdout or from stderr; more kills the group. DEFAULT_MAX_OUTPUT_BYTES by default. */
  maxOutputBytes?: number;
}

/** A started helper: await `outcome`; dispose to kill its process group (the outcome is then `aborted`). */
export interface RunningProcess extends Disposable {
  readonly outcome: Promise<ProcessOutcome>;
}

/** Starts `file args` in its own process group; see the file comment. */
export function startProcess(file: string, args: readonly string[], options: RunOptions): RunningProcess {
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  let ended: 'timeout' | 'overflow' | 'aborted' | null = null;
  let settled = false;
  let resolveOutcome!: (outcome: ProcessOutcome) => void;
  const outcome = new Promise<ProcessOutcome>((resolve) => (resolveOutcome = resolve));

  if (options.signal?.aborted) {
    resolveOutcome({ kind: 'aborted' });
    return { outcome, dispose: () => undefined };
  }

  const child = spawn(file, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
    windowsHide: true,
  });

  const killGroup = (): void => {
    if (child.pid === undefined) return;
    try {
      // Negative pid: the process group this helper leads, so its children go too.
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone (or no process groups on this platform): kill at least the child.
      child.kill('SIGKILL');
    }
  };
  const end = (why: 'timeout' | 'overflow' | 'aborted'): void => {
    if (ended || settled) return;
    ended = why;
    killGroup();
  };
  const onAbort = (): void => end('aborted');

  const settle = (value: ProcessOutcome): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    resolveOutcome(value);
  };

  const collect = (stream: NodeJS.ReadableStream | null): Buffer[] => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream?.on('data', (chunk: Buffer) => {
      if (ended) return;
      size += chunk.length;
      if (size > maxOutputBytes) return end('overflow');
      chunks.push(chunk);
    });
    return chunks;
  };
  const stdoutChunks = collect(child.stdout);
  const stderrChunks = collect(child.stderr);
  // Joined before decoding, so a UTF-8 character split across chunks stays whole.
  const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');

  child.on('error', (error: NodeJS.ErrnoException) => {
    // A started child's errors end in 'close'; only a failed start has no pid.
    if (child.pid !== undefined) return;
    settle({ kind: 'error', code: error.code ?? 'UNKNOWN', message: `cannot run ${file}: ${error.code ?? error.message}` });
  });
  child.on('close', (code, signal) => {
    const stdout = text(stdoutChunks);
    const stderr = text(stderrChunks);
    if (ended === 'timeout') return settle({ kind: 'timeout', timeoutMs: options.timeoutMs, stdout, stderr });
    if (ended === 'overflow') return settle({ kind: 'overflow', maxOutputBytes });
    if (ended === 'aborted') return settle({ kind: 'aborted' });
    if (code !== null) return settle({ kind: 'exit', code, stdout, stderr });
    settle({ kind: 'signal', signal: signal ?? 'an unknown signal', stdout, stderr });
  });

  const timer = setTimeout(() => end('timeout'), options.timeoutMs);
  options.signal?.addEventListener('abort', onAbort, { once: true });

  if (child.stdin) {
    child.stdin.on('error', () => undefined); // EPIPE when the helper exits without reading stdin.
    child.stdin.end(options.input ?? '');
  }

  return { outcome, dispose: () => end('aborted') };
}

/** Runs `file args` to its end; see `startProcess`. */
export function runProcess(file: string, args: readonly string[], options: RunOptions): Promise<ProcessOutcome> {
  return startProcess(file, args, options).outcome;
}

/** What a helper printed when it exited with code 0. */
export interface ProcessOutput {
  stdout: string;
  stderr: string;
}

/** Lines of stderr quoted in a failure message (git's own message is in its last lines). */
const QUOTED_STDERR_LINES = 3;

/**
 * Why a run did not succeed, in one line for a person: the end of stderr for a non-zero exit (never
 * stdout, which may be secret), else how it ended.
 */
export function describeFailure(outcome: ProcessOutcome): string {
  switch (outcome.kind) {
    case 'exit': {
      const tail = outcome.stderr.trim().split('\n').slice(-QUOTED_STDERR_LINES).join(' ').trim();
      return tail || `exit code ${outcome.code}`;
    }
    case 'signal':
      return `killed by ${outcome.signal}`;
    case 'timeout':
      return `did not finish within ${formatDuration(outcome.timeoutMs)} and was stopped`;
    case 'aborted':
      return 'cancelled';
    case 'overflow':
      return `printed more than ${formatBytes(outcome.maxOutputBytes)}`;
    case 'error':
      return outcome.message;
  }
}

/**
 * Runs `file args` and makes any ending but exit code 0 an error value `code` saying
 * "`label` failed: why" (see `describeFailure`).
 */
export async function runChecked(
  file: string,
  args: readonly string[],
  options: RunOptions & { label: string; errorCode: ErrorCode },
): Promise<Result<ProcessOutput>> {
  const outcome = await runProcess(file, args, options);
  if (outcome.kind === 'exit' && outcome.code === 0) return ok({ stdout: outcome.stdout, stderr: outcome.stderr });
  return err(options.errorCode, `${options.label} failed: ${describeFailure(outcome)}`);
}

/** `60000` → `60 s`, `1500` → `1500 ms`. */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** `65536` → `64 KiB` (output caps are whole KiB or MiB). */
function formatBytes(bytes: number): string {
  const MIB = 1024 * 1024;
  if (bytes % MIB === 0) return `${bytes / MIB} MiB`;
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}
