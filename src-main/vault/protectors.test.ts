import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/result.js';
import { installFakeSecretTool, pathWithoutSecretTool } from '../testing/fake-secret-tool.js';
import { tempDir } from '../testing/fixtures.js';
import { KeyFileProtector, VAULT_KEY_FILE } from './key-file-protector.js';
import { createVaultProtectors } from './protectors.js';
import { findExecutable } from '../process/find-executable.js';
import { SECRET_SERVICE_ATTRIBUTES, SecretServiceProtector } from './secret-service.js';
import { VAULT_KEY_BYTES } from './vault-crypto.js';
import { VAULT_FILE, Vault } from './vault.js';

function must<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('KeyFileProtector', () => {
  it('creates a 32-byte 0600 key file once and reads the same key afterwards', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', VAULT_KEY_FILE);
    const protector = new KeyFileProtector(file);
    expect(await protector.probe()).toEqual({ available: true });
    const made = must(await protector.newKek());
    expect(made.kek).toHaveLength(VAULT_KEY_BYTES);
    expect(made.params).toEqual({ file: VAULT_KEY_FILE });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual([VAULT_KEY_FILE]);
    expect(must(await new KeyFileProtector(file).kek({})).equals(made.kek)).toBe(true);
    expect(must(await new KeyFileProtector(file).legacyKey())?.equals(made.kek)).toBe(true);
    expect(protector.warning).toMatch(/protected only by its file permissions \(0600\): anyone who can read your files/);
  });

  it('refuses a key file with group or other permissions, a symlink, and a wrong size', async () => {
    const dir = tempDir();
    const file = path.join(dir, VAULT_KEY_FILE);
    must(await new KeyFileProtector(file).newKek());

    fs.chmodSync(file, 0o640);
    const loose = await new KeyFileProtector(file).probe();
    expect(loose).toMatchObject({ available: false, reason: expect.stringMatching(/permissions are 0640.*chmod 600/) });
    expect(fs.statSync(file).mode & 0o777).toBe(0o640); // refused, not silently fixed

    fs.chmodSync(file, 0o600);
    const link = path.join(dir, 'link.key');
    fs.symlinkSync(file, link);
    expect(await new KeyFileProtector(link).kek({})).toMatchObject({ ok: false, error: { message: expect.stringMatching(/symbolic link/) } });

    const short = path.join(dir, 'short.key');
    fs.writeFileSync(short, Buffer.alloc(16), { mode: 0o600 });
    expect(await new KeyFileProtector(short).kek({})).toMatchObject({ ok: false, error: { message: expect.stringMatching(/16 bytes, expected 32/) } });
  });

  it('is unavailable without a key file when it may not create one', async () => {
    const file = path.join(tempDir(), VAULT_KEY_FILE);
    const protector = new KeyFileProtector(file, async () => false);
    expect(await protector.probe()).toMatchObject({ available: false, reason: expect.stringMatching(/no key file/) });
    expect(await protector.kek({})).toMatchObject({ ok: false, error: { message: expect.stringMatching(/missing/) } });
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('SecretServiceProtector', () => {
  it('creates its key in the secret service with the documented attributes and reads it back', async () => {
    const dir = tempDir();
    const fake = installFakeSecretTool(dir);
    const env = { PATH: pathWithoutSecretTool(dir), ...fake.env };
    const tool = path.join(fake.binDir, 'secret-tool');
    const protector = new SecretServiceProtector({ secretTool: tool, env });

    expect(await protector.probe()).toEqual({ available: true });
    const made = must(await protector.newKek());
    expect(made.kek).toHaveLength(VAULT_KEY_BYTES);
    expect(fake.item(SECRET_SERVICE_ATTRIBUTES)).toBe(made.kek.toString('base64'));
    expect(fake.calls()).toEqual([
      'lookup service berth account vault-key',
      'store --label=Berth credential vault key service berth account vault-key',
      'lookup service berth account vault-key',
    ]);
    expect(protector.warning).toBeNull();

    const again = new SecretServiceProtector({ secretTool: tool, env });
    await again.probe();
    expect(must(await again.kek({})).equals(made.kek)).toBe(true);
    expect(must(await again.newKek()).kek.equals(made.kek)).toBe(true);
  });

  it('is unavailable, with the reason, when secret-tool is missing or the service fails', async () => {
    const dir = tempDir();
    const fake = installFakeSecretTool(dir);
    const missing = new SecretServiceProtector({ secretTool: null });
    expect(await missing.probe()).toMatchObject({ available: false, reason: expect.stringMatching(/secret-tool is not installed.*libsecret-tools/) });

    const failing = new SecretServiceProtector({ secretTool: path.join(fake.binDir, 'secret-tool'), env: { PATH: pathWithoutSecretTool(dir), ...fake.env, FAKE_SECRET_FAIL: '1' } });
    expect(await failing.probe()).toMatchObject({ available: false, reason: expect.stringMatching(/secret service is unavailable \(secret-tool: Cannot autolaunch D-Bus/) });
    expect(await failing.newKek()).toMatchObject({ ok: false });
  });

  it('reports a malformed stored key instead of replacing it', async () => {
    const dir = tempDir();
    const fake = installFakeSecretTool(dir);
    const env = { PATH: pathWithoutSecretTool(dir), ...fake.env };
    const tool = path.join(fake.binDir, 'secret-tool');
    // Stored through the fake itself, like any other client of the secret service.
    const { spawnSync } = await import('node:child_process');
    spawnSync(tool, ['store', '--label=x', ...SECRET_SERVICE_ATTRIBUTES], { input: 'bm90IGEga2V5', env });
    const protector = new SecretServiceProtector({ secretTool: tool, env });
    await protector.probe();
    expect(await protector.newKek()).toMatchObject({ ok: false, error: { message: expect.stringMatching(/malformed/) } });
    expect(fake.item(SECRET_SERVICE_ATTRIBUTES)).toBe('bm90IGEga2V5');
  });
});

describe('createVaultProtectors (headless)', () => {
  it('uses the key file when secret-tool is not on PATH, and the secret service (no key file) when it is', async () => {
    const dir = tempDir();
    const fake = installFakeSecretTool(dir);
    expect(findExecutable('secret-tool', pathWithoutSecretTool(dir))).toBeNull();
    expect(findExecutable('secret-tool', pathWithoutSecretTool(dir, fake.binDir))).toBe(path.join(fake.binDir, 'secret-tool'));

    const plainDir = tempDir();
    const plain = await Vault.open({ file: path.join(plainDir, VAULT_FILE), env: {}, protectors: createVaultProtectors({ dir: plainDir, env: { PATH: pathWithoutSecretTool(dir) } }) });
    must(await plain.set({ name: 'k', kind: 'custom', source: { type: 'value' }, value: 'a-value-long-enough-1' }));
    expect(plain.status().protectors.map((p) => [p.kind, p.available, p.wraps])).toEqual([
      ['safe-storage', false, false],
      ['secret-service', false, false],
      ['key-file', true, true],
    ]);
    expect(plain.keyWarning).toMatch(/file permissions/);
    plain.dispose();
    expect(fs.existsSync(path.join(plainDir, VAULT_KEY_FILE))).toBe(true);

    const ssDir = tempDir();
    const env = { PATH: pathWithoutSecretTool(dir, fake.binDir), ...fake.env };
    const withService = await Vault.open({ file: path.join(ssDir, VAULT_FILE), env: {}, protectors: createVaultProtectors({ dir: ssDir, env }) });
    must(await withService.set({ name: 'k', kind: 'custom', source: { type: 'value' }, value: 'a-value-long-enough-2' }));
    expect(withService.status().protectors.map((p) => [p.kind, p.available, p.wraps])).toEqual([
      ['safe-storage', false, false],
      ['secret-service', true, true],
      ['key-file', false, false],
    ]);
    expect(withService.keyWarning).toBeNull();
    expect(withService.keyDescription).toBe('the OS secret service (libsecret)');
    withService.dispose();
    expect(fs.existsSync(path.join(ssDir, VAULT_KEY_FILE))).toBe(false);
  });
});
