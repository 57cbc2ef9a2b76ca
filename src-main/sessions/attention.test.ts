/**
 * Attention on real sessions (real git, real pty, a connected client): what the agent reports through
 * its hooks becomes the session's state, with the question, unread until the user opens it, and
 * every change reaches a client as an event; output activity no longer overrides a hooked agent; the
 * user's own stop is not news, an exit on its own is.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionDto } from '../../src-shared/dto.js';
import { makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

describe('attention (real sessions)', () => {
  let t: TestOrchestrator;
  let repo: string;
  beforeEach(async () => {
    t = await startTestOrchestrator();
    repo = makeRepo();
  });
  afterEach(async () => t.close());

  const get = (ref: string) => t.must('sessions.get', { ref });

  it('takes the state and question from hook reports, keeps them over activity, and clears unread when seen', async () => {
    const client = await t.connect();
    const seen: SessionDto[] = [];
    client.onDidEvent((e) => {
      if (e.event === 'session.updated') seen.push(e.session);
    });
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo ready' });
    await waitFor(async () => ['working', 'idle'].includes((await get(s.id)).state), 'agent runs');

    t.orch.sessions.reportAgentState(s.id, { state: 'waiting-approval', detail: 'Claude needs your permission to use Bash' });
    const waiting = await get(s.id);
    expect(waiting.state).toBe('waiting-approval');
    expect(waiting.attention).toMatchObject({ detail: 'Claude needs your permission to use Bash', source: 'hooks', unread: true });
    await waitFor(() => seen.some((x) => x.id === s.id && x.state === 'waiting-approval' && x.attention.unread), 'event frame with the new state');

    // Output from the agent does not make a hooked agent "working": its hooks say what it does.
    client.attach(s.id, { cols: 80, rows: 24 });
    client.input(s.id, 'echo still-asking\r');
    await new Promise((r) => setTimeout(r, 300));
    expect((await get(s.id)).state).toBe('waiting-approval');

    const opened = await t.must('sessions.seen', { ref: s.name });
    expect(opened.attention.unread).toBe(false);
    expect(opened.state).toBe('waiting-approval');
    await waitFor(() => seen.some((x) => x.id === s.id && x.state === 'waiting-approval' && !x.attention.unread), 'event frame clearing unread');

    t.orch.sessions.reportAgentState(s.id, { state: 'working', detail: null });
    expect((await get(s.id)).attention).toMatchObject({ detail: null, source: 'hooks', unread: false });
    // A hooked agent that says it is idle stays idle while its terminal prints (activity does not decide).
    t.orch.sessions.reportAgentState(s.id, { state: 'idle', detail: null });
    client.input(s.id, 'echo busy-output\r');
    await new Promise((r) => setTimeout(r, 300));
    expect((await get(s.id)).state).toBe('idle');
    const events = await t.must('sessions.events', { ref: s.id });
    expect(events.map((e) => `${e.from}→${e.to}`)).toEqual(expect.arrayContaining(['working→waiting-approval', 'waiting-approval→working']));
  });

  it("an exit on its own is unread with its reason; the user's stop is not", async () => {
    const stopped = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo stays' });
    await waitFor(async () => ['working', 'idle'].includes((await get(stopped.id)).state), 'agent runs');
    const after = await t.must('sessions.stop', { ref: stopped.id });
    expect(after.state).toBe('exited');
    expect(after.attention.unread).toBe(false);

    const failing = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'exit 3' });
    await waitFor(async () => (await get(failing.id)).state === 'exited', 'shell exits on its own');
    const ended = await get(failing.id);
    expect(ended.attention).toMatchObject({ unread: true, detail: 'exited with code 3' });
    expect((await t.must('sessions.seen', { ref: failing.id })).attention.unread).toBe(false);
  });

  it('refuses to mark an unknown session seen', async () => {
    const r = await t.call('sessions.seen', { ref: 'nope' });
    expect(r.ok).toBe(false);
  });
});
