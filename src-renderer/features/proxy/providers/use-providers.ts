/**
 * Loads the proxy's providers (`providers.list`) and the stored credential names (`credentials.list`)
 * while Settings is open, and saves one provider (`providers.set`), then reloads the list and the
 * settings (which hold the overrides: explicit credential, private addresses).
 */
import { useCallback, useEffect, useState } from 'react';
import type { ProviderSetRequest } from '../../../../src-shared/proxy-settings.js';
import type { ProviderDto } from '../../../../src-shared/proxy.js';
import type { Result } from '../../../../src-shared/result.js';
import { useAppState, useServices } from '../../../app/services.js';

/** What the hook gives. */
export interface ProvidersState {
  providers: ProviderDto[] | null;
  /** Names of the stored credentials; null until known (or when the vault can't be read). */
  credentialNames: string[] | null;
  error: string | null;
  loading: boolean;
  refresh(): Promise<void>;
  save(request: ProviderSetRequest): Promise<Result<ProviderDto>>;
}

export function useProviders(): ProvidersState {
  const { connection, store } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const [providers, setProviders] = useState<ProviderDto[] | null>(null);
  const [credentialNames, setCredentialNames] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const refresh = useCallback(async () => {
    setLoading(true);
    const [list, credentials] = await Promise.all([connection.request('providers.list', {}), connection.request('credentials.list', {})]);
    setLoading(false);
    if (list.ok) {
      setProviders(list.value);
      setError(null);
    } else {
      setError(list.error.message);
    }
    setCredentialNames(credentials.ok ? credentials.value.credentials.map((c) => c.name) : null);
  }, [connection]);

  useEffect(() => {
    if (connected) void refresh();
  }, [connected, refresh]);

  const save = useCallback(
    async (request: ProviderSetRequest) => {
      const result = await connection.request('providers.set', request);
      if (result.ok) {
        const settings = await connection.request('settings.get', {});
        if (settings.ok) store.getState().setSettings(settings.value);
        await refresh();
      }
      return result;
    },
    [connection, refresh, store],
  );

  return { providers, credentialNames, error, loading, refresh, save };
}
