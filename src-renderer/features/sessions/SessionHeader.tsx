/**
 * Header of a session pane: name, state, branch, worktree, how it ended, creation timings, changes not
 * synced back (with a retry), its ports as links, Docker details and live resource use, actions.
 */
import { useState } from 'react';
import { LIVE_STATES, type SessionDto } from '../../../src-shared/dto.js';
import { useAppState } from '../../app/services.js';
import { CreateSteps } from './CreateSteps.js';
import { SessionPorts } from './SessionPorts.js';
import { SessionResources } from './SessionResources.js';
import { agentLabel, backendLabel, describeEnd } from './format.js';
import { StateBadge } from './StateBadge.js';
import { useSessionActions, type SessionAction } from './use-session-actions.js';

interface SessionHeaderProps {
  session: SessionDto;
  /** Shown when two panes are open. */
  onClose?: () => void;
}

export function SessionHeader({ session, onClose }: SessionHeaderProps) {
  const progress = useAppState((s) => s.progress[session.id]);
  const { run, pending, error, clearError } = useSessionActions(session);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const live = LIVE_STATES.includes(session.state);
  const ended = describeEnd(session);
  const dirty = error?.code === 'worktree_dirty';

  const action = (name: SessionAction, label: string, enabled = true, title?: string) => (
    <button
      type="button"
      className="button small"
      data-testid={`action-${name}`}
      title={title}
      disabled={!enabled || pending !== null}
      onClick={() => void run(name)}
    >
      {pending === name ? `${label}…` : label}
    </button>
  );

  const cancelDelete = () => {
    setConfirmingDelete(false);
    clearError();
  };

  return (
    <header className="session-header" data-testid="session-header" data-session-id={session.id}>
      <div className="session-header-row">
        <div className="session-title">
          <h1 className="session-title-name" data-testid="header-name">
            {session.name}
          </h1>
          <StateBadge state={session.state} />
          <span className="session-branch" data-testid="header-branch" title={`from ${session.baseBranch}`}>
            ⎇ {session.branch}
          </span>
        </div>
        <div className="session-actions">
          {session.state === 'creating'
            ? action('cancel', 'Cancel', true, 'Stop creating this session and delete it (worktree, container)')
            : null}
          {action('stop', 'Stop', live)}
          {session.conversationId === null ? (
            action('restart', 'Restart', session.state !== 'creating')
          ) : (
            <>
              {action('restart', 'Restart', session.state !== 'creating', "Start the agent again, continuing its conversation")}
              {action('restart-fresh', 'Restart fresh', session.state !== 'creating', 'Start the agent again with a new conversation (the prompt is sent again)')}
            </>
          )}
          {session.archived ? action('unarchive', 'Unarchive') : action('archive', 'Archive', true, live ? 'Stops the session and moves it to Archived' : undefined)}
          <button
            type="button"
            className="button small danger"
            data-testid="action-delete"
            disabled={pending !== null}
            onClick={() => setConfirmingDelete(true)}
          >
            Delete
          </button>
          {onClose ? (
            <button type="button" className="icon-button" data-testid="pane-close" title="Close pane" onClick={onClose}>
              ✕
            </button>
          ) : null}
        </div>
      </div>
      <div className="session-meta">
        <span>
          {agentLabel(session.agent)} · {backendLabel(session.backend)}
          {session.model ? ` · ${session.model}` : ''}
        </span>
        <span className="session-worktree" data-testid="header-worktree" title="Worktree">
          {session.worktreePath}
        </span>
        {ended ? (
          <span className={`session-ended state-text-${session.state}`} data-testid="header-exit">
            {ended}
          </span>
        ) : null}
        <CreateSteps
          progress={progress}
          timings={session.phases}
          creating={session.state === 'creating'}
          withImage={session.backend === 'docker'}
        />
      </div>
      {session.unsynced ? (
        <div className="unsynced-bar" role="alert" data-testid="unsynced">
          <span className="error-text">
            <strong>Changes not synced back</strong> to the worktree: {session.unsynced}. They are kept until a sync succeeds.
          </span>
          {action('sync', 'Retry sync', !live, live ? 'The session syncs its changes back when it stops' : 'Copy the changes to the worktree again')}
        </div>
      ) : null}
      <SessionPorts ports={session.ports} unpublished={session.docker?.networkMode === 'contained'} />
      <SessionResources session={session} />
      {confirmingDelete ? (
        <div className="confirm-bar" role="alertdialog" data-testid="delete-confirm">
          {dirty ? (
            <>
              <span className="confirm-text error-text" data-testid="delete-dirty">
                {error.message}
              </span>
              <button
                type="button"
                className="button small danger"
                data-testid="delete-force"
                disabled={pending !== null}
                onClick={() => void run('force-delete')}
              >
                Delete anyway
              </button>
            </>
          ) : (
            <>
              <span className="confirm-text">
                Delete <strong>{session.name}</strong> and its worktree?
              </span>
              <button
                type="button"
                className="button small danger"
                data-testid="delete-confirm-button"
                disabled={pending !== null}
                onClick={() => void run('delete')}
              >
                {pending === 'delete' ? 'Deleting…' : 'Delete'}
              </button>
            </>
          )}
          <button type="button" className="button small" data-testid="delete-cancel" onClick={cancelDelete}>
            Cancel
          </button>
        </div>
      ) : null}
      {error && !dirty ? (
        <p className="error-text" role="alert" data-testid="action-error">
          {error.message}
        </p>
      ) : null}
    </header>
  );
}
