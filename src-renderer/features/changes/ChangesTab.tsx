/**
 * The Changes tab of a session pane: the branch's state and actions on top, the changed files on the
 * left with the commit box under them, the selected file's diff on the right (unified or split).
 */
import { useState } from 'react';
import './changes-view.css';
import type { SessionDto } from '../../../src-shared/dto.js';
import { useServices } from '../../app/services.js';
import { openLinkSafely } from '../../client/safe-links.js';
import { BranchBar } from './BranchBar.js';
import { CommitBox } from './CommitBox.js';
import { ConfirmDiscard } from './ConfirmDiscard.js';
import { DiffView, type HunkAction } from './DiffView.js';
import { useDiffViewPref } from './diff-view-pref.js';
import { FileList } from './FileList.js';
import { AREA_TITLES } from './file-rows.js';
import { LandDialog } from './LandDialog.js';
import { OutcomeBar } from './OutcomeBar.js';
import { useChanges } from './use-changes.js';

export function ChangesTab({ session }: { session: SessionDto }) {
  const { links } = useServices();
  const model = useChanges(session);
  const [viewType, setViewType] = useDiffViewPref();
  const [discarding, setDiscarding] = useState<string[] | null>(null);
  const [landing, setLanding] = useState(false);
  const { changes, selected, diff, pending } = model;
  const busy = pending !== null;

  if (!changes) {
    return (
      <div className="changes-tab changes-loading" data-testid="changes-tab">
        {model.loadError ? (
          <p className="error-text" role="alert" data-testid="changes-load-error">
            {model.loadError}
          </p>
        ) : (
          <p className="dim">Reading changes…</p>
        )}
      </div>
    );
  }

  const hunkAction: HunkAction = selected?.area === 'unstaged' ? 'stage' : selected?.area === 'staged' ? 'unstage' : null;
  const selectedFile = selected ? changes[selected.area].find((f) => f.path === selected.path) : undefined;
  const total = changes.committed.length + changes.staged.length + changes.unstaged.length;
  return (
    <div className="changes-tab" data-testid="changes-tab">
      <BranchBar
        sessionId={session.id}
        changes={changes}
        pending={pending}
        onRefresh={() => void model.refresh()}
        onUpdate={() => void model.update()}
        onPush={(remote) => void model.push(remote)}
        onPullRequest={() => void model.pullRequest()}
        onLand={() => setLanding(true)}
      />
      {model.outcome ? <OutcomeBar outcome={model.outcome} onDismiss={model.dismissOutcome} onOpenLink={(url) => openLinkSafely(url, links)} /> : null}
      {model.loadError ? (
        <p className="error-text" role="alert" data-testid="changes-load-error">
          {model.loadError}
        </p>
      ) : null}
      <div className="changes-body">
        <div className="changes-side">
          <FileList
            changes={changes}
            selected={selected}
            busy={busy}
            onSelect={model.select}
            onStage={(paths) => void model.stage(paths)}
            onUnstage={(paths) => void model.unstage(paths)}
            onDiscard={setDiscarding}
          />
          <CommitBox
            sessionId={session.id}
            stagedCount={changes.staged.length}
            changedCount={changes.staged.length + changes.unstaged.length}
            busy={busy}
            onCommit={model.commit}
          />
        </div>
        <div className="changes-diff">
          <div className="diff-toolbar">
            <span className="diff-title mono" data-testid="diff-title">
              {selected ? (
                <>
                  <span className="dim">{AREA_TITLES[selected.area]} · </span>
                  {selectedFile?.oldPath ? `${selectedFile.oldPath} → ` : ''}
                  {selected.path}
                </>
              ) : total === 0 ? (
                'No changes against the base'
              ) : (
                'Pick a file'
              )}
            </span>
            <div className="segmented" role="group" aria-label="Diff layout">
              {(['unified', 'split'] as const).map((v) => (
                <button
                  key={v}
                  type="button"
                  className={`segment${viewType === v ? ' selected' : ''}`}
                  aria-pressed={viewType === v}
                  data-testid={`diff-${v}`}
                  onClick={() => setViewType(v)}
                >
                  {v === 'unified' ? 'Unified' : 'Split'}
                </button>
              ))}
            </div>
          </div>
          {diff && selected && diff.selection.area === selected.area && diff.selection.path === selected.path ? (
            diff.error ? (
              <p className="error-text" role="alert" data-testid="diff-error">
                {diff.error}
              </p>
            ) : diff.diff ? (
              <DiffView
                key={`${selected.area}:${selected.path}`}
                path={selected.path}
                diff={diff.diff.diff}
                truncated={diff.diff.truncated}
                viewType={viewType}
                hunkAction={selectedFile?.status === 'untracked' ? null : hunkAction}
                busy={busy}
                onHunk={(header) => void model.hunk(header)}
              />
            ) : null
          ) : selected ? (
            <p className="dim diff-empty">Reading the diff…</p>
          ) : null}
        </div>
      </div>
      {discarding ? (
        <ConfirmDiscard
          paths={discarding}
          busy={pending === 'discard'}
          onCancel={() => setDiscarding(null)}
          onConfirm={() => {
            const paths = discarding;
            void model.discard(paths).then(() => setDiscarding(null));
          }}
        />
      ) : null}
      {landing ? (
        <LandDialog
          session={session}
          baseBranch={changes.baseBranch}
          busy={pending === 'land'}
          onCancel={() => setLanding(false)}
          onLand={(mode, message) => void model.land(mode, message).then(() => setLanding(false))}
        />
      ) : null}
    </div>
  );
}
