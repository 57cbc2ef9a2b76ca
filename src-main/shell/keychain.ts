/**
 * The desktop vault key, sealed by the OS keychain through Electron safeStorage.
 *
 * On first run main makes a 32-byte key, seals it with `safeStorage.encryptString` and writes the
 * sealed bytes to a 0600 file in userData; on later runs it unseals that file. The key then goes to the
 * orchestrator in memory (a message on the utility process's port, never argv, env or disk), where the
 * vault wraps it in a `MemoryKeyProvider`.
 *
 * On Linux without a secret store Electron falls back to `basic_text`: a hard-coded password, so the
 * seal protects nothing. That backend is refused unless the user opted in.
 * https://www.electronjs.org/docs/latest/api/safe-storage
 *
 * Uses the synchronous API of Electron 45 (deprecated there in favour of encryptStringAsync; both read
 * the same sealed data, so moving to the async API later needs no migration).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import { err, ok, type Result } from '../../src-shared/result.js';

/** File in userData holding the sealed vault key. */
export const SEALED_VAULT_KEY_FILE = 'vault-key.sealed';
/** Length of the vault key: 256 bits (the orchestrator's vault checks the same). */
export const DESKTOP_VAULT_KEY_BYTES = 32;
/** Owner-only file mode. */
const PRIVATE_FILE_MODE = 0o600;

/** What `loadVaultKey` needs. */
export interface VaultKeyOptions {
  /** `app.getPath('userData')`. */
  userDataDir: string;
  /** The user accepted a key sealed with Linux's `basic_text` backend (protected by file permissions only). */
  allowBasicText: boolean;
  /** process.platform by default (tests pass 'linux'). */
  platform?: NodeJS.Platform;
}

/** The unsealed key and how it is protected. */
export interface DesktopVaultKey {
  /** 32 bytes; hand to the orchestrator, then `fill(0)` main's copy if it is no longer needed. */
  readonly key: Buffer;
  /** True when this run made the key (no vault can exist yet for it). */
  readonly created: boolean;
  /** The keychain in words, e.g. "the OS keychain (gnome_libsecret)". */
  readonly description: string;
  /** Set when the protection is weak (the opted-in basic_text backend). */
  readonly warning: string | null;
}

/**
 * Unseals the vault key from userData, or makes and seals one on first run. Call after `app` is ready
 * (safeStorage is unavailable before). Never replaces an existing sealed key: a file that can't be
 * unsealed is an error, because a new key would orphan every stored credential.
 */
export function loadVaultKey(options: VaultKeyOptions): Result<DesktopVaultKey> {
  const platform = options.platform ?? process.platform;
  const file = path.join(options.userDataDir, SEALED_VAULT_KEY_FILE);
  let backend: string = platform;
  let warning: string | null = null;
  if (platform === 'linux') {
    backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text') {
      if (!options.allowBasicText) {
        return err(
          'forbidden',
          'No OS keychain is available (Electron safeStorage fell back to "basic_text", which seals with a hard-coded password), ' +
            'so Berth will not store credentials on this desktop. Start a secret service (GNOME Keyring, KWallet, KeePassXC) and restart Berth, ' +
            'or opt in to the basic_text fallback, which leaves the vault key protected by file permissions only.',
        );
      }
      warning = `The vault key is sealed with Electron's basic_text fallback (a hard-coded password): only the permissions of ${file} protect it, so anyone who can read your files can decrypt the stored credentials.`;
    }
  }
  if (!safeStorage.isEncryptionAvailable()) {
    return err('forbidden', `The OS keychain is not available to Berth (safeStorage backend: ${backend}), so credentials can't be stored securely.`);
  }
  const description = `the OS keychain (${backend})`;

  let sealed: Buffer | null;
  try {
    sealed = readSealedFile(file);
  } catch (error) {
    return err('forbidden', (error as Error).message);
  }
  if (sealed !== null) {
    let encoded: string;
    try {
      encoded = safeStorage.decryptString(sealed);
    } catch (error) {
      return err(
        'forbidden',
        `The OS keychain could not unseal the vault key in ${file} (${(error as Error).message}). ` +
          'It was sealed by another keychain or user, or the keychain was reset; the stored credentials cannot be read. ' +
          'Move the file and the vault away to start an empty vault.',
      );
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== DESKTOP_VAULT_KEY_BYTES || key.toString('base64') !== encoded) {
      return err('internal', `The sealed vault key in ${file} is malformed; move it and the vault away to start an empty vault.`);
    }
    return ok({ key, created: false, description, warning });
  }

  const key = randomBytes(DESKTOP_VAULT_KEY_BYTES);
  try {
    writeSealedFileExclusive(file, safeStorage.encryptString(key.toString('base64')));
  } catch (error) {
    return err('internal', `Cannot seal and save the vault key in ${file}: ${(error as Error).message}`);
  }
  return ok({ key, created: true, description, warning });
}

/** The sealed bytes, or null when there is no file; throws with a readable message on an unsafe file. */
function readSealedFile(file: string): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new Error(code === 'ELOOP' ? `refusing ${file}: it is a symbolic link` : `cannot open ${file}: ${code ?? String(error)}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new Error(`refusing ${file}: it is not a regular file`);
    // Sealed bytes are ciphertext, but keep them owner-only like every secret file.
    if ((stat.mode & 0o077) !== 0) fs.fchmodSync(fd, PRIVATE_FILE_MODE);
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes the sealed key atomically (temp 0600 + fsync + hard link), never over an existing file. */
function writeSealedFileExclusive(file: string, data: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${file} appeared while it was being created (another Berth?)`);
    throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
