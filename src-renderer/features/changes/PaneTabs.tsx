/**
 * The tab bar of a session pane: Terminal, Changes, and Setup when the repository has a setup command.
 */
import type { KeyboardEvent } from 'react';
import './changes.css';

/** The views a session pane can show below its header. */
export type PaneTab = 'terminal' | 'changes' | 'setup';

const LABELS: Record<PaneTab, string> = { terminal: 'Terminal', changes: 'Changes', setup: 'Setup' };

interface PaneTabsProps {
  sessionId: string;
  tabs: readonly PaneTab[];
  current: PaneTab;
  onSelect(tab: PaneTab): void;
  /** A mark after a tab's label (the setup's status). */
  badges?: Partial<Record<PaneTab, { text: string; className: string }>>;
}

/** The id of a tab's panel, for `aria-controls`. */
export function panelId(sessionId: string, tab: PaneTab): string {
  return `pane-${sessionId}-${tab}`;
}

export function PaneTabs({ sessionId, tabs, current, onSelect, badges }: PaneTabsProps) {
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const step = e.key === 'ArrowRight' ? 1 : -1;
    const next = tabs[(tabs.indexOf(current) + step + tabs.length) % tabs.length];
    if (next) onSelect(next);
  };
  return (
    <div className="pane-tabs" role="tablist" aria-label="Session views" data-testid="pane-tabs" onKeyDown={onKeyDown}>
      {tabs.map((tab) => {
        const badge = badges?.[tab];
        return (
          <button
            key={tab}
            type="button"
            role="tab"
            className={`pane-tab${tab === current ? ' selected' : ''}`}
            aria-selected={tab === current}
            aria-controls={panelId(sessionId, tab)}
            tabIndex={tab === current ? 0 : -1}
            data-testid={`tab-${tab}`}
            onClick={() => onSelect(tab)}
          >
            {LABELS[tab]}
            {badge ? <span className={`pane-tab-badge ${badge.className}`}>{badge.text}</span> : null}
          </button>
        );
      })}
    </div>
  );
}
