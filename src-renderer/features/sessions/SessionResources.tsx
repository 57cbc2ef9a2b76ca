/**
 * A session's container facts (Docker: image, runtime, volume mode, network, limits, container id), its live
 * resource use (CPU %, memory) as last sampled by the orchestrator, and its token use and cost.
 */
import { egressContained } from '../../../src-shared/docker.js';
import { LIVE_STATES, type SessionDto } from '../../../src-shared/dto.js';
import { formatBytes, formatCpuPercent, formatLimits, shortId } from '../docker/docker-format.js';
import { SessionUsageFact, useSessionUsage } from '../proxy/usage/SessionUsage.js';

export function SessionResources({ session }: { session: SessionDto }) {
  const { docker, stats } = session;
  const usage = useSessionUsage(session.id, LIVE_STATES.includes(session.state));
  if (!docker && !stats && !usage) return null;
  return (
    <dl className="session-resources" data-testid="session-resources">
      {docker ? (
        <>
          <div className="fact">
            <dt>image</dt>
            <dd className="mono" data-testid="docker-fact-image">
              {docker.image}
              {docker.warm ? <span className="fact-note"> (warm)</span> : null}
            </dd>
          </div>
          <div className="fact">
            <dt>runtime</dt>
            <dd data-testid="docker-fact-runtime">{docker.runtime}</dd>
          </div>
          <div className="fact">
            <dt>volume</dt>
            <dd data-testid="docker-fact-volume">{docker.volumeMode}</dd>
          </div>
          <div className="fact">
            <dt>network</dt>
            {egressContained(docker.networkMode) ? (
              <dd data-testid="docker-fact-network" title={docker.networkMode === 'contained' ? "Only Berth's proxy is reachable" : 'No network at all'}>
                {docker.networkMode}
              </dd>
            ) : (
              <dd
                className="fact-warn"
                data-testid="docker-fact-network"
                title="This session was created on an open network: direct connections bypass the proxy's egress policy and audit"
              >
                {docker.networkMode} · egress not contained
              </dd>
            )}
          </div>
          <div className="fact">
            <dt>limits</dt>
            <dd data-testid="docker-fact-limits">{formatLimits(docker.limits)}</dd>
          </div>
          {docker.containerId ? (
            <div className="fact">
              <dt>container</dt>
              <dd className="mono" data-testid="docker-fact-container" title={docker.containerId}>
                {shortId(docker.containerId)}
              </dd>
            </div>
          ) : null}
        </>
      ) : null}
      {stats ? (
        <div className="fact fact-stats" title={`sampled ${new Date(stats.at).toLocaleTimeString()}`}>
          <dt>use</dt>
          <dd data-testid="session-stats">
            CPU {formatCpuPercent(stats.cpuPercent)} · mem {formatBytes(stats.memoryBytes)}
          </dd>
        </div>
      ) : null}
      {usage ? <SessionUsageFact usage={usage} /> : null}
    </dl>
  );
}
