/**
 * A session card's git line: commits ahead (↑) and behind (↓) its base branch, a dot when the worktree
 * has uncommitted changes, the number of changed files, and a warning when another live session of the
 * same repository changes some of the same files (named on the card, every file in the tooltip).
 */
import type { SessionGitDto } from '../../../src-shared/dto.js';

/** Files named on the card itself; the tooltip names them all. */
const FILES_ON_CARD = 2;

/** `3 files`, `1 file`. */
function files(n: number): string {
  return `${n} ${n === 1 ? 'file' : 'files'}`;
}

/** What the overlap warning says in full (tooltip and accessible name). */
export function describeOverlaps(git: SessionGitDto): string {
  return git.overlaps.map((o) => `${o.name} also changes ${o.files.join(', ')}`).join('\n');
}

export function GitStatusLine({ git, baseBranch }: { git: SessionGitDto; baseBranch: string }) {
  const summary = `${git.ahead} ahead of ${baseBranch}, ${git.behind} behind; ${files(git.changedFiles)} changed${git.dirty ? ', uncommitted changes' : ''}`;
  return (
    <>
      <span className="session-git" data-testid="session-git" title={summary}>
        <span className="git-ahead" data-testid="git-ahead">
          ↑{git.ahead}
        </span>
        <span className="git-behind" data-testid="git-behind">
          ↓{git.behind}
        </span>
        {git.dirty ? <span className="git-dirty" data-testid="git-dirty" aria-label="uncommitted changes" /> : null}
        <span className="git-changed" data-testid="git-changed">
          {files(git.changedFiles)}
        </span>
      </span>
      {git.overlaps.length > 0 ? (
        <span className="session-overlap" data-testid="session-overlap" title={describeOverlaps(git)} aria-label={`overlap: ${describeOverlaps(git)}`}>
          <span aria-hidden="true">⚠</span>{' '}
          {git.overlaps.map((o) => {
            const shown = o.files.slice(0, FILES_ON_CARD).join(', ');
            const more = o.files.length > FILES_ON_CARD ? ` +${o.files.length - FILES_ON_CARD}` : '';
            return `${o.name}: ${shown}${more}`;
          }).join('; ')}
        </span>
      ) : null}
    </>
  );
}
