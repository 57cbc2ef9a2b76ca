/**
 * Top of the sidebar, the browser's stand-in for the tray: the sessions waiting for the user (the
 * newest wait first, with the question), then quick sessions — a recent repository with its last
 * agent, backend and model, opening the New session dialog prefilled.
 */
import { useMemo } from 'react';
import { useAppState } from '../../app/services.js';
import { agentLabel, backendLabel } from '../sessions/format.js';
import { StateBadge } from '../sessions/StateBadge.js';
import { needsYou, quickSessions } from './attention-model.js';

export function NeedsYouSection() {
  const sessions = useAppState((s) => s.sessions);
  const openSession = useAppState((s) => s.openSession);
  const openCreateWith = useAppState((s) => s.openCreateWith);
  const waiting = useMemo(() => needsYou(sessions), [sessions]);
  const quick = useMemo(() => quickSessions(sessions), [sessions]);
  if (waiting.length === 0 && quick.length === 0) return null;

  return (
    <section className="needs-you" data-testid="needs-you" aria-label="Needs you">
      {waiting.length > 0 ? (
        <>
          <h2 className="sidebar-heading needs-you-heading">Needs you ({waiting.length})</h2>
          <ul className="needs-you-list" data-testid="needs-you-list">
            {waiting.map((s) => (
              <li key={s.id}>
                <button
                  type="button"
                  className={`needs-you-item${s.attention.unread ? ' unread' : ''}`}
                  data-testid="needs-you-item"
                  data-session-id={s.id}
                  onClick={() => openSession(s.id)}
                  title={s.attention.detail ?? s.name}
                >
                  <span className="session-item-top">
                    <span className="session-name">{s.name}</span>
                    <StateBadge state={s.state} />
                  </span>
                  {s.attention.detail ? (
                    <span className="session-question" data-testid="needs-you-question">
                      {s.attention.detail}
                    </span>
                  ) : null}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {quick.length > 0 ? (
        <>
          <h2 className="sidebar-heading">Quick sessions</h2>
          <ul className="quick-list" data-testid="quick-sessions">
            {quick.map((q) => (
              <li key={q.repoPath}>
                <button
                  type="button"
                  className="quick-item"
                  data-testid="quick-session"
                  data-repo={q.repoPath}
                  title={`New session in ${q.repoPath} with ${agentLabel(q.agent)} on ${backendLabel(q.backend)}${q.model ? ` (${q.model})` : ''}`}
                  onClick={() => openCreateWith({ repoPath: q.repoPath, agent: q.agent, backend: q.backend, model: q.model })}
                >
                  <span className="quick-repo">＋ {q.label}</span>
                  <span className="quick-meta">
                    {agentLabel(q.agent)} · {backendLabel(q.backend)}
                    {q.model ? ` · ${q.model}` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
