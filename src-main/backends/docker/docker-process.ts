/**
 * A session container's TTY as an ITerminalProcess: one long-lived attach stream (not an exec per
 * keystroke), resize through the API, exit from `wait`.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import { Emitter } from '../../../src-shared/lifecycle.js';
import type { ExitInfo, ITerminalProcess } from '../backend.js';
import { withTimeout } from './engine.js';

/** Seconds Docker waits after SIGTERM before SIGKILL on stop. */
const STOP_GRACE_SECONDS = 3;
/** Beyond the grace period, how long the engine gets to report the exit before we kill it ourselves. */
const ENGINE_STOP_SLACK_MS = 5_000;
/** How long a stop waits for the engine (SIGTERM, its grace, its SIGKILL) before killing. */
export const STOP_DEADLINE_MS = STOP_GRACE_SECONDS * 1_000 + ENGINE_STOP_SLACK_MS;
/** After our kill, how long the exit may take to be confirmed before the stop stops waiting. */
const KILL_CONFIRM_MS = 2_000;
/** SIGKILL's number, reported as the exit signal when the stop had to kill the container itself. */
const SIGKILL_NUMBER = 9;

/** After the attach stream ends, how long `wait` gets to report the exit before we look ourselves. */
const STREAM_END_GRACE_MS = 1_000;
/** Bound on a container inspect when the engine may be gone. */
const INSPECT_TIMEOUT_MS = 3_000;

/** Exit code Docker reports for a container killed by the kernel's OOM killer (128 + SIGKILL). */
const OOM_EXIT_CODE = 137;

/** What runs after a container's agent exits, before the exit is reported. */
export interface AfterExit {
  /** Whether the agent worked on a copy of the worktree that is synced back (volume mode). */
  syncsBack: boolean;
  /** `problem` joins the exit reason; `unsynced` says why changes were not synced back (null: they were). */
  run(): Promise<{ problem: string | null; unsynced: string | null }>;
}

export class DockerProcess implements ITerminalProcess {
  private readonly onDidOutputEmitter = new Emitter<string>();
  private readonly onDidExitEmitter = new Emitter<ExitInfo>();
  readonly onDidOutput = this.onDidOutputEmitter.event;
  readonly onDidExit = this.onDidExitEmitter.event;
  private readonly decoder = new StringDecoder('utf8');
  private exited: ExitInfo | null = null;
  private readonly exitWaiters: (() => void)[] = [];
  private stopRequested = false;
  private finishing = false;
  /** Aborted on dispose: the container is let go (it may outlive us), its `wait` request with it. */
  private readonly released = new AbortController();

  constructor(
    private readonly container: Docker.Container,
    private readonly stream: NodeJS.ReadWriteStream,
    readonly pid: number | null,
    /** Runs after the agent exits, before the exit is reported (the branch's ref cell, volume mode's sync back). */
    private readonly afterExit?: AfterExit,
  ) {
    stream.on('data', (chunk: Buffer) => {
      const text = this.decoder.write(chunk);
      if (text) this.onDidOutputEmitter.fire(text);
    });
    stream.on('error', () => undefined);
    stream.on('end', () => this.onStreamEnded());
    stream.on('close', () => this.onStreamEnded());
    void this.waitForExit();
  }

  get instanceId(): string {
    return this.container.id;
  }

  write(data: string): void {
    if (!this.exited) this.stream.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.exited) this.container.resize({ h: rows, w: cols }).catch(() => undefined);
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.exited) this.container.kill({ signal }).catch(() => undefined);
  }

  /**
   * SIGTERM, then the engine's SIGKILL after the grace period. An engine that doesn't answer (hung,
   * or its container shim stuck) can't hold the stop: after a deadline the container is killed (through
   * the engine, and directly when its init runs on this host, as the local backend kills its process
   * group) and the stop resolves even if the engine never confirms.
   */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.stopRequested = true;
    const done = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.stream.resume();
    void this.container.stop({ t: STOP_GRACE_SECONDS }).catch(() => undefined);
    // Once the exit is known (`finishing`), what remains is our own work after it (the volume's sync back).
    if ((await settlesWithin(done, STOP_DEADLINE_MS)) || this.finishing) return done;
    void this.container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
    const killedHere = killContainerInit(this.pid, this.container.id);
    if ((await settlesWithin(done, KILL_CONFIRM_MS)) || this.finishing) return done;
    const waited = Math.round(STOP_DEADLINE_MS / 1_000);
    await this.finish(
      {
        exitCode: null,
        signal: killedHere ? SIGKILL_NUMBER : null,
        reason: killedHere
          ? `killed: the Docker engine did not stop the container within ${waited} s`
          : `the Docker engine did not stop the container within ${waited} s; it was sent SIGKILL, which the engine has not confirmed`,
        lost: false,
      },
      // The engine isn't answering: copying the workspace volume back would hang the same way.
      { skipAfterExit: true },
    );
  }

  /** Lets the container go without stopping it: the stream closes, nothing more is reported. */
  dispose(): void {
    this.released.abort();
    this.stream.removeAllListeners('data');
    (this.stream as NodeJS.ReadWriteStream & { destroy?: () => void }).destroy?.();
    this.onDidOutputEmitter.dispose();
    this.onDidExitEmitter.dispose();
  }

  private async waitForExit(): Promise<void> {
    try {
      const result = (await this.container.wait({ abortSignal: this.released.signal })) as { StatusCode?: number };
      await this.finishWithState(result.StatusCode ?? null);
    } catch (e) {
      if (this.released.signal.aborted) return;
      await this.finish({ exitCode: null, signal: null, reason: `lost contact with the container: ${(e as Error).message}`, lost: !this.stopRequested });
    }
  }

  /**
   * The attach stream ended. Usually the agent exited and `wait` answers at once; but when the engine
   * goes away, `wait` never answers (its socket just stops), so look at the container ourselves.
   */
  private onStreamEnded(): void {
    if (this.released.signal.aborted) return;
    setTimeout(() => {
      if (this.exited || this.finishing || this.released.signal.aborted) return;
      void withTimeout(this.container.inspect(), INSPECT_TIMEOUT_MS).then(
        (info) => {
          if (info.State.Running) void this.finish({ exitCode: null, signal: null, reason: 'the terminal stream closed while the container still runs', lost: true });
          else void this.finishWithState(info.State.ExitCode);
        },
        (e: Error) => void this.finish({ exitCode: null, signal: null, reason: `lost contact with the Docker engine: ${e.message}`, lost: true }),
      );
    }, STREAM_END_GRACE_MS);
  }

  private async finishWithState(exitCode: number | null): Promise<void> {
    const state = ((await this.container.inspect().catch(() => null)) as { State?: { OOMKilled?: boolean } } | null)?.State;
    let reason: string | null = null;
    if (state?.OOMKilled) reason = 'killed: out of memory (the container hit its memory limit)';
    else if (exitCode === OOM_EXIT_CODE && !this.stopRequested) reason = 'killed (exit 137)';
    else if (this.stopRequested) reason = 'stopped';
    await this.finish({ exitCode, signal: null, reason, lost: false });
  }

  private async finish(info: ExitInfo, options: { skipAfterExit?: boolean } = {}): Promise<void> {
    if (this.exited || this.finishing) return;
    this.finishing = true;
    let reason = info.reason;
    let unsynced: string | null | undefined;
    if (options.skipAfterExit && this.afterExit) {
      if (this.afterExit.syncsBack) unsynced = 'the engine did not answer when the session stopped, so the workspace volume was not copied back';
    } else if (!info.lost && this.afterExit) {
      const after = await this.afterExit.run();
      if (after.problem) reason = reason ? `${reason}; ${after.problem}` : after.problem;
      if (this.afterExit.syncsBack) unsynced = after.unsynced;
    }
    const rest = this.decoder.end();
    if (rest) this.onDidOutputEmitter.fire(rest);
    this.exited = { ...info, reason, ...(unsynced !== undefined ? { unsynced } : {}) };
    this.onDidExitEmitter.fire(this.exited);
    for (const w of this.exitWaiters.splice(0)) w();
  }
}

/** Whether `promise` settles within `ms` (it is left running either way). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Kills the container's init directly, when it runs on this host: `pid` is the engine's host pid of
 * it, trusted only if the process is in the container's cgroup (so a remote engine's pid, or a pid
 * reused since, is never touched). Killing a pid namespace's init ends every process in it.
 */
function killContainerInit(pid: number | null, containerId: string): boolean {
  if (!pid) return false;
  try {
    if (!fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(containerId)) return false;
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
