/**
 * The main area: one or two session panes side by side, each a header over its own terminal.
 */
import { useAppState } from '../../app/services.js';
import { SessionHeader } from '../sessions/SessionHeader.js';
import { TerminalView } from './TerminalView.js';

function SessionPane({ sessionId, index }: { sessionId: string; index: number }) {
  const session = useAppState((s) => s.sessions[sessionId]);
  const paneCount = useAppState((s) => s.panes.length);
  const focused = useAppState((s) => s.focusedPane === index);
  const focusPane = useAppState((s) => s.focusPane);
  const closePane = useAppState((s) => s.closePane);
  if (!session) return null;
  return (
    <section
      className={`pane${focused && paneCount > 1 ? ' focused' : ''}`}
      data-testid="pane"
      data-session-id={sessionId}
      onMouseDownCapture={() => focusPane(index)}
      onFocusCapture={() => focusPane(index)}
    >
      <SessionHeader session={session} onClose={paneCount > 1 ? () => closePane(index) : undefined} />
      <TerminalView key={sessionId} session={session} focused={focused} />
    </section>
  );
}

export function PaneArea() {
  const panes = useAppState((s) => s.panes);
  const setCreateDialogOpen = useAppState((s) => s.setCreateDialogOpen);
  if (panes.length === 0) {
    return (
      <div className="empty-state" data-testid="empty-state">
        <h1>No session open</h1>
        <p>Pick a session on the left, or start a new one: an agent in its own git worktree, in a live terminal.</p>
        <button type="button" className="button primary" onClick={() => setCreateDialogOpen(true)}>
          + New session
        </button>
      </div>
    );
  }
  return (
    <div className={`panes panes-${panes.length}`} data-testid="panes">
      {panes.map((id, index) => (
        <SessionPane key={id} sessionId={id} index={index} />
      ))}
    </div>
  );
}
