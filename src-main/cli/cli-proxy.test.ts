/**
 * `berth providers`, `audit`, `usage` and `egress` against a real orchestrator and a fake Anthropic
 * provider on loopback: a local session calls the proxy with curl the way an agent would (stand-in key
 * in x-api-key), the real key (a random canary) arrives upstream exactly once, the CLI shows the
 * request and its cost, and an "ask" egress policy holds requests until `berth egress allow|deny`.
 * The canary must appear in no CLI output and not in the session's terminal.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderDto, type AuditRowDto } from '../../src-shared/proxy.js';
import { EgressAskDto } from '../../src-shared/proxy-settings.js';
import { FakeProvider } from '../testing/fake-provider.js';
import { makeRepo, startTestOrchestrator, type TestOrchestrator } from '../testing/fixtures.js';
import { plainLines, runBerth, waitFor, type RunOutput } from './cli-test-support.js';
import type { NamedAuditRow, NamedUsageRow, UsageTotals } from './commands/audit.js';

/** What the agent sends: one non-streamed Anthropic Messages call through the proxy, then it idles. */
const CURL_AGENT =
  `sh -c 'curl -sS "$ANTHROPIC_BASE_URL/v1/messages" -H "x-api-key: $ANTHROPIC_API_KEY" -H "content-type: application/json" ` +
  `-d "{\\"model\\":\\"claude-sonnet-4-5\\",\\"max_tokens\\":5,\\"messages\\":[{\\"role\\":\\"user\\",\\"content\\":\\"hi\\"}]}"; echo; exec sleep 30'`;
/** The fake's usage (its defaults) and claude-sonnet-4-5's price: $3 in, $15 out per million tokens. */
const TOKENS_IN = 25;
const TOKENS_OUT = 15;
const EXPECTED_COST_USD = (TOKENS_IN * 3 + TOKENS_OUT * 15) / 1_000_000;
/** The fake's non-streamed answer (three deltas of its text), as the JSON body shows it. */
const FAKE_ANSWER = '"text":"Hello from the"';
/** Seconds a held request waits for an answer in these tests. */
const ASK_TIMEOUT_SECONDS = 30;
/** Characters of an ask id given as a prefix. */
const ID_PREFIX_CHARS = 8;

describe('berth providers, audit, usage and egress', () => {
  let t: TestOrchestrator;
  let fake: FakeProvider;
  let repo: string;
  const canary = `sk-ant-canary-${randomBytes(16).toString('hex')}`;
  /** Everything every CLI run printed, checked for the canary at the end. */
  const outputs: string[] = [];
  const sessions: string[] = [];

  async function berth(args: string[], input?: string): Promise<RunOutput> {
    const res = await runBerth(args, { home: t.dataDir, ...(input === undefined ? {} : { input }) });
    outputs.push(res.stdout, res.stderr);
    return res;
  }

  async function json<T>(args: string[]): Promise<T> {
    const res = await berth([...args, '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    return JSON.parse(res.stdout) as T;
  }

  async function createCurlSession(name: string): Promise<void> {
    const res = await berth(['create', '--repo', repo, '--agent', 'custom', '--name', name, '--command', CURL_AGENT]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    sessions.push(name);
  }

  const terminalText = async (name: string) => (await t.must('terminal.text', { ref: name })).text;
  /** Whether the session's terminal shows the fake's answer (the terminal wraps the JSON line). */
  const answered = async (name: string) => ((await terminalText(name)).replace(/\n/g, '').includes(FAKE_ANSWER) ? true : undefined);
  const messagesReceived = () => fake.received.filter((r) => r.url === '/v1/messages');

  beforeAll(async () => {
    fake = await FakeProvider.start();
    t = await startTestOrchestrator();
    repo = makeRepo();
  });

  afterAll(async () => {
    for (const ref of sessions) await t?.call('sessions.delete', { ref, force: true });
    await fake?.close();
    await t?.close();
  });

  it('providers set points anthropic at the fake on loopback; list shows it with its credential', async () => {
    const stored = await berth(['credentials', 'set', 'anthropic'], `${canary}\n`);
    expect(stored.code).toBe(0);

    const set = await berth(['providers', 'set', 'anthropic', '--upstream', fake.url, '--allow-private']);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toBe(`set anthropic: upstream ${fake.url}, credential anthropic, status ok\n`);

    const list = await berth(['providers', 'list']);
    expect(list.code).toBe(0);
    const lines = plainLines(list.stdout);
    expect(lines[0]).toMatch(/^ID\s+NAME\s+UPSTREAM\s+CREDENTIAL\s+STATUS\s+LAST ERROR$/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^anthropic\\s+.+\\s+${fake.url.replace(/\./g, '\\.')}\\s+anthropic\\s+ok\\s+-$`)));
    const providers = (await json<unknown[]>(['providers', 'list'])).map((p) => ProviderDto.parse(p));
    expect(providers.find((p) => p.id === 'anthropic')).toMatchObject({ upstream: fake.url, credential: 'anthropic', status: 'ok', lastError: null });
  });

  it('providers set --credential chooses a vault entry and --no-credential forgets the choice', async () => {
    const stored = async () => (await t.must('settings.get', {})).proxy.providers.find((p) => p.id === 'anthropic');
    expect(await stored()).toMatchObject({ upstream: fake.url, credential: null, allowPrivate: true });
    const chosen = ProviderDto.parse(await json(['providers', 'set', 'anthropic', '--credential', 'anthropic']));
    expect(chosen.credential).toBe('anthropic');
    expect(await stored()).toMatchObject({ upstream: fake.url, credential: 'anthropic', allowPrivate: true });
    const forgotten = await berth(['providers', 'set', 'anthropic', '--no-credential']);
    expect(forgotten.code).toBe(0);
    // The entry named like the provider is still the one used.
    expect(forgotten.stdout).toBe(`set anthropic: upstream ${fake.url}, credential anthropic, status ok\n`);
    expect(await stored()).toMatchObject({ upstream: fake.url, credential: null, allowPrivate: true });
  });

  it.each([
    [['providers', 'set', 'anthropic'], /^berth: nothing to change/],
    [['providers', 'set', 'Anthropic', '--upstream', 'http://127.0.0.1:1'], /^berth: provider name 'Anthropic': use lowercase/],
    [['providers', 'set', 'anthropic', '--upstream', 'http://127.0.0.1:1/?q=1'], /^berth: --upstream 'http:\/\/127\.0\.0\.1:1\/\?q=1': an http/],
    [['providers', 'set', 'anthropic', '--credential', 'Bad Name'], /^berth: --credential 'Bad Name': /],
  ])('%j is a usage error (exit 2) and changes nothing', async (args, message) => {
    const res = await berth(args);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(message);
    expect((await t.must('providers.list', {})).find((p) => p.id === 'anthropic')?.upstream).toBe(fake.url);
  });

  it('a session calls the proxy with its stand-in key; the real key arrives upstream exactly once', async () => {
    await createCurlSession('proxy-curl');
    await waitFor('the fake answer in the terminal', () => answered('proxy-curl'));
    const [received, ...more] = messagesReceived();
    expect(more).toEqual([]);
    expect(FakeProvider.countInHeaders(received!, canary)).toBe(1);
    expect(received!.headers.filter(([n]) => n.toLowerCase() === 'x-api-key')).toEqual([[expect.any(String), canary]]);
    expect(await terminalText('proxy-curl')).not.toContain(canary);
  });

  it('audit --session shows the request: injected, allowed, with tokens and cost', async () => {
    const rows = await waitFor('the audit row', async () => {
      const r = await json<NamedAuditRow[]>(['audit', '--session', 'proxy-curl']);
      return r.length > 0 ? r : undefined;
    });
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ sessionName: 'proxy-curl', provider: 'anthropic', method: 'POST', path: '/v1/messages', status: 200, injected: true, decision: 'allow' });
    expect(row).toMatchObject({ model: expect.stringMatching(/^claude-sonnet-4-5/), tokensIn: TOKENS_IN, tokensOut: TOKENS_OUT });
    expect(row.costUsd).toBeCloseTo(EXPECTED_COST_USD, 9);
    expect(row.bytesUp).toBeGreaterThan(0);
    expect(row.bytesDown).toBeGreaterThan(0);

    const table = await berth(['audit', '--session', 'proxy-curl']);
    expect(table.code).toBe(0);
    const lines = plainLines(table.stdout);
    expect(lines[0]).toMatch(/^TIME\s+SESSION\s+PROVIDER\s+HOST\s+METHOD\s+PATH\s+STATUS\s+↑\/↓\s+LATENCY\s+INJECTED\s+DECISION\s+TOKENS\s+COST$/);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+proxy-curl\s+anthropic\s+\S+\s+POST\s+\/v1\/messages\s+200\s+\S+\/\S+\s+[\d.]+ ms\s+yes\s+allow\s+25\/15\s+\$0\.0003$/);
  });

  it('usage shows the session and model with its cost and the totals', async () => {
    const { usage, total } = await json<{ usage: NamedUsageRow[]; total: UsageTotals }>(['usage']);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ sessionName: 'proxy-curl', provider: 'anthropic', model: expect.stringMatching(/^claude-sonnet-4-5/), requests: 1, tokensIn: TOKENS_IN, tokensOut: TOKENS_OUT });
    expect(usage[0]!.costUsd).toBeCloseTo(EXPECTED_COST_USD, 9);
    expect(total).toMatchObject({ requests: 1, tokensIn: TOKENS_IN, tokensOut: TOKENS_OUT });
    expect(total.costUsd).toBeCloseTo(EXPECTED_COST_USD, 9);

    const table = await berth(['usage', '--session', 'proxy-curl']);
    expect(table.code).toBe(0);
    const lines = plainLines(table.stdout);
    expect(lines[0]).toMatch(/^SESSION\s+PROVIDER\s+MODEL\s+REQUESTS\s+TOKENS IN\s+TOKENS OUT\s+COST$/);
    expect(lines[1]).toMatch(/^proxy-curl\s+anthropic\s+claude-sonnet-4-5\S*\s+1\s+25\s+15\s+\$0\.0003$/);
    expect(lines[2]).toMatch(/^TOTAL\s+1\s+25\s+15\s+\$0\.0003$/);
  });

  it('an unknown --session is an error; a bad --limit a usage error', async () => {
    const unknown = await berth(['audit', '--session', 'no-such-session']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('berth: no session named "no-such-session"\n');
    const limit = await berth(['audit', '--limit', 'lots']);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toMatch(/^berth: --limit 'lots': a whole number from 1 to 1000\n$/);
  });

  describe('with an "ask" egress policy', () => {
    beforeAll(async () => {
      await t.must('settings.update', { proxy: { egress: { defaultDecision: 'ask', hosts: [], askTimeoutSeconds: ASK_TIMEOUT_SECONDS } } });
    });

    async function waitingAsk(sessionName: string): Promise<EgressAskDto> {
      return waitFor(`a held request of ${sessionName}`, async () => {
        const pending = (await json<unknown[]>(['egress', 'pending'])).map((p) => EgressAskDto.parse(p));
        return pending.find((p) => p.sessionName === sessionName);
      });
    }

    it('holds the request until `egress allow` (by id prefix); then it completes', async () => {
      const before = messagesReceived().length;
      await createCurlSession('egress-allow');
      const ask = await waitingAsk('egress-allow');
      expect(ask).toMatchObject({ method: 'POST', path: '/v1/messages', host: '127.0.0.1' });
      expect(messagesReceived()).toHaveLength(before);

      const table = await berth(['egress', 'pending']);
      expect(plainLines(table.stdout)[0]).toMatch(/^ID\s+SESSION\s+METHOD\s+HOST\s+PATH\s+WAITING\s+DENIED IN$/);
      expect(plainLines(table.stdout)).toContainEqual(expect.stringMatching(new RegExp(`^${ask.id}\\s+egress-allow\\s+POST\\s+127\\.0\\.0\\.1\\s+/v1/messages\\s+\\d+s\\s+\\d+s$`)));

      const allow = await berth(['egress', 'allow', ask.id.slice(0, ID_PREFIX_CHARS)]);
      expect(allow.stderr).toBe('');
      expect(allow.code).toBe(0);
      expect(allow.stdout).toBe(`allowed ${ask.id}\n`);
      await waitFor('the fake answer in the terminal', () => answered('egress-allow'));
      expect(messagesReceived()).toHaveLength(before + 1);
      expect((await json<unknown[]>(['egress', 'pending'])).length).toBe(0);
    });

    it('`egress deny --remember always` refuses it and saves a deny rule for the host', async () => {
      const before = messagesReceived().length;
      await createCurlSession('egress-deny');
      const ask = await waitingAsk('egress-deny');
      const deny = await berth(['egress', 'deny', ask.id, '--remember', 'always']);
      expect(deny.code).toBe(0);
      expect(deny.stdout).toBe(`denied ${ask.id} (remembered: always)\n`);
      const row = await waitFor('the denied audit row', async () => (await json<AuditRowDto[]>(['audit', '--session', 'egress-deny']))[0]);
      expect(row).toMatchObject({ decision: 'deny', injected: false, path: '/v1/messages' });
      expect(messagesReceived()).toHaveLength(before);
      expect((await t.must('settings.get', {})).proxy.egress.hosts).toContainEqual({ host: '127.0.0.1', decision: 'deny', sessionId: null });
    });

    it('answering a request that is not waiting exits 1', async () => {
      const res = await berth(['egress', 'allow', 'no-such-request']);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/^berth: that request is no longer waiting/);
    });
  });

  it('no CLI output contains the real key', () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const output of outputs) expect(output).not.toContain(canary);
  });
});
