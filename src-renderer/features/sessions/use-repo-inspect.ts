/**
 * Live validation of the repository path through `repos.inspect`, debounced, newest answer wins.
 */
import { useEffect, useState } from 'react';
import type { RepoInfoDto } from '../../../src-shared/dto.js';
import { useServices } from '../../app/services.js';

/** Typing pauses this long before the path is inspected. */
export const REPO_INSPECT_DEBOUNCE_MS = 250;

/** Where the inspection of the current path stands. */
export type RepoInspection =
  | { status: 'empty' }
  | { status: 'checking' }
  | { status: 'ok'; info: RepoInfoDto }
  | { status: 'error'; message: string };

export function useRepoInspect(path: string): RepoInspection {
  const { connection } = useServices();
  const [inspection, setInspection] = useState<RepoInspection>({ status: 'empty' });
  const trimmed = path.trim();

  useEffect(() => {
    if (!trimmed) {
      setInspection({ status: 'empty' });
      return;
    }
    let current = true;
    setInspection({ status: 'checking' });
    const timer = setTimeout(() => {
      void connection.request('repos.inspect', { path: trimmed }).then((result) => {
        if (!current) return;
        setInspection(result.ok ? { status: 'ok', info: result.value } : { status: 'error', message: result.error.message });
      });
    }, REPO_INSPECT_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [connection, trimmed]);

  return inspection;
}
