/**
 * The desktop app's OS keychain, served to the orchestrator: main seals and unseals the vault's
 * key-encryption keys with Electron safeStorage when the orchestrator asks (src-main/vault/
 * keychain-protocol.ts; the orchestrator's vault decides everything else). Keys travel in memory on the
 * utility process's channel, never in argv, env or a file.
 *
 * On Linux without a secret store Electron falls back to `basic_text`: a hard-coded password, so the
 * seal protects nothing. That backend is refused unless the user opted in.
 * https://www.electronjs.org/docs/latest/api/safe-storage
 *
 * Uses the synchronous API of Electron 45 (deprecated there in favour of encryptStringAsync; both read
 * the same sealed data, so moving to the async API later needs no migration).
 */
import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import { err, ok, type Result } from '../../src-shared/result.js';
import { KEYCHAIN_REPLY, type KeychainReply, type KeychainRequest, type KeychainValue } from '../vault/keychain-protocol.js';

/** File in userData where format-1 desktop vaults kept their sealed key (read for migration, never written). */
export const SEALED_VAULT_KEY_FILE = 'vault-key.sealed';
/** Length of a format-1 vault key: 256 bits. */
const LEGACY_KEY_BYTES = 32;

/** What the keychain needs. */
export interface KeychainOptions {
  /** `app.getPath('userData')`. */
  userDataDir: string;
  /** The user accepted Linux's `basic_text` backend (protected by file permissions only). */
  allowBasicText: boolean;
  /** process.platform by default (tests pass 'linux'). */
  platform?: NodeJS.Platform;
}

/** Answers the orchestrator's keychain requests. Call after `app` is ready (safeStorage is unavailable before). */
export class DesktopKeychainService {
  constructor(private readonly options: KeychainOptions) {}

  /** The reply to one request; never throws. */
  handle(request: KeychainRequest): KeychainReply {
    const result = this.answer(request);
    return result.ok ? { type: KEYCHAIN_REPLY, id: request.id, ok: true, value: result.value } : { type: KEYCHAIN_REPLY, id: request.id, ok: false, error: result.error };
  }

  private answer(request: KeychainRequest): Result<KeychainValue> {
    const status = this.status();
    if (!status.ok) return status;
    try {
      switch (request.op) {
        case 'status':
          return status;
        case 'seal':
          return ok({ sealed: safeStorage.encryptString(request.secret).toString('base64') });
        case 'unseal':
          return ok({ secret: safeStorage.decryptString(Buffer.from(request.sealed, 'base64')) });
        case 'legacy-key':
          return this.legacyKey();
      }
    } catch (error) {
      return err('forbidden', `the OS keychain could not ${request.op === 'seal' ? 'seal' : 'unseal'} the key (${(error as Error).message}); it was sealed by another keychain or user, or the keychain was reset`);
    }
  }

  /** Whether safeStorage may be used, and how it protects. */
  private status(): Result<{ description: string; warning: string | null }> {
    const platform = this.options.platform ?? process.platform;
    let backend: string = platform;
    let warning: string | null = null;
    if (platform === 'linux') {
      backend = safeStorage.getSelectedStorageBackend();
      if (backend === 'basic_text') {
        if (!this.options.allowBasicText) {
          return err(
            'forbidden',
            'no OS keychain is available to the desktop app (Electron safeStorage fell back to "basic_text", which seals with a hard-coded password); ' +
              'start a secret service (GNOME Keyring, KWallet, KeePassXC) and restart Berth, or opt in with BERTH_ALLOW_BASIC_TEXT=1, which leaves the key protected by file permissions only',
          );
        }
        warning = "The vault key is also sealed with Electron's basic_text fallback (a hard-coded password): anyone who can read your files can decrypt the stored credentials.";
      }
    }
    if (!safeStorage.isEncryptionAvailable()) return err('forbidden', `the OS keychain is not available to the desktop app (safeStorage backend: ${backend})`);
    return ok({ description: `the OS keychain (${backend}, through the desktop app)`, warning });
  }

  /** The format-1 vault key sealed in userData, or null when there is none. */
  private legacyKey(): Result<KeychainValue> {
    const file = path.join(this.options.userDataDir, SEALED_VAULT_KEY_FILE);
    let sealed: Buffer;
    try {
      const stat = fs.lstatSync(file);
      if (!stat.isFile()) return err('forbidden', `refusing ${file}: it is not a regular file`);
      sealed = fs.readFileSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ok({ secret: null });
      return err('internal', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const encoded = safeStorage.decryptString(sealed);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== LEGACY_KEY_BYTES || key.toString('base64') !== encoded) return err('internal', `the sealed vault key in ${file} is malformed`);
    return ok({ secret: encoded });
  }
}
