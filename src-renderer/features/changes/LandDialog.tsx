/**
 * "Land…": merges the session branch into its base in the main checkout, squashed (default), as a merge
 * commit, or rebased then fast-forwarded; the message starts as the session's name and prompt.
 */
import { useState } from 'react';
import type { LandMode } from '../../../src-shared/changes.js';
import type { SessionDto } from '../../../src-shared/dto.js';
import { Field } from '../../components/Field.js';

const MODES: ReadonlyArray<{ mode: LandMode; label: string; hint: string }> = [
  { mode: 'squash', label: 'Squash', hint: 'One new commit on the base with all the changes.' },
  { mode: 'merge', label: 'Merge commit', hint: "A merge commit that keeps the branch's commits." },
  { mode: 'rebase', label: 'Rebase', hint: "The branch's commits replayed on the base, then fast-forwarded (no message)." },
];

/** The default land message: the session's name, then its prompt. */
export function defaultLandMessage(session: SessionDto): string {
  const prompt = session.prompt.trim();
  return prompt ? `${session.name}\n\n${prompt}` : session.name;
}

interface LandDialogProps {
  session: SessionDto;
  baseBranch: string;
  busy: boolean;
  onLand(mode: LandMode, message: string | undefined): void;
  onCancel(): void;
}

export function LandDialog({ session, baseBranch, busy, onLand, onCancel }: LandDialogProps) {
  const [mode, setMode] = useState<LandMode>('squash');
  const [message, setMessage] = useState(() => defaultLandMessage(session));
  const needsMessage = mode !== 'rebase';
  const canLand = !busy && (!needsMessage || message.trim().length > 0);
  return (
    <div className="modal-backdrop" data-testid="land-backdrop" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <form
        className="modal land-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="land-title"
        data-testid="land-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (canLand) onLand(mode, needsMessage ? message : undefined);
        }}
      >
        <h2 id="land-title">
          Land <span className="mono">{session.branch}</span> on <span className="mono">{baseBranch}</span>
        </h2>
        <fieldset className="land-modes">
          <legend>How</legend>
          {MODES.map((m) => (
            <label key={m.mode} className="land-mode">
              <input type="radio" name="land-mode" value={m.mode} checked={mode === m.mode} data-testid={`land-mode-${m.mode}`} onChange={() => setMode(m.mode)} />
              <span>
                <strong>{m.label}</strong> <span className="dim">{m.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {needsMessage ? (
          <Field id={`land-message-${session.id}`} label="Commit message">
            {(control) => (
              <textarea {...control} className="input land-message" rows={5} data-testid="land-message" value={message} onChange={(e) => setMessage(e.target.value)} />
            )}
          </Field>
        ) : null}
        <div className="modal-actions">
          <button type="button" className="button" data-testid="land-cancel" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="land-confirm" disabled={!canLand}>
            {busy ? 'Landing…' : `Land on ${baseBranch}`}
          </button>
        </div>
      </form>
    </div>
  );
}
