import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialSetRequest } from '../../src-shared/credentials.js';
import type { Result } from '../../src-shared/result.js';
import { tempDir } from '../testing/fixtures.js';
import { MemoryKeyProvider, VAULT_KEY_BYTES, type KeyProvider } from './key-provider.js';
import { VAULT_FILE, Vault, type VaultChange, type VaultOptions } from './vault.js';

/** A random secret that must never show up anywhere but `resolve()`. */
function canary(): string {
  return `sk-canary-${randomBytes(24).toString('hex')}`;
}

const opened: Vault[] = [];
afterEach(() => {
  for (const vault of opened.splice(0)) vault.dispose();
});

function must<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function openVault(dir: string, options: Partial<VaultOptions> & { key?: Buffer } = {}): Promise<Vault> {
  const keyProvider: KeyProvider = options.keyProvider ?? new MemoryKeyProvider(options.key ?? Buffer.alloc(VAULT_KEY_BYTES, 7));
  const vault = must(await Vault.open({ file: path.join(dir, VAULT_FILE), env: {}, ...options, keyProvider }));
  opened.push(vault);
  return vault;
}

function typed(name: string, value: string, kind: CredentialSetRequest['kind'] = 'anthropic-api-key'): CredentialSetRequest {
  return { name, kind, source: { type: 'value' }, value };
}

/** Every place a canary could leak to from the vault: the file, list(), and the given messages. */
function expectNoCanary(dir: string, vault: Vault, secret: string, messages: string[] = []): void {
  const file = fs.readFileSync(path.join(dir, VAULT_FILE));
  expect(file.includes(secret)).toBe(false);
  expect(file.includes(Buffer.from(secret).toString('base64'))).toBe(false);
  expect(file.includes(Buffer.from(secret).toString('hex'))).toBe(false);
  expect(JSON.stringify(vault.list())).not.toContain(secret);
  for (const message of messages) expect(message).not.toContain(secret);
}

describe('Vault: typed values', () => {
  it('stores a value encrypted, masks it in list(), resolves it, and keeps it across a reopen', async () => {
    const dir = tempDir();
    const secret = canary();
    const vault = await openVault(dir);
    const changes: VaultChange[] = [];
    const sub = vault.onDidChange((c) => changes.push(c));

    const dto = must(await vault.set(typed('anthropic', secret)));
    expect(dto).toMatchObject({ name: 'anthropic', kind: 'anthropic-api-key', source: { type: 'value' }, masked: `••••${secret.slice(-4)}`, lastUsedAt: null, lastError: null });
    expect(JSON.stringify(dto)).not.toContain(secret);
    expect(changes).toEqual([{ type: 'set', name: 'anthropic' }]);
    expect(must(await vault.resolve('anthropic'))).toBe(secret);
    await vault.flush();
    expectNoCanary(dir, vault, secret);
    expect(fs.statSync(path.join(dir, VAULT_FILE)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual([VAULT_FILE]); // no temp files left behind
    sub.dispose();

    vault.dispose();
    const again = await openVault(dir);
    expect(must(await again.resolve('anthropic'))).toBe(secret);
    expect(again.get('anthropic')?.lastUsedAt).toEqual(expect.any(Number));
  });

  it('replaces a value keeping createdAt, deletes, and reports unknown names', async () => {
    let now = 1_000;
    const dir = tempDir();
    const vault = await openVault(dir, { now: () => now });
    must(await vault.set(typed('gh', 'ghp_first_value_0001', 'github')));
    now = 2_000;
    const replaced = must(await vault.set(typed('gh', 'ghp_second_value_0002', 'github')));
    expect(replaced).toMatchObject({ createdAt: 1_000, updatedAt: 2_000, masked: '••••0002' });
    expect(must(await vault.resolve('gh'))).toBe('ghp_second_value_0002');

    const changes: VaultChange[] = [];
    const sub = vault.onDidChange((c) => changes.push(c));
    must(await vault.delete('gh'));
    sub.dispose();
    expect(changes).toEqual([{ type: 'deleted', name: 'gh' }]);
    expect(vault.list()).toEqual([]);
    const missing = await vault.resolve('gh');
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await vault.delete('gh')).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('masks short values completely', async () => {
    const vault = await openVault(tempDir());
    expect(must(await vault.set(typed('short', 'abc12345'))).masked).toBe('••••');
  });

  it('rejects bad requests without quoting the value', async () => {
    const vault = await openVault(tempDir());
    const secret = canary();
    const bad: CredentialSetRequest[] = [
      typed('Bad Name', secret),
      typed('x'.repeat(65), secret),
      typed('big', secret + 'x'.repeat(16 * 1024)),
      { name: 'env-with-value', kind: 'openai', source: { type: 'env', variable: 'OPENAI_API_KEY' }, value: secret },
      { name: 'no-value', kind: 'openai', source: { type: 'value' } },
      { name: 'bad-var', kind: 'openai', source: { type: 'env', variable: '1BAD' } },
    ];
    for (const request of bad) {
      const result = await vault.set(request);
      expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      if (!result.ok) expect(result.error.message).not.toContain(secret);
    }
    expect(vault.list()).toEqual([]);
  });
});

describe('Vault: tampering and keys', () => {
  it('reports a tampered ciphertext as a clear error for that entry only', async () => {
    const dir = tempDir();
    const secret = canary();
    const vault = await openVault(dir);
    must(await vault.set(typed('victim', secret)));
    must(await vault.set(typed('bystander', 'npm_bystander_value_1234', 'npm')));
    vault.dispose();

    const file = path.join(dir, VAULT_FILE);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const entry = json.entries.find((e: { name: string }) => e.name === 'victim');
    const data = Buffer.from(entry.sealed.data, 'base64');
    data[0] = (data[0] ?? 0) ^ 0x01;
    entry.sealed.data = data.toString('base64');
    fs.writeFileSync(file, JSON.stringify(json));

    const reopened = await openVault(dir);
    const result = await reopened.resolve('victim');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toMatch(/"victim" cannot be decrypted.*altered or damaged/);
      expect(result.error.message).not.toContain(secret);
    }
    expect(reopened.get('victim')?.lastError).toMatch(/cannot be decrypted/);
    expect(must(await reopened.resolve('bystander'))).toBe('npm_bystander_value_1234');
  });

  it('refuses to swap sealed values between entries (the name is bound to the value)', async () => {
    const dir = tempDir();
    const vault = await openVault(dir);
    must(await vault.set(typed('a', 'value-of-a-000000000')));
    must(await vault.set(typed('b', 'value-of-b-000000000')));
    vault.dispose();
    const file = path.join(dir, VAULT_FILE);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    [json.entries[0].sealed, json.entries[1].sealed] = [json.entries[1].sealed, json.entries[0].sealed];
    fs.writeFileSync(file, JSON.stringify(json));
    const reopened = await openVault(dir);
    expect(await reopened.resolve('a')).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('refuses a file whose definitions were edited (a planted command source)', async () => {
    const dir = tempDir();
    const vault = await openVault(dir);
    must(await vault.set({ name: 'tool', kind: 'custom', source: { type: 'command', command: 'printf ok' } }));
    vault.dispose();
    const file = path.join(dir, VAULT_FILE);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.entries[0].source.command = 'touch /tmp/pwned; printf ok';
    fs.writeFileSync(file, JSON.stringify(json));
    const result = await Vault.open({ file, keyProvider: new MemoryKeyProvider(Buffer.alloc(VAULT_KEY_BYTES, 7)) });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!result.ok) expect(result.error.message).toMatch(/changed outside Berth/);
  });

  it('refuses a wrong key with a clear message, and a damaged file too', async () => {
    const dir = tempDir();
    const secret = canary();
    const vault = await openVault(dir);
    must(await vault.set(typed('k', secret)));
    vault.dispose();
    const file = path.join(dir, VAULT_FILE);

    const wrong = await Vault.open({ file, keyProvider: new MemoryKeyProvider(Buffer.alloc(VAULT_KEY_BYTES, 8)) });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!wrong.ok) {
      expect(wrong.error.message).toMatch(/vault key does not open the vault file/);
      expect(wrong.error.message).not.toContain(secret);
    }

    fs.writeFileSync(file, '{"format":"berth-vault",');
    const damaged = await Vault.open({ file, keyProvider: new MemoryKeyProvider(Buffer.alloc(VAULT_KEY_BYTES, 7)) });
    expect(damaged).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (!damaged.ok) expect(damaged.error.message).toMatch(/not valid JSON/);
  });

  it('rejects a key of the wrong length', async () => {
    const result = await Vault.open({ file: path.join(tempDir(), VAULT_FILE), keyProvider: new MemoryKeyProvider(Buffer.alloc(16)) });
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringMatching(/16 bytes, expected 32/) } });
  });

  it('tightens a vault file that others could read', async () => {
    const dir = tempDir();
    const vault = await openVault(dir);
    must(await vault.set(typed('k', 'some-long-enough-value')));
    vault.dispose();
    fs.chmodSync(path.join(dir, VAULT_FILE), 0o644);
    await openVault(dir);
    expect(fs.statSync(path.join(dir, VAULT_FILE)).mode & 0o777).toBe(0o600);
  });
});

describe('Vault: env and command sources', () => {
  it('reads an environment variable at each use and reports a missing one', async () => {
    const dir = tempDir();
    const secret = canary();
    const env: NodeJS.ProcessEnv = {};
    const vault = await openVault(dir, { env });
    const dto = must(await vault.set({ name: 'openai', kind: 'openai', source: { type: 'env', variable: 'OPENAI_REAL_KEY' } }));
    expect(dto).toMatchObject({ source: { type: 'env', variable: 'OPENAI_REAL_KEY' }, masked: null });

    const missing = await vault.resolve('openai');
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringMatching(/OPENAI_REAL_KEY is not set/) } });
    expect(vault.get('openai')?.lastError).toMatch(/OPENAI_REAL_KEY/);

    env.OPENAI_REAL_KEY = `${secret}\n`;
    expect(must(await vault.resolve('openai'))).toBe(secret);
    expect(vault.get('openai')).toMatchObject({ masked: `••••${secret.slice(-4)}`, lastError: null });
    env.OPENAI_REAL_KEY = 'rotated-value-0000000009';
    expect(must(await vault.resolve('openai'))).toBe('rotated-value-0000000009');
    await vault.flush();
    expectNoCanary(dir, vault, secret, missing.ok ? [] : [missing.error.message]);
  });

  it('runs a command through /bin/sh and trims its output', async () => {
    const vault = await openVault(tempDir());
    must(await vault.set({ name: 'cmd', kind: 'custom', source: { type: 'command', command: 'printf "  secret-from-cmd\\n"' } }));
    expect(vault.get('cmd')?.masked).toBeNull();
    expect(must(await vault.resolve('cmd'))).toBe('secret-from-cmd');
    expect(vault.get('cmd')).toMatchObject({ source: { type: 'command', command: 'printf "  secret-from-cmd\\n"' }, masked: '••••-cmd' });
  });

  it('caches command output for the TTL, shares a running command, and forgets the cache on set', async () => {
    const dir = tempDir();
    const counter = path.join(dir, 'runs');
    const command = `echo run >> '${counter}'; printf value-from-counter`;
    const runs = () => fs.readFileSync(counter, 'utf8').trim().split('\n').length;
    const vault = await openVault(dir, { commandCacheTtlMs: 60_000 });
    must(await vault.set({ name: 'c', kind: 'custom', source: { type: 'command', command } }));

    const [a, b] = await Promise.all([vault.resolve('c'), vault.resolve('c')]);
    expect([must(a), must(b)]).toEqual(['value-from-counter', 'value-from-counter']);
    expect(must(await vault.resolve('c'))).toBe('value-from-counter');
    expect(runs()).toBe(1);

    must(await vault.set({ name: 'c', kind: 'npm', source: { type: 'command', command } }));
    expect(must(await vault.resolve('c'))).toBe('value-from-counter');
    expect(runs()).toBe(2);
  });

  it('runs the command again once the TTL has passed', async () => {
    const dir = tempDir();
    const counter = path.join(dir, 'runs');
    let now = 0;
    const vault = await openVault(dir, { commandCacheTtlMs: 1_000, now: () => now });
    must(await vault.set({ name: 'c', kind: 'custom', source: { type: 'command', command: `echo run >> '${counter}'; printf v-long-enough` } }));
    must(await vault.resolve('c'));
    now = 999;
    must(await vault.resolve('c'));
    now = 1_001;
    must(await vault.resolve('c'));
    expect(fs.readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('reports a failing command with its exit code and first stderr line, never its stdout', async () => {
    const dir = tempDir();
    const secret = canary();
    // The command text is stored and shown, so the secret comes from a file, as from a password manager.
    const secretFile = path.join(dir, 'secret.txt');
    fs.writeFileSync(secretFile, secret);
    const vault = await openVault(dir);
    must(await vault.set({ name: 'fails', kind: 'custom', source: { type: 'command', command: `cat '${secretFile}'; echo 'op: not signed in' >&2; echo second >&2; exit 3` } }));
    must(await vault.set({ name: 'echoes', kind: 'custom', source: { type: 'command', command: `cat '${secretFile}'; printf 'got %s\\n' "$(cat '${secretFile}')" >&2; exit 1` } }));
    must(await vault.set({ name: 'silent', kind: 'custom', source: { type: 'command', command: 'true' } }));

    const fails = await vault.resolve('fails');
    expect(fails).toMatchObject({ ok: false, error: { code: 'spawn_failed', message: 'credential "fails": the command exited with code 3: op: not signed in' } });
    const echoes = await vault.resolve('echoes');
    expect(echoes).toMatchObject({ ok: false, error: { message: 'credential "echoes": the command exited with code 1: got [redacted]' } });
    const silent = await vault.resolve('silent');
    expect(silent).toMatchObject({ ok: false, error: { message: 'credential "silent": the command printed nothing' } });
    await vault.flush();
    const messages = [fails, echoes, silent].flatMap((r) => (r.ok ? [] : [r.error.message]));
    expectNoCanary(dir, vault, secret, messages);
    expect(vault.get('fails')?.lastError).toMatch(/exited with code 3/);
  });

  it('stops a command at its deadline, children included', async () => {
    const vault = await openVault(tempDir(), { commandTimeoutMs: 300 });
    must(await vault.set({ name: 'slow', kind: 'custom', source: { type: 'command', command: 'sleep 30 & sleep 30; printf late' } }));
    const result = await vault.resolve('slow');
    expect(result).toMatchObject({ ok: false, error: { message: 'credential "slow": the command did not finish within 300 ms and was stopped' } });
  });

  it('kills a running command when disposed', async () => {
    const vault = await openVault(tempDir());
    must(await vault.set({ name: 'slow', kind: 'custom', source: { type: 'command', command: 'sleep 30' } }));
    const pending = vault.resolve('slow');
    await new Promise((r) => setTimeout(r, 50));
    vault.dispose();
    expect(await pending).toMatchObject({ ok: false, error: { message: expect.stringMatching(/killed by SIGKILL/) } });
    expect(await vault.resolve('slow')).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(await vault.set(typed('late', 'late-value-0000000'))).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
  });
});
