/**
 * Loads the stored credentials (`credentials.list`) while Settings is open, saves and deletes them, and
 * for a locked vault tries to unlock it again or resets it (the server keeps the old file as a backup).
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
  /** Tries again to unlock a locked vault, then reloads the list. */
  unlock(): Promise<Result<unknown>>;
  /** Starts an empty vault in place of a locked one; the result names the backup of the old file. */
  resetVault(): Promise<Result<{ backup: string | null }>>;
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

  const unlock = useCallback(async () => {
    const result = await connection.request('credentials.unlock', {});
    await refresh();
    return result;
  }, [connection, refresh]);

  const resetVault = useCallback(async () => {
    const result = await connection.request('credentials.reset', { confirm: true });
    await refresh();
    return result;
  }, [connection, refresh]);

  return { list, error, loading, refresh, save, remove, unlock, resetVault };
}
