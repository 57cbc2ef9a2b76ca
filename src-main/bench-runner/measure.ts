/**
 * The measurements behind `create.local` and the create → first output figures of every backend, shared
 * by `npm run bench` (bench/cases, against an orchestrator process over HTTP) and `berth bench` (the
 * orchestrator's own API, in-process): one implementation of "raw baseline" and "Berth create → first
 * output".
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ProgressDto, SessionDto } from '../../src-shared/dto.js';
import type { Disposable } from '../../src-shared/lifecycle.js';
import type { Result } from '../../src-shared/result.js';
import { loadPty } from '../backends/local-pty/local-pty-backend.js';
import { msSince } from './stats.js';

const execFileAsync = promisify(execFile);

/** The agent command both sides start: prints one line, then waits. */
export const BENCH_COMMAND: readonly string[] = ['sh', '-c', 'echo ready; sleep 30'];
/** BENCH_COMMAND as the command line of a `custom` agent in `sessions.create`. */
export const BENCH_COMMAND_LINE = BENCH_COMMAND.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ');
/** Longest wait for a started command's first output before the measurement fails. */
export const FIRST_OUTPUT_TIMEOUT_MS = 30_000;
/** Longest one raw `git worktree add` may take. */
const GIT_TIMEOUT_MS = 60_000;
/** TTY size of the raw baseline's pty (Berth's default). */
const RAW_COLS = 120;
const RAW_ROWS = 32;
/** First outputs seen but not (yet) waited for that are remembered (other clients' sessions pass by too). */
const MAX_REMEMBERED = 256;

/**
 * First outputs of sessions by id, fed from `session.progress` events, so a wait can start before or
 * after the output came (the create response and the event travel separately). A create that fails on
 * the way ends its wait at once.
 */
export class FirstOutputWatch implements Disposable {
  private readonly seen = new Map<string, string | null>();
  private readonly waiting = new Map<string, (failure: string | null) => void>();
  private disposed = false;

  /** Feeds one progress event. */
  onProgress(p: ProgressDto): void {
    if (p.phase === 'first-output' && p.status === 'done') this.settle(p.sessionId, null);
    else if (p.status === 'failed') this.settle(p.sessionId, `${p.phase} failed: ${p.message ?? 'no reason given'}`);
  }

  /** Resolves at the session's first output; throws when its create failed, at the timeout, or on dispose. */
  wait(sessionId: string, timeoutMs = FIRST_OUTPUT_TIMEOUT_MS): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the benchmark was stopped'));
    if (this.seen.has(sessionId)) {
      const failure = this.seen.get(sessionId)!;
      this.seen.delete(sessionId);
      return failure === null ? Promise.resolve() : Promise.reject(new Error(failure));
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(`no first output within ${timeoutMs} ms`), timeoutMs);
      const done = (failure: string | null) => {
        clearTimeout(timer);
        this.waiting.delete(sessionId);
        if (failure === null) resolve();
        else reject(new Error(failure));
      };
      this.waiting.set(sessionId, done);
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const done of [...this.waiting.values()]) done('the benchmark was stopped');
    this.seen.clear();
  }

  private settle(sessionId: string, failure: string | null): void {
    const waiter = this.waiting.get(sessionId);
    if (waiter) return waiter(failure);
    if (this.disposed || this.seen.has(sessionId)) return;
    this.seen.set(sessionId, failure);
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
  }
}

/** Where Berth sessions are created for a measurement: an orchestrator over HTTP, or in-process. */
export interface CreateTarget {
  /** Sends `sessions.create`; resolves with the session as the response carries it. */
  create(params: Record<string, unknown>): Promise<Result<SessionDto>>;
  /** Deletes a session the measurement made (forced: a benchmark's worktree holds nothing to keep). */
  remove(id: string): Promise<void>;
  /** Fed with the orchestrator's `session.progress` events by whoever made the target. */
  readonly firstOutputs: FirstOutputWatch;
}

/** A target on the contract's `call` (HTTP `callHttp`, or the orchestrator's API function). */
export function callTarget(call: (method: 'sessions.create' | 'sessions.delete', params: Record<string, unknown>) => Promise<Result<unknown>>, firstOutputs: FirstOutputWatch): CreateTarget {
  return {
    firstOutputs,
    create: async (params) => (await call('sessions.create', params)) as Result<SessionDto>,
    remove: async (id) => {
      await call('sessions.delete', { ref: id, force: true });
    },
  };
}

/** One measured create: request → first output byte, as the client sees it. */
export interface TimedCreate {
  ms: number;
  id: string;
  /** Whether a Docker session's container came from the warm pool. */
  warm: boolean;
}

/**
 * Times one create request → first output. The session is left running for the caller (who deletes it
 * when it suits the measurement); on a failure it is deleted here and the error thrown.
 */
export async function timedCreate(target: CreateTarget, params: Record<string, unknown>): Promise<TimedCreate> {
  const t0 = process.hrtime.bigint();
  const created = await target.create(params);
  if (!created.ok) throw new Error(`sessions.create failed: ${created.error.message}`);
  try {
    await target.firstOutputs.wait(created.value.id);
  } catch (e) {
    await target.remove(created.value.id);
    throw e;
  }
  return { ms: msSince(t0), id: created.value.id, warm: created.value.docker?.warm === true };
}

/** Times one create → first output and deletes the session after (outside the timing). */
export async function timedCreateAndRemove(target: CreateTarget, params: Record<string, unknown>): Promise<number> {
  const c = await timedCreate(target, params);
  await target.remove(c.id);
  return c.ms;
}

/**
 * Runs `sides` in turn (A B A B…) for one uncounted warm-up round, then `runs` counted rounds, so drift
 * and caches hit every side alike. Returns each side's samples; `onStep` follows every measurement.
 */
export async function alternate(runs: number, sides: readonly (() => Promise<number>)[], onStep?: (counted: boolean, side: number) => void, signal?: AbortSignal): Promise<number[][]> {
  const samples = sides.map(() => [] as number[]);
  for (let round = -1; round < runs; round++) {
    for (let s = 0; s < sides.length; s++) {
      signal?.throwIfAborted();
      const ms = await sides[s]!();
      if (round >= 0) samples[s]!.push(ms);
      onStep?.(round >= 0, s);
    }
  }
  return samples;
}

/** Measurements per side that `alternate` makes for `runs` (the warm-up round included), for progress totals. */
export const alternateSteps = (runs: number, sides: number) => (runs + 1) * sides;

/**
 * The raw work a local create wraps: `git worktree add` of a new branch at HEAD in `dir/<name>`, then a
 * bare node-pty spawn of BENCH_COMMAND there, until its first output byte. The process is killed after;
 * the worktree stays (it goes with `dir` and the repository).
 */
export async function rawLocalCreate(repo: string, dir: string, name: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const t0 = process.hrtime.bigint();
  const worktree = path.join(dir, name);
  await execFileAsync('git', ['worktree', 'add', '--quiet', '-b', `raw/${name}`, worktree, 'HEAD'], { cwd: repo, timeout: GIT_TIMEOUT_MS });
  // node-pty loads on first use here too: the orchestrator imports this file at start for `berth bench`.
  const pty = await loadPty();
  const proc = pty.spawn(BENCH_COMMAND[0]!, BENCH_COMMAND.slice(1), { cols: RAW_COLS, rows: RAW_ROWS, cwd: worktree, env: env as Record<string, string> });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`the raw pty printed nothing within ${FIRST_OUTPUT_TIMEOUT_MS} ms`));
      }, FIRST_OUTPUT_TIMEOUT_MS);
      const sub = proc.onData(() => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
    });
    return msSince(t0);
  } finally {
    proc.kill('SIGKILL');
  }
}
