/**
 * Claude Code takes the session's stand-in without asking: the real CLI (1.0.128, a devDependency) runs
 * as the claude-code agent through the credential proxy against the fake provider. It gets its key from
 * `apiKeyHelper` in a `--settings` of that run (merged over the user's own settings, which stay as they
 * are), so it never stops at "Detected a custom API key"; the provider sees the real key, injected by
 * the proxy; and no process of the session has the real key or ANTHROPIC_API_KEY in its environment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_START, CLAUDE_TOKEN_ENV } from '../agents/profiles.js';
import { SESSION_LABEL_ENV } from '../backends/backend.js';
import { TOKEN_PREFIX } from '../proxy/tokens.js';
import { startClaudeCodeHarness, type ClaudeCodeHarness } from '../testing/claude-code-harness.js';
import type { FakeProvider } from '../testing/fake-provider.js';
import { waitFor, type TestOrchestrator } from '../testing/fixtures.js';

/** Claude Code's first answer: time for a cold start of its 9 MB cli.js on a busy machine. */
const AGENT_WAIT_MS = 60_000;
const PROMPT = 'say hi to the heron';
/** The fake provider's answer text starts with this (see fake-provider.ts). */
const FAKE_ANSWER = 'Hello from the';
/** What Claude Code shows about a key in ANTHROPIC_API_KEY it has not seen. */
const KEY_QUESTION = 'Detected a custom API key';
/** A model only the user's own settings name: requests with it show those settings still apply. */
const USER_MODEL = 'claude-user-settings-model';
/** Claude Code remembers an approved key by its last characters (customApiKeyResponses). */
const REMEMBERED_KEY_CHARS = 20;

/** The environment of every process labelled with the session (Linux /proc), by pid. */
function sessionProcessEnvs(sessionId: string): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let raw: string;
    try {
      raw = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
    } catch {
      continue; // gone, or not ours
    }
    const env = Object.fromEntries(raw.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    if (env[SESSION_LABEL_ENV] === sessionId) out.set(Number(entry), env);
  }
  return out;
}

describe('claude-code sessions take their key without a question', () => {
  const stored = `sk-ant-real-${crypto.randomUUID()}`;
  const userSettings = JSON.stringify({ model: USER_MODEL });
  let h: ClaudeCodeHarness;
  let fake: FakeProvider;
  let t: TestOrchestrator;
  let repo: string;
  let home: string;

  beforeAll(async () => {
    h = await startClaudeCodeHarness({ sessionName: 'heron', apiKey: stored, userSettings });
    ({ fake, t, repo, home } = h);
  });
  afterAll(async () => h?.close());

  const screen = async (ref: string) => {
    const r = await t.call('terminal.text', { ref });
    return r.ok ? r.value.text : '';
  };

  it('the real CLI answers with the stand-in from apiKeyHelper; the provider gets the real key; the agent has neither the key nor ANTHROPIC_API_KEY', async () => {
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'claude-code', backend: 'local', name: 'heron', prompt: PROMPT });
    expect(s.command).toEqual(['sh', '-c', CLAUDE_START, 'claude', '--session-id', s.conversationId, PROMPT]);
    const client = await t.connect();
    client.attach(s.id, { cols: 120, rows: 40 });

    // Whatever is on screen on the way to the answer, the key question never is.
    const messages = () => fake.received.filter((r) => r.url.startsWith('/v1/messages'));
    const withPrompt = () => messages().filter((r) => r.body.includes(PROMPT));
    await waitFor(async () => {
      const text = await screen(s.id);
      if (text.includes(KEY_QUESTION)) throw new Error(`Claude Code asked about the key:\n${text}`);
      return withPrompt().length > 0 && text.includes(FAKE_ANSWER);
    }, 'the answer on screen', AGENT_WAIT_MS, 100).catch(async (e: Error) => {
      const audit = (await t.must('audit.list', {})).map((a) => `${a.method} ${a.host}${a.path} ${a.status} ${a.decision}`);
      throw new Error(`${e.message}; audit ${JSON.stringify(audit)}; the terminal shows:\n${await screen(s.id)}`);
    });
    expect(await screen(s.id)).not.toContain(KEY_QUESTION);

    // The proxy swapped the stand-in for the real key on every call.
    for (const r of messages()) expect(r.headers.filter(([n]) => n.toLowerCase() === 'x-api-key')).toEqual([['x-api-key', stored]]);
    // The user's settings applied too (--settings merges over them).
    expect(withPrompt().map((r) => (JSON.parse(r.body) as { model?: string }).model)).toContain(USER_MODEL);

    // The agent's processes: the stand-in only in BERTH_ANTHROPIC_TOKEN, no ANTHROPIC_API_KEY, no real key.
    const envs = sessionProcessEnvs(s.id);
    expect(envs.size).toBeGreaterThan(0);
    for (const env of envs.values()) {
      expect(env.ANTHROPIC_API_KEY).toBeUndefined();
      expect(Object.values(env).join('\n')).not.toContain(stored);
      expect(env[CLAUDE_TOKEN_ENV]?.startsWith(TOKEN_PREFIX)).toBe(true);
    }
    const standIn = [...envs.values()][0]![CLAUDE_TOKEN_ENV]!;

    // The user's files: settings untouched, and no key approved in ~/.claude.json.
    expect(fs.readFileSync(path.join(home, '.claude/settings.json'), 'utf8')).toBe(userSettings);
    const config = fs.readFileSync(path.join(home, '.claude.json'), 'utf8');
    expect(config).not.toContain(standIn.slice(-REMEMBERED_KEY_CHARS));
    expect(config).not.toContain(stored.slice(-REMEMBERED_KEY_CHARS));
    client.dispose();
    await t.must('sessions.delete', { ref: s.id, force: true });
  }, 120_000);
});
