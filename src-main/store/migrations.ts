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
  // 3: metrics rolled up per second and per minute (one row per series and bucket), and stored
  // benchmark runs. `series` is the metric name with its labels, e.g. `session_create_ms{backend="local",phase="start",warm="false"}`.
  `
  CREATE TABLE metric_rollups (
    series TEXT NOT NULL,
    resolution INTEGER NOT NULL,
    bucket_start INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    p50 REAL NOT NULL,
    p95 REAL NOT NULL,
    p99 REAL NOT NULL,
    PRIMARY KEY (series, resolution, bucket_start)
  ) WITHOUT ROWID;
  CREATE INDEX metric_rollups_time ON metric_rollups(resolution, bucket_start);
  CREATE TABLE resource_samples (
    subject TEXT NOT NULL,
    at INTEGER NOT NULL,
    cpu_percent REAL NOT NULL,
    memory_bytes INTEGER NOT NULL,
    PRIMARY KEY (subject, at)
  ) WITHOUT ROWID;
  CREATE INDEX resource_samples_time ON resource_samples(at);
  CREATE TABLE bench_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    machine TEXT NOT NULL,
    results TEXT NOT NULL
  );
  `,
  // 4: the credential proxy's audit trail (never header values or bodies) and LLM token use.
  `
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    session_id TEXT,
    provider TEXT,
    host TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER,
    bytes_up INTEGER NOT NULL,
    bytes_down INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    injected INTEGER NOT NULL,
    decision TEXT NOT NULL,
    model TEXT,
    tokens_in INTEGER,
    tokens_out INTEGER,
    cost_usd REAL
  );
  CREATE INDEX audit_session ON audit(session_id, id);
  CREATE INDEX audit_time ON audit(at);
  CREATE TABLE token_usage (
    session_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    requests INTEGER NOT NULL,
    tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    PRIMARY KEY (session_id, provider, model)
  ) WITHOUT ROWID;
  `,
  // 5: running ⇄ idle rows of session_events, for their retention (newest per session, by age).
  `
  CREATE INDEX session_events_activity ON session_events(session_id, id)
    WHERE from_state IN ('running', 'idle') AND to_state IN ('running', 'idle');
  `,
  // 6: why a session's changes in its backend's own copy of the worktree (a Docker workspace volume)
  // could not be synced back; null when nothing is waiting.
  `
  ALTER TABLE sessions ADD COLUMN unsynced TEXT;
  `,
  // 7: Docker sessions are contained by default. A stored network of `bridge` was the old default
  // (containment did not exist, so it was nobody's choice of an open network): it becomes `contained`.
  `
  UPDATE settings SET value = json_set(value, '$.networkMode', 'contained')
    WHERE key = 'docker' AND json_valid(value) AND json_extract(value, '$.networkMode') = 'bridge';
  `,
  // 8: host ports held by sessions (one row per port; the primary key keeps two sessions from ever
  // holding one port), and per-repository settings for repositories without a .berth.json (its JSON).
  `
  CREATE TABLE session_ports (
    port INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (session_id, name)
  );
  CREATE INDEX session_ports_session ON session_ports(session_id, position);
  CREATE TABLE repo_settings (
    repo_path TEXT PRIMARY KEY,
    config TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // 9: the agent's own conversation id (agents that resume one: Claude Code, Gemini CLI); null otherwise.
  `
  ALTER TABLE sessions ADD COLUMN conversation_id TEXT;
  `,
  // 10: agent states from hooks. `running` is now `working` and `waiting` is `waiting-input` (a
  // permission prompt is `waiting-approval`); activity rows are flips between any of the agent states.
  // `attention` (JSON): the question or approval waited on, since when, and whether the user saw it.
  `
  UPDATE sessions SET state = 'working' WHERE state = 'running';
  UPDATE sessions SET state = 'waiting-input' WHERE state = 'waiting';
  UPDATE session_events SET from_state = 'working' WHERE from_state = 'running';
  UPDATE session_events SET to_state = 'working' WHERE to_state = 'running';
  UPDATE session_events SET from_state = 'waiting-input' WHERE from_state = 'waiting';
  UPDATE session_events SET to_state = 'waiting-input' WHERE to_state = 'waiting';
  DROP INDEX session_events_activity;
  CREATE INDEX session_events_activity ON session_events(session_id, id)
    WHERE from_state IN ('working', 'waiting-input', 'waiting-approval', 'idle')
      AND to_state IN ('working', 'waiting-input', 'waiting-approval', 'idle');
  ALTER TABLE sessions ADD COLUMN attention TEXT;
  `,
];
