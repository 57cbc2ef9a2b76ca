/**
 * Key protectors: each keeps a key-encryption key (KEK) that wraps a copy of the vault's data key.
 *
 * - `safe-storage`: the OS keychain through Electron safeStorage, which only the desktop app's main
 *   process can reach (safe-storage-protector.ts asks it over the utility process channel);
 * - `secret-service`: the OS secret service through `secret-tool` (secret-service.ts);
 * - `key-file`: a 0600 file next to the vault (key-file-protector.ts).
 *
 * The vault file records each wrapping with the parameters its protector needs (vault-file.ts); opening
 * tries the protectors available in this mode, and any one that unwraps gives the data key.
 */
import type { VaultProtectorKind } from '../../src-shared/credentials.js';
import type { Result } from '../../src-shared/result.js';
import type { ProtectorParams } from './vault-file.js';

/** Whether a protector can be used here and now. */
export type ProtectorProbe = { readonly available: true } | { readonly available: false; readonly reason: string };

/** A new key-encryption key and what to record with its wrapping. The caller zeroes `kek`. */
export interface NewKek {
  readonly kek: Buffer;
  readonly params: ProtectorParams;
}

/** One way of keeping the data key. */
export interface KeyProtector {
  readonly kind: VaultProtectorKind;
  /** Where it keeps its key, in words ("the key file /home/u/.local/share/berth/vault.key"). */
  readonly description: string;
  /** What the user should know while the vault has a wrapping by it (weak protection), or null. */
  readonly warning: string | null;
  /** What to do when its wrapping can't be opened here. */
  readonly unlockHint: string;
  /** Whether it can be used now (runs the helper, asks the keychain). Call before the others. */
  probe(): Promise<ProtectorProbe>;
  /** The KEK of a wrapping it made (`params` from the file); never creates anything. The caller zeroes it. */
  kek(params: ProtectorParams): Promise<Result<Buffer>>;
  /** A KEK for a new wrapping: the one it keeps, created on first use where it can. */
  newKek(): Promise<Result<NewKek>>;
  /** The key a format-1 vault kept here (for migration), or null when there is none. The caller zeroes it. */
  legacyKey(): Promise<Result<Buffer | null>>;
}
