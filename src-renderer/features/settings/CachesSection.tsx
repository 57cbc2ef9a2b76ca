/**
 * Settings → Caches: the persistent package-cache volumes (`caches.list`) with their size on disk, and
 * cleaning one type or all of them (`caches.clean`; a cache in use by a running session is reported).
 */
import { useCallback, useEffect, useState } from 'react';
import type { CacheDto, CacheType } from '../../../src-shared/docker.js';
import { useAppState, useServices } from '../../app/services.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { formatBytes } from '../docker/docker-format.js';
import { engineKeyOf } from './DockerSettingsSection.js';

const CACHE_COLUMNS: readonly Column<CacheDto>[] = [
  { header: 'Type', render: (cache) => cache.type },
  { header: 'Volume', className: 'mono nowrap', render: (cache) => cache.volume },
  { header: 'Mount path', className: 'mono', render: (cache) => cache.mountPath },
  { header: 'Size on disk', numeric: true, testId: 'cache-size', render: (cache) => (cache.exists ? formatBytes(cache.sizeBytes) : '—') },
  { header: 'Exists', render: (cache) => (cache.exists ? 'yes' : 'no') },
];

/** What a clean did, shown under the table. */
type CleanOutcome = { kind: 'removed'; volumes: string[] } | { kind: 'error'; message: string };

/** Which clean is running: one type, or all. */
type Cleaning = CacheType | 'all' | null;

export function CachesSection() {
  const { connection } = useServices();
  const connected = useAppState((s) => s.connectionStatus === 'connected');
  const engineKey = useAppState((s) => engineKeyOf(s.settings?.docker));
  const [caches, setCaches] = useState<CacheDto[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [cleaning, setCleaning] = useState<Cleaning>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const [outcome, setOutcome] = useState<CleanOutcome | null>(null);

  const load = useCallback(async () => {
    const result = await connection.request('caches.list', {});
    if (result.ok) {
      setCaches(result.value);
      setListError(null);
    } else {
      setCaches(null);
      setListError(result.error.message);
    }
  }, [connection]);

  useEffect(() => {
    if (connected) void load();
  }, [connected, load, engineKey]);

  const clean = async (type: CacheType | 'all') => {
    setConfirmAll(false);
    setCleaning(type);
    const result = await connection.request('caches.clean', type === 'all' ? {} : { type });
    setCleaning(null);
    setOutcome(result.ok ? { kind: 'removed', volumes: result.value.removed } : { kind: 'error', message: result.error.message });
    await load();
  };

  const anyExists = caches?.some((c) => c.exists) ?? false;

  return (
    <section className="settings-section" data-testid="settings-caches">
      <div className="section-head">
        <h2>Caches</h2>
        <button type="button" className="button small" data-testid="caches-refresh" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <p className="field-hint">Package caches shared by Docker sessions, one volume per type; cleaning frees the space, the next session fills it again.</p>
      {listError ? (
        <p className="error-text" role="alert" data-testid="caches-error">
          {listError}
        </p>
      ) : null}
      {caches ? (
        <DataTable
          testId="caches-table"
          columns={[
            ...CACHE_COLUMNS,
            {
              header: 'Actions',
              headerHidden: true,
              className: 'actions-cell',
              render: (cache) => (
                <button
                  type="button"
                  className="button small"
                  data-testid={`cache-clean-${cache.type}`}
                  disabled={cleaning !== null || !cache.exists}
                  onClick={() => void clean(cache.type)}
                >
                  {cleaning === cache.type ? 'Cleaning…' : 'Clean'}
                </button>
              ),
            },
          ]}
          rows={caches}
          rowKey={(cache) => cache.type}
          rowAttributes={(cache) => ({ 'data-testid': 'cache-row', 'data-type': cache.type, 'data-exists': cache.exists })}
        />
      ) : !listError ? (
        <p className="field-hint">Loading…</p>
      ) : null}
      <div className="form-actions">
        {confirmAll ? (
          <span className="confirm-bar" role="alertdialog" data-testid="caches-clean-all-confirm">
            <span className="confirm-text">Remove every cache volume?</span>
            <button type="button" className="button small danger" data-testid="caches-clean-all-confirm-button" onClick={() => void clean('all')}>
              Clean all
            </button>
            <button type="button" className="button small" data-testid="caches-clean-all-cancel" onClick={() => setConfirmAll(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="button danger"
            data-testid="caches-clean-all"
            disabled={cleaning !== null || !anyExists}
            onClick={() => setConfirmAll(true)}
          >
            {cleaning === 'all' ? 'Cleaning…' : 'Clean all'}
          </button>
        )}
      </div>
      {outcome ? (
        <p
          className={outcome.kind === 'error' ? 'error-text' : 'field-status save-saved'}
          role={outcome.kind === 'error' ? 'alert' : 'status'}
          data-testid="caches-outcome"
        >
          {outcome.kind === 'error'
            ? outcome.message
            : outcome.volumes.length > 0
              ? `Removed ${outcome.volumes.join(', ')}.`
              : 'Nothing to remove.'}
        </p>
      ) : null}
    </section>
  );
}
