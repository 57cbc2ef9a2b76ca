/**
 * Coloured badge for a session state; `unknown` explains itself in a tooltip.
 */
import type { SessionState } from '../../../src-shared/dto.js';

/** Tooltips of states whose name alone doesn't say enough. */
const STATE_TITLES: Partial<Record<SessionState, string>> = {
  unknown: 'Engine unreachable; the session will be adopted when it returns',
};

export function StateBadge({ state }: { state: SessionState }) {
  return (
    <span className={`state-badge state-${state}`} data-testid="state-badge" data-state={state} title={STATE_TITLES[state]}>
      {state}
    </span>
  );
}
