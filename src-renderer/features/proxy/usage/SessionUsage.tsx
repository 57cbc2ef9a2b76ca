/**
 * A session's token use and cost for its header: `usage.list {sessionId}` summed over models, asked
 * when the header shows and again every few seconds while the session is live (usage comes from
 * provider responses; there is no event for it).
 */
import { useEffect, useState } from 'react';
import type { UsageDto } from '../../../../src-shared/proxy.js';
import { useAppState, useServices } from '../../../app/services.js';
import { formatUsageLine, sumUsage, type UsageTotals } from '../proxy-format.js';
import '../proxy.css';

/** How often a live session's usage is asked for again. */
export const SESSION_USAGE_POLL_MS = 5_000;

/** The session's usage totals and models; null until it made an LLM request (or when it can't be asked). */
export function useSessionUsage(sessionId: string, live: boolean): { totals: UsageTotals; models: string[] } | null {
  const { connection } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const [rows, setRows] = useState<UsageDto[] | null>(null);

  useEffect(() => {
    if (!connected) return;
    let current = true;
    const load = async () => {
      const result = await connection.request('usage.list', { sessionId });
      if (!current) return;
      const next = result.ok ? result.value.filter((r) => r.sessionId === sessionId) : null;
      setRows((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    };
    void load();
    const timer = live ? setInterval(() => void load(), SESSION_USAGE_POLL_MS) : undefined;
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [connection, connected, sessionId, live]);

  if (!rows || rows.length === 0) return null;
  return { totals: sumUsage(rows), models: rows.map((r) => r.model) };
}

/** The usage fact of the session header's resources list. */
export function SessionUsageFact({ usage }: { usage: { totals: UsageTotals; models: string[] } }) {
  return (
    <div className="fact fact-usage" title={`models: ${usage.models.join(', ')}`}>
      <dt>tokens</dt>
      <dd data-testid="session-usage">{formatUsageLine(usage.totals)}</dd>
    </div>
  );
}
