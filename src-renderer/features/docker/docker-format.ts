/**
 * Wording for Docker facts: byte sizes, image pull progress, resource limits, live stats.
 */
import type { ImageProgressDto, ResourceLimits } from '../../../src-shared/docker.js';

/** Decimal byte units, as Docker prints image and layer sizes. */
const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;
/** Factor between consecutive byte units. */
const BYTES_PER_UNIT = 1000;
/** Values below this get one decimal ("4.2 MB"); larger ones are rounded ("45 MB"). */
const ONE_DECIMAL_BELOW = 10;
/** Characters of a container id shown (Docker's short id). */
const SHORT_ID_CHARS = 12;

/** A byte count as "0 B", "812 kB", "4.2 MB", "120 MB", "1.3 GB"; an em dash when unknown. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= BYTES_PER_UNIT && unit < BYTE_UNITS.length - 1) {
    value /= BYTES_PER_UNIT;
    unit++;
  }
  const digits = unit > 0 && value < ONE_DECIMAL_BELOW ? 1 : 0;
  let text = value.toFixed(digits);
  // 999.6 kB rounds to "1000 kB": move up a unit instead.
  if (Number(text) >= BYTES_PER_UNIT && unit < BYTE_UNITS.length - 1) {
    unit++;
    text = (value / BYTES_PER_UNIT).toFixed(1);
  }
  return `${text} ${BYTE_UNITS[unit]}`;
}

/**
 * Image pull progress, e.g. "Pulling image: 3/7 layers, 45 MB / 120 MB"; "Preparing image…" before the
 * first pull event (the image may well be present already).
 */
export function formatImageProgress(image: ImageProgressDto | null | undefined): string {
  if (!image) return 'Preparing image…';
  if (image.layersTotal === 0) return 'Pulling image…';
  const layers = `${image.layersDone}/${image.layersTotal} layers`;
  if (image.bytesTotal <= 0) return `Pulling image: ${layers}`;
  return `Pulling image: ${layers}, ${formatBytes(image.bytesDone)} / ${formatBytes(image.bytesTotal)}`;
}

/** Resource limits in one line, e.g. "2 CPUs · 2048 MB · 4096 pids"; "no limits" when none is set. */
export function formatLimits(limits: ResourceLimits): string {
  const parts: string[] = [];
  if (limits.cpus !== null) parts.push(`${limits.cpus} CPU${limits.cpus === 1 ? '' : 's'}`);
  if (limits.memoryMb !== null) parts.push(`${limits.memoryMb} MB`);
  if (limits.pids !== null) parts.push(`${limits.pids} pids`);
  return parts.length > 0 ? parts.join(' · ') : 'no limits';
}

/** A CPU share as "12.3%" (one decimal below 100%, whole numbers above). */
export function formatCpuPercent(percent: number): string {
  if (!Number.isFinite(percent)) return '—';
  return `${percent < 100 ? percent.toFixed(1) : Math.round(percent)}%`;
}

/** Docker's short container id (first 12 hex digits, without a `sha256:` prefix). */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, SHORT_ID_CHARS);
}

/** A timestamp as a local date, e.g. "2024-05-01 12:34"; an em dash when absent. */
export function formatDate(at: number | null): string {
  if (at === null) return '—';
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
