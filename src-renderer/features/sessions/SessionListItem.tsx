/**
 * One session in the sidebar: name, agent and backend, state badge, "open beside" action.
 */
import type { SessionDto } from '../../../src-shared/dto.js';
import { agentLabel, backendLabel } from './format.js';
import { StateBadge } from './StateBadge.js';

interface SessionListItemProps {
  session: SessionDto;
  selected: boolean;
  onOpen(id: string): void;
  onOpenBeside(id: string): void;
}

export function SessionListItem({ session, selected, onOpen, onOpenBeside }: SessionListItemProps) {
  return (
    <li
      className={`session-item${selected ? ' selected' : ''}`}
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
          <span className="session-name" data-testid="session-name">
            {session.name}
          </span>
          <StateBadge state={session.state} />
        </span>
        <span className="session-item-meta">
          {agentLabel(session.agent)} · {backendLabel(session.backend)}
        </span>
      </button>
      <button
        type="button"
        className="icon-button session-beside"
        data-testid="open-beside"
        title="Open beside"
        aria-label={`Open ${session.name} beside`}
        onClick={() => onOpenBeside(session.id)}
      >
        ⧉
      </button>
    </li>
  );
}
