/**
 * The engine's status line (version and endpoint, or why it is unreachable), its images and the warm
 * pool, from `docker.info`.
 */
import type { DockerInfoDto } from '../../../src-shared/docker.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { formatBytes, formatDate } from '../docker/docker-format.js';

const IMAGE_COLUMNS: readonly Column<DockerInfoDto['images'][number]>[] = [
  { header: 'Image', className: 'mono', render: (image) => image.ref },
  { header: 'Size', numeric: true, render: (image) => formatBytes(image.sizeBytes) },
  { header: 'Created', render: (image) => formatDate(image.createdAt) },
  { header: 'Last used', render: (image) => (image.lastUsedAt === null ? 'never' : formatDate(image.lastUsedAt)) },
];

interface DockerEngineStatusProps {
  info: DockerInfoDto | null;
  loading: boolean;
  error: string | null;
  onRefresh(): void;
}

function StatusLine({ info, loading, error }: Omit<DockerEngineStatusProps, 'onRefresh'>) {
  if (error) return <span className="error-text">{error}</span>;
  if (!info) return <span>{loading ? 'Asking the engine…' : 'Not checked yet.'}</span>;
  if (!info.available) {
    const reason = info.reason ?? 'no answer';
    return (
      <span className="engine-down">
        <strong>Unavailable:</strong> {reason}
        {reason.includes(info.endpoint) ? null : (
          <>
            {' '}
            (endpoint <code>{info.endpoint}</code>)
          </>
        )}
      </span>
    );
  }
  return (
    <span className="engine-up">
      <strong>Docker {info.version ?? '?'}</strong> at <code>{info.endpoint}</code> · runtimes {info.runtimes.join(', ') || 'none'}
      {info.defaultRuntime ? ` (default ${info.defaultRuntime})` : ''}
    </span>
  );
}

export function DockerEngineStatus({ info, loading, error, onRefresh }: DockerEngineStatusProps) {
  const state = error ? 'error' : !info ? 'loading' : info.available ? 'available' : 'unavailable';
  return (
    <div className="engine-status" data-testid="docker-engine-status" data-state={state}>
      <div className="engine-status-line">
        <span className={`engine-dot engine-${state}`} aria-hidden="true" />
        <span data-testid="docker-engine-text">
          <StatusLine info={info} loading={loading} error={error} />
        </span>
        <button type="button" className="button small" data-testid="docker-refresh" disabled={loading} onClick={onRefresh}>
          {loading ? 'Checking…' : 'Refresh'}
        </button>
      </div>
      {info?.available ? (
        <DataTable
          testId="docker-images"
          caption="Images on this engine"
          columns={IMAGE_COLUMNS}
          rows={info.images}
          rowKey={(image) => `${image.ref}@${image.id}`}
          rowAttributes={() => ({ 'data-testid': 'docker-image-row' })}
          empty={{ text: 'No images on this engine yet.' }}
        />
      ) : null}
      {info && info.pool.length > 0 ? (
        <p className="field-hint" data-testid="docker-pool">
          Warm pool:{' '}
          {info.pool
            .map((p) => `${p.image} ${p.ready}/${p.target} ready${p.starting ? `, ${p.starting} starting` : ''}${p.lastError ? ` (${p.lastError})` : ''}`)
            .join('; ')}
        </p>
      ) : null}
    </div>
  );
}
