/**
 * Start-up reconciliation: sessions the store believes live are checked against their backends.
 * Survivors are adopted where the backend can, otherwise ended; the dead are marked exited with the
 * reason. Nothing is deleted: rows and worktrees stay.
 */
import type { SessionDto, SessionState } from '../../src-shared/dto.js';
import type { AsyncDisposable } from '../../src-shared/lifecycle.js';
import type { BackendRegistry } from '../backends/registry.js';
import { describeError, ignoreBackgroundErrors, type BackgroundErrorSink } from '../metrics/faults.js';
import type { SessionService } from '../sessions/session-service.js';

export interface ReconcileReport {
  adopted: string[];
  ended: string[];
  /** Sessions whose engine can't be reached; looked at again on the next pass. */
  unknown: string[];
}

/**
 * One pass over the sessions the store believes live. A backend that throws while one session is
 * checked (instead of answering with `unreachable`) fails that session with the reason, is logged and
 * counted under `reconcile`, and the pass goes on with the others.
 */
export async function reconcile(
  sessions: SessionService,
  backends: BackendRegistry,
  only?: readonly SessionState[],
  onError: BackgroundErrorSink = ignoreBackgroundErrors,
): Promise<ReconcileReport> {
  const report: ReconcileReport = { adopted: [], ended: [], unknown: [] };
  for (const s of sessions.liveSessions()) {
    // A session with a live terminal here needs no reconciling.
    if (only && !only.includes(s.state)) continue;
    if (sessions.hasLiveTerminal(s.id)) continue;
    try {
      await reconcileOne(sessions, backends, s, report);
    } catch (e) {
      onError('reconcile', e);
      sessions.markEnded(s.id, 'failed', `the session could not be checked after a restart: ${describeError(e)}`);
      report.ended.push(s.id);
    }
  }
  return report;
}

async function reconcileOne(sessions: SessionService, backends: BackendRegistry, s: SessionDto, report: ReconcileReport): Promise<void> {
  const backend = backends.get(s.backend);
  const known = { sessionId: s.id, pid: s.pid, instanceId: s.docker?.containerId ?? null };
  if (!backend.ok) {
    sessions.markEnded(s.id, 'exited', `the ${s.backend} backend is not available, so the session could not be checked`);
    report.ended.push(s.id);
    return;
  }
  const info = await backend.value.inspect(known);
  if (info.unreachable) {
    if (s.state !== 'unknown') sessions.markEnded(s.id, 'unknown', info.unreachable);
    report.unknown.push(s.id);
    return;
  }
  if (info.alive && backend.value.adopt) {
    const adopted = await backend.value.adopt(known);
    if (adopted.ok) {
      await sessions.adoptTerminal(s.id, adopted.value);
      report.adopted.push(s.id);
      return;
    }
  }
  if (info.alive) {
    await backend.value.reclaim(known);
    sessions.markEnded(s.id, 'exited', 'the orchestrator restarted; the orphaned process was ended');
  } else if (s.state === 'creating') {
    sessions.markEnded(s.id, 'failed', 'the orchestrator stopped while the session was being created');
  } else if (s.state === 'unknown') {
    sessions.markEnded(s.id, 'exited', `the ${s.backend} engine is back but the session's ${s.backend === 'docker' ? 'container' : 'process'} is gone`);
  } else {
    sessions.markEnded(s.id, 'exited', 'the orchestrator stopped while the session was running; its process is gone');
  }
  report.ended.push(s.id);
}

/** What the periodic reconcile needs. */
export interface ReconcileLoopOptions {
  sessions: SessionService;
  backends: BackendRegistry;
  /** The states looked at again on each pass. */
  only: readonly SessionState[];
  intervalMs: number;
  onError: BackgroundErrorSink;
}

/**
 * The periodic reconcile. A pass never overlaps another (a tick while one runs is skipped); a failing
 * pass is logged and counted; dispose stops the timer and waits for the pass in progress, so nothing is
 * adopted once shutdown has begun.
 */
export function startReconcileLoop(opts: ReconcileLoopOptions): AsyncDisposable {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= reconcile(opts.sessions, opts.backends, opts.only, opts.onError)
      .then(
        () => undefined,
        (e: unknown) => opts.onError('reconcile', e),
      )
      .finally(() => (running = null));
  }, opts.intervalMs);
  timer.unref();
  return {
    dispose: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
