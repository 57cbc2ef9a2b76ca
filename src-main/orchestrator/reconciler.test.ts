/**
 * The periodic reconcile never runs two passes at once: with the real local backend made slow (its
 * inspect waits until the test lets it go), ticks keep coming, and no second pass may start.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionDto } from '../../src-shared/dto.js';
import { AgentCatalog } from '../agents/profiles.js';
import type { IBackend, InstanceInfo, KnownInstance } from '../backends/backend.js';
import { LocalPtyBackend } from '../backends/local-pty/local-pty-backend.js';
import { BackendRegistry } from '../backends/registry.js';
import { SessionService } from '../sessions/session-service.js';
import { openDatabase } from '../store/database.js';
import { RecentReposRepo, SettingsRepo } from '../store/misc-repos.js';
import { SessionsRepo } from '../store/sessions-repo.js';
import { tempDir, waitFor } from '../testing/fixtures.js';
import { sessionFixture } from '../testing/session-fixture.js';
import { startReconcileLoop } from './reconciler.js';

/** Tick of the loop under test: many ticks fall inside one slow pass. */
const INTERVAL_MS = 10;
/** How long the first pass is held: thirty ticks. */
const HOLD_MS = 30 * INTERVAL_MS;

/** A session the store believes live whose engine was unreachable (what the loop looks at again). */
function unknownSession(id: string): SessionDto {
  return sessionFixture(id, { repoPath: '/nonexistent-repo', worktreePath: '/nonexistent-repo/wt', state: 'unknown', reason: 'the engine did not answer' });
}

describe('reconcile loop', () => {
  it('a slow inspect never lets a second pass start', async () => {
    const dir = tempDir('berth-reconcile-');
    const db = await openDatabase(path.join(dir, 'berth.db'));
    const repo = new SessionsRepo(db);
    repo.insert(unknownSession('s1'), 'created');
    repo.insert(unknownSession('s2'), 'created');

    // The real backend, its inspect held until released and its concurrency counted.
    const real = new LocalPtyBackend(process.env);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const slow: IBackend = Object.assign(Object.create(real) as IBackend, {
      inspect: async (known: KnownInstance): Promise<InstanceInfo> => {
        calls++;
        active++;
        maxActive = Math.max(maxActive, active);
        try {
          await held;
          return await real.inspect(known);
        } finally {
          active--;
        }
      },
    });
    const backends = new BackendRegistry();
    backends.register(slow);
    const settings = new SettingsRepo(db);
    const sessions = new SessionService({ dataDir: dir, sessions: repo, recentRepos: new RecentReposRepo(db), backends, agents: new AgentCatalog(process.env), settings: () => settings.get() });
    const errors: unknown[] = [];
    const loop = startReconcileLoop({ sessions, backends, only: ['unknown'], intervalMs: INTERVAL_MS, onError: (_task, e) => errors.push(e) });
    try {
      await waitFor(() => calls > 0, 'the first pass inspects');
      // Many ticks go by while the pass waits on the engine.
      await new Promise((r) => setTimeout(r, HOLD_MS));
      expect(maxActive).toBe(1);
      expect(calls).toBe(1);
      release();
      await waitFor(() => sessions.liveSessions().length === 0, 'both sessions reconciled');
      expect(maxActive).toBe(1);
      // Each session was looked at once and ended once.
      expect(calls).toBe(2);
      for (const id of ['s1', 's2']) {
        const ended = repo.events(id).filter((e) => e.from === 'unknown');
        expect(ended.map((e) => e.to)).toEqual(['exited']);
      }
      expect(errors).toEqual([]);
    } finally {
      release();
      await loop.dispose();
      sessions.dispose();
      db.close();
    }
  });
});
