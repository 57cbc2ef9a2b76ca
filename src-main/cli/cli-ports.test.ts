/**
 * `berth ports` against a real orchestrator: the table of session, port name, port and URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, startTestOrchestrator, tempDir, type TestOrchestrator } from '../testing/fixtures.js';
import { runBerth } from './cli-test-support.js';

describe('berth ports', () => {
  let t: TestOrchestrator;
  const berth = (...args: string[]) => runBerth(args, { home: t.dataDir });
  beforeAll(async () => {
    const first = 46_000 + (process.pid % 3_000);
    t = await startTestOrchestrator(tempDir('berth-home-'), { ...process.env, BERTH_PORT_RANGE: `${first}-${first + 99}` });
  });
  afterAll(async () => t?.close());

  it('lists every session port with its URL, one session with NAME, and says when there are none', async () => {
    expect((await berth('ports')).stdout).toBe('no session holds a port\n');
    const repo = makeRepo();
    fs.writeFileSync(path.join(repo, '.berth.json'), JSON.stringify({ ports: ['web', 'api'] }));
    const a = await t.must('sessions.create', { repoPath: repo, agent: 'shell', name: 'alpha', prompt: '' });
    const b = await t.must('sessions.create', { repoPath: repo, agent: 'shell', name: 'beta', prompt: '' });
    // An archived session still holds its ports.
    await t.must('sessions.archive', { ref: 'beta' });
    const all = await berth('ports');
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SESSION\s+NAME\s+PORT\s+URL$/);
    const rows = (session: string, ports: { name: string; port: number }[]) => ports.map((p) => `${session} ${p.name} ${p.port} http://localhost:${p.port}`);
    expect(lines.slice(1).map((l) => l.replace(/\s+/g, ' ')).sort()).toEqual([...rows('alpha', a.ports), ...rows('beta', b.ports)].sort());
    const one = await berth('ports', 'beta', '--json');
    expect(JSON.parse(one.stdout)).toEqual(b.ports.map((p) => ({ session: 'beta', name: p.name, port: p.port, url: `http://localhost:${p.port}` })));
    expect((await berth('ports', 'nope')).code).toBe(1);
  });
});
