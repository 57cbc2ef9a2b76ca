/**
 * Migration 10 on a real database written by the previous Berth: `running` / `waiting` sessions and
 * their events read back as `working` / `waiting-input`, with a default attention, so a user's
 * sessions and their history survive the upgrade.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures.js';
import { openDatabase } from './database.js';
import { migrations } from './migrations.js';
import { SessionsRepo } from './sessions-repo.js';

/** The schema version before agent states from hooks. */
const BEFORE_AGENT_STATES = 9;

describe('migration to agent states', () => {
  it('renames running and waiting in sessions and events and gives old rows an attention', async () => {
    const file = path.join(await tempDir(), 'berth.db');
    const old = new Database(file);
    for (const sql of migrations.slice(0, BEFORE_AGENT_STATES)) old.exec(sql);
    old.pragma(`user_version = ${BEFORE_AGENT_STATES}`);
    const insert = old.prepare(
      "INSERT INTO sessions (id, name, repo_path, worktree_path, branch, base_branch, agent, backend, prompt, command, state, created_at, updated_at, cols, rows) VALUES (?, ?, '/r', ?, ?, 'main', 'shell', 'local', '', '[]', ?, 1000, 2000, 80, 24)",
    );
    insert.run('a', 'busy', '/w/a', 'berth/a', 'running');
    insert.run('b', 'asking', '/w/b', 'berth/b', 'waiting');
    insert.run('c', 'done', '/w/c', 'berth/c', 'exited');
    const event = old.prepare('INSERT INTO session_events (session_id, at, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?)');
    event.run('a', 1000, null, 'creating', 'created');
    event.run('a', 1500, 'creating', 'running', null);
    event.run('b', 1600, 'running', 'waiting', null);
    old.close();

    const db = await openDatabase(file);
    const repo = new SessionsRepo(db);
    const byName = new Map(repo.all().map((s) => [s.name, s]));
    expect(byName.get('busy')?.state).toBe('working');
    expect(byName.get('asking')?.state).toBe('waiting-input');
    expect(byName.get('done')?.state).toBe('exited');
    expect(byName.get('busy')?.attention).toEqual({ detail: null, source: 'activity', since: 2000, unread: false });
    expect(repo.events('a').map((e) => `${e.from ?? '∅'}→${e.to}`)).toEqual(['∅→creating', 'creating→working']);
    expect(repo.events('b').map((e) => `${e.from ?? '∅'}→${e.to}`)).toEqual(['working→waiting-input']);
    db.close();
  });
});
