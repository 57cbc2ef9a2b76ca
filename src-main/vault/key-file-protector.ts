/**
 * The key-file protector: a 32-byte key-encryption key in a 0600 file next to the vault (`vault.key`).
 *
 * Only file permissions protect it, which the vault's warning says. It is used where the OS secret
 * service is not (see protectors.ts), and kept once it exists, so `berth serve` without a secret service
 * and the desktop app on the same data directory open the same vault. A format-1 `vault.key` was the
 * vault key itself; it stays as this protector's key after migration.
 */
import path from 'node:path';
import { err, ok, type Result } from '../../src-shared/result.js';
import { createPrivateFileExclusive, readPrivateFile } from './private-file.js';
import type { KeyProtector, NewKek, ProtectorProbe } from './protector.js';
import type { ProtectorParams } from './vault-file.js';
import { VAULT_KEY_BYTES, randomVaultKey } from './vault-crypto.js';

/** Name of the key file, next to the vault file. */
export const VAULT_KEY_FILE = 'vault.key';

/** Checks that `key` is 32 bytes and returns a copy the caller owns. */
export function checkKeyLength(key: Uint8Array, where: string): Result<Buffer> {
  if (key.length !== VAULT_KEY_BYTES) return err('internal', `the key from ${where} has ${key.length} bytes, expected ${VAULT_KEY_BYTES}`);
  return ok(Buffer.from(key));
}

/**
 * A key in a 0600 file, created with 32 random bytes when a new wrapping needs it and `mayCreate` allows.
 * A key file that group or others may read, that is a symlink, or that another user owns is refused.
 */
export class KeyFileProtector implements KeyProtector {
  readonly kind = 'key-file' as const;
  readonly description: string;
  readonly warning: string;
  readonly unlockHint: string;

  /**
   * @param keyFile the key file's path
   * @param mayCreate whether a missing key file may be created (asked when there is none)
   */
  constructor(
    readonly keyFile: string,
    private readonly mayCreate: () => Promise<boolean> = async () => true,
  ) {
    this.description = `the key file ${keyFile}`;
    this.warning =
      `The vault key is wrapped with the key file ${keyFile}, protected only by its file permissions (0600): ` +
      'anyone who can read your files (your account, root, a backup or a synced copy of the folder) can decrypt the stored credentials.';
    this.unlockHint = `restore ${keyFile} from a backup (the file this vault was wrapped with)`;
  }

  async probe(): Promise<ProtectorProbe> {
    const read = await this.read();
    if (!read.ok) return { available: false, reason: read.error.message };
    if (read.value) {
      read.value.fill(0);
      return { available: true };
    }
    if (await this.mayCreate()) return { available: true };
    return { available: false, reason: `there is no key file ${this.keyFile} (the OS secret service keeps the vault key here instead)` };
  }

  async kek(_params: ProtectorParams): Promise<Result<Buffer>> {
    const read = await this.read();
    if (!read.ok) return read;
    return read.value ? ok(read.value) : err('not_found', `the key file ${this.keyFile} is missing`);
  }

  async newKek(): Promise<Result<NewKek>> {
    const key = await this.readOrCreate();
    return key.ok ? ok({ kek: key.value, params: { file: path.basename(this.keyFile) } }) : key;
  }

  legacyKey(): Promise<Result<Buffer | null>> {
    return this.read();
  }

  private async readOrCreate(): Promise<Result<Buffer>> {
    const existing = await this.read();
    if (!existing.ok) return existing;
    if (existing.value) return ok(existing.value);
    const fresh = randomVaultKey();
    try {
      if (await createPrivateFileExclusive(this.keyFile, fresh)) return ok(fresh);
    } catch (error) {
      return err('internal', `cannot create the key file ${this.keyFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    // Another process created it between our read and our write: use theirs.
    const raced = await this.read();
    if (raced.ok && !raced.value) return err('internal', `the key file ${this.keyFile} vanished while it was being created`);
    return raced as Result<Buffer>;
  }

  private async read(): Promise<Result<Buffer | null>> {
    const read = await readPrivateFile(this.keyFile);
    if (!read.ok || read.value === null) return read;
    return checkKeyLength(read.value, this.description);
  }
}
