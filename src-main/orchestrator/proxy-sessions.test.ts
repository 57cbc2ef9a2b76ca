/**
 * The credential proxy as sessions use it, end to end: the stored "real" key is a random canary; a
 * fake Anthropic provider on loopback checks it arrives upstream, exactly once; a fake agent in a
 * local and in a Docker session gets its streamed answer with only a stand-in; and a sweep inside each
 * session (env, every process's environ, `ps`, files) and on the host (docker inspect, the database
 * and its WAL, every file in the data dir, API responses, audit rows) finds the canary nowhere.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CODEX_VIA_PROXY } from '../agents/profiles.js';
import { dockerClient } from '../testing/docker-engine.js';
import { FakeProvider } from '../testing/fake-provider.js';
import { AGENT_CLI_BIN } from '../testing/hermetic-home.js';
import { engineAvailable, makeRepo, startTestOrchestrator, tempDir, waitFor, type TestOrchestrator } from '../testing/fixtures.js';

const AGENTS = path.resolve(import.meta.dirname, '../testing/agents');
const docker = inject('berthDocker');
const dockerReady = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

const canary = () => `sk-ant-canary-${crypto.randomUUID()}`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(needle)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('credential proxy in sessions', () => {
  const stored = canary();
  /** A key in the user's shell environment: it must not reach agents either. */
  const inherited = canary();
  let fake: FakeProvider;
  let t: TestOrchestrator;
  let repo: string;
  const dataDir = tempDir('berth-home-');

  beforeAll(async () => {
    fake = await FakeProvider.start();
    t = await startTestOrchestrator(dataDir, { ...process.env, ANTHROPIC_API_KEY: inherited, OPENAI_API_KEY: inherited });
    await t.must('credentials.set', { name: 'anthropic', kind: 'anthropic-api-key', source: { type: 'value' }, value: stored });
    // An env-sourced credential: the variable it reads from is dropped from agents' environment.
    await t.must('credentials.set', { name: 'openai', kind: 'openai', source: { type: 'env', variable: 'OPENAI_API_KEY' } });
    await t.must('providers.set', { id: 'anthropic', upstream: fake.url, allowPrivate: true });
    repo = makeRepo();
    fs.copyFileSync(path.join(AGENTS, 'fake-agent.mjs'), path.join(repo, 'fake-agent.mjs'));
    fs.copyFileSync(path.join(AGENTS, 'canary-sweep.sh'), path.join(repo, 'canary-sweep.sh'));
    execFileSync('git', ['-C', repo, 'add', '.']);
    execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'agents']);
  });
  afterAll(async () => {
    await fake?.close();
    await t?.close();
  });

  const textOf = (ref: string, marker: RegExp) =>
    waitFor(async () => {
      const r = await t.call('terminal.text', { ref });
      return r.ok && marker.test(r.value.text) ? r.value.text : null;
    }, `${marker} from ${ref}`, 60_000).catch(async (e: Error) => {
      const r = await t.call('terminal.text', { ref });
      const state = await t.call('sessions.get', { ref });
      throw new Error(`${e.message}; session ${JSON.stringify(state)}; the terminal shows:\n${r.ok ? r.value.text : r.error.message}`);
    });

  /** Host-side sweep: the data dir (database, WAL, vault, logs) and everything the API says. */
  async function hostSweep(sessionId: string): Promise<void> {
    await t.must('audit.list', {}); // flushes the audit queue
    for (const secret of [stored, inherited]) expect(filesContaining(dataDir, secret)).toEqual([]);
    const answers = [
      await t.call('sessions.get', { ref: sessionId }),
      await t.call('audit.list', { sessionId }),
      await t.call('usage.list', {}),
      await t.call('credentials.list', {}),
      await t.call('providers.list', {}),
      await t.call('settings.get', {}),
      await t.call('terminal.text', { ref: sessionId }),
      await t.call('metrics.text', {}),
    ];
    for (const a of answers) for (const secret of [stored, inherited]) expect(JSON.stringify(a)).not.toContain(secret);
  }

  it('a local session calls the provider with a stand-in; the key arrives upstream once and leaks nowhere', async () => {
    const command = `sh -c 'node fake-agent.mjs; sh canary-sweep.sh "$PWD $HOME" ${b64(stored)} ${b64(inherited)}; exec sleep 60'`;
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'local', command });
    const text = await textOf(s.id, /SWEEP env=\d+/);
    expect(text).toMatch(/AGENT-STATUS 200 events=\d+/);
    expect(text).toMatch(/AGENT-TEXT \S+/);
    expect(text).toContain('SWEEP env=0 environ=0 ps=0 files=0');

    const upstream = fake.received.filter((r) => r.url.startsWith('/v1/messages'));
    expect(upstream).toHaveLength(1);
    expect(FakeProvider.countInHeaders(upstream[0]!, stored)).toBe(1);
    expect(upstream[0]!.headers.filter(([n]) => n.toLowerCase() === 'x-api-key')).toEqual([['x-api-key', stored]]);

    const [row] = await t.must('audit.list', { sessionId: s.id });
    expect(row).toMatchObject({ sessionId: s.id, provider: 'anthropic', method: 'POST', path: '/v1/messages', status: 200, injected: true, model: 'claude-sonnet-4-5' });
    expect(row!.tokensIn).toBeGreaterThan(0);
    expect(row!.costUsd).toBeGreaterThan(0);
    await hostSweep(s.id);

    // After the session ends, its stand-in no longer works.
    const env = (await t.call('terminal.text', { ref: s.id })).ok;
    expect(env).toBe(true);
    await t.must('sessions.stop', { ref: s.id });
    await t.must('sessions.delete', { ref: s.id, force: true });
  });

  it('the real Claude Code CLI in a session gets its answer through the proxy with only a stand-in', async () => {
    // Claude Code 1.0.x is plain JS (later versions download a native binary from outside the registry).
    const cli = path.resolve(import.meta.dirname, '../../node_modules/@anthropic-ai/claude-code/cli.js');
    // Only loopback: everything else (telemetry, updates) is denied at the proxy, whatever the CLI tries.
    const egress = (await t.must('settings.get', {})).proxy.egress;
    await t.must('settings.update', { proxy: { egress: { ...egress, defaultDecision: 'deny', hosts: [{ host: '127.0.0.1', decision: 'allow', sessionId: null }] } } });
    const before = fake.received.length;
    try {
      const command = `sh -c 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 node ${cli} -p "say hi"; echo CLAUDE-EXIT=$?; exec sleep 60'`;
      const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'local', command });
      const text = await textOf(s.id, /CLAUDE-EXIT=\d+/);
      expect(text).toContain('CLAUDE-EXIT=0');
      expect(text).toContain('Hello from the');
      const calls = fake.received.slice(before).filter((r) => r.url.startsWith('/v1/messages'));
      expect(calls.length).toBeGreaterThan(0);
      for (const c of calls) expect(c.headers.filter(([n]) => n.toLowerCase() === 'x-api-key')).toEqual([['x-api-key', stored]]);
      await hostSweep(s.id);
      await t.must('sessions.delete', { ref: s.id, force: true });
    } finally {
      await t.must('settings.update', { proxy: { egress } });
    }
  }, 120_000);

  it('the real Codex CLI, launched the way the codex agent is, gets its answer through the proxy with only a stand-in', async () => {
    // Codex ignores OPENAI_BASE_URL; the codex profile's wrapper points it at the proxy (CODEX_VIA_PROXY).
    fs.writeFileSync(path.join(repo, 'codex-run.sh'), `PATH=${AGENT_CLI_BIN}:$PATH\nset -- exec --skip-git-repo-check 'say hi'\n${CODEX_VIA_PROXY}\n`);
    execFileSync('git', ['-C', repo, 'add', 'codex-run.sh']);
    execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'codex runner']);
    await t.must('providers.set', { id: 'openai', upstream: fake.url, allowPrivate: true });
    const egress = (await t.must('settings.get', {})).proxy.egress;
    await t.must('settings.update', { proxy: { egress: { ...egress, defaultDecision: 'deny', hosts: [{ host: '127.0.0.1', decision: 'allow', sessionId: null }] } } });
    const before = fake.received.length;
    try {
      const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'local', command: `sh -c 'sh codex-run.sh; echo CODEX-EXIT=$?; exec sleep 60'` });
      const text = await textOf(s.id, /CODEX-EXIT=\d+/);
      expect(text).toContain('CODEX-EXIT=0');
      expect(text).toContain('Hello from the');
      const calls = fake.received.slice(before).filter((r) => r.url.startsWith('/v1/responses'));
      expect(calls.length).toBeGreaterThan(0);
      // The env-sourced OpenAI key (the user's shell variable) arrives upstream, and only there.
      for (const c of calls) expect(c.headers.filter(([n]) => n.toLowerCase() === 'authorization')).toEqual([['authorization', `Bearer ${inherited}`]]);
      await hostSweep(s.id);
      await t.must('sessions.delete', { ref: s.id, force: true });
    } finally {
      await t.must('settings.update', { proxy: { egress } });
    }
  }, 120_000);

  it.runIf(dockerReady)('a Docker session reaches the proxy through its gateway with a stand-in; nothing leaks', async () => {
    const d = docker as Extract<typeof docker, { ok: true }>;
    await t.must('settings.update', { docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [] } });
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const call = `wget -q -O - --header "x-api-key: $ANTHROPIC_API_KEY" --header "content-type: application/json" --post-data '${body}' "$ANTHROPIC_BASE_URL/v1/messages"`;
    const script = `${call}; echo; echo CALL-DONE; sh canary-sweep.sh "$(ls -d /* | grep -v -e ^/proc -e ^/sys -e ^/dev)" ${b64(stored)} ${b64(inherited)}; exec sleep 60`;
    fs.writeFileSync(path.join(repo, 'docker-agent.sh'), script);
    execFileSync('git', ['-C', repo, 'add', 'docker-agent.sh']);
    execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'docker agent']);
    const before = fake.received.length;
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', command: 'sh docker-agent.sh' });
    const text = await textOf(s.id, /SWEEP env=\d+/);
    expect(text).toContain('"type":"message"');
    expect(text).toContain('SWEEP env=0 environ=0 ps=0 files=0');
    const upstream = fake.received.slice(before).filter((r) => r.url.startsWith('/v1/messages'));
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.headers.filter(([n]) => n.toLowerCase() === 'x-api-key')).toEqual([['x-api-key', stored]]);

    const running = await t.must('sessions.get', { ref: s.id });
    const inspect = JSON.stringify(await (await dockerClient(d.endpoint)).getContainer(running.docker!.containerId!).inspect());
    for (const secret of [stored, inherited]) expect(inspect).not.toContain(secret);
    // The container sees the CA certificate but never its key.
    expect(inspect).toContain('/etc/berth/proxy-ca.pem');
    expect(inspect).not.toContain('ca-key.pem');
    await hostSweep(s.id);
    await t.must('sessions.delete', { ref: s.id, force: true });
  }, 120_000);
});
