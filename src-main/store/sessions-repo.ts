/**
 * Session rows and their state-transition events, with prepared statements.
 */
import type { SessionDto, SessionEventDto, SessionState } from '../../src-shared/dto.js';
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
    archived: row.archived === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    cols: row.cols,
    rows: row.rows,
    pid: row.pid,
    phases: { worktreeMs: row.worktree_ms, startMs: row.start_ms, firstOutputMs: row.first_output_ms },
    docker: row.docker ? (JSON.parse(row.docker) as SessionDto['docker']) : null,
    // Resource samples live in memory only.
    stats: null,
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
  };
}

const COLUMNS = [
  'id', 'name', 'repo_path', 'worktree_path', 'branch', 'base_branch', 'agent', 'backend', 'prompt', 'model',
  'command', 'state', 'exit_code', 'reason', 'archived', 'created_at', 'updated_at', 'cols', 'rows', 'pid',
  'worktree_ms', 'start_ms', 'first_output_ms', 'docker',
] as const;

/** Session persistence. Every state change is written with its event row in one transaction. */
export class SessionsRepo {
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly allStmt;
  private readonly insertEventStmt;
  private readonly eventsStmt;
  private readonly nameExistsStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO sessions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    this.updateStmt = db.prepare(
      `UPDATE sessions SET ${COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`,
    );
    this.deleteStmt = db.prepare('DELETE FROM sessions WHERE id = ?');
    this.allStmt = db.prepare('SELECT * FROM sessions ORDER BY created_at, rowid');
    this.insertEventStmt = db.prepare(
      'INSERT INTO session_events (session_id, at, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?)',
    );
    this.eventsStmt = db.prepare(
      'SELECT session_id, at, from_state, to_state, detail FROM session_events WHERE session_id = ? ORDER BY id',
    );
    this.nameExistsStmt = db.prepare('SELECT 1 FROM sessions WHERE name = ?');
  }

  all(): SessionDto[] {
    return (this.allStmt.all() as SessionRow[]).map(toDto);
  }

  nameExists(name: string): boolean {
    return this.nameExistsStmt.get(name) !== undefined;
  }

  /** Writes the intent row and its first event, plus `also` in the same transaction. */
  insert(session: SessionDto, detail: string | null, also?: () => void): void {
    this.db.transaction(() => {
      this.insertStmt.run(toRow(session));
      this.insertEventStmt.run(session.id, session.updatedAt, null, session.state, detail);
      also?.();
    })();
  }

  /** Saves the row; when the state changed from `previous`, records the transition too. */
  update(session: SessionDto, previous: SessionState, detail: string | null = null): void {
    this.db.transaction(() => {
      this.updateStmt.run(toRow(session));
      if (previous !== session.state) {
        this.insertEventStmt.run(session.id, session.updatedAt, previous, session.state, detail);
      }
    })();
  }

  delete(id: string): void {
    this.deleteStmt.run(id);
  }

  events(id: string): SessionEventDto[] {
    return (
      this.eventsStmt.all(id) as { session_id: string; at: number; from_state: string | null; to_state: string; detail: string | null }[]
    ).map((r) => ({
      sessionId: r.session_id,
      at: r.at,
      from: r.from_state as SessionState | null,
      to: r.to_state as SessionState,
      detail: r.detail,
    }));
  }
}
