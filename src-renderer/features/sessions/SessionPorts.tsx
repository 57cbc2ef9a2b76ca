/**
 * A session's host ports (`.berth.json` `ports`) as `http://localhost:N` links that open in the browser.
 */
import { portEnvName } from '../../../src-shared/berth-config.js';
import type { SessionDto } from '../../../src-shared/dto.js';
import { useServices } from '../../app/services.js';
import { openBerthLink } from '../../client/safe-links.js';

/** The URL a session port is reached at from this machine. */
export function portUrl(port: number): string {
  return `http://localhost:${port}`;
}

/**
 * `unpublished`: the ports are not reachable from the host (a contained container's only way out is the
 * proxy), so they are shown as numbers the agent has, not as links.
 */
export function SessionPorts({ ports, unpublished = false }: { ports: SessionDto['ports']; unpublished?: boolean }) {
  const { links } = useServices();
  if (ports.length === 0) return null;
  if (unpublished) {
    return (
      <div className="session-ports" data-testid="session-ports" title="Egress is contained: nothing inside the container is reachable from the host. Pick an open network to publish ports.">
        <span className="session-ports-label">Ports (inside the container only)</span>
        {ports.map((p) => (
          <span key={p.name} className="session-port-name" data-testid={`port-${p.name}`}>
            {p.name} {p.port}
          </span>
        ))}
      </div>
    );
  }
  return (
    <div className="session-ports" data-testid="session-ports">
      <span className="session-ports-label">Ports</span>
      {ports.map((p) => {
        const url = portUrl(p.port);
        return (
          <a
            key={p.name}
            className="session-port"
            href={url}
            data-testid={`port-link-${p.name}`}
            title={`${p.name}: ${url} (${p === ports[0] ? 'PORT and ' : ''}${portEnvName(p.name)} in the agent)`}
            onClick={(e) => {
              // The renderer never navigates: the link opens in the browser (or a new tab, headless).
              e.preventDefault();
              openBerthLink(url, links);
            }}
          >
            <span className="session-port-name">{p.name}</span> {url}
          </a>
        );
      })}
    </div>
  );
}
