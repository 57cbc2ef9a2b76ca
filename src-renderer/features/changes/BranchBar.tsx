/**
 * The top of the Changes tab: ahead/behind against the base, and the branch actions: Update from base,
 * Push (with a remote picker when there are several), Create pull request (or why it can't be), Land….
 */
import { useState } from 'react';
import type { ChangesDto } from '../../../src-shared/changes.js';
import { Field } from '../../components/Field.js';
import { optionsOf, Select } from '../../components/Select.js';
import { describeAheadBehind } from './changes-format.js';
import type { ChangesAction } from './use-changes.js';

interface BranchBarProps {
  sessionId: string;
  changes: ChangesDto;
  pending: ChangesAction | null;
  onUpdate(): void;
  onPush(remote: string | undefined): void;
  onPullRequest(): void;
  onLand(): void;
  onRefresh(): void;
}

export function BranchBar({ sessionId, changes, pending, onUpdate, onPush, onPullRequest, onLand, onRefresh }: BranchBarProps) {
  const [remote, setRemote] = useState<string>(changes.remotes[0] ?? '');
  const busy = pending !== null;
  const chosenRemote = changes.remotes.includes(remote) ? remote : changes.remotes[0];
  const label = (action: ChangesAction, idle: string, running: string) => (pending === action ? running : idle);
  const pr = changes.pullRequest;
  return (
    <div className="branch-bar" data-testid="branch-bar">
      <div className="branch-status">
        <span className="mono branch-names" title={`${changes.branch} against ${changes.baseBranch}`}>
          ⎇ {changes.branch} → {changes.baseBranch}
        </span>
        <span className="ahead-behind" data-testid="ahead-behind" data-ahead={changes.ahead} data-behind={changes.behind}>
          <span className="ahead" title="Commits on the branch not in the base">
            ↑{changes.ahead}
          </span>
          <span className="behind" title="Commits on the base not in the branch">
            ↓{changes.behind}
          </span>
          <span className="dim">{describeAheadBehind(changes.ahead, changes.behind, changes.baseBranch)}</span>
        </span>
      </div>
      <div className="branch-actions">
        <button type="button" className="icon-button" title="Read the changes again" data-testid="changes-refresh" disabled={busy} onClick={onRefresh}>
          ⟳
        </button>
        <button
          type="button"
          className="button small"
          data-testid="update-from-base"
          disabled={busy || changes.behind === 0}
          title={changes.behind === 0 ? `Already has every commit of ${changes.baseBranch}` : `Bring ${changes.baseBranch}'s new commits into the branch`}
          onClick={onUpdate}
        >
          {label('update', 'Update from base', 'Updating…')}
        </button>
        {changes.remotes.length > 1 ? (
          <Field id={`push-remote-${sessionId}`} label="Remote" className="inline-field">
            {(control) => (
              <Select control={control} testId="push-remote" value={chosenRemote ?? ''} options={optionsOf(changes.remotes)} onChange={setRemote} disabled={busy} />
            )}
          </Field>
        ) : null}
        <button
          type="button"
          className="button small"
          data-testid="push"
          disabled={busy || !chosenRemote}
          title={chosenRemote ? `Push ${changes.branch} to ${chosenRemote}` : 'This repository has no remote to push to'}
          onClick={() => onPush(chosenRemote)}
        >
          {label('push', 'Push', 'Pushing…')}
        </button>
        <button
          type="button"
          className="button small"
          data-testid="create-pr"
          disabled={busy || !pr.available}
          title={pr.available ? 'Open a pull request with gh' : (pr.reason ?? 'Unavailable')}
          aria-describedby={pr.available ? undefined : `pr-reason-${sessionId}`}
          onClick={onPullRequest}
        >
          {label('pr', 'Create pull request', 'Creating…')}
        </button>
        <button
          type="button"
          className="button small primary"
          data-testid="land"
          disabled={busy || changes.ahead === 0}
          title={changes.ahead === 0 ? `Nothing committed to land on ${changes.baseBranch}` : `Merge the branch into ${changes.baseBranch} in the main checkout`}
          onClick={onLand}
        >
          {label('land', 'Land…', 'Landing…')}
        </button>
      </div>
      {!pr.available && pr.reason ? (
        <p className="pr-reason dim" id={`pr-reason-${sessionId}`} data-testid="pr-reason">
          Pull request unavailable: {pr.reason}
        </p>
      ) : null}
    </div>
  );
}
