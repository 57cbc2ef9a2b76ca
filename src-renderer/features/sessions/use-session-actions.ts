/**
 * Session actions (stop, restart, restart fresh, archive, unarchive, sync, delete) with their pending state
 * and last error.
 */
import { useCallback, useState } from 'react';
import type { SessionDto } from '../../../src-shared/dto.js';
import type { ErrorDto, Result } from '../../../src-shared/result.js';
import { useServices } from '../../app/services.js';

/**
 * Actions a session header offers; `cancel` abandons a session still being created (a forced delete);
 * `sync` retries copying changes not synced back to the worktree; `restart-fresh` restarts with a new
 * conversation instead of continuing the agent's.
 */
export type SessionAction = 'stop' | 'restart' | 'restart-fresh' | 'archive' | 'unarchive' | 'sync' | 'delete' | 'force-delete' | 'cancel';

/** Result of the hook: run an action, what is running, the last error. */
export interface SessionActions {
  run(action: SessionAction): Promise<Result<unknown>>;
  pending: SessionAction | null;
  error: ErrorDto | null;
  clearError(): void;
}

export function useSessionActions(session: SessionDto): SessionActions {
  const { connection, store } = useServices();
  const [pending, setPending] = useState<SessionAction | null>(null);
  const [error, setError] = useState<ErrorDto | null>(null);

  const run = useCallback(
    async (action: SessionAction): Promise<Result<unknown>> => {
      const ref = session.id;
      setPending(action);
      setError(null);
      let result: Result<unknown>;
      switch (action) {
        case 'stop':
        case 'restart':
        case 'archive':
        case 'unarchive':
        case 'sync': {
          const updated = await connection.request(`sessions.${action}`, { ref });
          if (updated.ok) store.getState().upsertSession(updated.value);
          result = updated;
          break;
        }
        case 'restart-fresh': {
          const updated = await connection.request('sessions.restart', { ref, fresh: true });
          if (updated.ok) store.getState().upsertSession(updated.value);
          result = updated;
          break;
        }
        case 'delete':
        case 'force-delete':
        case 'cancel': {
          const removed = await connection.request('sessions.delete', { ref, force: action !== 'delete' });
          if (removed.ok) {
            store.getState().removeSession(ref);
            store.getState().closePanesOf(ref);
          }
          result = removed;
          break;
        }
      }
      setPending(null);
      if (!result.ok) setError(result.error);
      return result;
    },
    [connection, store, session.id],
  );

  return { run, pending, error, clearError: useCallback(() => setError(null), []) };
}
