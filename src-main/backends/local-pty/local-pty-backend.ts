/**
 * The local backend: the agent runs as a child process on a pseudo-terminal (node-pty). No isolation;
 * needs nothing but git. Processes don't outlive the orchestrator's pty master.
 */
import fs from 'node:fs';
import type * as Pty from 'node-pty';
import { Emitter } from '../../../src-shared/lifecycle.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import { withoutCredentials } from '../credential-env.js';
import { SESSION_LABEL_ENV, type ExitInfo, type IBackend, type ITerminalProcess, type StartSpec } from '../backend.js';
import { findExecutable } from '../../process/find-executable.js';

let ptyModule: Promise<typeof Pty> | null = null;

/** node-pty loads on first use (~15 ms and ~4 MB an orchestrator with no local session doesn't need). */
export function loadPty(): Promise<typeof Pty> {
  ptyModule ??= import('node-pty').then((m) => ((m as { default?: typeof Pty }).default ?? m) as typeof Pty);
  return ptyModule;
}

/** Grace period between SIGHUP and SIGKILL on stop. */
const STOP_GRACE_MS = 3_000;

/** Terminal type advertised to agents. */
const TERM_NAME = 'xterm-256color';

class LocalPtyProcess implements ITerminalProcess {
  private readonly onDidOutputEmitter = new Emitter<string>();
  private readonly onDidExitEmitter = new Emitter<ExitInfo>();
  readonly onDidOutput = this.onDidOutputEmitter.event;
  readonly onDidExit = this.onDidExitEmitter.event;
  private exited: ExitInfo | null = null;
  private readonly exitWaiters: (() => void)[] = [];
  private readonly subscriptions: Pty.IDisposable[];
  private stopRequested = false;

  constructor(private readonly proc: Pty.IPty) {
    this.subscriptions = [
      proc.onData((data) => this.onDidOutputEmitter.fire(data)),
      proc.onExit(({ exitCode, signal }) => {
        const sig = signal && signal > 0 ? signal : null;
        this.exited = {
          exitCode: sig === null ? exitCode : null,
          signal: sig,
          reason: sig !== null ? (this.stopRequested ? 'stopped' : `killed by signal ${sig}`) : null,
        };
        this.onDidExitEmitter.fire(this.exited);
        for (const w of this.exitWaiters.splice(0)) w();
      }),
    ];
  }

  get pid(): number {
    return this.proc.pid;
  }

  write(data: string): void {
    if (!this.exited) this.proc.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.exited) this.proc.resize(cols, rows);
  }

  pause(): void {
    if (!this.exited) this.proc.pause();
  }

  resume(): void {
    if (!this.exited) this.proc.resume();
  }

  signal(signal: NodeJS.Signals): void {
    if (this.exited) return;
    try {
      process.kill(this.proc.pid, signal);
    } catch {
      // already gone
    }
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    this.stopRequested = true;
    const done = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.signal('SIGHUP');
    const timer = setTimeout(() => killGroup(this.proc.pid), STOP_GRACE_MS);
    // A paused pty never reports exit; let it drain.
    this.proc.resume();
    await done;
    clearTimeout(timer);
  }

  dispose(): void {
    if (!this.exited) killGroup(this.proc.pid);
    for (const s of this.subscriptions) s.dispose();
    this.onDidOutputEmitter.dispose();
    this.onDidExitEmitter.dispose();
  }
}

/** node-pty makes the child a session leader, so its pid is its process group. */
function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Whether `pid` is alive and carries the session's label in its environment. */
function isLabelledProcess(pid: number, sessionId: string): boolean {
  try {
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
    return environ.split('\0').includes(`${SESSION_LABEL_ENV}=${sessionId}`);
  } catch {
    return false;
  }
}

export class LocalPtyBackend implements IBackend {
  readonly id = 'local' as const;
  readonly name = 'Local';
  readonly description = 'Runs the agent as a process on this machine, in its worktree. Fastest; no isolation.';
  readonly capabilities = {
    isolation: 'none',
    persistsAcrossRestart: false,
    resourceLimits: false,
    egressContainment: false,
  } as const;

  constructor(private readonly baseEnv: NodeJS.ProcessEnv = process.env) {}

  async probe(): Promise<Result<void>> {
    // A create is coming: have node-pty ready before the worktree is.
    void loadPty();
    return ok();
  }

  async start(spec: StartSpec): Promise<Result<ITerminalProcess>> {
    const exe = spec.command[0];
    if (!exe) return err('bad_request', 'empty command');
    const file = findExecutable(exe, this.baseEnv.PATH);
    if (!file) return err('spawn_failed', `${exe} was not found on PATH`);
    const env = withoutCredentials(this.baseEnv, spec.envRemove);
    Object.assign(env, spec.env, { [SESSION_LABEL_ENV]: spec.sessionId, TERM: TERM_NAME, COLORTERM: 'truecolor' });
    const pty = await loadPty();
    try {
      const proc = pty.spawn(file, spec.command.slice(1), {
        name: TERM_NAME,
        cols: spec.cols,
        rows: spec.rows,
        cwd: spec.cwd,
        env,
      });
      return ok(new LocalPtyProcess(proc));
    } catch (e) {
      return err('spawn_failed', `could not start ${exe}: ${(e as Error).message}`);
    }
  }

  async inspect(known: { sessionId: string; pid: number | null }) {
    return { sessionId: known.sessionId, alive: known.pid !== null && isLabelledProcess(known.pid, known.sessionId) };
  }

  async reclaim(known: { sessionId: string; pid: number | null }): Promise<void> {
    if (known.pid !== null && isLabelledProcess(known.pid, known.sessionId)) killGroup(known.pid);
  }
}
