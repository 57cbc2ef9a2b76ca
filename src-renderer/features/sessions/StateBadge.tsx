/**
 * Coloured badge for a session state, labelled in words (`waiting-approval` → "needs approval");
 * `unknown` explains itself in a tooltip.
 */
import type { SessionState } from '../../../src-shared/dto.js';

/** Words shown for each state (the state's id stays in `data-state`). */
export const STATE_LABELS: Record<SessionState, string> = {
  creating: 'creating',
  working: 'working',
  'waiting-input': 'waiting for you',
  'waiting-approval': 'needs approval',
  idle: 'idle',
  exited: 'exited',
  failed: 'failed',
  unknown: 'unknown',
};

/** Tooltips of states whose name alone doesn't say enough. */
const STATE_TITLES: Partial<Record<SessionState, string>> = {
  'waiting-input': 'The agent asks you something or finished its turn',
  'waiting-approval': 'The agent waits for you to approve a tool call',
  unknown: 'Engine unreachable; the session will be adopted when it returns',
};

export function StateBadge({ state }: { state: SessionState }) {
  return (
    <span className={`state-badge state-${state}`} data-testid="state-badge" data-state={state} title={STATE_TITLES[state]}>
      {STATE_LABELS[state]}
    </span>
  );
}
