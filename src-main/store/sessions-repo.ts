/**
 * Session rows and their state-transition events, with prepared statements.
 *
 * Two durabilities. What a restart must find (a create, start, exit, failure, archive) is written at
 * once with `synchronous=FULL`. What only shows how a session is doing right now (running ⇄ idle
 * flips, terminal size, phase timings) is staged in memory and written by `flush()` (periodically and
 * at close) in one transaction at `synchronous=NORMAL`, or with the next durable write, whichever
 * comes first. A crash loses at most the last flush period of that; never a state that matters.
 *
 * Retention: running ⇄ idle rows are pruned past a per-session count and an age; every other
 * transition is kept for as long as its session exists (deleted with it).
 */
import { AGENT_STATES, SessionAttentionDto, type SessionDto, type SessionEventDto, type SessionState } from '../../src-shared/dto.js';
import type { Db } from './database.js';

interface SessionRow {
  id: string;
  name: string;
  repo_path: string;
  worktree_path: string;
  branch: string;
  base_branch: string;
  agent: string;
  backend: string;
  prompt: string;
  model: string | null;
  command: string;
  state: string;
  exit_code: number | null;
  reason: string | null;
  unsynced: string | null;
  archived: number;
  created_at: number;
  updated_at: number;
  cols: number;
  rows: number;
  pid: number | null;
  worktree_ms: number | null;
  start_ms: number | null;
  first_output_ms: number | null;
  docker: string | null;
  /** JSON array of `{name, port}` from session_ports (read only; written by PortsRepo). */
  ports?: string | null;
  conversation_id: string | null;
  /** JSON of SessionAttentionDto; null in rows written before attention existed. */
  attention: string | null;
}

function toDto(row: SessionRow): SessionDto {
  return {
    id: row.id,
    name: row.name,
    repoPath: row.repo_path,
    worktreePath: row.worktree_path,
    branch: row.branch,
    baseBranch: row.base_branch,
    agent: row.agent as SessionDto['agent'],
    backend: row.backend as SessionDto['backend'],
    prompt: row.prompt,
    model: row.model,
    command: JSON.parse(row.command) as string[],
    state: row.state as SessionState,
    exitCode: row.exit_code,
    reason: row.reason,
    unsynced: row.unsynced,
    archived: row.archived === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    cols: row.cols,
    rows: row.rows,
    pid: row.pid,
    phases: { worktreeMs: row.worktree_ms, startMs: row.start_ms, firstOutputMs: row.first_output_ms },
    // Sessions stored before containment existed ran on the open bridge.
    docker: row.docker ? ({ networkMode: 'bridge', ...JSON.parse(row.docker) } as SessionDto['docker']) : null,
    // Resource samples live in memory only.
    stats: null,
    ports: row.ports ? (JSON.parse(row.ports) as SessionDto['ports']) : [],
    git: null,
    conversationId: row.conversation_id,
    attention: row.attention ? SessionAttentionDto.parse(JSON.parse(row.attention)) : { detail: null, source: 'activity', since: row.updated_at, unread: false },
  };
}

function toRow(s: SessionDto): SessionRow {
  return {
    id: s.id,
    name: s.name,
    repo_path: s.repoPath,
    worktree_path: s.worktreePath,
    branch: s.branch,
    base_branch: s.baseBranch,
    agent: s.agent,
    backend: s.backend,
    prompt: s.prompt,
    model: s.model,
    command: JSON.stringify(s.command),
    state: s.state,
    exit_code: s.exitCode,
    reason: s.reason,
    unsynced: s.unsynced,
    archived: s.archived ? 1 : 0,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    cols: s.cols,
    rows: s.rows,
    pid: s.pid,
    worktree_ms: s.phases.worktreeMs,
    start_ms: s.phases.startMs,
    first_output_ms: s.phases.firstOutputMs,
    docker: s.docker ? JSON.stringify(s.docker) : null,
    conversation_id: s.conversationId,
    attention: JSON.stringify(s.attention),
  };
}

const COLUMNS = [
  'id', 'name', 'repo_path', 'worktree_path', 'branch', 'base_branch', 'agent', 'backend', 'prompt', 'model',
  'command', 'state', 'exit_code', 'reason', 'archived', 'created_at', 'updated_at', 'cols', 'rows', 'pid',
  'worktree_ms', 'start_ms', 'first_output_ms', 'docker', 'unsynced', 'conversation_id', 'attention',
] as const;

/** The states a session flips between while it works; transitions between them are activity. */
const ACTIVITY_STATES = `(${AGENT_STATES.map((s) => `'${s}'`).join(', ')})`;
/** SQL condition: the event row is a flip between agent states (matches the partial index of migration 10). */
const IS_ACTIVITY = `from_state IN ${ACTIVITY_STATES} AND to_state IN ${ACTIVITY_STATES}`;
const DAY_MS = 86_400_000;

/** How much running ⇄ idle history is kept. */
export interface ActivityRetention {
  /** Newest activity rows kept per session. */
  perSession: number;
  /** Activity rows older than this are pruned. */
  maxAgeMs: number;
}

/** Enough flips to see a session's recent rhythm in `berth status`; a week of history at most. */
export const DEFAULT_ACTIVITY_RETENTION: ActivityRetention = { perSession: 200, maxAgeMs: 7 * DAY_MS };
/** Retention runs at most this often (inside a flush's transaction). */
const PRUNE_EVERY_MS = 60_000;

interface PendingEvent {
  sessionId: string;
  at: number;
  from: SessionState;
  to: SessionState;
  detail: string | null;
}

/** Session persistence. Every durable state change is written with its event row in one transaction. */
export class SessionsRepo {
  /** Staged rows (latest per session) and activity events, waiting for the next write. */
  private readonly pendingRows = new Map<string, SessionDto>();
  private pendingEvents: PendingEvent[] = [];
  private lastPrune = Number.NEGATIVE_INFINITY;
  private readonly pruneAgeStmt;
  private readonly pruneCountStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly allStmt;
  private readonly insertEventStmt;
  private readonly eventsStmt;
  private readonly nameExistsStmt;

  constructor(
    private readonly db: Db,
    private readonly retention: ActivityRetention = DEFAULT_ACTIVITY_RETENTION,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO sessions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    this.updateStmt = db.prepare(
      `UPDATE sessions SET ${COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`,
    );
    this.deleteStmt = db.prepare('DELETE FROM sessions WHERE id = ?');
    this.allStmt = db.prepare(
      `SELECT s.*, (SELECT json_group_array(json_object('name', p.name, 'port', p.port))
                    FROM (SELECT name, port FROM session_ports WHERE session_id = s.id ORDER BY position) AS p) AS ports
       FROM sessions s ORDER BY s.created_at, s.rowid`,
    );
    this.insertEventStmt = db.prepare(
      'INSERT INTO session_events (session_id, at, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?)',
    );
    this.eventsStmt = db.prepare(
      'SELECT session_id, at, from_state, to_state, detail FROM session_events WHERE session_id = ? ORDER BY id',
    );
    this.nameExistsStmt = db.prepare('SELECT 1 FROM sessions WHERE name = ?');
    this.pruneAgeStmt = db.prepare(`DELETE FROM session_events WHERE ${IS_ACTIVITY} AND at < ?`);
    this.pruneCountStmt = db.prepare(
      `DELETE FROM session_events WHERE id IN (
         SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY id DESC) AS newer
                         FROM session_events WHERE ${IS_ACTIVITY})
         WHERE newer > ?)`,
    );
  }

  all(): SessionDto[] {
    return (this.allStmt.all() as SessionRow[]).map(toDto);
  }

  nameExists(name: string): boolean {
    return this.nameExistsStmt.get(name) !== undefined;
  }

  /** Writes the intent row and its first event, plus `also` in the same transaction (durably). */
  insert(session: SessionDto, detail: string | null, also?: () => void): void {
    this.db.transaction(() => {
      this.writePending();
      this.insertStmt.run(toRow(session));
      this.insertEventStmt.run(session.id, session.updatedAt, null, session.state, detail);
      also?.();
    })();
  }

  /**
   * Saves the row durably; when the state changed from `previous`, records the transition too.
   * Anything staged is written first, in the same transaction (events stay in order).
   */
  update(session: SessionDto, previous: SessionState, detail: string | null = null): void {
    this.db.transaction(() => {
      this.pendingRows.delete(session.id);
      this.writePending();
      this.updateStmt.run(toRow(session));
      if (previous !== session.state) {
        this.insertEventStmt.run(session.id, session.updatedAt, previous, session.state, detail);
      }
    })();
  }

  /**
   * Stages a change a crash may lose (activity, size, timings): kept in memory until the next flush or
   * durable write. A change of state is recorded as an event then too.
   */
  stage(session: SessionDto, previous: SessionState, detail: string | null = null): void {
    this.pendingRows.set(session.id, session);
    if (previous !== session.state) this.pendingEvents.push({ sessionId: session.id, at: session.updatedAt, from: previous, to: session.state, detail });
  }

  /**
   * Writes what is staged in one transaction at `synchronous=NORMAL` (no fsync of its own) and, at
   * most once a minute, prunes activity rows. Returns the rows and events written.
   */
  flush(now = Date.now()): number {
    const prune = now - this.lastPrune >= PRUNE_EVERY_MS;
    const count = this.pendingRows.size + this.pendingEvents.length;
    if (count === 0 && !prune) return 0;
    this.relaxed(() =>
      this.db.transaction(() => {
        this.writePending();
        if (prune) this.pruneEvents(now);
      })(),
    );
    if (prune) this.lastPrune = now;
    return count;
  }

  /** Deletes activity rows past the per-session count or the age; returns how many went. */
  pruneEvents(now = Date.now()): number {
    return this.db.transaction(
      () => this.pruneAgeStmt.run(now - this.retention.maxAgeMs).changes + this.pruneCountStmt.run(this.retention.perSession).changes,
    )();
  }

  delete(id: string): void {
    this.pendingRows.delete(id);
    this.pendingEvents = this.pendingEvents.filter((e) => e.sessionId !== id);
    this.deleteStmt.run(id);
  }

  /** The session's transitions, oldest first (staged ones included). */
  events(id: string): SessionEventDto[] {
    const stored = (
      this.eventsStmt.all(id) as { session_id: string; at: number; from_state: string | null; to_state: string; detail: string | null }[]
    ).map((r) => ({
      sessionId: r.session_id,
      at: r.at,
      from: r.from_state as SessionState | null,
      to: r.to_state as SessionState,
      detail: r.detail,
    }));
    const staged = this.pendingEvents.filter((e) => e.sessionId === id).map(({ sessionId, at, from, to, detail }) => ({ sessionId, at, from, to, detail }));
    return [...stored, ...staged];
  }

  /** Writes the staged rows and events (inside the caller's transaction). */
  private writePending(): void {
    for (const row of this.pendingRows.values()) this.updateStmt.run(toRow(row));
    for (const e of this.pendingEvents) this.insertEventStmt.run(e.sessionId, e.at, e.from, e.to, e.detail);
    this.pendingRows.clear();
    this.pendingEvents = [];
  }

  /** Runs `fn` with `synchronous=NORMAL` on this connection, then restores what was set. */
  private relaxed<T>(fn: () => T): T {
    const before = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma(`synchronous = ${before}`);
    }
  }
}
