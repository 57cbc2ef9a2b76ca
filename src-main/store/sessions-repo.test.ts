/**
 * session_events retention and staged writes, on a real SQLite store: working ⇄ idle rows are pruned
 * past a per-session count and an age; every transition `berth status` needs stays.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionDto, SessionState } from '../../src-shared/dto.js';
import { formatStatus } from '../cli/format.js';
import { tempDir } from '../testing/fixtures.js';
import { openDatabase } from './database.js';
import { sessionFixture } from '../testing/session-fixture.js';
import { DEFAULT_ACTIVITY_RETENTION, SessionsRepo } from './sessions-repo.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 0, 15);

function session(id: string, at: number): SessionDto {
  return sessionFixture(id, { createdAt: at, updatedAt: at });
}

/** Drives a session through `creating → working`, then `flips` working ⇄ idle flips (staged), one a second. */
function history(repo: SessionsRepo, id: string, start: number, flips: number): SessionDto {
  let s = session(id, start);
  repo.insert(s, 'created');
  const move = (state: SessionState, at: number, light: boolean) => {
    const next = { ...s, state, updatedAt: at };
    if (light) repo.stage(next, s.state);
    else repo.update(next, s.state, state);
    s = next;
  };
  move('working', start + 1, false);
  for (let i = 0; i < flips; i++) move(i % 2 === 0 ? 'idle' : 'working', start + 2 + i * 1_000, true);
  return s;
}

describe('session events', () => {
  it('prunes working ⇄ idle rows beyond the per-session count and the age, and keeps every other transition', async () => {
    const db = await openDatabase(path.join(tempDir(), 'berth.db'));
    const retention = { perSession: 50, maxAgeMs: DAY_MS };
    const repo = new SessionsRepo(db, retention);
    // An ended session whose flips are all older than a day; a live one with 300 recent flips.
    let ended = history(repo, 'ended', NOW - 3 * DAY_MS, 100);
    const exited = { ...ended, state: 'exited' as const, exitCode: 0, updatedAt: NOW - 2 * DAY_MS };
    repo.update(exited, ended.state, 'exited');
    ended = exited;
    const live = history(repo, 'live', NOW - 3_600_000, 300);
    // Staged flips of the live session are visible before any write.
    expect(repo.events('live').filter((e) => e.from !== null && e.from !== 'creating')).toHaveLength(300);

    // The periodic flush writes them and applies retention in the same transaction.
    expect(repo.flush(NOW)).toBeGreaterThan(0);
    const liveEvents = repo.events('live');
    const activity = (events: typeof liveEvents) => events.filter((e) => ['working', 'idle'].includes(e.from ?? '') && ['working', 'idle'].includes(e.to));
    expect(activity(liveEvents)).toHaveLength(retention.perSession);
    // The newest are the ones kept.
    expect(activity(liveEvents).at(-1)?.at).toBe(live.updatedAt);
    expect(liveEvents.slice(0, 2).map((e) => `${e.from ?? '∅'}→${e.to}`)).toEqual(['∅→creating', 'creating→working']);

    const endedEvents = repo.events('ended');
    expect(endedEvents.map((e) => `${e.from ?? '∅'}→${e.to}`)).toEqual(['∅→creating', 'creating→working', 'working→exited']);
    // What `berth status` shows still tells the story.
    const status = formatStatus(ended, endedEvents, NOW);
    expect(status).toContain('creating -> working');
    expect(status).toContain('working -> exited');

    // Retention rides along with a flush at most once a minute; nothing staged and not due: no write.
    expect(repo.flush(NOW + 1_000)).toBe(0);
    db.close();
  });

  it('a durable write takes the staged ones with it, in order; a deleted session drops its staged ones', async () => {
    const db = await openDatabase(path.join(tempDir(), 'berth.db'));
    const repo = new SessionsRepo(db, DEFAULT_ACTIVITY_RETENTION);
    let s = history(repo, 'a', NOW, 3);
    const resized = { ...s, cols: 120, rows: 40, updatedAt: NOW + 10_000 };
    repo.stage(resized, s.state);
    s = resized;
    const stopped = { ...s, state: 'exited' as const, updatedAt: NOW + 20_000 };
    repo.update(stopped, s.state, 'stopped');
    const stored = db.prepare('SELECT from_state, to_state FROM session_events WHERE session_id = ? ORDER BY id').all('a') as { from_state: string | null; to_state: string }[];
    expect(stored.map((e) => `${e.from_state ?? '∅'}→${e.to_state}`)).toEqual(['∅→creating', 'creating→working', 'working→idle', 'idle→working', 'working→idle', 'idle→exited']);
    expect(db.prepare('SELECT cols, rows, state FROM sessions WHERE id = ?').get('a')).toEqual({ cols: 120, rows: 40, state: 'exited' });

    history(repo, 'b', NOW, 5);
    repo.delete('b');
    expect(() => repo.flush(NOW)).not.toThrow();
    expect(db.prepare('SELECT COUNT(*) AS n FROM session_events WHERE session_id = ?').get('b')).toEqual({ n: 0 });
    db.close();
  });
});
