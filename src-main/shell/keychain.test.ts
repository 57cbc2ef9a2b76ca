import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../testing/fixtures.js';
import { DESKTOP_VAULT_KEY_BYTES, SEALED_VAULT_KEY_FILE, loadVaultKey } from './keychain.js';
import { resetElectronMock } from './testing/electron-mock.js';

/**
 * A fake safeStorage (electron-mock.ts has none yet): "seals" by XOR with a pad under a marker, so the
 * sealed file differs from the plaintext and unsealing something else fails, as the real one does.
 */
const safeStorage = vi.hoisted(() => {
  const MARKER = 'v10';
  const PAD = 0x5a;
  const xor = (bytes: Buffer) => Buffer.from(bytes.map((b) => b ^ PAD));
  return {
    backend: 'gnome_libsecret' as string,
    available: true,
    isEncryptionAvailable: vi.fn(() => safeStorage.available),
    getSelectedStorageBackend: vi.fn(() => safeStorage.backend),
    encryptString: vi.fn((plain: string) => Buffer.concat([Buffer.from(MARKER), xor(Buffer.from(plain, 'utf8'))])),
    decryptString: vi.fn((sealed: Buffer) => {
      if (sealed.subarray(0, MARKER.length).toString() !== MARKER) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return xor(sealed.subarray(MARKER.length)).toString('utf8');
    }),
  };
});

vi.mock('electron', async () => ({ ...(await import('./testing/electron-mock.js')), safeStorage }));

beforeEach(() => {
  resetElectronMock();
  safeStorage.backend = 'gnome_libsecret';
  safeStorage.available = true;
});

describe('loadVaultKey', () => {
  it('makes and seals a key on first run, then unseals the same key', () => {
    const dir = tempDir();
    const first = loadVaultKey({ userDataDir: dir, allowBasicText: false, platform: 'linux' });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value).toMatchObject({ created: true, warning: null, description: 'the OS keychain (gnome_libsecret)' });
    expect(first.value.key).toHaveLength(DESKTOP_VAULT_KEY_BYTES);

    const file = path.join(dir, SEALED_VAULT_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const sealed = fs.readFileSync(file);
    expect(sealed.includes(first.value.key)).toBe(false);
    expect(sealed.includes(first.value.key.toString('base64'))).toBe(false);
    expect(safeStorage.encryptString).toHaveBeenCalledOnce();

    const second = loadVaultKey({ userDataDir: dir, allowBasicText: false, platform: 'linux' });
    if (!second.ok) throw new Error(second.error.message);
    expect(second.value.created).toBe(false);
    expect(second.value.key.equals(first.value.key)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual([SEALED_VAULT_KEY_FILE]);
  });

  it('refuses the Linux basic_text backend unless the user opted in', () => {
    safeStorage.backend = 'basic_text';
    const dir = tempDir();
    const refused = loadVaultKey({ userDataDir: dir, allowBasicText: false, platform: 'linux' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/basic_text.*hard-coded password.*opt in/s) } });
    expect(fs.existsSync(path.join(dir, SEALED_VAULT_KEY_FILE))).toBe(false);
    expect(safeStorage.encryptString).not.toHaveBeenCalled();

    const allowed = loadVaultKey({ userDataDir: dir, allowBasicText: true, platform: 'linux' });
    if (!allowed.ok) throw new Error(allowed.error.message);
    expect(allowed.value.warning).toMatch(/basic_text.*only the permissions of/);
  });

  it('does not ask for the Linux backend on other platforms', () => {
    safeStorage.backend = 'basic_text';
    const result = loadVaultKey({ userDataDir: tempDir(), allowBasicText: false, platform: 'darwin' });
    expect(result.ok).toBe(true);
    expect(safeStorage.getSelectedStorageBackend).not.toHaveBeenCalled();
  });

  it('fails clearly when encryption is unavailable', () => {
    safeStorage.available = false;
    const result = loadVaultKey({ userDataDir: tempDir(), allowBasicText: false, platform: 'darwin' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/keychain is not available/) } });
  });

  it('never replaces a sealed key it cannot unseal', () => {
    const dir = tempDir();
    const file = path.join(dir, SEALED_VAULT_KEY_FILE);
    fs.writeFileSync(file, 'sealed by another keychain', { mode: 0o600 });
    const result = loadVaultKey({ userDataDir: dir, allowBasicText: false, platform: 'linux' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/could not unseal the vault key/) } });
    expect(fs.readFileSync(file, 'utf8')).toBe('sealed by another keychain');
    expect(safeStorage.encryptString).not.toHaveBeenCalled();
  });

  it('rejects a sealed key of the wrong size and refuses a symlinked file', () => {
    const dir = tempDir();
    const file = path.join(dir, SEALED_VAULT_KEY_FILE);
    fs.writeFileSync(file, safeStorage.encryptString(Buffer.alloc(8).toString('base64')), { mode: 0o600 });
    expect(loadVaultKey({ userDataDir: dir, allowBasicText: false, platform: 'linux' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/malformed/) },
    });

    const other = tempDir();
    fs.symlinkSync(file, path.join(other, SEALED_VAULT_KEY_FILE));
    expect(loadVaultKey({ userDataDir: other, allowBasicText: false, platform: 'linux' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/symbolic link/) },
    });
  });
});
