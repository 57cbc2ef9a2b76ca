/**
 * Ports per session: each port name of a repository (`.berth.json` `ports`) gets a host port that was
 * free when it was handed out (checked by binding it on 127.0.0.1 and 0.0.0.0), held in the database
 * for the session's lifetime and given back on delete.
 *
 * Two guards keep one port from ever going to two live sessions: an in-process claim taken before the
 * bind check (so creates running side by side skip each other's candidates), and the database's
 * primary key on the port.
 */
import net from 'node:net';
import { portEnvName } from '../../src-shared/berth-config.js';
import type { SessionPortDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { PortsRepo } from '../store/ports-repo.js';

/** An inclusive range of host ports Berth hands out. */
export interface PortRange {
  first: number;
  last: number;
}

/**
 * Ports handed out unless `BERTH_PORT_RANGE` says otherwise: below Linux's ephemeral range (32768–60999),
 * so an outgoing connection's local port never takes one a session's server wants.
 */
export const DEFAULT_PORT_RANGE: PortRange = { first: 20_000, last: 29_999 };
/** The environment variable that overrides the range: `FIRST-LAST`, e.g. `41000-41999`. */
export const PORT_RANGE_ENV = 'BERTH_PORT_RANGE';
/** Lowest port accepted in a range: below it are the privileged ports. */
const MIN_UNPRIVILEGED_PORT = 1024;
const MAX_PORT = 65_535;
/** Addresses a port must be bindable on to count as free: loopback, and every IPv4 interface. */
const CHECK_HOSTS = ['127.0.0.1', '0.0.0.0'];

/** The range named by `text` (`FIRST-LAST`); the default when unset. */
export function parsePortRange(text: string | undefined): Result<PortRange> {
  if (text === undefined || text.trim() === '') return ok(DEFAULT_PORT_RANGE);
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first < MIN_UNPRIVILEGED_PORT || last > MAX_PORT || first > last) {
    return err('bad_request', `${PORT_RANGE_ENV}="${text}" is not a port range; use FIRST-LAST with ${MIN_UNPRIVILEGED_PORT} ≤ FIRST ≤ LAST ≤ ${MAX_PORT}, e.g. 41000-41999`);
  }
  return ok({ first, last });
}

/** Whether nothing listens on `port` at `host`: a listen there succeeds (and is closed at once). */
function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (e: NodeJS.ErrnoException) => {
      // A host without the address family can't have the port taken on it either.
      resolve(e.code === 'EAFNOSUPPORT' || e.code === 'EADDRNOTAVAIL');
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Whether `port` is free on every address a session's server may listen on. */
export async function portIsFree(port: number): Promise<boolean> {
  for (const host of CHECK_HOSTS) if (!(await bindable(port, host))) return false;
  return true;
}

/** The agent's variables for its ports: `PORT` (the first) and `BERTH_PORT_<NAME>` for each. */
export function portEnv(ports: readonly SessionPortDto[]): Record<string, string> {
  const env: Record<string, string> = {};
  if (ports[0]) env.PORT = String(ports[0].port);
  for (const p of ports) env[portEnvName(p.name)] = String(p.port);
  return env;
}

export class PortAllocator {
  /** Ports held by sessions (from the database) or claimed by a create in progress. */
  private readonly taken = new Set<number>();
  /** Where the next search starts: handed-out ports walk forward through the range, then wrap. */
  private cursor: number;

  constructor(
    private readonly repo: PortsRepo,
    private readonly range: PortRange = DEFAULT_PORT_RANGE,
  ) {
    for (const held of repo.all()) this.taken.add(held.port);
    this.cursor = range.first;
  }

  /**
   * Claims a free port for each name, in order. The claim is in memory: `record` writes it with the
   * session row, `giveBack` undoes it (a create that failed before its row was written).
   */
  async reserve(names: readonly string[]): Promise<Result<SessionPortDto[]>> {
    const ports: SessionPortDto[] = [];
    for (const name of names) {
      const port = await this.claimFree();
      if (port === null) {
        this.giveBack(ports);
        const { first, last } = this.range;
        return err('conflict', `no free port left for "${name}" in ${first}-${last}: every one is held by a session or in use; delete sessions you no longer need, or set ${PORT_RANGE_ENV}`);
      }
      ports.push({ name, port });
    }
    return ok(ports);
  }

  /** Writes a session's claimed ports (call inside the transaction that inserts the session row). */
  record(sessionId: string, ports: readonly SessionPortDto[]): void {
    this.repo.insert(sessionId, ports);
  }

  /** Frees a deleted session's ports for others. */
  release(sessionId: string, ports: readonly SessionPortDto[]): void {
    this.repo.release(sessionId);
    this.giveBack(ports);
  }

  /** Drops in-memory claims that were never written (or whose rows are gone). */
  giveBack(ports: readonly SessionPortDto[]): void {
    for (const p of ports) this.taken.delete(p.port);
  }

  /** The next port in the range that no session holds and that binds; null when the range is used up. */
  private async claimFree(): Promise<number | null> {
    const { first, last } = this.range;
    for (let tried = 0; tried <= last - first; tried++) {
      const port = this.cursor;
      this.cursor = port >= last ? first : port + 1;
      if (this.taken.has(port)) continue;
      // Claimed before the check awaits, so a create running alongside moves on to another port.
      this.taken.add(port);
      if (await portIsFree(port)) return port;
      this.taken.delete(port);
    }
    return null;
  }
}
