/**
 * What session activity costs the store: resizes and running ⇄ idle flips are batched (a few WAL
 * frames for hundreds of changes, instead of a full-fsync commit each), a clean close writes the
 * latest of them, and a crash (SIGKILL) still leaves every transition a restart needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionState } from '../../src-shared/dto.js';
import { AgentCatalog } from '../agents/profiles.js';
import { LocalPtyBackend } from '../backends/local-pty/local-pty-backend.js';
import { BackendRegistry } from '../backends/registry.js';
import { callHttp, readApiFile } from '../client/node-client.js';
import { openDatabase } from '../store/database.js';
import { RecentReposRepo, SettingsRepo } from '../store/misc-repos.js';
import { SessionsRepo } from '../store/sessions-repo.js';
import { makeRepo, tempDir, waitFor } from '../testing/fixtures.js';
import { SessionService } from './session-service.js';

/** WAL layout (sqlite.org/fileformat2.html#walformat): a 32-byte header, then frames of a 24-byte header and a page. */
const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;
/**
 * Frames 100 resizes and 100 flips may cost: a flush every few seconds, each a handful of pages.
 * One commit each (before batching) wrote over 1,000 (the WAL checkpointed on the way).
 */
const MAX_FRAMES = 40;
const CHANGES = 100;

const ENTRY = path.resolve(import.meta.dirname, '../orchestrator/main.ts');

describe('session writes', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('100 resizes and 100 idle flips cost a few writes; a clean close keeps the latest', async () => {
    const dir = tempDir('berth-writes-');
    const file = path.join(dir, 'berth.db');
    const db = await openDatabase(file);
    const settings = new SettingsRepo(db);
    const backends = new BackendRegistry();
    backends.register(new LocalPtyBackend(process.env));
    // Idle after 40 ms without output: an agent printing every 150 ms flips twice per line.
    const service = new SessionService({
      dataDir: dir,
      sessions: new SessionsRepo(db),
      recentRepos: new RecentReposRepo(db),
      backends,
      agents: new AgentCatalog(process.env),
      settings: () => settings.get(),
      timing: { idleAfterMs: 40, activityCheckMs: 20 },
    });
    let disposed = false;
    try {
      const created = await service.create({ repoPath: makeRepo(), agent: 'custom', command: `sh -c 'while :; do echo tick; sleep 0.15; done'` });
      if (!created.ok) throw new Error(created.error.message);
      const id = created.value.id;
      const state = () => {
        const s = service.find(id);
        return s.ok ? s.value.state : null;
      };
      await waitFor(() => state() === 'working' || state() === 'idle', 'working');
      let flips = 0;
      let last: SessionState | null = state();
      const sub = service.onDidUpdate((s) => {
        if (s.id !== id || s.state === last) return;
        if ((s.state === 'working' || s.state === 'idle') && (last === 'working' || last === 'idle')) flips++;
        last = s.state;
      });

      db.pragma('wal_checkpoint(TRUNCATE)');
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const frames = () => Math.max(0, fs.statSync(`${file}-wal`).size - WAL_HEADER_BYTES) / (WAL_FRAME_HEADER_BYTES + pageSize);
      for (let i = 0; i < CHANGES; i++) service.resize(id, 80 + (i % 2), 24 + (i % 3));
      await waitFor(() => flips >= CHANGES, `${CHANGES} running ⇄ idle flips`, 60_000);
      sub.dispose();
      expect(frames()).toBeLessThanOrEqual(MAX_FRAMES);
      // What clients see is current all along, and the flips are in the session's events.
      const now = service.find(id);
      expect(now.ok && { cols: now.value.cols, rows: now.value.rows }).toEqual({ cols: 81, rows: 24 });
      const events = service.events(id);
      expect(events.ok && events.value.filter((e) => e.from === 'idle' && e.to === 'working').length).toBeGreaterThanOrEqual(CHANGES / 2 - 1);

      // A clean close writes the latest size, without anything else happening first.
      service.resize(id, 133, 37);
      service.dispose();
      disposed = true;
      const reader = new Database(file, { readonly: true });
      try {
        expect(reader.prepare('SELECT cols, rows FROM sessions WHERE id = ?').get(id)).toEqual({ cols: 133, rows: 37 });
      } finally {
        reader.close();
      }
    } finally {
      if (!disposed) {
        await service.shutdown('stop-all');
        service.dispose();
      }
      db.close();
    }
  }, 120_000);

  it('after a crash (SIGKILL) the transitions a restart needs are in the store', async () => {
    const home = tempDir('berth-home-');
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { env: { ...process.env, BERTH_HOME: home, BERTH_PORT: '0' }, stdio: 'ignore' });
    children.push(child);
    const api = await waitFor(() => {
      const a = readApiFile(home);
      return a.ok && a.value.pid === child.pid ? a.value : null;
    }, 'orchestrator ready', 20_000);
    const created = await callHttp(api, 'sessions.create', { repoPath: makeRepo(), agent: 'custom', command: 'sleep 600' });
    if (!created.ok) throw new Error(created.error.message);
    await waitFor(async () => {
      const s = await callHttp(api, 'sessions.get', { ref: created.value.id });
      return s.ok && s.value.pid !== null;
    }, 'working');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const db = new Database(path.join(home, 'berth.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT state, pid FROM sessions WHERE id = ?').get(created.value.id) as { state: string; pid: number | null };
      expect(['working', 'idle']).toContain(row.state);
      expect(row.pid).not.toBeNull();
      const transitions = (db.prepare('SELECT from_state, to_state FROM session_events WHERE session_id = ? ORDER BY id').all(created.value.id) as { from_state: string | null; to_state: string }[]).map(
        (e) => `${e.from_state ?? '∅'}→${e.to_state}`,
      );
      expect(transitions.slice(0, 2)).toEqual(['∅→creating', 'creating→working']);
    } finally {
      db.close();
    }
  }, 60_000);
});
