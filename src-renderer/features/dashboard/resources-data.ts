/**
 * Shapes `resources.get` for the Dashboard's resources table: one row per live session and per Berth
 * process with its CPU, memory and recent CPU history; sorting; totals beside the machine's.
 */
import { LIVE_STATES } from '../../../src-shared/dto.js';
import type { MachineSampleDto, ResourceSampleDto, ResourceTickDto } from '../../../src-shared/metrics.js';
import { assertNever } from '../../../src-shared/result.js';
import type { SessionMeta } from './use-session-meta.js';

/** What `resources.get` answers. */
export interface ResourcesDto {
  latest: ResourceTickDto | null;
  history: Record<string, ResourceSampleDto[]>;
}

/** Subject prefixes the sampler uses (src-main/orchestrator/metrics-wiring.ts). */
export const SESSION_SUBJECT_PREFIX = 'session:';
export const BERTH_SUBJECT_PREFIX = 'berth:';

/** One row of the resources table. */
export interface ResourceRow {
  subject: string;
  kind: 'session' | 'berth';
  /** The session's id (sessions only). */
  sessionId: string | null;
  name: string;
  backend: string | null;
  state: string | null;
  cpuPercent: number | null;
  memoryBytes: number | null;
  processCount: number | null;
  /** CPU % per sample, oldest first (for the sparkline). */
  cpuHistory: Array<number | null>;
}

/** Rows of the resources table: sessions, and Berth's own processes. */
export interface ResourceRows {
  sessions: ResourceRow[];
  berth: ResourceRow[];
}

/** Characters of a session id shown when its name is not known (yet). */
const SHORT_ID_CHARS = 8;

/**
 * A row per live, unarchived session (sampled or not yet), per sampled session the store does not know,
 * and per Berth process.
 */
export function resourceRows(resources: ResourcesDto | null, sessions: Readonly<Record<string, SessionMeta>>): ResourceRows {
  const samples = new Map((resources?.latest?.samples ?? []).map((s) => [s.subject, s]));
  const history = resources?.history ?? {};
  const row = (subject: string, base: Pick<ResourceRow, 'kind' | 'sessionId' | 'name' | 'backend' | 'state'>): ResourceRow => {
    const s = samples.get(subject);
    return {
      subject,
      ...base,
      cpuPercent: s?.cpuPercent ?? null,
      memoryBytes: s?.memoryBytes ?? null,
      processCount: s?.processCount ?? null,
      cpuHistory: (history[subject] ?? []).map((h) => h.cpuPercent),
    };
  };
  const out: ResourceRows = { sessions: [], berth: [] };
  const seen = new Set<string>();
  for (const session of Object.values(sessions)) {
    const subject = SESSION_SUBJECT_PREFIX + session.id;
    if (session.archived || (!LIVE_STATES.includes(session.state) && !samples.has(subject))) continue;
    seen.add(subject);
    out.sessions.push(row(subject, { kind: 'session', sessionId: session.id, name: session.name, backend: session.backend, state: session.state }));
  }
  for (const subject of samples.keys()) {
    if (seen.has(subject)) continue;
    if (subject.startsWith(SESSION_SUBJECT_PREFIX)) {
      const id = subject.slice(SESSION_SUBJECT_PREFIX.length);
      out.sessions.push(row(subject, { kind: 'session', sessionId: id, name: id.slice(0, SHORT_ID_CHARS), backend: null, state: null }));
    } else {
      const name = subject.startsWith(BERTH_SUBJECT_PREFIX) ? subject.slice(BERTH_SUBJECT_PREFIX.length) : subject;
      out.berth.push(row(subject, { kind: 'berth', sessionId: null, name, backend: null, state: null }));
    }
  }
  out.berth.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}

/** Columns the resources table sorts by. */
export type ResourceSortKey = 'name' | 'backend' | 'state' | 'cpu' | 'memory';
export type SortDirection = 'asc' | 'desc';

/** The direction a column sorts in when first clicked: numbers biggest first, words A to Z. */
export function defaultDirection(key: ResourceSortKey): SortDirection {
  return key === 'cpu' || key === 'memory' ? 'desc' : 'asc';
}

function sortValue(row: ResourceRow, key: ResourceSortKey): string | number | null {
  switch (key) {
    case 'name':
      return row.name;
    case 'backend':
      return row.backend;
    case 'state':
      return row.state;
    case 'cpu':
      return row.cpuPercent;
    case 'memory':
      return row.memoryBytes;
    default:
      return assertNever(key);
  }
}

/** A sorted copy; rows without a value go last either way, ties by name. */
export function sortRows(rows: readonly ResourceRow[], key: ResourceSortKey, direction: SortDirection): ResourceRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else {
      const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      if (cmp !== 0) return sign * cmp;
    }
    return a.name.localeCompare(b.name) || a.subject.localeCompare(b.subject);
  });
}

/** CPU (per core, 100 = one core) and memory summed over some rows. */
export interface UsageSum {
  cpuPercent: number;
  memoryBytes: number;
  /** Rows that had a figure. */
  counted: number;
}

/** What all sessions and Berth use, beside the machine's capacity and use. */
export interface ResourceTotals {
  sessions: UsageSum;
  berth: UsageSum;
  machine: MachineSampleDto | null;
}

function sum(rows: readonly ResourceRow[]): UsageSum {
  let cpuPercent = 0;
  let memoryBytes = 0;
  let counted = 0;
  for (const r of rows) {
    if (r.cpuPercent === null && r.memoryBytes === null) continue;
    cpuPercent += r.cpuPercent ?? 0;
    memoryBytes += r.memoryBytes ?? 0;
    counted++;
  }
  return { cpuPercent, memoryBytes, counted };
}

export function resourceTotals(rows: ResourceRows, machine: MachineSampleDto | null): ResourceTotals {
  return { sessions: sum(rows.sessions), berth: sum(rows.berth), machine };
}

/** A share of a capacity in percent (0 when the capacity is unknown or zero), capped at 100. */
export function shareOf(part: number, whole: number): number {
  if (!(whole > 0) || !Number.isFinite(part)) return 0;
  return Math.min(100, Math.max(0, (part / whole) * 100));
}
