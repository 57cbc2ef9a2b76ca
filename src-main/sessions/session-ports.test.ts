import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { makeRepo, startTestOrchestrator, tempDir, waitFor, type TestOrchestrator } from '../testing/fixtures.js';
import { portIsFree } from './port-allocator.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();
/** Sessions created side by side in the parallel test. */
const PARALLEL = 20;

/** A port range of its own per test (pid-based), so test files running alongside rarely meet. */
function rangeFor(offset: number): { first: number; last: number; env: string } {
  const first = 42_000 + ((process.pid * 7 + offset * 500) % 8_000);
  const last = first + 399;
  return { first, last, env: `${first}-${last}` };
}

function listenOn(port: number, host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

function heldInDb(dataDir: string): { port: number; session_id: string; name: string }[] {
  const db = new Database(path.join(dataDir, 'berth.db'), { readonly: true });
  try {
    return db.prepare('SELECT port, session_id, name FROM session_ports ORDER BY port').all() as { port: number; session_id: string; name: string }[];
  } finally {
    db.close();
  }
}

describe('ports per session (real orchestrator, real binds, real ptys)', () => {
  const open: TestOrchestrator[] = [];
  const servers: net.Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
    for (const t of open.splice(0)) await t.close();
  });
  const start = async (dataDir: string, portRange: string) => {
    const t = await startTestOrchestrator(dataDir, { ...process.env, BERTH_PORT_RANGE: portRange });
    open.push(t);
    return t;
  };
  const live = async (t: TestOrchestrator, id: string) => {
    const s = await t.must('sessions.get', { ref: id });
    if (s.state === 'failed') throw new Error(`session failed: ${s.reason}`);
    return ['working', 'idle'].includes(s.state) ? s : null;
  };

  it(`${PARALLEL} sessions created at once get ${PARALLEL * 2} distinct free ports, kept across a restart, in the env, freed on delete`, async () => {
    const range = rangeFor(0);
    const repo = makeRepo();
    fs.writeFileSync(path.join(repo, '.berth.json'), JSON.stringify({ ports: ['web', 'api'] }));
    const dataDir = tempDir('berth-home-');
    let t = await start(dataDir, range.env);

    const created = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => t.must('sessions.create', { repoPath: repo, agent: 'shell', name: `p${i}`, prompt: 'echo "ports:$PORT:$BERTH_PORT_WEB:$BERTH_PORT_API:"' })),
    );
    const all = created.flatMap((s) => s.ports.map((p) => p.port));
    expect(all).toHaveLength(PARALLEL * 2);
    expect(new Set(all).size).toBe(PARALLEL * 2);
    for (const s of created) {
      expect(s.ports.map((p) => p.name)).toEqual(['web', 'api']);
      for (const p of s.ports) expect(p.port).toBeGreaterThanOrEqual(range.first);
    }
    // Persisted with the session rows, one row per port.
    expect(heldInDb(dataDir).map((r) => r.port).sort()).toEqual([...all].sort());

    // The agent sees them: PORT is the first, BERTH_PORT_<NAME> each.
    const sample = created[3]!;
    const [web, api] = sample.ports;
    await waitFor(() => live(t, sample.id), 'the sample session runs', 20_000);
    await waitFor(async () => (await t.must('terminal.text', { ref: sample.id })).text.includes(`ports:${web!.port}:${web!.port}:${api!.port}:`), 'the env inside the session');
    const echoer = await t.must('sessions.create', { repoPath: repo, agent: 'shell', name: 'echoer', prompt: 'echo $PORT $BERTH_PORT_API' });
    await waitFor(() => live(t, echoer.id), 'echoer runs', 20_000);
    await waitFor(async () => (await t.must('terminal.text', { ref: echoer.id })).text.includes(`${echoer.ports[0]!.port} ${echoer.ports[1]!.port}`), 'echo $PORT $BERTH_PORT_API');

    // Restart the orchestrator: the same sessions hold the same ports.
    await Promise.all(created.map((s) => waitFor(() => live(t, s.id), `${s.name} runs`, 30_000)));
    await t.close();
    open.splice(open.indexOf(t), 1);
    t = await start(dataDir, range.env);
    const after = await t.must('sessions.list', {});
    const byName = new Map(after.map((s) => [s.name, s.ports]));
    for (const s of [...created, echoer]) expect(byName.get(s.name)).toEqual(s.ports);
    // A new session does not get any of them.
    const fresh = await t.must('sessions.create', { repoPath: repo, agent: 'shell', name: 'fresh', prompt: '' });
    for (const p of fresh.ports) expect([...all, ...echoer.ports.map((e) => e.port)]).not.toContain(p.port);

    // Delete everything: the table is empty and the ports can be handed out (and bound) again.
    for (const s of await t.must('sessions.list', {})) await t.must('sessions.delete', { ref: s.id, force: true });
    expect(heldInDb(dataDir)).toEqual([]);
    for (const port of all) expect(await portIsFree(port)).toBe(true);
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  }, 120_000);

  it('skips a port another process listens on at allocation', async () => {
    const range = rangeFor(1);
    const repo = makeRepo();
    fs.writeFileSync(path.join(repo, '.berth.json'), JSON.stringify({ ports: ['web'] }));
    // The first port of the range is taken on loopback, the second on every interface.
    servers.push(await listenOn(range.first, '127.0.0.1'), await listenOn(range.first + 1, '0.0.0.0'));
    const t = await start(tempDir('berth-home-'), range.env);
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: '' });
    expect(s.ports).toEqual([{ name: 'web', port: range.first + 2 }]);
    expect(await portIsFree(range.first + 2)).toBe(true);
  });

  it('refuses a create whose .berth.json has a bad ports field, naming it, and makes nothing', async () => {
    const repo = makeRepo();
    const t = await start(tempDir('berth-home-'), rangeFor(2).env);
    for (const [ports, expected] of [
      ['web', /"ports": .*expected array/],
      [['web', 3], /"ports\.1": .*expected string/],
      [['web', 'WEB'], /"ports": port names must be distinct/],
      [['9lives'], /"ports\.0": a port name/],
    ] as const) {
      fs.writeFileSync(path.join(repo, '.berth.json'), JSON.stringify({ ports }));
      const r = await t.call('sessions.create', { repoPath: repo, agent: 'shell', prompt: '' });
      expect(r.ok ? 'created' : r.error.message).toMatch(expected);
    }
    expect(await t.must('sessions.list', {})).toEqual([]);
    expect(git(repo, 'branch', '--list', 'berth/*')).toBe('');
    expect(heldInDb(t.dataDir)).toEqual([]);
  });
});
