/**
 * Where the vault's 256-bit master key comes from.
 *
 * Desktop: Electron main unseals it with safeStorage and hands it over in memory (`MemoryKeyProvider`).
 * Headless: the OS secret service when `secret-tool` works (see secret-service.ts), else a 0600 key file
 * next to the vault (`FileKeyProvider`), with a warning that says what protects it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { err, ok, type Result } from '../../src-shared/result.js';
import { createPrivateFileExclusive, readPrivateFile } from './private-file.js';

/** Length of the vault master key: 256 bits for AES-256-GCM. */
export const VAULT_KEY_BYTES = 32;

/** A source of the vault master key. */
export interface KeyProvider {
  /** Where the key is kept, in words (shown in Settings and `berth serve` output). */
  readonly description: string;
  /** What the user should know about how weakly the key is protected, or null when the OS guards it. */
  readonly warning: string | null;
  /** The 32-byte key, creating it on first use where the provider can. The caller may zero the buffer. */
  getKey(): Promise<Result<Buffer>>;
}

/** Checks that `key` is a vault key and returns a copy the caller owns. */
export function checkVaultKey(key: Uint8Array, where: string): Result<Buffer> {
  if (key.length !== VAULT_KEY_BYTES) return err('internal', `the vault key from ${where} has ${key.length} bytes, expected ${VAULT_KEY_BYTES}`);
  return ok(Buffer.from(key));
}

/** Optional labels for a `MemoryKeyProvider`. */
export interface MemoryKeyProviderOptions {
  description?: string;
  warning?: string | null;
}

/** A key already in memory: the desktop app's, unsealed by Electron main with safeStorage. */
export class MemoryKeyProvider implements KeyProvider {
  readonly description: string;
  readonly warning: string | null;
  private readonly key: Buffer;

  constructor(key: Uint8Array, options: MemoryKeyProviderOptions = {}) {
    this.key = Buffer.from(key);
    this.description = options.description ?? 'the desktop keychain (Electron safeStorage)';
    this.warning = options.warning ?? null;
  }

  async getKey(): Promise<Result<Buffer>> {
    return checkVaultKey(this.key, this.description);
  }
}

/**
 * A key in a 0600 file (created on first use with 32 random bytes). A key file that group or others may
 * read, that is a symlink, or that another user owns is refused.
 */
export class FileKeyProvider implements KeyProvider {
  readonly description: string;
  readonly warning: string;

  constructor(readonly keyFile: string) {
    this.description = `the key file ${keyFile}`;
    this.warning =
      `The credential vault key is stored in ${keyFile}, protected only by its file permissions (0600): ` +
      'anyone who can read your files (your account, root, a backup or a synced copy of the folder) can decrypt the stored credentials.';
  }

  async getKey(): Promise<Result<Buffer>> {
    const existing = await this.read();
    if (!existing.ok || existing.value) return existing as Result<Buffer>;
    const fresh = randomBytes(VAULT_KEY_BYTES);
    try {
      if (await createPrivateFileExclusive(this.keyFile, fresh)) return ok(fresh);
    } catch (error) {
      return err('internal', `cannot create the vault key file ${this.keyFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    // Another process created it between our read and our write: use theirs.
    const raced = await this.read();
    if (raced.ok && !raced.value) return err('internal', `the vault key file ${this.keyFile} vanished while it was being created`);
    return raced as Result<Buffer>;
  }

  /** Whether the key file exists (without checking it). */
  async exists(): Promise<boolean> {
    try {
      await fs.promises.lstat(this.keyFile);
      return true;
    } catch {
      return false;
    }
  }

  private async read(): Promise<Result<Buffer | null>> {
    const read = await readPrivateFile(this.keyFile);
    if (!read.ok || read.value === null) return read;
    return checkVaultKey(read.value, this.description);
  }
}
