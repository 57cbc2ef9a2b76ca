/**
 * No single fault takes Berth down: work nobody awaits (provisioning, restarts, warm-up, pool refills,
 * reconcile passes, the resource sampler, audit flushes, pre-pulls) reports its failures here, where
 * they are logged and counted (`berth_background_errors_total{task}` in /metrics); and a process-wide
 * handler catches what still escapes (`berth_unhandled_errors_total{kind}`), logs it and keeps serving.
 */
import { DisposableStore, Emitter, toDisposable, type Disposable } from '../../src-shared/lifecycle.js';
import type { MetricsRegistry } from './registry.js';

/** The background work of the orchestrator, by name (the `task` label). */
export type BackgroundTask =
  | 'provision'
  | 'restart'
  | 'warm-up'
  | 'pool-refill'
  | 'reconcile'
  | 'sampler'
  | 'audit-flush'
  | 'session-flush'
  | 'prepull'
  | 'proxy-apply'
  | 'teardown'
  /** Ready worktrees: made ahead (setup run) or removed, in the background. */
  | 'ready-refill'
  | 'ready-drain'
  /** A session's teardown command (`.berth.json`) failed; the delete went on. */
  | 'session-teardown'
  /** The live git status of session worktrees (status-tracker.ts). */
  | 'git-status';

/** Where the failure of work nobody awaits goes: logged and counted, never unhandled. */
export type BackgroundErrorSink = (task: BackgroundTask, error: unknown) => void;

/** A sink that drops errors (components built without an orchestrator, in tests). */
export const ignoreBackgroundErrors: BackgroundErrorSink = () => undefined;

/** Runs `work` in the background: a rejection goes to `onError` under `task`, never unhandled. */
export function inBackground(task: BackgroundTask, work: Promise<unknown>, onError: BackgroundErrorSink): void {
  work.catch((e: unknown) => {
    try {
      onError(task, e);
    } catch {
      // a failing reporter must not turn into the unhandled rejection it exists to prevent
    }
  });
}

/** The text of anything thrown. */
export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The orchestrator's fault reporter: background failures logged and counted. */
export interface Faults extends Disposable {
  readonly background: BackgroundErrorSink;
}

/** The two process-wide events Node raises for errors nobody handled. */
export type UnhandledKind = 'unhandledRejection' | 'uncaughtException';

/** Counted since the handlers were installed (process-wide, like the handlers themselves). */
const unhandledTally = new Map<UnhandledKind, number>();
const onDidCatchUnhandledEmitter = new Emitter<UnhandledKind>();

/**
 * Counters for background failures and for what the process-wide handlers caught (those seen before
 * the registry existed included). `log` gets one line per failure.
 */
export function createFaults(registry: MetricsRegistry, log: (line: string) => void = (line) => console.error(line)): Faults {
  const store = new DisposableStore('faults');
  const background = registry.counter({
    name: 'berth_background_errors_total',
    help: 'Failures of background work (provisioning, restart, warm-up, pool refill, reconcile, sampler, audit flush, pre-pull)',
    labelNames: ['task'],
  });
  const unhandled = registry.counter({
    name: 'berth_unhandled_errors_total',
    help: 'Errors no code handled, caught by the process-wide handler (the orchestrator kept serving)',
    labelNames: ['kind'],
  });
  for (const [kind, n] of unhandledTally) unhandled.inc({ kind }, n);
  store.add(onDidCatchUnhandledEmitter.event((kind) => unhandled.inc({ kind })));
  return {
    background: (task, error) => {
      background.inc({ task });
      log(`berth: background ${task} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    },
    dispose: () => store.dispose(),
  };
}

/**
 * Installs the process-wide handlers of the orchestrator entry (headless and the desktop's utility
 * process): an unhandled rejection or uncaught exception is logged and counted, and the orchestrator
 * keeps serving instead of taking every local session down with it. Dispose to remove them.
 */
export function installProcessFaultHandlers(log: (line: string) => void = (line) => console.error(line)): Disposable {
  const report = (kind: UnhandledKind, error: unknown) => {
    unhandledTally.set(kind, (unhandledTally.get(kind) ?? 0) + 1);
    try {
      log(`berth: ${kind} (kept serving): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      onDidCatchUnhandledEmitter.fire(kind);
    } catch {
      // logging must not throw from inside the handler
    }
  };
  const onRejection = (reason: unknown) => report('unhandledRejection', reason);
  const onException = (error: Error) => report('uncaughtException', error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return toDisposable(() => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  });
}
