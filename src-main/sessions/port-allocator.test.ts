import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/database.js';
import { PortsRepo } from '../store/ports-repo.js';
import { tempDir } from '../testing/fixtures.js';
import { parsePortRange, PortAllocator, portEnv } from './port-allocator.js';

describe('PortAllocator (real binds, real SQLite)', () => {
  const dbs: Db[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });
  const openRepo = async () => {
    const db = await openDatabase(path.join(tempDir(), 'berth.db'));
    dbs.push(db);
    db.prepare(
      "INSERT INTO sessions (id, name, repo_path, worktree_path, branch, base_branch, agent, backend, prompt, command, state, created_at, updated_at, cols, rows) VALUES (?, ?, '/r', '/w', 'b', 'main', 'shell', 'local', '', '[]', 'working', 0, 0, 80, 24)",
    ).run('s1', 's1');
    db.prepare(
      "INSERT INTO sessions (id, name, repo_path, worktree_path, branch, base_branch, agent, backend, prompt, command, state, created_at, updated_at, cols, rows) VALUES (?, ?, '/r', '/w2', 'b2', 'main', 'shell', 'local', '', '[]', 'working', 0, 0, 80, 24)",
    ).run('s2', 's2');
    return new PortsRepo(db);
  };
  const first = 47_000 + (process.pid % 2_000);

  it('hands out each port of a small range once, refuses when it is used up, and reuses released ones', async () => {
    const repo = await openRepo();
    const alloc = new PortAllocator(repo, { first, last: first + 2 });
    const a = await alloc.reserve(['web', 'api']);
    expect(a).toEqual({ ok: true, value: [{ name: 'web', port: first }, { name: 'api', port: first + 1 }] });
    alloc.record('s1', a.ok ? a.value : []);
    const full = await alloc.reserve(['one', 'two']);
    expect(full.ok ? 'reserved' : full.error.message).toMatch(/no free port left for "two"/);
    // The failed reserve gave back what it had claimed: one port is still there.
    const b = await alloc.reserve(['db']);
    expect(b).toEqual({ ok: true, value: [{ name: 'db', port: first + 2 }] });
    alloc.giveBack(b.ok ? b.value : []);
    // A new allocator over the same database sees what is held.
    const again = new PortAllocator(repo, { first, last: first + 2 });
    expect((await again.reserve(['x', 'y'])).ok).toBe(false);
    again.release('s1', a.ok ? a.value : []);
    expect(repo.all()).toEqual([]);
    expect(await again.reserve(['x', 'y'])).toMatchObject({ ok: true });
  });

  it('the database refuses one port for two sessions', async () => {
    const repo = await openRepo();
    repo.insert('s1', [{ name: 'web', port: first }]);
    expect(() => repo.insert('s2', [{ name: 'web', port: first }])).toThrow(/UNIQUE|PRIMARY KEY/);
  });

  it('exports PORT (the first) and BERTH_PORT_<NAME> for each', () => {
    expect(portEnv([{ name: 'web', port: 20001 }, { name: 'admin-api', port: 20002 }])).toEqual({ PORT: '20001', BERTH_PORT_WEB: '20001', BERTH_PORT_ADMIN_API: '20002' });
    expect(portEnv([])).toEqual({});
  });

  it('reads BERTH_PORT_RANGE, refusing a bad one with the fix', () => {
    expect(parsePortRange('41000-41999')).toEqual({ ok: true, value: { first: 41000, last: 41999 } });
    expect(parsePortRange(undefined)).toMatchObject({ ok: true, value: { first: 20000 } });
    for (const bad of ['80-90', '5000', '6000-5000', '60000-70000']) expect(parsePortRange(bad)).toMatchObject({ ok: false });
  });

  it('skips a port something listens on', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen({ port: first + 100, host: '127.0.0.1' }, r));
    try {
      const alloc = new PortAllocator(await openRepo(), { first: first + 100, last: first + 101 });
      expect(await alloc.reserve(['web'])).toEqual({ ok: true, value: [{ name: 'web', port: first + 101 }] });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
