/**
 * What the last action did, or why it failed: a conflict lists its files one per line.
 */
import { CONFLICT_FILES_HEADER } from '../../../src-shared/changes.js';
import type { Outcome } from './use-changes.js';

/** Splits a conflict message into its sentence and the files it names (after CONFLICT_FILES_HEADER). */
export function conflictFiles(message: string): { text: string; files: string[] } {
  const at = message.indexOf(CONFLICT_FILES_HEADER);
  if (at < 0) return { text: message, files: [] };
  const files = message
    .slice(at + CONFLICT_FILES_HEADER.length)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return { text: message.slice(0, at + CONFLICT_FILES_HEADER.length).trim(), files };
}

export function OutcomeBar({ outcome, onDismiss, onOpenLink }: { outcome: Outcome; onDismiss(): void; onOpenLink(url: string): void }) {
  if (outcome.kind === 'done') {
    return (
      <div className="outcome outcome-done" role="status" data-testid="changes-notice" data-action={outcome.action}>
        <span>{outcome.text}</span>
        {outcome.url ? (
          <button type="button" className="link-button" data-testid="changes-notice-link" onClick={() => onOpenLink(outcome.url ?? '')}>
            {outcome.url}
          </button>
        ) : null}
        <button type="button" className="icon-button" title="Dismiss" onClick={onDismiss}>
          ✕
        </button>
      </div>
    );
  }
  const { text, files } = conflictFiles(outcome.error.message);
  return (
    <div className="outcome outcome-failed" role="alert" data-testid="changes-error" data-action={outcome.action} data-code={outcome.error.code}>
      <div className="outcome-body">
        <span className="error-text" data-testid="changes-error-text">
          {text}
        </span>
        {files.length > 0 ? (
          <ul className="conflict-files" data-testid="conflict-files">
            {files.map((file) => (
              <li key={file} className="mono">
                {file}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <button type="button" className="icon-button" title="Dismiss" onClick={onDismiss}>
        ✕
      </button>
    </div>
  );
}
