/**
 * Audit: every request through the credential proxy (newest first, a page at a time) and the token use
 * and cost per session and model, for every session or one. Retention and the audit switch live in
 * Settings → Egress.
 */
import { useMemo, useState } from 'react';
import { useAppState } from '../../../app/services.js';
import { sortSessions } from '../../../store/sessions-slice.js';
import { AuditTable } from './AuditTable.js';
import { UsageTable } from './UsageTable.js';
import { useAudit } from './use-audit.js';
import '../proxy.css';

/** The page's two views. */
type AuditView = 'requests' | 'usage';

/** The session filter's value for "all sessions". */
const ALL = '';

export function AuditPage() {
  const sessions = useAppState((s) => s.sessions);
  const auditEnabled = useAppState((s) => s.settings?.proxy.audit.enabled ?? true);
  const [sessionId, setSessionId] = useState(ALL);
  const [view, setView] = useState<AuditView>('requests');
  const audit = useAudit(sessionId === ALL ? undefined : sessionId);
  const choices = useMemo(() => sortSessions(Object.values(sessions)), [sessions]);

  const tab = (id: AuditView, label: string) => (
    <button
      type="button"
      role="tab"
      className={`audit-tab${view === id ? ' active' : ''}`}
      aria-selected={view === id}
      data-testid={`audit-tab-${id}`}
      onClick={() => setView(id)}
    >
      {label}
    </button>
  );

  return (
    <div className="settings-page audit-page" data-testid="audit-page" aria-busy={audit.loading}>
      <div className="page-head">
        <h1>Audit</h1>
        <div className="page-actions">
          <label className="audit-filter">
            <span>Session</span>
            <select className="input input-compact" data-testid="audit-session-filter" value={sessionId} onChange={(e) => setSessionId(e.target.value)}>
              <option value={ALL}>All sessions</option>
              {choices.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                  {s.archived ? ' (archived)' : ''}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button" data-testid="audit-refresh" disabled={audit.loading} onClick={() => void audit.refresh()}>
            {audit.loading ? 'Loading…' : 'Refresh'}
          </button>
        </div>
      </div>
      <p className="field-hint audit-intro">
        Every request sessions made through the credential proxy: where it went, what the policy decided, whether a credential was
        injected, and the tokens and cost of LLM calls. Paths are shown without their query; header values and bodies are never kept.
      </p>
      {!auditEnabled ? (
        <p className="vault-warning" role="status" data-testid="audit-disabled">
          Audit is off (Settings → Egress): new requests are not recorded.
        </p>
      ) : null}
      {audit.error ? (
        <p className="error-text" role="alert" data-testid="audit-error">
          {audit.error}
        </p>
      ) : null}

      <div className="audit-tabs" role="tablist" aria-label="Audit views">
        {tab('requests', 'Requests')}
        {tab('usage', 'Usage')}
      </div>

      {view === 'requests' ? (
        audit.rows ? (
          <>
            <AuditTable rows={audit.rows} sessions={sessions} />
            <div className="audit-more">
              <span className="field-hint" data-testid="audit-count">
                {audit.rows.length} request{audit.rows.length === 1 ? '' : 's'} shown
              </span>
              {audit.hasMore ? (
                <button type="button" className="button small" data-testid="audit-load-more" disabled={audit.loading} onClick={() => void audit.loadMore()}>
                  Load more
                </button>
              ) : null}
            </div>
          </>
        ) : !audit.error ? (
          <p className="field-hint">Loading…</p>
        ) : null
      ) : audit.usage ? (
        <UsageTable usage={audit.usage} sessions={sessions} />
      ) : !audit.error ? (
        <p className="field-hint">Loading…</p>
      ) : null}
    </div>
  );
}
