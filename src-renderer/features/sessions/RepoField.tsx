/**
 * Repository path input with live validation, recent repositories and (desktop) a folder picker.
 */
import type { RecentRepoDto } from '../../../src-shared/dto.js';
import type { DesktopBridge } from '../../../src-shared/desktop-bridge.js';
import type { RepoInspection } from './use-repo-inspect.js';

/** Recent repositories listed under the path field. */
const MAX_RECENT_SHOWN = 6;

interface RepoFieldProps {
  value: string;
  onChange(path: string): void;
  inspection: RepoInspection;
  recent: readonly RecentRepoDto[];
  desktop: DesktopBridge | null;
}

export function RepoField({ value, onChange, inspection, recent, desktop }: RepoFieldProps) {
  const browse = async () => {
    const picked = await desktop?.pickFolder();
    if (picked) onChange(picked);
  };
  return (
    <div className="field">
      <label htmlFor="create-repo">Repository</label>
      <div className="field-row">
        <input
          id="create-repo"
          className="input mono"
          data-testid="create-repo"
          value={value}
          placeholder="/path/to/a/git/repository"
          spellCheck={false}
          autoComplete="off"
          autoFocus
          aria-invalid={inspection.status === 'error'}
          onChange={(e) => onChange(e.target.value)}
        />
        {desktop ? (
          <button type="button" className="button" data-testid="create-browse" onClick={() => void browse()}>
            Browse…
          </button>
        ) : null}
      </div>
      <p className={`field-status status-${inspection.status}`} data-testid="repo-status" data-status={inspection.status}>
        {inspection.status === 'checking' ? 'Checking…' : null}
        {inspection.status === 'ok' ? (
          <>
            ✓ <strong>{inspection.info.name}</strong>
            {inspection.info.currentBranch ? ` on ${inspection.info.currentBranch}` : ' (detached HEAD)'}
          </>
        ) : null}
        {inspection.status === 'error' ? inspection.message : null}
      </p>
      {recent.length > 0 ? (
        <div className="recent-repos" data-testid="recent-repos">
          <span className="recent-label">Recent:</span>
          {recent.slice(0, MAX_RECENT_SHOWN).map((repo) => (
            <button
              type="button"
              key={repo.path}
              className="chip"
              data-testid="recent-repo"
              title={repo.path}
              onClick={() => onChange(repo.path)}
            >
              {repo.name}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
