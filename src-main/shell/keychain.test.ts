import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../testing/fixtures.js';
import { KEYCHAIN_REPLY, KeychainReply, type KeychainOp } from '../vault/keychain-protocol.js';
import { DesktopKeychainService, SEALED_VAULT_KEY_FILE } from './keychain.js';
import { resetElectronMock, safeStorage } from './testing/electron-mock.js';

vi.mock('electron', () => import('./testing/electron-mock.js'));

/** The format-1 desktop fixture's userData (a key sealed with the mock's safeStorage). */
const LEGACY_USER_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../testing/vault-v1/desktop-safe-storage/userData');

beforeEach(() => resetElectronMock());

function service(options: Partial<ConstructorParameters<typeof DesktopKeychainService>[0]> = {}) {
  return new DesktopKeychainService({ userDataDir: tempDir(), allowBasicText: false, platform: 'linux', ...options });
}

let nextId = 0;
/** One request through the service, its reply checked against the wire schema. */
function ask(s: DesktopKeychainService, op: KeychainOp) {
  const id = nextId++;
  const reply = KeychainReply.parse(s.handle({ type: 'berth.keychain', id, ...op }));
  expect(reply).toMatchObject({ type: KEYCHAIN_REPLY, id });
  return reply;
}

describe('DesktopKeychainService', () => {
  it('reports the keychain, seals a secret so it is not readable, and unseals it again', () => {
    const s = service();
    expect(ask(s, { op: 'status' })).toMatchObject({ ok: true, value: { description: 'the OS keychain (gnome_libsecret, through the desktop app)', warning: null } });
    const secret = Buffer.alloc(32, 9).toString('base64');
    const sealed = ask(s, { op: 'seal', secret });
    if (!sealed.ok || !sealed.value.sealed) throw new Error('not sealed');
    expect(Buffer.from(sealed.value.sealed, 'base64').includes(secret)).toBe(false);
    expect(ask(s, { op: 'unseal', sealed: sealed.value.sealed })).toMatchObject({ ok: true, value: { secret } });
  });

  it('answers an unseal it cannot do with an error value, never a throw', () => {
    const reply = ask(service(), { op: 'unseal', sealed: Buffer.from('sealed by another keychain').toString('base64') });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/could not unseal/) } });
  });

  it('refuses the Linux basic_text backend unless the user opted in', () => {
    safeStorage.backend = 'basic_text';
    const refused = ask(service(), { op: 'seal', secret: 'x' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/basic_text.*hard-coded password.*BERTH_ALLOW_BASIC_TEXT=1/s) } });
    expect(safeStorage.encryptString).not.toHaveBeenCalled();
    expect(ask(service({ allowBasicText: true }), { op: 'status' })).toMatchObject({ ok: true, value: { warning: expect.stringMatching(/basic_text/) } });
  });

  it('does not ask for the Linux backend on other platforms, and fails clearly when encryption is unavailable', () => {
    safeStorage.backend = 'basic_text';
    expect(ask(service({ platform: 'darwin' }), { op: 'status' })).toMatchObject({ ok: true });
    expect(safeStorage.getSelectedStorageBackend).not.toHaveBeenCalled();
    safeStorage.isEncryptionAvailable.mockReturnValueOnce(false);
    expect(ask(service({ platform: 'darwin' }), { op: 'status' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not available/) } });
  });

  it('unseals a format-1 sealed vault key for migration, and says null when there is none', () => {
    expect(ask(service(), { op: 'legacy-key' })).toEqual({ type: KEYCHAIN_REPLY, id: nextId - 1, ok: true, value: { secret: null } });
    const legacy = ask(service({ userDataDir: LEGACY_USER_DATA }), { op: 'legacy-key' });
    if (!legacy.ok || !legacy.value.secret) throw new Error('no legacy key');
    expect(Buffer.from(legacy.value.secret, 'base64')).toHaveLength(32);

    const dir = tempDir();
    fs.writeFileSync(path.join(dir, SEALED_VAULT_KEY_FILE), safeStorage.encryptString(Buffer.alloc(8).toString('base64')), { mode: 0o600 });
    expect(ask(service({ userDataDir: dir }), { op: 'legacy-key' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/malformed/) } });
  });
});
