import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FrameTransport } from '../../src-shared/client.js';
import type { ClientFrame, ServerFrame } from '../../src-shared/contract.js';
import { makeRepo, startTestOrchestrator, tempDir, type TestOrchestrator } from '../testing/fixtures.js';

describe('bad input gets a clear error and creates nothing', () => {
  let t: TestOrchestrator;
  let repo: string;
  beforeEach(async () => {
    t = await startTestOrchestrator();
    repo = makeRepo();
  });
  afterEach(async () => t.close());

  async function expectNothingCreated() {
    expect(await t.must('sessions.list', {})).toEqual([]);
    expect(await t.must('sessions.list', { archived: true })).toEqual([]);
    expect(fs.existsSync(path.join(t.dataDir, 'worktrees'))).toBe(false);
  }

  it('a folder that is not a git repository', async () => {
    const notRepo = tempDir('berth-not-repo-');
    const r = await t.call('sessions.create', { repoPath: notRepo, agent: 'shell', prompt: 'echo hi' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('not_a_repo');
      expect(r.error.message).toContain(notRepo);
      expect(r.error.message).toContain('not a git repository');
    }
    const missing = await t.call('repos.inspect', { path: path.join(notRepo, 'nope') });
    expect(!missing.ok && missing.error.message).toContain('does not exist');
    await expectNothingCreated();
  });

  it('an agent whose CLI is not installed', async () => {
    // The test PATH never holds the agent CLIs (see testing/hermetic-home.ts), so Claude Code is missing here.
    const agents = await t.must('agents.list', {});
    const claude = agents.find((a) => a.id === 'claude-code')!;
    expect(agents.find((a) => a.id === 'shell')!.available).toBe(true);
    expect(claude.available).toBe(false);
    expect(claude.reason).toContain('claude was not found on PATH');
    const r = await t.call('sessions.create', { repoPath: repo, agent: 'claude-code', prompt: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('agent_unavailable');
      expect(r.error.message).toContain('Claude Code');
    }
    const custom = await t.call('sessions.create', { repoPath: repo, agent: 'custom', prompt: 'x', command: 'no-such-agent-cli {prompt}' });
    expect(custom.ok).toBe(false);
    if (!custom.ok) {
      expect(custom.error.code).toBe('agent_unavailable');
      expect(custom.error.message).toContain('no-such-agent-cli');
    }
    await expectNothingCreated();
  });

  it('an unknown session name', async () => {
    for (const method of ['sessions.get', 'sessions.events', 'sessions.stop', 'sessions.restart', 'sessions.archive', 'sessions.unarchive', 'sessions.delete', 'terminal.text'] as const) {
      const r = await t.call(method, { ref: 'no-such-session' });
      expect(r.ok, method).toBe(false);
      if (!r.ok) {
        expect(r.error.code, method).toBe('not_found');
        expect(r.error.message, method).toContain('no-such-session');
      }
    }
    await expectNothingCreated();
  });

  it('malformed bodies and unknown fields or methods', async () => {
    const post = async (pathname: string, body: string) => {
      const res = await fetch(`${t.orch.url}${pathname}`, { method: 'POST', headers: { authorization: `Bearer ${t.orch.token}`, 'content-type': 'application/json' }, body });
      return { status: res.status, body: (await res.json()) as { ok: boolean; error: { code: string; message: string } } };
    };
    const broken = await post('/api/sessions.create', '{"repoPath": ');
    expect([broken.status, broken.body.ok, broken.body.error.code]).toEqual([400, false, 'bad_request']);
    expect(broken.body.error.message).toMatch(/malformed/i);

    const wrongType = await post('/api/sessions.create', JSON.stringify({ repoPath: repo, agent: 'robot', prompt: 1 }));
    expect([wrongType.status, wrongType.body.error.code]).toEqual([400, 'bad_request']);
    expect(wrongType.body.error.message).toContain('agent');
    expect(wrongType.body.error.message).toContain('prompt');

    const extra = await post('/api/sessions.list', JSON.stringify({ archived: true, evil: 1 }));
    expect([extra.status, extra.body.error.code]).toEqual([400, 'bad_request']);
    expect(extra.body.error.message).toContain('evil');

    const badName = await post('/api/sessions.create', JSON.stringify({ repoPath: repo, agent: 'shell', name: '../../etc' }));
    expect([badName.status, badName.body.error.code]).toEqual([400, 'bad_request']);
    expect(badName.body.error.message).toContain('name');

    const unknown = await post('/api/sessions.explode', '{}');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    expect(unknown.body.error.message).toContain('sessions.explode');

    const badBase = await t.call('sessions.create', { repoPath: repo, agent: 'shell', baseBranch: 'no-such-branch' });
    expect(badBase.ok).toBe(false);
    if (!badBase.ok) {
      expect(badBase.error.code).toBe('bad_request');
      expect(badBase.error.message).toContain('no-such-branch');
    }
    await expectNothingCreated();
    expect(fs.existsSync(path.join(t.dataDir, 'etc'))).toBe(false);
  });

  it('a malformed WebSocket frame is answered with an error, and the connection keeps working', async () => {
    const client = await t.connect();
    // The protocol client drops answers it didn't ask for; the raw transport sees every frame.
    const transport = (client as unknown as { transport: FrameTransport }).transport;
    const frames: ServerFrame[] = [];
    const listener = transport.onFrame((f) => frames.push(f));
    try {
      transport.send({ type: 'term.resize', sessionId: 'x', cols: -1, rows: 5 });
      transport.send({ type: 'req', id: 41, method: 'sessions.list', params: { archived: 'yes' } });
      transport.send({ type: 'nonsense', id: 42 } as unknown as ClientFrame);
      const r = await client.request('sessions.list', {});
      expect(r).toEqual({ ok: true, value: [] });
      const answers = () => frames.flatMap((f) => (f.type === 'res' && [-1, 41, 42].includes(f.id) ? [f] : []));
      await vi.waitFor(() => expect(answers()).toHaveLength(3), { timeout: 10_000 });
      const replies = answers()
        .map((f) => [f.id, f.result.ok ? 'ok' : f.result.error.code, f.result.ok ? '' : f.result.error.message])
        .sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(replies).toEqual([
        [-1, 'bad_request', expect.stringContaining('malformed frame')],
        [41, 'bad_request', expect.stringContaining('archived')],
        [42, 'bad_request', expect.stringContaining('malformed frame')],
      ]);
    } finally {
      listener.dispose();
    }
    await expectNothingCreated();
  });
});
