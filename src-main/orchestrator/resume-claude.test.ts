/**
 * Restart continues the agent's conversation: the real Claude Code CLI (1.0.128, a devDependency) runs
 * as the claude-code agent through the credential proxy against the fake provider. A restart resumes
 * the conversation Berth named at create (the provider sees the first prompt and the fake answer again
 * with the next question); a fresh restart starts a new one (none of the earlier messages).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProtocolClient } from '../../src-shared/client.js';
import { CLAUDE_RESUME, CLAUDE_START } from '../agents/profiles.js';
import { repoWorktreesDir } from '../sessions/naming.js';
import { startClaudeCodeHarness, type ClaudeCodeHarness } from '../testing/claude-code-harness.js';
import type { FakeProvider } from '../testing/fake-provider.js';
import { waitFor, type TestOrchestrator } from '../testing/fixtures.js';

/** Claude Code's first answer, a question or two: time for a cold start of its 9 MB cli.js on a busy machine. */
const AGENT_WAIT_MS = 60_000;
const FIRST_PROMPT = 'remember the word pelican';
/** The fake provider's answer text starts with this (see fake-provider.ts). */
const FAKE_ANSWER = 'Hello from the';
/** Longer than Claude Code's window for telling typed keys from a paste. */
const PASTE_WINDOW_MS = 1_000;
/** Enter is pressed again when no request carried the line this long after it. */
const RESUBMIT_AFTER_MS = 5_000;
/** How often Enter is pressed for one line at most. */
const SUBMIT_ATTEMPTS = 4;
/** Lines at the end of the terminal text that hold what is on screen now. */
const SCREEN_TAIL_LINES = 20;

interface Message {
  role: string;
  content: string | { type: string; text?: string }[];
}

/** The text of a message's content blocks. */
const textOf = (m: Message) => (typeof m.content === 'string' ? m.content : m.content.map((b) => b.text ?? '').join('\n'));
/** Each text block of a message, trimmed. */
const blocksOf = (m: Message) => (typeof m.content === 'string' ? [m.content] : m.content.map((b) => b.text ?? '')).map((t) => t.trim());

describe('claude-code sessions resume their conversation on restart', () => {
  let h: ClaudeCodeHarness;
  let fake: FakeProvider;
  let t: TestOrchestrator;
  let client: ProtocolClient;
  let repo: string;

  beforeAll(async () => {
    h = await startClaudeCodeHarness({ sessionName: 'pelican', apiKey: `sk-ant-${crypto.randomUUID()}` });
    ({ fake, t, repo } = h);
    client = await t.connect();
  });
  afterAll(async () => h?.close());

  /**
   * The conversation the provider was sent in each Messages request since `from` (oldest first); with
   * `conversationId`, only requests of that Claude Code session (its metadata.user_id ends
   * `_session_<id>`): an instance being stopped can still send a side request of its own.
   */
  const conversations = (from: number, conversationId?: string): Message[][] =>
    fake.received
      .slice(from)
      .filter((r) => r.url.startsWith('/v1/messages'))
      .map((r) => JSON.parse(r.body) as { messages?: Message[]; metadata?: { user_id?: string } })
      .filter((b) => !conversationId || (b.metadata?.user_id ?? '').endsWith(`_session_${conversationId}`))
      .map((b) => b.messages ?? []);

  const screen = async (ref: string) => {
    const r = await t.call('terminal.text', { ref });
    return r.ok ? r.value.text : '';
  };

  /** What is on screen now: the last lines, not the scrollback. */
  const tail = async (ref: string) => (await screen(ref)).split('\n').slice(-SCREEN_TAIL_LINES).join('\n');

  /**
   * Waits until the provider got a request of at least `minMessages` messages whose last one contains
   * `text`. (Besides the conversation, Claude Code sends the newest line alone in a side request of its
   * own.)
   */
  async function requestWith(ref: string, from: number, text: string, timeoutMs = AGENT_WAIT_MS, minMessages = 1): Promise<Message[]> {
    return waitFor(() => conversations(from).find((c) => c.length >= minMessages && textOf(c.at(-1)!).includes(text)) ?? null, `a request with "${text}"`, timeoutMs, 100).catch(async (e: Error) => {
      const s = await t.call('sessions.get', { ref });
      const sent = conversations(0).map((c) => c.map((m) => `${m.role}: ${textOf(m).slice(-60)}`).join(' | '));
      const audit = (await t.must('audit.list', {})).map((a) => `${a.method} ${a.host}${a.path} ${a.status} ${a.decision}`);
      throw new Error(`${e.message}; session ${JSON.stringify(s)}; sent: ${JSON.stringify(sent, null, 1)}; audit ${JSON.stringify(audit, null, 1)}; the terminal shows:\n${await screen(ref)}`);
    });
  }

  /**
   * Types a question into Claude Code's prompt once it shows its input box, submits it, and returns the
   * request that carried it. Enter is pressed again while the line is still in the box: right after a
   * resumed start, Claude Code can put a submitted line back (it was still loading the conversation).
   */
  async function ask(ref: string, from: number, line: string, minMessages: number): Promise<Message[]> {
    await waitFor(async () => /\? for shortcuts/.test(await tail(ref)), 'the input box', AGENT_WAIT_MS, 100).catch(async (e: Error) => {
      throw new Error(`${e.message}; the terminal shows:\n${await screen(ref)}`);
    });
    client.input(ref, line);
    await waitFor(async () => (await tail(ref)).includes(line), 'the typed line', AGENT_WAIT_MS, 100);
    for (let attempt = 1; ; attempt++) {
      // Keys that arrive right after typed text are taken as part of a paste: Enter goes on its own.
      await new Promise((r) => setTimeout(r, PASTE_WINDOW_MS));
      client.input(ref, '\r');
      if (attempt >= SUBMIT_ATTEMPTS) return requestWith(ref, from, line, AGENT_WAIT_MS, minMessages);
      const sent = await requestWith(ref, from, line, RESUBMIT_AFTER_MS, minMessages).catch(() => null);
      if (sent) return sent;
      if (!(await tail(ref)).includes(line)) return requestWith(ref, from, line, AGENT_WAIT_MS, minMessages);
    }
  }

  it('restart resumes the conversation (earlier messages sent again); restart fresh starts a new one', async () => {
    const created = await t.must('sessions.create', { repoPath: repo, agent: 'claude-code', backend: 'local', name: 'pelican', prompt: FIRST_PROMPT });
    expect(created.worktreePath).toBe(path.join(repoWorktreesDir(h.dataDir, repo), 'pelican'));
    expect(created.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.command).toEqual(['sh', '-c', CLAUDE_START, 'claude', '--session-id', created.conversationId, FIRST_PROMPT]);
    client.attach(created.id, { cols: 120, rows: 40 });

    const first = await requestWith(created.id, 0, FIRST_PROMPT);
    expect(first.filter((m) => m.role === 'assistant')).toEqual([]);
    // What a start over would send again (the check after the restart looks for it).
    expect(first.length === 1 && blocksOf(first[0]!).includes(FIRST_PROMPT)).toBe(true);
    await waitFor(async () => (await screen(created.id)).includes(FAKE_ANSWER), 'the fake answer on screen', AGENT_WAIT_MS, 100);

    // Restart: the same conversation; the prompt is not typed again, the next question carries the history.
    const mark = fake.received.length;
    const restarted = await t.must('sessions.restart', { ref: created.id });
    expect(restarted.conversationId).toBe(created.conversationId);
    await waitFor(async () => ['working', 'idle'].includes((await t.must('sessions.get', { ref: created.id })).state), 'restarted', AGENT_WAIT_MS);
    // Resumed where the agent runs; the prompt is there only for a conversation never saved (see CLAUDE_RESUME).
    expect((await t.must('sessions.get', { ref: created.id })).command).toEqual(['sh', '-c', CLAUDE_RESUME, 'claude', created.conversationId, FIRST_PROMPT]);
    // The conversation so far and the new question: at least the prompt, the answer and this line.
    const resumed = await ask(created.id, mark, 'which word was it', 3);
    const history = resumed.map(textOf);
    expect(history.some((m) => m.includes(FIRST_PROMPT)), `the resumed request: ${JSON.stringify(resumed.map((m) => `${m.role}: ${textOf(m).slice(-80)}`))}; the terminal: ${await screen(created.id)}`).toBe(true);
    expect(resumed.some((m) => m.role === 'assistant' && textOf(m).includes(FAKE_ANSWER))).toBe(true);
    // No request after the restart started over with the prompt alone (Claude Code's side request for a
    // title quotes it, inside its own text).
    expect(conversations(mark).filter((c) => c.length === 1 && blocksOf(c[0]!).includes(FIRST_PROMPT))).toEqual([]);

    // Restart fresh: a new conversation id; the prompt starts it again, and nothing earlier comes along.
    const mark2 = fake.received.length;
    const fresh = await t.must('sessions.restart', { ref: created.id, fresh: true });
    expect(fresh.conversationId).not.toBe(created.conversationId);
    await requestWith(created.id, mark2, FIRST_PROMPT);
    await waitFor(async () => (await screen(created.id)).includes(FAKE_ANSWER), 'the answer in the new conversation', AGENT_WAIT_MS, 100);
    const sentFresh = conversations(mark2, fresh.conversationId!);
    expect(sentFresh.length).toBeGreaterThan(0);
    for (const sent of sentFresh) {
      expect(sent.filter((m) => m.role === 'assistant')).toEqual([]);
      expect(sent.map(textOf).some((m) => m.includes('which word was it'))).toBe(false);
    }
    const status = await t.must('sessions.events', { ref: created.id });
    expect(status.map((e) => e.detail)).toEqual(expect.arrayContaining(['restart (resume)', 'restart (new conversation)']));
    await t.must('sessions.delete', { ref: created.id, force: true });
  }, 240_000);
});
