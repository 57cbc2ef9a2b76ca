/**
 * A vault that can't be unlocked never stops Berth: `berth serve` starts with the key file replaced,
 * `berth credentials list` shows the vault locked with the reason and the fix, `set` is refused with the
 * reason, a session starts and the proxy tells its agent why the credential is unavailable, and the vault
 * file is byte-identical afterwards. Restoring the key and `berth credentials unlock` bring the same
 * credentials back; `reset` on a damaged file keeps it as a backup.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialListDto } from '../../src-shared/credentials.js';
import { pathWithoutSecretTool } from '../testing/fake-secret-tool.js';
import { FakeProvider } from '../testing/fake-provider.js';
import { makeRepo, startTestOrchestrator, tempDir } from '../testing/fixtures.js';
import { VAULT_KEY_FILE } from '../vault/key-file-protector.js';
import { VAULT_FILE } from '../vault/vault.js';
import { cliArgs, PACKAGE_ROOT, runBerth, waitFor, type RunOutput } from './cli-test-support.js';

/** One Anthropic call through the proxy with the stand-in key; the answer (or the proxy's refusal) is printed. */
const CURL_AGENT =
  `sh -c 'curl -sS "$ANTHROPIC_BASE_URL/v1/messages" -H "x-api-key: $ANTHROPIC_API_KEY" -H "content-type: application/json" ` +
  `-d "{\\"model\\":\\"claude-sonnet-4-5\\",\\"max_tokens\\":5,\\"messages\\":[{\\"role\\":\\"user\\",\\"content\\":\\"hi\\"}]}"; echo; echo CURL-DONE; exec sleep 30'`;
/** Longest `berth serve` may take to start on a loaded machine. */
const SERVE_TIMEOUT_MS = 60_000;

describe('a locked vault', () => {
  const home = tempDir('berth-locked-');
  const env = { ...process.env, PATH: pathWithoutSecretTool(home), BERTH_HOME: home };
  const canary = `sk-ant-canary-${randomBytes(16).toString('hex')}`;
  const outputs: string[] = [];
  let fake: FakeProvider;
  let repo: string;
  let server: { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } | null = null;

  async function serve(): Promise<void> {
    const child = spawn(process.execPath, cliArgs(['serve', '--port', '0']), { cwd: PACKAGE_ROOT, env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    server = { child, output: () => out, exited };
    await waitFor('berth serve', () => (out.includes('Berth is serving headless at') || child.exitCode !== null ? true : undefined), SERVE_TIMEOUT_MS);
    if (child.exitCode !== null) throw new Error(`berth serve exited with ${child.exitCode}:\n${out}`);
  }

  async function stopServer(): Promise<number | null> {
    const s = server;
    server = null;
    if (!s) return null;
    s.child.kill('SIGTERM');
    return s.exited;
  }

  async function berth(args: string[], input?: string): Promise<RunOutput> {
    const res = await runBerth(args, { home, env: { PATH: env.PATH }, ...(input === undefined ? {} : { input }) });
    outputs.push(res.stdout, res.stderr);
    return res;
  }

  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(async () => {
    await stopServer();
    await fake?.close();
    for (const output of outputs) expect(output).not.toContain(canary);
  });

  it('keeps berth serve running, says why and what to do, refuses changes, and leaves the file as it was', async () => {
    // Started here and closed at the end: the in-process orchestrator of the next test checks for leaks.
    fake = await FakeProvider.start();
    await serve();
    expect((await berth(['credentials', 'set', 'anthropic'], `${canary}\n`)).code).toBe(0);
    expect((await berth(['providers', 'set', 'anthropic', '--upstream', fake.url, '--allow-private'])).code).toBe(0);
    expect(await stopServer()).toBe(0);

    const keyFile = path.join(home, VAULT_KEY_FILE);
    const originalKey = fs.readFileSync(keyFile);
    fs.writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
    const vaultBefore = fs.readFileSync(path.join(home, VAULT_FILE));

    await serve();
    expect(server!.output()).toMatch(/the credential vault is locked/);

    const list = await berth(['credentials', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^anthropic\s+anthropic-api-key\s+typed/m);
    expect(list.stdout).toMatch(/^LOCKED: the vault .*vault\.json can't be unlocked here/m);
    expect(list.stdout).toMatch(/^reason: .*key file .*vault\.key does not unwrap the vault key/m);
    expect(list.stdout).toMatch(/^fix: Restore .*vault\.key from a backup.*berth credentials unlock/m);
    const json = CredentialListDto.parse(JSON.parse((await berth(['credentials', 'list', '--json'])).stdout));
    expect(json.vault.locked).toMatchObject({ reason: expect.stringMatching(/does not unwrap/), fix: expect.stringMatching(/Restore/) });
    expect(json.vault.protectors.find((p) => p.kind === 'key-file')).toMatchObject({ wraps: true, available: true, problem: expect.stringMatching(/does not unwrap/) });

    const set = await berth(['credentials', 'set', 'openai'], 'sk-another-value-0123456789\n');
    expect(set.code).toBe(1);
    expect(set.stderr).toMatch(/^berth: the credential vault is locked: .*does not unwrap/m);
    const unlock = await berth(['credentials', 'unlock']);
    expect(unlock.code).toBe(1);
    expect(unlock.stdout).toMatch(/^reason: /m);

    // A session starts; its agent is told why the provider's credential is unavailable.
    const created = await berth(['create', '--repo', repo, '--agent', 'custom', '--name', 'locked-run', '--command', CURL_AGENT]);
    expect(created.code).toBe(0);
    const screen = await waitFor('the session to call the proxy', async () => {
      const res = await berth(['logs', 'locked-run']);
      return res.stdout.includes('CURL-DONE') ? res.stdout.replace(/\r?\n/g, '') : undefined;
    });
    expect(screen).toMatch(/berth_credential_locked/);
    expect(screen).toMatch(/credential anthropic for Anthropic is unavailable: the credential vault is locked/);
    expect(fake.received.filter((r) => r.url === '/v1/messages')).toHaveLength(0);
    expect((await berth(['rm', '--force', 'locked-run'])).code).toBe(0);

    expect(await stopServer()).toBe(0);
    expect(fs.readFileSync(path.join(home, VAULT_FILE)).equals(vaultBefore)).toBe(true);

    // The key restored: unlocking again (no restart needed) gives the same credential back to the proxy.
    await serve();
    fs.writeFileSync(keyFile, originalKey, { mode: 0o600 });
    expect((await berth(['credentials', 'list'])).stdout).toMatch(/^LOCKED/m);
    const unlocked = await berth(['credentials', 'unlock']);
    expect(unlocked.stdout).toBe('The vault is unlocked.\n');
    expect(unlocked.code).toBe(0);
    expect((await berth(['create', '--repo', repo, '--agent', 'custom', '--name', 'unlocked-run', '--command', CURL_AGENT])).code).toBe(0);
    await waitFor('the key to arrive upstream', () => (fake.received.some((r) => r.url === '/v1/messages') ? true : undefined));
    expect(FakeProvider.countInHeaders(fake.received.find((r) => r.url === '/v1/messages')!, canary)).toBe(1);
    expect((await berth(['rm', '--force', 'unlocked-run'])).code).toBe(0);
    expect(await stopServer()).toBe(0);
    await fake.close();
  }, 240_000);

  it('starts the orchestrator on a damaged vault file, and reset keeps that file as a backup', async () => {
    const dataDir = tempDir('berth-damaged-');
    fs.writeFileSync(path.join(dataDir, VAULT_FILE), '{"format":"berth-vault","version":2,"keys":[', { mode: 0o600 });
    const t = await startTestOrchestrator(dataDir, { ...process.env, PATH: pathWithoutSecretTool(dataDir) });
    try {
      const listed = await t.must('credentials.list', {});
      expect(listed.vault.locked?.reason).toMatch(/not valid JSON/);
      expect(listed.credentials).toEqual([]);
      const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'local', command: 'sh -c "echo STARTED; exec sleep 30"' });
      await waitFor('the session', async () => ((await t.call('terminal.text', { ref: s.id })) as { ok: boolean; value?: { text: string } }).value?.text.includes('STARTED') || undefined);
      await t.must('sessions.delete', { ref: s.id, force: true });
      expect(fs.readFileSync(path.join(dataDir, VAULT_FILE), 'utf8')).toBe('{"format":"berth-vault","version":2,"keys":[');

      const reset = await t.must('credentials.reset', { confirm: true });
      expect(reset.vault.locked).toBeNull();
      expect(fs.readFileSync(reset.backup!, 'utf8')).toBe('{"format":"berth-vault","version":2,"keys":[');
      await t.must('credentials.set', { name: 'fresh', kind: 'custom', source: { type: 'value' }, value: 'fresh-value-0123456789' });
      expect((await t.must('credentials.list', {})).credentials.map((c) => c.name)).toEqual(['fresh']);
    } finally {
      await t.close();
    }
  }, 120_000);
});
