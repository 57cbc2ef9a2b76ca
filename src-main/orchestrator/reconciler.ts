/**
 * Start-up reconciliation: sessions the store believes live are checked against their backends.
 * Survivors are adopted where the backend can, otherwise ended; the dead are marked exited with the
 * reason. Nothing is deleted: rows and worktrees stay.
 */
import type { SessionState } from '../../src-shared/dto.js';
import type { BackendRegistry } from '../backends/registry.js';
import type { SessionService } from '../sessions/session-service.js';

export interface ReconcileReport {
  adopted: string[];
  ended: string[];
  /** Sessions whose engine can't be reached; looked at again on the next pass. */
  unknown: string[];
}

export async function reconcile(
  sessions: SessionService,
  backends: BackendRegistry,
  only?: readonly SessionState[],
): Promise<ReconcileReport> {
  const report: ReconcileReport = { adopted: [], ended: [], unknown: [] };
  for (const s of sessions.liveSessions()) {
    // A session with a live terminal here needs no reconciling.
    if (only && !only.includes(s.state)) continue;
    if (sessions.hasLiveTerminal(s.id)) continue;
    const backend = backends.get(s.backend);
    const known = { sessionId: s.id, pid: s.pid, instanceId: s.docker?.containerId ?? null };
    if (!backend.ok) {
      sessions.markEnded(s.id, 'exited', `the ${s.backend} backend is not available, so the session could not be checked`);
      report.ended.push(s.id);
      continue;
    }
    const info = await backend.value.inspect(known);
    if (info.unreachable) {
      if (s.state !== 'unknown') sessions.markEnded(s.id, 'unknown', info.unreachable);
      report.unknown.push(s.id);
      continue;
    }
    if (info.alive && backend.value.adopt) {
      const adopted = await backend.value.adopt(known);
      if (adopted.ok) {
        await sessions.adoptTerminal(s.id, adopted.value);
        report.adopted.push(s.id);
        continue;
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
  return report;
}
