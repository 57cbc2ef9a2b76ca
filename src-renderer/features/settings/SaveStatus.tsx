/**
 * Where a settings save stands, as one status line ("Saving…", "Saved.", or the server's message).
 */

/** A save's progress. */
export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

export function SaveStatus({ state, testId }: { state: SaveState; testId: string }) {
  return (
    <p className={`field-status save-${state.kind}`} data-testid={testId} role="status">
      {state.kind === 'saving' ? 'Saving…' : null}
      {state.kind === 'saved' ? 'Saved.' : null}
      {state.kind === 'error' ? state.message : null}
    </p>
  );
}
