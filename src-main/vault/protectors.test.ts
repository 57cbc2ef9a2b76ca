import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src-shared/result.js';
import { tempDir } from '../testing/fixtures.js';
import { FileKeyProvider, MemoryKeyProvider, VAULT_KEY_BYTES } from './key-provider.js';
import { SecretServiceKeyProvider, VAULT_KEY_FILE, createHeadlessKeyProvider, findOnPath } from './secret-service.js';

function must<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

/**
 * A stand-in `secret-tool` (no secret service runs here): keeps the secret in $FAKE_SECRET_STORE,
 * records each call's arguments, and fails like a missing D-Bus when $FAKE_SECRET_FAIL is set.
 */
function fakeSecretTool(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const tool = path.join(bin, 'secret-tool');
  fs.writeFileSync(
    tool,
    [
      '#!/bin/sh',
      'echo "$@" >> "$FAKE_SECRET_STORE.calls"',
      'if [ -n "$FAKE_SECRET_FAIL" ]; then echo "secret-tool: Cannot autolaunch D-Bus without X11 \\$DISPLAY" >&2; exit 1; fi',
      'case "$1" in',
      '  lookup) [ -f "$FAKE_SECRET_STORE" ] || exit 1; cat "$FAKE_SECRET_STORE" ;;',
      '  store) cat > "$FAKE_SECRET_STORE" ;;',
      '  *) exit 2 ;;',
      'esac',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return tool;
}

describe('FileKeyProvider', () => {
  it('creates a 32-byte 0600 key file once and reads the same key afterwards', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', VAULT_KEY_FILE);
    const provider = new FileKeyProvider(file);
    const key = must(await provider.getKey());
    expect(key).toHaveLength(VAULT_KEY_BYTES);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual([VAULT_KEY_FILE]);
    expect(must(await new FileKeyProvider(file).getKey()).equals(key)).toBe(true);
    expect(provider.warning).toMatch(/protected only by its file permissions \(0600\): anyone who can read your files/);
  });

  it('refuses a key file with group or other permissions, a symlink, and a wrong size', async () => {
    const dir = tempDir();
    const file = path.join(dir, VAULT_KEY_FILE);
    must(await new FileKeyProvider(file).getKey());

    fs.chmodSync(file, 0o640);
    const loose = await new FileKeyProvider(file).getKey();
    expect(loose).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/permissions are 0640.*chmod 600/) } });
    expect(fs.statSync(file).mode & 0o777).toBe(0o640); // refused, not silently fixed

    fs.chmodSync(file, 0o600);
    const link = path.join(dir, 'link.key');
    fs.symlinkSync(file, link);
    expect(await new FileKeyProvider(link).getKey()).toMatchObject({ ok: false, error: { message: expect.stringMatching(/symbolic link/) } });

    const short = path.join(dir, 'short.key');
    fs.writeFileSync(short, Buffer.alloc(16), { mode: 0o600 });
    expect(await new FileKeyProvider(short).getKey()).toMatchObject({ ok: false, error: { message: expect.stringMatching(/16 bytes, expected 32/) } });
  });
});

describe('MemoryKeyProvider', () => {
  it('hands out a copy of its key and labels it', async () => {
    const source = Buffer.alloc(VAULT_KEY_BYTES, 3);
    const provider = new MemoryKeyProvider(source, { warning: 'weak' });
    source.fill(0);
    const key = must(await provider.getKey());
    expect(key.equals(Buffer.alloc(VAULT_KEY_BYTES, 3))).toBe(true);
    key.fill(0);
    expect(must(await provider.getKey())[0]).toBe(3);
    expect(provider.warning).toBe('weak');
    expect(provider.description).toMatch(/safeStorage/);
  });
});

describe('SecretServiceKeyProvider', () => {
  it('creates the key in the secret service with the documented attributes and reads it back', async () => {
    const dir = tempDir();
    const tool = fakeSecretTool(dir);
    const store = path.join(dir, 'store');
    const env = { PATH: process.env.PATH, FAKE_SECRET_STORE: store };
    const fallback = new FileKeyProvider(path.join(dir, VAULT_KEY_FILE));
    const provider = new SecretServiceKeyProvider({ secretTool: tool, fallback, env });

    const key = must(await provider.getKey());
    expect(key).toHaveLength(VAULT_KEY_BYTES);
    expect(fs.readFileSync(store, 'utf8')).toBe(key.toString('base64'));
    expect(fs.readFileSync(`${store}.calls`, 'utf8').split('\n')).toEqual([
      'lookup service berth account vault-key',
      'store --label=Berth credential vault key service berth account vault-key',
      'lookup service berth account vault-key',
      '',
    ]);
    expect(provider.warning).toBeNull();
    expect(provider.description).toMatch(/secret service/);
    expect(fs.existsSync(path.join(dir, VAULT_KEY_FILE))).toBe(false);

    const again = new SecretServiceKeyProvider({ secretTool: tool, fallback, env });
    expect(must(await again.getKey()).equals(key)).toBe(true);
  });

  it('falls back to the key file, with a warning, when the secret service is unavailable', async () => {
    const dir = tempDir();
    const tool = fakeSecretTool(dir);
    const keyFile = path.join(dir, VAULT_KEY_FILE);
    const env = { PATH: process.env.PATH, FAKE_SECRET_STORE: path.join(dir, 'store'), FAKE_SECRET_FAIL: '1' };
    const provider = new SecretServiceKeyProvider({ secretTool: tool, fallback: new FileKeyProvider(keyFile), env });
    const key = must(await provider.getKey());
    expect(fs.readFileSync(keyFile).equals(key)).toBe(true);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(provider.warning).toMatch(/secret service is unavailable \(secret-tool: Cannot autolaunch D-Bus.*protected only by its file permissions/);
    expect(provider.description).toContain(keyFile);
  });

  it('keeps using a key file from an earlier run rather than making a new key', async () => {
    const dir = tempDir();
    const tool = fakeSecretTool(dir);
    const keyFile = path.join(dir, VAULT_KEY_FILE);
    const fileKey = must(await new FileKeyProvider(keyFile).getKey());
    const store = path.join(dir, 'store');
    const provider = new SecretServiceKeyProvider({ secretTool: tool, fallback: new FileKeyProvider(keyFile), env: { PATH: process.env.PATH, FAKE_SECRET_STORE: store } });
    expect(must(await provider.getKey()).equals(fileKey)).toBe(true);
    expect(fs.existsSync(store)).toBe(false);
    expect(provider.warning).toMatch(/existing key file \(the secret service has no Berth key\)/);
  });

  it('reports a malformed stored key instead of replacing it', async () => {
    const dir = tempDir();
    const tool = fakeSecretTool(dir);
    const store = path.join(dir, 'store');
    fs.writeFileSync(store, 'bm90IGEga2V5');
    const provider = new SecretServiceKeyProvider({ secretTool: tool, fallback: new FileKeyProvider(path.join(dir, VAULT_KEY_FILE)), env: { PATH: process.env.PATH, FAKE_SECRET_STORE: store } });
    expect(await provider.getKey()).toMatchObject({ ok: false, error: { message: expect.stringMatching(/malformed/) } });
    expect(fs.readFileSync(store, 'utf8')).toBe('bm90IGEga2V5');
  });
});

describe('createHeadlessKeyProvider', () => {
  it('uses the secret service when secret-tool is on PATH, else the key file', () => {
    const dir = tempDir();
    const tool = fakeSecretTool(dir);
    expect(findOnPath('secret-tool', `/nonexistent:${path.dirname(tool)}`)).toBe(tool);
    expect(findOnPath('secret-tool', '/nonexistent')).toBeNull();
    expect(createHeadlessKeyProvider({ dir, env: { PATH: path.dirname(tool) } })).toBeInstanceOf(SecretServiceKeyProvider);
    const plain = createHeadlessKeyProvider({ dir, env: { PATH: '/nonexistent' } });
    expect(plain).toBeInstanceOf(FileKeyProvider);
    expect((plain as FileKeyProvider).keyFile).toBe(path.join(dir, VAULT_KEY_FILE));
  });
});
