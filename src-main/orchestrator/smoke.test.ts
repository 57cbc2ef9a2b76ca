import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, startTestOrchestrator, TerminalReader, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

describe('smoke', () => {
  let t: TestOrchestrator | undefined;
  afterEach(async () => t?.close());

  it('creates a shell session and runs its command', async () => {
    t = await startTestOrchestrator();
    const repo = makeRepo();
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'shell', prompt: 'echo smoke-$((40+2))' });
    expect(s.state).toBe('creating');
    const client = await t.connect();
    await waitFor(async () => (await t!.must('sessions.get', { ref: s.id })).state === 'running', 'running');
    const reader = new TerminalReader(client, s.id);
    client.attach(s.id);
    await waitFor(() => reader.text.includes('smoke-42') || reader.snapshot?.includes('smoke-42'), 'output');
  });
});
