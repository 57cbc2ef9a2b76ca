/**
 * `berth restart NAME [--fresh]` and the conversation in `berth status`, against a real orchestrator whose
 * `claude` is a stand-in that prints the arguments it got (the real CLI's resume is tested in
 * src-main/orchestrator/resume-claude.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionDto } from '../../src-shared/dto.js';
import { makeHermeticHome, hermeticPath } from '../testing/hermetic-home.js';
import { makeRepo, startTestOrchestrator, tempDir, type TestOrchestrator } from '../testing/fixtures.js';
import { runBerth, waitFor } from './cli-test-support.js';

describe('berth restart and conversations', () => {
  let t: TestOrchestrator;
  let repo: string;
  const home = makeHermeticHome();
  const berth = (...args: string[]) => runBerth(args, { home: t.dataDir });

  beforeAll(async () => {
    const bin = tempDir('berth-bin-');
    // Prints each argument on its own line, then waits like an agent at its prompt.
    fs.writeFileSync(path.join(bin, 'claude'), '#!/bin/sh\nfor a in "$@"; do echo "ARG[$a]"; done\necho ARGS-END\nexec sleep 60\n');
    fs.chmodSync(path.join(bin, 'claude'), 0o755);
    t = await startTestOrchestrator(tempDir('berth-home-'), { ...process.env, HOME: home, PATH: `${bin}${path.delimiter}${hermeticPath(home)}` });
    repo = makeRepo();
  });
  afterAll(async () => t?.close());

  /**
   * The arguments the stand-in printed in the session's current terminal, without Berth's `--settings`
   * (its hooks; the settings JSON spans lines) — what this test looks at is the conversation.
   */
  const argsOf = (name: string) =>
    waitFor(`${name}'s arguments`, async () => {
      const r = await t.call('terminal.text', { ref: name });
      const text = r.ok ? r.value.text : '';
      return text.includes('ARGS-END') ? [...text.matchAll(/ARG\[(.*)\]/g)].map((m) => m[1]).filter((a) => a !== '--settings' && !a?.startsWith('{')) : undefined;
    });

  it('shows the conversation in status; restart continues it, --fresh starts a new one with the prompt', async () => {
    const created = await berth('create', '--repo', repo, '--agent', 'claude-code', '--prompt', 'fix the bug', '--name', 'convo', '--json');
    expect(created.stderr).toBe('');
    const session = SessionDto.parse(JSON.parse(created.stdout));
    const id = session.conversationId!;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await argsOf('convo')).toEqual(['--session-id', id, 'fix the bug']);
    expect((await berth('status', 'convo')).stdout).toMatch(new RegExp(`^conversation: +${id}$`, 'm'));

    // The agent saved its conversation (Claude Code keeps a transcript per id): a restart resumes it, no prompt.
    fs.mkdirSync(path.join(home, '.claude/projects/some-project'), { recursive: true });
    fs.writeFileSync(path.join(home, `.claude/projects/some-project/${id}.jsonl`), '{}\n');
    const restarted = await berth('restart', 'convo');
    expect(restarted.stdout).toMatch(new RegExp(`^restarted convo \\(continuing conversation ${id}\\): `));
    expect(await argsOf('convo')).toEqual(['--resume', id]);

    const fresh = await berth('restart', 'convo', '--fresh', '--json');
    const after = SessionDto.parse(JSON.parse(fresh.stdout));
    expect(after.conversationId).not.toBe(id);
    expect(await argsOf('convo')).toEqual(['--session-id', after.conversationId, 'fix the bug']);
    expect((await berth('status', 'convo')).stdout).toMatch(new RegExp(`^conversation: +${after.conversationId}$`, 'm'));
  });

  it('a shell session has no conversation', async () => {
    const created = SessionDto.parse(JSON.parse((await berth('create', '--repo', repo, '--agent', 'shell', '--name', 'plain', '--json')).stdout));
    expect(created.conversationId).toBeNull();
    expect((await berth('status', 'plain')).stdout).toMatch(/^conversation: +-$/m);
    expect((await berth('restart', 'plain')).stdout).toMatch(/^restarted plain: /);
  });
});
