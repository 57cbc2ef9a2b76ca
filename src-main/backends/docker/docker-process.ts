/**
 * A session container's TTY as an ITerminalProcess: one long-lived attach stream (not an exec per
 * keystroke), resize through the API, exit from `wait`.
 */
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import { Emitter } from '../../../src-shared/lifecycle.js';
import type { ExitInfo, ITerminalProcess } from '../backend.js';

/** Seconds Docker waits after SIGTERM before SIGKILL on stop. */
const STOP_GRACE_SECONDS = 3;

/** Exit code Docker reports for a container killed by the kernel's OOM killer (128 + SIGKILL). */
const OOM_EXIT_CODE = 137;

export class DockerProcess implements ITerminalProcess {
  private readonly onDidOutputEmitter = new Emitter<string>();
  private readonly onDidExitEmitter = new Emitter<ExitInfo>();
  readonly onDidOutput = this.onDidOutputEmitter.event;
  readonly onDidExit = this.onDidExitEmitter.event;
  private readonly decoder = new StringDecoder('utf8');
  private exited: ExitInfo | null = null;
  private readonly exitWaiters: (() => void)[] = [];
  private stopRequested = false;

  constructor(
    private readonly container: Docker.Container,
    private readonly stream: NodeJS.ReadWriteStream,
    readonly pid: number | null,
    /** Runs after the agent exits, before the exit is reported (volume mode's sync back); an error text is appended to the reason. */
    private readonly afterExit?: () => Promise<string | null>,
  ) {
    stream.on('data', (chunk: Buffer) => {
      const text = this.decoder.write(chunk);
      if (text) this.onDidOutputEmitter.fire(text);
    });
    stream.on('error', () => undefined);
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

  async stop(): Promise<void> {
    if (this.exited) return;
    this.stopRequested = true;
    const done = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.stream.resume();
    await this.container.stop({ t: STOP_GRACE_SECONDS }).catch(() => undefined);
    await done;
  }

  dispose(): void {
    this.stream.removeAllListeners('data');
    (this.stream as NodeJS.ReadWriteStream & { destroy?: () => void }).destroy?.();
    this.onDidOutputEmitter.dispose();
    this.onDidExitEmitter.dispose();
  }

  private async waitForExit(): Promise<void> {
    let exitCode: number | null = null;
    let reason: string | null = null;
    let lost = false;
    try {
      const result = (await this.container.wait()) as { StatusCode?: number };
      exitCode = result.StatusCode ?? null;
      const state = ((await this.container.inspect().catch(() => null)) as { State?: { OOMKilled?: boolean } } | null)?.State;
      if (state?.OOMKilled || (exitCode === OOM_EXIT_CODE && !this.stopRequested)) {
        reason = state?.OOMKilled ? 'killed: out of memory (the container hit its memory limit)' : 'killed (exit 137)';
      } else if (this.stopRequested) {
        reason = 'stopped';
      }
    } catch (e) {
      lost = !this.stopRequested;
      reason = `lost contact with the container: ${(e as Error).message}`;
    }
    if (!lost && this.afterExit) {
      const problem = await this.afterExit();
      if (problem) reason = reason ? `${reason}; ${problem}` : problem;
    }
    const rest = this.decoder.end();
    if (rest) this.onDidOutputEmitter.fire(rest);
    this.exited = { exitCode, signal: null, reason, lost };
    this.onDidExitEmitter.fire(this.exited);
    for (const w of this.exitWaiters.splice(0)) w();
  }
}
