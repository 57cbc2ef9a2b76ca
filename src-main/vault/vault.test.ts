import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialSetRequest } from '../../src-shared/credentials.js';
import type { Result } from '../../src-shared/result.js';
import { tempDir } from '../testing/fixtures.js';
import { KeyFileProtector, VAULT_KEY_FILE } from './key-file-protector.js';
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

/** A vault on `dir` protected by a key file in `dir` (no secret service, no desktop keychain). */
async function openVault(dir: string, options: Partial<VaultOptions> = {}): Promise<Vault> {
  const vault = await Vault.open({ file: path.join(dir, VAULT_FILE), env: {}, protectors: [new KeyFileProtector(path.join(dir, VAULT_KEY_FILE))], ...options });
  opened.push(vault);
  expect(vault.locked).toBeNull();
  return vault;
}

/** Opens a vault that is expected to be locked. */
async function openLocked(dir: string): Promise<Vault> {
  const vault = await Vault.open({ file: path.join(dir, VAULT_FILE), env: {}, protectors: [new KeyFileProtector(path.join(dir, VAULT_KEY_FILE))] });
  opened.push(vault);
  expect(vault.locked).not.toBeNull();
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
    expect(fs.readdirSync(dir).sort()).toEqual([VAULT_FILE, VAULT_KEY_FILE]); // no temp files left behind
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

  it('stays locked on a file whose definitions were edited (a planted command source), and runs nothing', async () => {
    const dir = tempDir();
    const marker = path.join(dir, 'pwned');
    const vault = await openVault(dir);
    must(await vault.set({ name: 'tool', kind: 'custom', source: { type: 'command', command: 'printf ok' } }));
    vault.dispose();
    const file = path.join(dir, VAULT_FILE);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.entries[0].source.command = `touch '${marker}'; printf ok`;
    fs.writeFileSync(file, JSON.stringify(json));
    const before = fs.readFileSync(file);

    const locked = await openLocked(dir);
    expect(locked.locked?.reason).toMatch(/changed outside Berth/);
    expect(await locked.resolve('tool')).toMatchObject({ ok: false, error: { code: 'invalid_state', message: expect.stringMatching(/vault is locked: .*changed outside Berth/) } });
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('stays locked with the reason and the fix on a replaced key file and on a damaged file, refusing changes and never writing', async () => {
    const dir = tempDir();
    const secret = canary();
    const vault = await openVault(dir);
    must(await vault.set(typed('k', secret)));
    vault.dispose();
    const file = path.join(dir, VAULT_FILE);
    const keyFile = path.join(dir, VAULT_KEY_FILE);
    const original = fs.readFileSync(keyFile);

    fs.writeFileSync(keyFile, Buffer.alloc(32, 8), { mode: 0o600 });
    const before = fs.readFileSync(file);
    const wrong = await openLocked(dir);
    expect(wrong.locked?.reason).toMatch(/key file .*vault\.key does not unwrap the vault key/);
    expect(wrong.locked?.fix).toMatch(/Restore .*vault\.key from a backup/);
    expect(JSON.stringify(wrong.status())).not.toContain(secret);
    // What the file names is listed, marked by the locked state; nothing can change it.
    expect(wrong.list().map((c) => c.name)).toEqual(['k']);
    expect(await wrong.set(typed('new', 'a-value-that-is-long-enough'))).toMatchObject({ ok: false, error: { code: 'invalid_state', message: expect.stringMatching(/locked/) } });
    expect(await wrong.delete('k')).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    await wrong.flush();
    expect(fs.readFileSync(file).equals(before)).toBe(true);

    // Restoring the key file and trying again unlocks the same vault, value intact.
    fs.writeFileSync(keyFile, original, { mode: 0o600 });
    expect((await wrong.unlock()).locked).toBeNull();
    expect(must(await wrong.resolve('k'))).toBe(secret);
    wrong.dispose();

    fs.writeFileSync(file, '{"format":"berth-vault",');
    const damaged = await openLocked(dir);
    expect(damaged.locked?.reason).toMatch(/not valid JSON/);
    expect(damaged.locked?.fix).toMatch(/backup/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"format":"berth-vault",');
  });

  it('resets a locked vault only by moving the old file aside as a backup', async () => {
    const dir = tempDir();
    const vault = await openVault(dir);
    expect(await vault.reset()).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    vault.dispose();
    const file = path.join(dir, VAULT_FILE);
    fs.writeFileSync(file, 'not json at all', { mode: 0o600 });
    const locked = await openLocked(dir);
    const reset = must(await locked.reset());
    expect(reset.status.locked).toBeNull();
    expect(reset.backup).toMatch(/vault\.json\.locked-.*\.bak$/);
    expect(fs.readFileSync(reset.backup!, 'utf8')).toBe('not json at all');
    must(await locked.set(typed('fresh', 'fresh-value-0123456789')));
    expect(must(await locked.resolve('fresh'))).toBe('fresh-value-0123456789');
  });

  it('rejects a key file of the wrong length', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, VAULT_KEY_FILE), Buffer.alloc(16), { mode: 0o600 });
    const locked = await openLocked(dir);
    expect(locked.locked?.reason).toMatch(/16 bytes, expected 32/);
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
