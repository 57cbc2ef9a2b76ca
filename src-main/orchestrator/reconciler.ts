/**
 * Start-up reconciliation: sessions the store believes live are checked against their backends.
 * Survivors are adopted where the backend can, otherwise ended; the dead are marked exited with the
 * reason. Nothing is deleted: rows and worktrees stay.
 */
import type { BackendRegistry } from '../backends/registry.js';
import type { SessionService } from '../sessions/session-service.js';

export interface ReconcileReport {
  adopted: string[];
  ended: string[];
}

export async function reconcile(sessions: SessionService, backends: BackendRegistry): Promise<ReconcileReport> {
  const report: ReconcileReport = { adopted: [], ended: [] };
  for (const s of sessions.liveSessions()) {
    const backend = backends.get(s.backend);
    const known = { sessionId: s.id, pid: s.pid };
    if (!backend.ok) {
      sessions.markEnded(s.id, 'exited', `the ${s.backend} backend is not available, so the session could not be checked`);
      report.ended.push(s.id);
      continue;
    }
    const info = await backend.value.inspect(known);
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
    } else {
      sessions.markEnded(s.id, 'exited', 'the orchestrator stopped while the session was running; its process is gone');
    }
    report.ended.push(s.id);
  }
  return report;
}
