/**
 * The engine's status line (version and endpoint, or why it is unreachable), its images and the warm
 * pool, from `docker.info`.
 */
import type { DockerInfoDto } from '../../../src-shared/docker.js';
import { formatBytes, formatDate } from '../docker/docker-format.js';

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
        <table className="data-table" data-testid="docker-images">
          <caption>Images on this engine</caption>
          <thead>
            <tr>
              <th scope="col">Image</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
            </tr>
          </thead>
          <tbody>
            {info.images.length === 0 ? (
              <tr>
                <td colSpan={4} className="empty-cell">
                  No images on this engine yet.
                </td>
              </tr>
            ) : (
              info.images.map((image) => (
                <tr key={`${image.ref}@${image.id}`} data-testid="docker-image-row">
                  <td className="mono">{image.ref}</td>
                  <td className="num">{formatBytes(image.sizeBytes)}</td>
                  <td>{formatDate(image.createdAt)}</td>
                  <td>{image.lastUsedAt === null ? 'never' : formatDate(image.lastUsedAt)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
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
