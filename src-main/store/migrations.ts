/**
 * Numbered, forward-only migrations. Index + 1 is the `user_version` after the step runs.
 * Never edit a released step; append a new one.
 */
export const migrations: readonly string[] = [
  // 1: sessions, their state transitions, recent repositories, settings.
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    repo_path TEXT NOT NULL,
    worktree_path TEXT NOT NULL,
    branch TEXT NOT NULL,
    base_branch TEXT NOT NULL,
    agent TEXT NOT NULL,
    backend TEXT NOT NULL,
    prompt TEXT NOT NULL,
    model TEXT,
    command TEXT NOT NULL,
    state TEXT NOT NULL,
    exit_code INTEGER,
    reason TEXT,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    cols INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    pid INTEGER,
    worktree_ms REAL,
    start_ms REAL,
    first_output_ms REAL
  );
  CREATE INDEX sessions_archived ON sessions(archived, created_at);
  CREATE TABLE session_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    detail TEXT
  );
  CREATE INDEX session_events_session ON session_events(session_id, id);
  CREATE TABLE recent_repos (
    path TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    last_used_at INTEGER NOT NULL
  );
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: a Docker session's image, container and limits (JSON), null for other backends.
  `
  ALTER TABLE sessions ADD COLUMN docker TEXT;
  `,
];
