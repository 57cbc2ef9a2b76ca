/**
 * A session's setup log (`sessions.setupLog`): loaded when the pane opens and whenever the session
 * changes, and refreshed while the setup command runs so its output streams into the Setup tab.
 */
import { useEffect, useState } from 'react';
import type { SessionDto, SetupLogDto } from '../../../src-shared/dto.js';
import { useServices } from '../../app/services.js';

/** How often a running setup's log is read again (its output and status). */
export const SETUP_POLL_MS = 1000;

/** What the hook knows: the log (null when the repository has no setup command) and whether it loaded. */
export interface SetupLogState {
  log: SetupLogDto | null;
  loaded: boolean;
  error: string | null;
}

/** The setup log of `session`, kept fresh while it runs (or while the session is still being created). */
export function useSetupLog(session: SessionDto): SetupLogState {
  const { connection } = useServices();
  const [state, setState] = useState<SetupLogState>({ log: null, loaded: false, error: null });
  const running = state.log?.status === 'running' || session.state === 'creating';

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const result = await connection.request('sessions.setupLog', { ref: session.id });
      if (cancelled) return;
      if (result.ok) setState({ log: result.value, loaded: true, error: null });
      else setState((previous) => ({ ...previous, loaded: true, error: result.error.message }));
      if (running) timer = setTimeout(() => void load(), SETUP_POLL_MS);
    };
    void load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [connection, session.id, session.state, running]);

  return state;
}
