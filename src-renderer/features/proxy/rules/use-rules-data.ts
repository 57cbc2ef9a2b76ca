/**
 * What Settings → Injection rules needs from the orchestrator while it is open: the settings (fetched
 * again, the store's copy may be older than the orchestrator's) and the names of the stored credentials
 * (`credentials.list`), which decide whether each rule is active. `refresh` loads both again.
 */
import { useCallback, useEffect, useState } from 'react';
import { useAppState, useServices } from '../../../app/services.js';

/** What the hook gives. */
export interface RulesData {
  /** Names of the stored credentials; null until known (or when the vault can't be read). */
  credentialNames: string[] | null;
  /** Why the credentials could not be listed, if they could not. */
  error: string | null;
  loading: boolean;
  refresh(): Promise<void>;
}

export function useRulesData(): RulesData {
  const { connection, store } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const [credentialNames, setCredentialNames] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const refresh = useCallback(async () => {
    setLoading(true);
    const [settings, credentials] = await Promise.all([connection.request('settings.get', {}), connection.request('credentials.list', {})]);
    setLoading(false);
    if (settings.ok) store.getState().setSettings(settings.value);
    if (credentials.ok) {
      setCredentialNames(credentials.value.credentials.map((c) => c.name));
      setError(null);
    } else {
      setCredentialNames(null);
      setError(credentials.error.message);
    }
  }, [connection, store]);

  useEffect(() => {
    if (connected) void refresh();
  }, [connected, refresh]);

  return { credentialNames, error, loading, refresh };
}
