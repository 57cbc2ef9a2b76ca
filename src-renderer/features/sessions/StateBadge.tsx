/**
 * Coloured badge for a session state.
 */
import type { SessionState } from '../../../src-shared/dto.js';

export function StateBadge({ state }: { state: SessionState }) {
  return (
    <span className={`state-badge state-${state}`} data-testid="state-badge" data-state={state}>
      {state}
    </span>
  );
}
