/**
 * One session in the sidebar: name, agent and backend, state badge, git status (ahead / behind, dirty,
 * changed files, overlaps with other sessions), "open beside" action; an unread dot when something
 * happened since the user last opened it, and the question while it waits for the user.
 */
import { NEEDS_YOU_STATES, type SessionDto } from '../../../src-shared/dto.js';
import { agentLabel, backendLabel } from './format.js';
import { GitStatusLine } from './GitStatusLine.js';
import { StateBadge } from './StateBadge.js';

interface SessionListItemProps {
  session: SessionDto;
  selected: boolean;
  onOpen(id: string): void;
  onOpenBeside(id: string): void;
}

/** Two panes side by side. */
function SplitIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.4">
      <rect x="1.5" y="2.5" width="13" height="11" rx="1.5" />
      <line x1="8" y1="2.5" x2="8" y2="13.5" />
    </svg>
  );
}

/** The question (or tool awaiting approval) of a session that waits for the user; nothing otherwise. */
export function SessionQuestion({ session }: { session: SessionDto }) {
  if (!NEEDS_YOU_STATES.includes(session.state) || !session.attention.detail) return null;
  return (
    <span className="session-question" data-testid="session-question" title={session.attention.detail}>
      {session.attention.detail}
    </span>
  );
}

export function SessionListItem({ session, selected, onOpen, onOpenBeside }: SessionListItemProps) {
  return (
    <li
      className={`session-item${selected ? ' selected' : ''}${session.attention.unread ? ' unread' : ''}`}
      data-testid="session-item"
      data-session-id={session.id}
      data-session-name={session.name}
    >
      <button
        type="button"
        className="session-item-main"
        onClick={() => onOpen(session.id)}
        aria-current={selected ? 'true' : undefined}
        title={session.prompt || session.name}
      >
        <span className="session-item-top">
          <span className="session-name-row">
            {session.attention.unread ? <span className="unread-dot" data-testid="unread-dot" role="img" aria-label="unread" /> : null}
            <span className="session-name" data-testid="session-name">
              {session.name}
            </span>
          </span>
          <StateBadge state={session.state} />
        </span>
        <span className="session-item-meta">
          {agentLabel(session.agent)} · {backendLabel(session.backend)}
          {session.exitCode !== null ? ` · exit ${session.exitCode}` : ''}
        </span>
        <SessionQuestion session={session} />
        {session.git ? <GitStatusLine git={session.git} baseBranch={session.baseBranch} /> : null}
      </button>
      <button
        type="button"
        className="icon-button session-beside"
        data-testid="open-beside"
        title="Open beside"
        aria-label={`Open ${session.name} beside`}
        onClick={() => onOpenBeside(session.id)}
      >
        <SplitIcon />
      </button>
    </li>
  );
}
