/**
 * Agent state from Claude Code's own hooks: the real CLI (1.0.128) runs as the claude-code agent in a
 * local session against the fake provider; its hooks (Berth's `--settings`, the hook program posting
 * to the proxy's hook route with the session's token) take the session to working when the prompt is
 * submitted and to waiting-input when the turn ends, with source 'hooks'. The project's and the user's
 * Claude settings are byte-identical afterwards; the session's hook token stops working when it ends.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionDto } from '../../src-shared/dto.js';
import { startClaudeCodeHarness, type ClaudeCodeHarness } from '../testing/claude-code-harness.js';
import { waitFor } from '../testing/fixtures.js';
import { HOOK_PATH, HOOK_TOKEN_ENV, HOOK_TOKEN_HEADER, HOOK_URL_ENV } from './hook-tokens.js';

/** Claude Code's first answer: time for a cold start of its 9 MB cli.js on a busy machine. */
const AGENT_WAIT_MS = 60_000;
const PROMPT = 'say hi to the egret';
const PROJECT_SETTINGS = JSON.stringify({ permissions: { allow: ['Bash(ls:*)'] } }, null, 2);
const USER_SETTINGS = '{\n  "includeCoAuthoredBy": false\n}\n';

describe('claude-code session state from its hooks', () => {
  let h: ClaudeCodeHarness;

  beforeAll(async () => {
    h = await startClaudeCodeHarness({ sessionName: 'egret', apiKey: `sk-ant-real-${crypto.randomUUID()}`, userSettings: USER_SETTINGS });
    fs.mkdirSync(path.join(h.repo, '.claude'));
    fs.writeFileSync(path.join(h.repo, '.claude/settings.json'), PROJECT_SETTINGS);
    execFileSync('git', ['add', '.claude/settings.json'], { cwd: h.repo });
    execFileSync('git', ['commit', '-q', '-m', 'project claude settings'], { cwd: h.repo });
  });
  afterAll(async () => h?.close());

  it('goes working then waiting-input from hooks; settings files untouched; the hook token dies with the session', async () => {
    const { t } = h;
    const client = await t.connect();
    const seen: { state: SessionDto['state']; source: string }[] = [];
    client.onDidEvent((e) => {
      if (e.event === 'session.updated' && e.session.name === 'egret') seen.push({ state: e.session.state, source: e.session.attention.source });
    });
    const s = await t.must('sessions.create', { repoPath: h.repo, agent: 'claude-code', backend: 'local', name: 'egret', prompt: PROMPT });
    client.attach(s.id, { cols: 120, rows: 40 });
    const fromHooks = (state: string) => seen.findIndex((x) => x.state === state && x.source === 'hooks');
    await waitFor(() => fromHooks('working') >= 0 && fromHooks('waiting-input') > fromHooks('working'), 'working then waiting-input from hooks', AGENT_WAIT_MS, 50).catch(async (e: Error) => {
      const text = await t.call('terminal.text', { ref: s.id });
      throw new Error(`${e.message}; saw ${JSON.stringify(seen)}; the terminal shows:\n${text.ok ? text.value.text : ''}`);
    });
    const now = await t.must('sessions.get', { ref: s.id });
    expect(now).toMatchObject({ state: 'waiting-input', attention: { source: 'hooks', unread: true } });

    // The session's hook variables, read from its processes: the token works now, not after the end.
    const env = sessionEnvOf(s.pid ?? now.pid);
    const url = env[HOOK_URL_ENV]!;
    const token = env[HOOK_TOKEN_ENV]!;
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+${HOOK_PATH}$`));
    const post = () => fetch(url, { method: 'POST', headers: { [HOOK_TOKEN_HEADER]: token }, body: JSON.stringify({ hook_event_name: 'Stop' }) });
    expect((await post()).status).toBe(204);
    await t.must('sessions.stop', { ref: s.id });
    await waitFor(async () => (await post()).status === 401, 'hook token revoked after the session ended');

    const worktree = now.worktreePath;
    expect(fs.readFileSync(path.join(h.repo, '.claude/settings.json'), 'utf8')).toBe(PROJECT_SETTINGS);
    expect(fs.readFileSync(path.join(worktree, '.claude/settings.json'), 'utf8')).toBe(PROJECT_SETTINGS);
    expect(fs.readdirSync(path.join(worktree, '.claude'))).toEqual(['settings.json']);
    expect(fs.readFileSync(path.join(h.home, '.claude/settings.json'), 'utf8')).toBe(USER_SETTINGS);
    client.dispose();
  }, 120_000);
});

/** The environment of the session's process (Linux /proc). */
function sessionEnvOf(pid: number | null): Record<string, string> {
  if (pid === null) throw new Error('the session has no pid');
  const raw = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
  return Object.fromEntries(raw.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}
