/**
 * The commit box: a message, "Commit" (what is staged) and "Commit all" (every change, new files too).
 */
import { useState } from 'react';

interface CommitBoxProps {
  sessionId: string;
  stagedCount: number;
  changedCount: number;
  busy: boolean;
  /** Resolves true when the commit was made (the message is then cleared). */
  onCommit(message: string, all: boolean): Promise<boolean>;
}

export function CommitBox({ sessionId, stagedCount, changedCount, busy, onCommit }: CommitBoxProps) {
  const [message, setMessage] = useState('');
  const hasMessage = message.trim().length > 0;
  const commit = async (all: boolean) => {
    if (await onCommit(message, all)) setMessage('');
  };
  return (
    <div className="commit-box" data-testid="commit-box">
      <label className="visually-hidden" htmlFor={`commit-message-${sessionId}`}>
        Commit message
      </label>
      <textarea
        id={`commit-message-${sessionId}`}
        className="input commit-message"
        rows={2}
        placeholder="Commit message"
        data-testid="commit-message"
        value={message}
        onChange={(e) => setMessage(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && hasMessage && stagedCount > 0 && !busy) void commit(false);
        }}
      />
      <div className="commit-actions">
        <button
          type="button"
          className="button small primary"
          data-testid="commit"
          disabled={busy || !hasMessage || stagedCount === 0}
          title={stagedCount === 0 ? 'Nothing is staged' : `Commit the ${stagedCount} staged file${stagedCount === 1 ? '' : 's'}`}
          onClick={() => void commit(false)}
        >
          Commit
        </button>
        <button
          type="button"
          className="button small"
          data-testid="commit-all"
          disabled={busy || !hasMessage || changedCount === 0}
          title="Stage every change (new files too) and commit"
          onClick={() => void commit(true)}
        >
          Commit all
        </button>
      </div>
    </div>
  );
}
