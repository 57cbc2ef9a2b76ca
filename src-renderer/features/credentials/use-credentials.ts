/**
 * Loads the stored credentials (`credentials.list`) while Settings is open, and saves and deletes them.
 *
 * The list lives in the component that uses the hook, not in the app store: it is only needed here, and
 * it carries masked values only.
 */
import { useCallback, useEffect, useState } from 'react';
import type { MethodResult } from '../../../src-shared/contract.js';
import type { CredentialDto, CredentialSetRequest } from '../../../src-shared/credentials.js';
import type { Result } from '../../../src-shared/result.js';
import { useAppState, useServices } from '../../app/services.js';

/** The vault as `credentials.list` describes it. */
export type CredentialList = MethodResult<'credentials.list'>;

/** What the hook gives. */
export interface CredentialsState {
  list: CredentialList | null;
  /** The last list error (the vault could not be read, the connection dropped). */
  error: string | null;
  loading: boolean;
  refresh(): Promise<void>;
  /** Sends one add/replace request and reloads the list; the caller drops the request right after. */
  save(request: CredentialSetRequest): Promise<Result<CredentialDto>>;
  remove(name: string): Promise<Result<unknown>>;
}

export function useCredentials(): CredentialsState {
  const { connection } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const [list, setList] = useState<CredentialList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const refresh = useCallback(async () => {
    setLoading(true);
    const result = await connection.request('credentials.list', {});
    setLoading(false);
    if (result.ok) {
      setList(result.value);
      setError(null);
    } else {
      setError(result.error.message);
    }
  }, [connection]);

  useEffect(() => {
    if (connected) void refresh();
  }, [connected, refresh]);

  const save = useCallback(
    async (request: CredentialSetRequest) => {
      const result = await connection.request('credentials.set', request);
      if (result.ok) await refresh();
      return result;
    },
    [connection, refresh],
  );

  const remove = useCallback(
    async (name: string) => {
      const result = await connection.request('credentials.delete', { name });
      if (result.ok) await refresh();
      return result;
    },
    [connection, refresh],
  );

  return { list, error, loading, refresh, save, remove };
}
