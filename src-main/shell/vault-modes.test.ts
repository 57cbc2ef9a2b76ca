/**
 * One vault for the desktop app and `berth serve`, with real processes on one data directory: the
 * desktop orchestrator runs as a utility process of a main whose keychain is Electron's safeStorage (the
 * electron mock's, since Electron's binary can't run here, forked for real with the utility process's
 * parentPort), `berth serve` runs as the CLI does. A credential set in one mode reaches the provider
 * through the other mode's proxy, both ways, with the key file and with the secret service (a fake
 * `secret-tool` on a hermetic PATH) as the headless protector; a format-1 desktop vault is migrated.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_FILE, type MethodName, type MethodParams, type MethodResult } from '../../src-shared/contract.js';
import { callHttp } from '../client/node-client.js';
import { cliArgs, PACKAGE_ROOT } from '../cli/cli-test-support.js';
import { pathWithoutSecretTool, installFakeSecretTool } from '../testing/fake-secret-tool.js';
import { FakeProvider } from '../testing/fake-provider.js';
import { makeRepo, tempDir, waitFor } from '../testing/fixtures.js';
import { VAULT_KEY_FILE } from '../vault/key-file-protector.js';
import { VAULT_FILE } from '../vault/vault.js';
import { DesktopKeychainService, SEALED_VAULT_KEY_FILE } from './keychain.js';
import { OrchestratorHost } from './orchestrator-host.js';
import { resetElectronMock, useRealUtilityProcesses } from './testing/electron-mock.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The orchestrator's entry, as the desktop app forks it (built; here from source through tsx). */
const ORCHESTRATOR_MAIN = path.join(HERE, '../orchestrator/main.ts');
const V1_DESKTOP = path.join(HERE, '../testing/vault-v1/desktop-safe-storage');
/** Longest an orchestrator may take to start on a loaded machine. */
const START_TIMEOUT_MS = 60_000;
/** A scenario: three orchestrator starts and three sessions. */
const SCENARIO_TIMEOUT_MS = 240_000;

/** What the agent does: one Anthropic call through the proxy with the stand-in key, then it waits. */
const CURL_AGENT =
  `sh -c 'curl -sS "$ANTHROPIC_BASE_URL/v1/messages" -H "x-api-key: $ANTHROPIC_API_KEY" -H "content-type: application/json" ` +
  `-d "{\\"model\\":\\"claude-sonnet-4-5\\",\\"max_tokens\\":5,\\"messages\\":[{\\"role\\":\\"user\\",\\"content\\":\\"hi\\"}]}"; echo; echo CURL-DONE; exec sleep 30'`;

interface Running {
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>;
  /** The session's screen, or '' while it has none yet. */
  screen(ref: string): Promise<string>;
  stop(): Promise<void>;
  output(): string;
}

/** The data dir's orchestrator endpoint, from api.json once the process with `pid` wrote it. */
async function endpointOf(dataDir: string, pid: number | undefined): Promise<{ url: string; token: string }> {
  return waitFor(
    () => {
      try {
        const api = JSON.parse(fs.readFileSync(path.join(dataDir, API_FILE), 'utf8')) as { url: string; token: string; pid: number };
        return api.pid === pid ? api : null;
      } catch {
        return null;
      }
    },
    'api.json of the new orchestrator',
    START_TIMEOUT_MS,
  );
}

function client(endpoint: { url: string; token: string }): Pick<Running, 'call' | 'screen'> {
  return {
    async call(method, params) {
      const r = await callHttp(endpoint, method, params);
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    },
    async screen(ref) {
      const r = await callHttp(endpoint, 'terminal.text', { ref });
      return r.ok ? r.value.text : '';
    },
  };
}

/** The desktop app's orchestrator: forked by the real OrchestratorHost, main's keychain answering it. */
async function startDesktop(dataDir: string, userData: string, env: NodeJS.ProcessEnv): Promise<Running> {
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
  const host = new OrchestratorHost({
    modulePath: ORCHESTRATOR_MAIN,
    args: ['--embedded'],
    env: { ...env, BERTH_HOME: dataDir },
    log,
    keychain: new DesktopKeychainService({ userDataDir: userData, allowBasicText: false, platform: 'linux' }),
  });
  host.start();
  await waitFor(() => lines.some((l) => l.startsWith('the orchestrator is ready')) || lines.some((l) => /could not start|exited/.test(l)), 'the desktop orchestrator', START_TIMEOUT_MS);
  if (!lines.some((l) => l.startsWith('the orchestrator is ready'))) throw new Error(`the desktop orchestrator did not start:\n${lines.join('\n')}`);
  return {
    ...client(await endpointOf(dataDir, host.process?.pid)),
    output: () => lines.join('\n'),
    stop: async () => {
      await host.stop();
      host.dispose();
    },
  };
}

/** `berth serve --port 0` as a user runs it. */
async function startHeadless(dataDir: string, env: NodeJS.ProcessEnv): Promise<Running> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, cliArgs(['serve', '--port', '0']), { cwd: PACKAGE_ROOT, env: { ...env, BERTH_HOME: dataDir } });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(() => out.includes('Berth is serving headless at') || child.exitCode !== null, 'berth serve', START_TIMEOUT_MS);
  if (child.exitCode !== null) throw new Error(`berth serve exited:\n${out}`);
  return {
    ...client(await endpointOf(dataDir, child.pid)),
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('one vault for the desktop app and berth serve', () => {
  let fake: FakeProvider;
  let repo: string;
  const running: Running[] = [];

  beforeAll(async () => {
    fake = await FakeProvider.start();
    repo = makeRepo();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => {
    resetElectronMock();
    useRealUtilityProcesses();
  });
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
  });

  async function start(mode: 'desktop' | 'headless', dataDir: string, userData: string, env: NodeJS.ProcessEnv): Promise<Running> {
    const r = mode === 'desktop' ? await startDesktop(dataDir, userData, env) : await startHeadless(dataDir, env);
    running.push(r);
    return r;
  }

  async function stop(r: Running): Promise<void> {
    running.splice(running.indexOf(r), 1);
    await r.stop();
  }

  /** A session in `r` calls Anthropic through the proxy; the key that arrived upstream. */
  async function keyInjectedBy(r: Running): Promise<string> {
    const before = fake.received.length;
    const s = await r.call('sessions.create', { repoPath: repo, agent: 'custom', backend: 'local', command: CURL_AGENT });
    try {
      await waitFor(async () => (await r.screen(s.id)).includes('CURL-DONE'), "the session's call", START_TIMEOUT_MS).catch(async (e: Error) => {
        throw new Error(`${e.message}; the screen shows:\n${await r.screen(s.id)}\nthe orchestrator said:\n${r.output()}`);
      });
      const calls = fake.received.slice(before).filter((c) => c.url === '/v1/messages');
      expect(calls).toHaveLength(1);
      return calls[0]!.headers.find(([n]) => n.toLowerCase() === 'x-api-key')?.[1] ?? '(none)';
    } finally {
      await r.call('sessions.delete', { ref: s.id, force: true });
    }
  }

  const protectors = async (r: Running) => (await r.call('credentials.list', {})).vault.protectors.map((p) => `${p.kind}:${p.available ? 'available' : 'unavailable'}:${p.wraps ? 'wraps' : '-'}`);

  it.each([
    ['the key file', false],
    ['the secret service', true],
  ])('a credential set in either mode reaches the provider through the other (headless protector: %s)', async (_label, withSecretService) => {
    const dataDir = tempDir('berth-modes-');
    const userData = tempDir('berth-userdata-');
    const fakeTool = installFakeSecretTool(tempDir('berth-secret-tool-'));
    const env = { HOME: process.env.HOME, PATH: withSecretService ? pathWithoutSecretTool(dataDir, fakeTool.binDir) : pathWithoutSecretTool(dataDir), ...fakeTool.env };
    const headlessKind = withSecretService ? 'secret-service' : 'key-file';
    const otherKind = withSecretService ? 'key-file' : 'secret-service';
    const fromDesktop = `sk-ant-desktop-${randomBytes(12).toString('hex')}`;
    const fromHeadless = `sk-ant-headless-${randomBytes(12).toString('hex')}`;

    const desktop = await start('desktop', dataDir, userData, env);
    await desktop.call('credentials.set', { name: 'anthropic', kind: 'anthropic-api-key', source: { type: 'value' }, value: fromDesktop });
    await desktop.call('providers.set', { id: 'anthropic', upstream: fake.url, allowPrivate: true });
    expect(await protectors(desktop)).toEqual(expect.arrayContaining(['safe-storage:available:wraps', `${headlessKind}:available:wraps`, `${otherKind}:unavailable:-`]));
    await stop(desktop);

    const headless = await start('headless', dataDir, userData, env);
    expect((await headless.call('credentials.list', {})).vault.locked).toBeNull();
    expect(await protectors(headless)).toEqual(expect.arrayContaining(['safe-storage:unavailable:wraps', `${headlessKind}:available:wraps`]));
    expect(await keyInjectedBy(headless)).toBe(fromDesktop);
    await headless.call('credentials.set', { name: 'anthropic', kind: 'anthropic-api-key', source: { type: 'value' }, value: fromHeadless });
    await stop(headless);

    const again = await start('desktop', dataDir, userData, env);
    expect(await keyInjectedBy(again)).toBe(fromHeadless);
    await stop(again);
    expect(fs.existsSync(path.join(dataDir, VAULT_KEY_FILE))).toBe(!withSecretService);
    for (const secret of [fromDesktop, fromHeadless]) expect(fs.readFileSync(path.join(dataDir, VAULT_FILE)).includes(secret)).toBe(false);
  }, SCENARIO_TIMEOUT_MS);

  it('a format-1 desktop vault is upgraded by the desktop app and then opens in berth serve', async () => {
    const dataDir = tempDir('berth-modes-');
    const userData = tempDir('berth-userdata-');
    fs.copyFileSync(path.join(V1_DESKTOP, VAULT_FILE), path.join(dataDir, VAULT_FILE));
    fs.copyFileSync(path.join(V1_DESKTOP, 'userData', SEALED_VAULT_KEY_FILE), path.join(userData, SEALED_VAULT_KEY_FILE));
    fs.chmodSync(path.join(dataDir, VAULT_FILE), 0o600);
    const env = { HOME: process.env.HOME, PATH: pathWithoutSecretTool(dataDir) };

    const desktop = await start('desktop', dataDir, userData, env);
    const listed = await desktop.call('credentials.list', {});
    expect(listed.vault.locked).toBeNull();
    expect(listed.credentials.map((c) => c.name)).toEqual(['anthropic', 'gh', 'tool']);
    await desktop.call('providers.set', { id: 'anthropic', upstream: fake.url, allowPrivate: true });
    expect(await keyInjectedBy(desktop)).toBe('sk-ant-v1-fixture-0123456789abcdef');
    await stop(desktop);
    const upgraded = JSON.parse(fs.readFileSync(path.join(dataDir, VAULT_FILE), 'utf8')) as { version: number; keys: { protector: string }[] };
    expect(upgraded.version).toBe(2);
    expect(upgraded.keys.map((k) => k.protector).sort()).toEqual(['key-file', 'safe-storage']);

    const headless = await start('headless', dataDir, userData, env);
    expect(await keyInjectedBy(headless)).toBe('sk-ant-v1-fixture-0123456789abcdef');
  }, SCENARIO_TIMEOUT_MS);
});
