/**
 * Loads `docker.info` (engine status, runtimes, images) into the store while a view needs it.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DockerInfoDto } from '../../../src-shared/docker.js';
import { useAppState, useServices } from '../../app/services.js';

/** What the hook gives: the last answer, whether a request is out, the last error, a refresh. */
export interface DockerInfoState {
  info: DockerInfoDto | null;
  loading: boolean;
  error: string | null;
  refresh(): Promise<void>;
}

/**
 * Requests `docker.info` when `enabled` becomes true, on reconnect, and when `engineKey` changes (the
 * endpoint setting); `refresh` asks again.
 */
export function useDockerInfo(enabled = true, engineKey = ''): DockerInfoState {
  const { connection, store } = useServices();
  const info = useAppState((s) => s.dockerInfo);
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    setLoading(true);
    const result = await connection.request('docker.info', {});
    setLoading(false);
    if (result.ok) {
      store.getState().setDockerInfo(result.value);
      setError(null);
    } else {
      setError(result.error.message);
    }
  }, [connection, store]);

  useEffect(() => {
    if (enabled && connected) void refresh();
  }, [enabled, connected, refresh, engineKey]);

  return { info, loading, error, refresh };
}
