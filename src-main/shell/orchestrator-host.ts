/**
 * The embedded orchestrator: forked as an Electron utility process, restarted after a crash with
 * bounded retries, stopped gracefully on quit.
 *
 * Keeping node-pty, SQLite and the proxy off the main process keeps windows responsive; see
 * https://www.electronjs.org/docs/latest/api/utility-process
 */
import { createInterface } from 'node:readline';
import { utilityProcess, type UtilityProcess } from 'electron';
import { z } from 'zod';
import { Emitter, type Disposable } from '../../src-shared/lifecycle.js';
import { KeychainRequest, type KeychainReply } from '../vault/keychain-protocol.js';
import type { Logger } from './logger.js';

/** Crashes in a row (each run shorter than `STABLE_RUN_MS`) after which the host gives up. */
export const MAX_CONSECUTIVE_CRASHES = 5;
/** A run at least this long counts as healthy and resets the crash count. */
export const STABLE_RUN_MS = 60_000;
/** Delay before the first restart; doubled after each further crash in a row. */
export const RESTART_BASE_DELAY_MS = 500;
/** Upper bound of the restart delay. */
export const RESTART_MAX_DELAY_MS = 10_000;
/** How long `stop()` waits for the process to exit after asking it to terminate. */
export const STOP_TIMEOUT_MS = 5_000;

/**
 * Messages the orchestrator posts on `process.parentPort` (see src-main/orchestrator/main.ts): it is
 * serving, or it could not start (another orchestrator holds the data directory, ...), which a restart
 * would not fix.
 */
const OrchestratorMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('berth.ready'), url: z.string() }),
  z.object({ type: z.literal('berth.failed'), message: z.string() }),
]);

/** How the orchestrator is started. */
export interface OrchestratorHostOptions {
  /** Absolute path of the built orchestrator entry (out/main/orchestrator.js). */
  modulePath: string;
  /** Arguments after the module path. */
  args: string[];
  /** Environment of the process. */
  env: Record<string, string | undefined>;
  log: Logger;
  /** Answers the orchestrator's keychain requests (the vault's desktop key protector); none: unanswered. */
  keychain?: { handle(request: KeychainRequest): KeychainReply };
}

/** Why the host gave up restarting. */
export interface GiveUpInfo {
  readonly crashes: number;
  readonly lastExitCode: number;
  /** The orchestrator's own reason, when it reported a startup failure. */
  readonly message?: string;
}

/** Runs the orchestrator utility process and keeps it running. */
export class OrchestratorHost implements Disposable {
  private child: UtilityProcess | undefined;
  private startedAt = 0;
  private crashes = 0;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private stopping = false;
  private startupFailure: string | undefined;

  private readonly onDidSpawnEmitter = new Emitter<UtilityProcess>();
  private readonly onDidExitEmitter = new Emitter<number>();
  private readonly onDidGiveUpEmitter = new Emitter<GiveUpInfo>();

  /** The process is up; ports can be handed to it. */
  readonly onDidSpawn = this.onDidSpawnEmitter.event;
  /** The process ended (exit code); a restart may follow. */
  readonly onDidExit = this.onDidExitEmitter.event;
  /** The process crashed `MAX_CONSECUTIVE_CRASHES` times in a row, or reported it cannot start; no more restarts. */
  readonly onDidGiveUp = this.onDidGiveUpEmitter.event;

  constructor(private readonly options: OrchestratorHostOptions) {}

  /** The live process, if any. */
  get process(): UtilityProcess | undefined {
    return this.child;
  }

  /** Forks the orchestrator (no-op when running, stopping, or a restart is already scheduled). */
  start(): void {
    if (this.child || this.stopping || this.restartTimer) return;
    const { modulePath, args, env, log } = this.options;
    log.info(`starting the orchestrator: ${modulePath} ${args.join(' ')}`);
    const child = utilityProcess.fork(modulePath, args, {
      serviceName: 'berth-orchestrator',
      env,
      stdio: 'pipe',
    });
    this.child = child;
    this.startedAt = Date.now();
    forwardLines(child.stdout, (line) => log.info(`[orchestrator] ${line}`));
    forwardLines(child.stderr, (line) => log.warn(`[orchestrator] ${line}`));
    child.once('spawn', () => {
      if (this.child === child) this.onDidSpawnEmitter.fire(child);
    });
    child.on('error', (type, location) => log.error(`orchestrator fatal error: ${type} at ${location}`));
    child.on('message', (raw: unknown) => {
      const keychainRequest = KeychainRequest.safeParse(raw);
      if (keychainRequest.success) {
        if (this.options.keychain && this.child === child) child.postMessage(this.options.keychain.handle(keychainRequest.data));
        return;
      }
      const parsed = OrchestratorMessage.safeParse(raw);
      if (!parsed.success || this.child !== child) return;
      if (parsed.data.type === 'berth.ready') {
        log.info(`the orchestrator is ready; its HTTP API is at ${parsed.data.url}`);
      } else {
        log.error(`the orchestrator could not start: ${parsed.data.message}`);
        this.startupFailure = parsed.data.message;
      }
    });
    child.once('exit', (code) => this.handleExit(child, code));
  }

  /**
   * Stops the orchestrator and cancels any pending restart; resolves once it exited or after
   * `STOP_TIMEOUT_MS`.
   */
  stop(): Promise<void> {
    this.stopping = true;
    this.clearRestart();
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.options.log.warn(`the orchestrator did not exit within ${STOP_TIMEOUT_MS} ms`);
        resolve();
      }, STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill();
    });
  }

  dispose(): void {
    void this.stop();
    this.onDidSpawnEmitter.dispose();
    this.onDidExitEmitter.dispose();
    this.onDidGiveUpEmitter.dispose();
  }

  private handleExit(child: UtilityProcess, code: number): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.onDidExitEmitter.fire(code);
    if (this.stopping) {
      this.options.log.info(`the orchestrator exited (code ${code})`);
      return;
    }
    const ranFor = Date.now() - this.startedAt;
    this.crashes = ranFor >= STABLE_RUN_MS ? 1 : this.crashes + 1;
    const message = this.startupFailure;
    this.startupFailure = undefined;
    if (message !== undefined) {
      this.onDidGiveUpEmitter.fire({ crashes: this.crashes, lastExitCode: code, message });
      return;
    }
    if (this.crashes >= MAX_CONSECUTIVE_CRASHES) {
      this.options.log.error(`the orchestrator exited (code ${code}) ${this.crashes} times in a row; not restarting`);
      this.onDidGiveUpEmitter.fire({ crashes: this.crashes, lastExitCode: code });
      return;
    }
    const delay = Math.min(RESTART_BASE_DELAY_MS * 2 ** (this.crashes - 1), RESTART_MAX_DELAY_MS);
    this.options.log.warn(`the orchestrator exited (code ${code}) after ${ranFor} ms; restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.start();
    }, delay);
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}

/** Calls `onLine` for each line of `stream` (a piped stdout/stderr), if there is one. */
function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}
