/**
 * Left sidebar: "New session", "Needs you" with quick sessions, the active sessions, a collapsible "Archived" section, links to the pages.
 */
import { useMemo } from 'react';
import { useAppState, useServices } from '../../app/services.js';
import type { BrowserLogin } from '../../client/browser-login.js';
import type { Connection } from '../../client/connection.js';
import { sortSessions } from '../../store/sessions-slice.js';
import type { PageView } from '../../store/ui-slice.js';
import { NeedsYouSection } from '../attention/NeedsYouSection.js';
import { SessionListItem } from './SessionListItem.js';

/** Links to the pages at the foot of the sidebar, top to bottom (one line per page; a second click returns to the sessions). */
const PAGE_LINKS: ReadonlyArray<{ view: PageView; label: string; testId: string }> = [
  { view: 'dashboard', label: '◔ Dashboard', testId: 'dashboard-link' },
  { view: 'audit', label: '☰ Audit', testId: 'audit-link' },
  { view: 'doctor', label: '⚕ Doctor', testId: 'doctor-link' },
  { view: 'settings', label: '⚙ Settings', testId: 'settings-link' },
];

export function Sidebar() {
  const { connection, login } = useServices();
  const sessions = useAppState((s) => s.sessions);
  const loaded = useAppState((s) => s.sessionsLoaded);
  const panes = useAppState((s) => s.panes);
  const view = useAppState((s) => s.view);
  const archivedExpanded = useAppState((s) => s.archivedExpanded);
  const openSession = useAppState((s) => s.openSession);
  const openBeside = useAppState((s) => s.openBeside);
  const setCreateDialogOpen = useAppState((s) => s.setCreateDialogOpen);
  const setArchivedExpanded = useAppState((s) => s.setArchivedExpanded);
  const setView = useAppState((s) => s.setView);

  const { active, archived } = useMemo(() => {
    const all = sortSessions(Object.values(sessions));
    return { active: all.filter((s) => !s.archived), archived: all.filter((s) => s.archived) };
  }, [sessions]);

  const renderItem = (id: string) => {
    const session = sessions[id];
    if (!session) return null;
    return (
      <SessionListItem
        key={id}
        session={session}
        selected={view === 'sessions' && panes.includes(id)}
        onOpen={openSession}
        onOpenBeside={openBeside}
      />
    );
  };

  return (
    <aside className="sidebar" data-testid="sidebar">
      <div className="sidebar-brand">
        <span className="brand-mark" aria-hidden="true">
          ⚓
        </span>
        <span className="brand-name">Berth</span>
      </div>
      <button
        type="button"
        className="button primary new-session"
        data-testid="new-session"
        onClick={() => setCreateDialogOpen(true)}
      >
        + New session
      </button>
      <nav className="session-lists" aria-label="Sessions">
        <NeedsYouSection />
        <h2 className="sidebar-heading">Sessions</h2>
        {loaded && active.length === 0 ? (
          <p className="sidebar-empty" data-testid="sessions-empty">
            No sessions yet.
          </p>
        ) : null}
        <ul className="session-list" data-testid="session-list">
          {active.map((s) => renderItem(s.id))}
        </ul>
        {archived.length > 0 ? (
          <section className="archived" data-testid="archived-section">
            <button
              type="button"
              className="sidebar-heading archived-toggle"
              data-testid="archived-toggle"
              aria-expanded={archivedExpanded}
              onClick={() => setArchivedExpanded(!archivedExpanded)}
            >
              <span aria-hidden="true">{archivedExpanded ? '▾' : '▸'}</span> Archived ({archived.length})
            </button>
            {archivedExpanded ? (
              <ul className="session-list" data-testid="archived-list">
                {archived.map((s) => renderItem(s.id))}
              </ul>
            ) : null}
          </section>
        ) : null}
      </nav>
      <nav className="page-links" aria-label="Pages">
        {PAGE_LINKS.map((link) => (
          <button
            key={link.view}
            type="button"
            className={`sidebar-link${view === link.view ? ' active' : ''}`}
            data-testid={link.testId}
            aria-current={view === link.view ? 'page' : undefined}
            onClick={() => setView(view === link.view ? 'sessions' : link.view)}
          >
            {link.label}
          </button>
        ))}
        {login ? (
          <button
            type="button"
            className="sidebar-link"
            data-testid="logout"
            title="End this browser's login to the orchestrator (all its tabs)"
            onClick={() => void logOut(connection, login)}
          >
            ↪ Log out
          </button>
        ) : null}
      </nav>
    </aside>
  );
}

/**
 * Ends this browser's login: the orchestrator forgets it and closes its sockets (every tab of this
 * origin shares it), and the stored secret goes, so the next connect attempt shows the login banner.
 */
async function logOut(connection: Connection, login: BrowserLogin): Promise<void> {
  // Forgotten first: the request still goes out on the open socket, and when the orchestrator closes it
  // the connection already knows there is no login to reconnect with.
  login.clear();
  await connection.request('auth.logout', {});
}
