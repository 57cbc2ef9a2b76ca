/**
 * The main area: one or two session panes side by side, each a header over its tabs: the terminal,
 * the session's changes, and its setup log when the repository has a setup command.
 *
 * The terminal stays mounted (hidden) while another tab shows, so coming back needs no reattach.
 */
import { useState } from 'react';
import type { SessionDto } from '../../../src-shared/dto.js';
import { useAppState } from '../../app/services.js';
import { ChangesTab } from '../changes/ChangesTab.js';
import { PaneTabs, panelId, type PaneTab } from '../changes/PaneTabs.js';
import { SetupTab } from '../changes/SetupTab.js';
import { useSetupLog } from '../changes/use-setup-log.js';
import { SessionHeader } from '../sessions/SessionHeader.js';
import { TerminalView } from './TerminalView.js';

/** Marks on the Setup tab by the setup's status. */
const SETUP_BADGES = {
  running: { text: '…', className: 'badge-running' },
  succeeded: { text: '✓', className: 'badge-ok' },
  failed: { text: '✕', className: 'badge-failed' },
} as const;

function SessionPane({ sessionId, index }: { sessionId: string; index: number }) {
  const session = useAppState((s) => s.sessions[sessionId]);
  return session ? <SessionPaneBody session={session} index={index} /> : null;
}

function SessionPaneBody({ session, index }: { session: SessionDto; index: number }) {
  const sessionId = session.id;
  const paneCount = useAppState((s) => s.panes.length);
  const focused = useAppState((s) => s.focusedPane === index);
  const focusPane = useAppState((s) => s.focusPane);
  const closePane = useAppState((s) => s.closePane);
  const [chosenTab, setTab] = useState<PaneTab>('terminal');
  const setup = useSetupLog(session);
  const tabs: PaneTab[] = setup.log ? ['terminal', 'changes', 'setup'] : ['terminal', 'changes'];
  const tab = tabs.includes(chosenTab) ? chosenTab : 'terminal';
  return (
    <section
      className={`pane${focused && paneCount > 1 ? ' focused' : ''}`}
      data-testid="pane"
      data-session-id={sessionId}
      onMouseDownCapture={() => focusPane(index)}
      onFocusCapture={() => focusPane(index)}
    >
      <SessionHeader session={session} onClose={paneCount > 1 ? () => closePane(index) : undefined} />
      {tabs.length > 1 ? (
        <PaneTabs
          sessionId={sessionId}
          tabs={tabs}
          current={tab}
          onSelect={setTab}
          badges={{
            ...(setup.log ? { setup: SETUP_BADGES[setup.log.status] } : {}),
            ...(session.git && session.git.changedFiles > 0 ? { changes: { text: String(session.git.changedFiles), className: 'badge-count' } } : {}),
          }}
        />
      ) : null}
      <div className="pane-panel" role="tabpanel" id={panelId(sessionId, 'terminal')} hidden={tab !== 'terminal'} data-testid="panel-terminal">
        <TerminalView key={sessionId} session={session} focused={focused && tab === 'terminal'} />
      </div>
      {tab === 'changes' ? (
        <div className="pane-panel" role="tabpanel" id={panelId(sessionId, 'changes')} data-testid="panel-changes">
          <ChangesTab session={session} />
        </div>
      ) : null}
      {tab === 'setup' && setup.log ? (
        <div className="pane-panel" role="tabpanel" id={panelId(sessionId, 'setup')} data-testid="panel-setup">
          <SetupTab log={setup.log} />
        </div>
      ) : null}
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
