import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
    const agents = await t.must('agents.list', {});
    const claude = agents.find((a) => a.id === 'claude-code')!;
    const shell = agents.find((a) => a.id === 'shell')!;
    expect(shell.available).toBe(true);
    const r = await t.call('sessions.create', { repoPath: repo, agent: 'claude-code', prompt: 'x' });
    if (claude.available) {
      expect(r.ok).toBe(true);
      return;
    }
    expect(claude.reason).toContain('claude was not found on PATH');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('agent_unavailable');
      expect(r.error.message).toContain('Claude Code');
    }
    const custom = await t.call('sessions.create', { repoPath: repo, agent: 'custom', prompt: 'x', command: 'no-such-agent-cli {prompt}' });
    expect(!custom.ok && custom.error.message).toContain('no-such-agent-cli');
    await expectNothingCreated();
  });

  it('an unknown session name', async () => {
    for (const method of ['sessions.get', 'sessions.stop', 'sessions.archive', 'sessions.delete'] as const) {
      const r = await t.call(method, { ref: 'no-such-session' });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('not_found');
        expect(r.error.message).toContain('no-such-session');
      }
    }
  });

  it('malformed bodies and unknown fields or methods', async () => {
    const post = (pathname: string, body: string) =>
      fetch(`${t.orch.url}${pathname}`, { method: 'POST', headers: { authorization: `Bearer ${t.orch.token}`, 'content-type': 'application/json' }, body });
    const broken = await post('/api/sessions.create', '{"repoPath": ');
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.message).toMatch(/malformed/i);

    const wrongType = await post('/api/sessions.create', JSON.stringify({ repoPath: repo, agent: 'robot', prompt: 1 }));
    expect(wrongType.status).toBe(400);
    const body = await wrongType.json();
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toContain('agent');
    expect(body.error.message).toContain('prompt');

    const extra = await post('/api/sessions.list', JSON.stringify({ archived: true, evil: 1 }));
    expect(extra.status).toBe(400);

    const badName = await post('/api/sessions.create', JSON.stringify({ repoPath: repo, agent: 'shell', name: '../../etc' }));
    expect(badName.status).toBe(400);

    const unknown = await post('/api/sessions.explode', '{}');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toContain('sessions.explode');

    const badBase = await t.call('sessions.create', { repoPath: repo, agent: 'shell', baseBranch: 'no-such-branch' });
    expect(!badBase.ok && badBase.error.message).toContain('no-such-branch');
    await expectNothingCreated();
  });

  it('a malformed WebSocket frame is answered with an error, and the connection keeps working', async () => {
    const client = await t.connect();
    const transport = (client as unknown as { transport: { send(f: unknown): void } }).transport;
    const replies: unknown[] = [];
    client.onDidTerminalFrame((f) => replies.push(f));
    transport.send({ type: 'term.resize', sessionId: 'x', cols: -1, rows: 5 });
    const r = await client.request('sessions.list', {});
    expect(r.ok).toBe(true);
  });
});
