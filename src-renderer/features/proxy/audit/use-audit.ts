/**
 * The Audit page's data: audit rows newest first (`audit.list`), a page at a time with "load more"
 * (`beforeId` = the oldest row shown), and token use per session and model (`usage.list`); both for
 * every session or one. Kept in the page, not the app store: only the page needs them.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuditRowDto, UsageDto } from '../../../../src-shared/proxy.js';
import { useAppState, useServices } from '../../../app/services.js';

/** Rows asked for per page. */
export const AUDIT_PAGE_SIZE = 100;

/** What the hook gives. */
export interface AuditState {
  rows: AuditRowDto[] | null;
  usage: UsageDto[] | null;
  error: string | null;
  loading: boolean;
  /** A full page came back last time: there may be older rows. */
  hasMore: boolean;
  refresh(): Promise<void>;
  loadMore(): Promise<void>;
}

export function useAudit(sessionId: string | undefined): AuditState {
  const { connection } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const [rows, setRows] = useState<AuditRowDto[] | null>(null);
  const [usage, setUsage] = useState<UsageDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [hasMore, setHasMore] = useState(false);
  /** Bumped by every refresh and filter change: answers to older requests are dropped. */
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    const params = sessionId === undefined ? {} : { sessionId };
    const [page, used] = await Promise.all([
      connection.request('audit.list', { ...params, limit: AUDIT_PAGE_SIZE }),
      connection.request('usage.list', params),
    ]);
    if (mine !== generation.current) return;
    setLoading(false);
    if (page.ok) {
      setRows(page.value);
      setHasMore(page.value.length === AUDIT_PAGE_SIZE);
    }
    if (used.ok) setUsage(used.value);
    setError(!page.ok ? page.error.message : !used.ok ? used.error.message : null);
  }, [connection, sessionId]);

  const loadMore = useCallback(async () => {
    const oldest = rows?.at(-1);
    if (!oldest) return;
    const mine = generation.current;
    setLoading(true);
    const filter = sessionId === undefined ? {} : { sessionId };
    const page = await connection.request('audit.list', { ...filter, limit: AUDIT_PAGE_SIZE, beforeId: oldest.id });
    if (mine !== generation.current) return;
    setLoading(false);
    if (!page.ok) return setError(page.error.message);
    setRows((current) => [...(current ?? []), ...page.value.filter((r) => r.id < oldest.id)]);
    setHasMore(page.value.length === AUDIT_PAGE_SIZE);
    setError(null);
  }, [connection, rows, sessionId]);

  useEffect(() => {
    setRows(null);
    setUsage(null);
    if (connected) void refresh();
  }, [connected, refresh]);

  return { rows, usage, error, loading, hasMore, refresh, loadMore };
}
