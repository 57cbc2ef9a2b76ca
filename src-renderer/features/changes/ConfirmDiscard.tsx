/**
 * Asks before discarding: names every file whose changes will be lost (untracked ones are deleted).
 */
import { useEffect, useRef } from 'react';

/** Files named one per line before the rest are summarised ("and 12 more"). */
const MAX_LISTED = 50;

interface ConfirmDiscardProps {
  paths: string[];
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDiscard({ paths, busy, onConfirm, onCancel }: ConfirmDiscardProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  const listed = paths.slice(0, MAX_LISTED);
  const more = paths.length - listed.length;
  return (
    <div className="modal-backdrop" data-testid="discard-backdrop" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="discard-title" data-testid="discard-dialog">
        <h2 id="discard-title">
          Discard changes to {paths.length === 1 ? 'this file' : `these ${paths.length} files`}?
        </h2>
        <p className="dim">Their unstaged changes are lost; new (untracked) files are deleted. This can't be undone.</p>
        <ul className="discard-files" data-testid="discard-files">
          {listed.map((path) => (
            <li key={path} className="mono">
              {path}
            </li>
          ))}
          {more > 0 ? <li className="dim">and {more} more</li> : null}
        </ul>
        <div className="modal-actions">
          <button type="button" className="button" ref={cancelRef} data-testid="discard-cancel" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="button danger" data-testid="discard-confirm" disabled={busy} onClick={onConfirm}>
            {busy ? 'Discarding…' : 'Discard'}
          </button>
        </div>
      </div>
    </div>
  );
}
