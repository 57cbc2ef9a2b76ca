/**
 * Human-readable Docker output of the CLI: byte sizes, the `cache size` table, `docker info`, and the
 * Docker lines of `status`.
 */
import { egressContained, type CacheDto, type DockerInfoDto, type DockerSessionInfo, type ResourceLimits } from '../../src-shared/docker.js';
import type { SessionDto } from '../../src-shared/dto.js';
import { formatAge, formatTable } from './text-table.js';

/** Decimal byte units, as Docker prints sizes. */
const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;
const BYTES_PER_UNIT = 1000;
/** Values below this get one decimal ("4.2MB"). */
const ONE_DECIMAL_BELOW = 10;
/** Characters of Docker's short ids. */
const SHORT_ID_CHARS = 12;
/** Placeholder for an absent value. */
const NONE = '-';

/** Bytes as `0B`, `812kB`, `4.2MB`, `1.3GB` (Docker's style); `-` when unknown. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return NONE;
  let value = bytes;
  let unit = 0;
  while (value >= BYTES_PER_UNIT && unit < BYTE_UNITS.length - 1) {
    value /= BYTES_PER_UNIT;
    unit++;
  }
  let text = value.toFixed(unit > 0 && value < ONE_DECIMAL_BELOW ? 1 : 0);
  if (Number(text) >= BYTES_PER_UNIT && unit < BYTE_UNITS.length - 1) {
    unit++;
    text = (value / BYTES_PER_UNIT).toFixed(1);
  }
  return `${text}${BYTE_UNITS[unit]}`;
}

/** Docker's short id (12 hex digits, no `sha256:`). */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, SHORT_ID_CHARS);
}

/** The `berth cache size` table: TYPE VOLUME SIZE MOUNT (SIZE `-` for a cache not made yet). */
export function formatCacheTable(caches: readonly CacheDto[]): string {
  return formatTable(
    ['TYPE', 'VOLUME', 'SIZE', 'MOUNT'],
    caches.map((c) => [c.type, c.volume, c.exists ? formatBytes(c.sizeBytes) : NONE, c.mountPath]),
  );
}

/** Limits in one line: `cpus 2, memory 2048MB, pids 4096` (`unlimited` where unset). */
export function formatLimits(limits: ResourceLimits): string {
  const cpus = limits.cpus === null ? 'unlimited' : String(limits.cpus);
  const memory = limits.memoryMb === null ? 'unlimited' : `${limits.memoryMb}MB`;
  const pids = limits.pids === null ? 'unlimited' : String(limits.pids);
  return `cpus ${cpus}, memory ${memory}, pids ${pids}`;
}

/** The `berth docker info` report: endpoint, status, runtimes, images, warm pool. */
export function formatDockerInfo(info: DockerInfoDto, now = Date.now()): string {
  const lines = [`endpoint:  ${info.endpoint}`];
  if (!info.available) {
    lines.push(`engine:    unavailable: ${info.reason ?? 'no answer'}`);
    return lines.join('\n');
  }
  lines.push(`engine:    Docker ${info.version ?? 'unknown'}`);
  const runtimes = info.runtimes.join(', ') || NONE;
  lines.push(`runtimes:  ${runtimes}${info.defaultRuntime ? ` (default ${info.defaultRuntime})` : ''}`);
  lines.push('', 'images:');
  if (info.images.length === 0) lines.push('  (none)');
  else {
    const rows = info.images.map((i) => [
      `  ${i.ref}`,
      shortId(i.id),
      formatBytes(i.sizeBytes),
      `${formatAge(now - i.createdAt)} ago`,
      i.lastUsedAt === null ? 'never' : `${formatAge(now - i.lastUsedAt)} ago`,
    ]);
    lines.push(...formatTable(['  REF', 'ID', 'SIZE', 'CREATED', 'LAST USED'], rows).split('\n'));
  }
  if (info.pool.length > 0) {
    lines.push('', 'warm pool:');
    for (const p of info.pool) {
      const starting = p.starting > 0 ? `, ${p.starting} starting` : '';
      lines.push(`  ${p.image}: ${p.ready}/${p.target} ready${starting}${p.lastError ? ` (last error: ${p.lastError})` : ''}`);
    }
  }
  return lines.join('\n');
}

/** What a session shows when its network is open: nothing stops it from bypassing the proxy. */
export const EGRESS_NOT_CONTAINED = 'egress not contained';

/** A Docker session's network in words: contained, none, or the open network with the warning. */
export function describeNetwork(d: DockerSessionInfo): string {
  if (d.networkMode === 'contained') return 'contained (only the proxy is reachable)';
  if (d.networkMode === 'none') return 'none (no network)';
  return `${d.networkMode}: ${EGRESS_NOT_CONTAINED} (direct connections bypass the proxy's egress policy and audit)`;
}

/** The backend column of `berth list`: `docker (egress not contained)` for a session on an open network. */
export function describeBackend(s: SessionDto): string {
  return s.docker && !egressContained(s.docker.networkMode) ? `${s.backend} (${EGRESS_NOT_CONTAINED})` : s.backend;
}

/** `berth status` fields for a Docker session and for sampled resource use (empty when neither applies). */
export function dockerStatusFields(s: SessionDto, now = Date.now()): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  if (s.docker) {
    const d = s.docker;
    fields.push(
      ['image', d.warm ? `${d.image} (from the warm pool)` : d.image],
      ['container', d.containerId ? shortId(d.containerId) : NONE],
      ['runtime', d.runtime],
      ['volume mode', d.volumeMode],
      ['network', describeNetwork(d)],
      ['caches', d.caches.length > 0 ? d.caches.join(', ') : 'none'],
      ['limits', formatLimits(d.limits)],
    );
  }
  if (s.stats) {
    const cpu = `${s.stats.cpuPercent.toFixed(1)}%`;
    fields.push(['usage', `cpu ${cpu}, memory ${formatBytes(s.stats.memoryBytes)} (sampled ${formatAge(now - s.stats.at)} ago)`]);
  }
  return fields;
}
