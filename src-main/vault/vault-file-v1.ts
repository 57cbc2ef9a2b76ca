/**
 * Reading version 1 vault files, for migration only.
 *
 * Version 1 had one key and nothing recording where it lived: the desktop app sealed it with Electron
 * safeStorage (`vault-key.sealed` in the app's userData folder), `berth serve` kept it in the secret
 * service or in `vault.key`. Values were sealed with keys derived from it (salt `berth-vault-v1`), a key
 * check (a known plaintext sealed the same way) told a wrong key from a damaged file, and an HMAC
 * covered every entry's definition.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../src-shared/result.js';
import { SealedValue, deriveVaultKeys, macMatches, macOf, openValue, zeroVaultKeys, type VaultKeys } from './vault-crypto.js';
import { StoredEntry, VAULT_FORMAT, entryDefinition, uniqueNames } from './vault-file.js';

/** HKDF salt of version 1. */
const V1_SALT = 'berth-vault-v1';
/** Additional data and plaintext of version 1's key check. */
const V1_KEY_CHECK_AAD = '\0berth-vault-key-check';
const V1_KEY_CHECK_PLAINTEXT = 'berth-vault-key-check-v1';

const VaultFileV1 = z.object({
  format: z.literal(VAULT_FORMAT),
  version: z.literal(1),
  keyCheck: SealedValue,
  mac: z.base64(),
  entries: z.array(StoredEntry),
});

/** A version-1 vault opened with its key: the entries and the keys their values are sealed with. */
export interface OpenedV1 {
  readonly entries: StoredEntry[];
  /** Zero with `zeroVaultKeys` once the values are sealed again. */
  readonly keys: VaultKeys;
}

/** The outcome of trying one key on a version-1 file. */
export type V1Attempt = Result<OpenedV1> | 'wrong-key';

/**
 * Opens a version-1 document with a candidate key: its shape, the key check, then the MAC.
 * `wrong-key` tells the caller to try another candidate.
 */
export function openV1(json: unknown, key: Buffer, file: string): V1Attempt {
  const parsed = VaultFileV1.safeParse(json);
  if (!parsed.success) return err('internal', `the vault file ${file} (format version 1) is damaged; restore it from a backup`);
  const keys = deriveVaultKeys(key, V1_SALT);
  if (openValue(keys, V1_KEY_CHECK_AAD, parsed.data.keyCheck) !== V1_KEY_CHECK_PLAINTEXT) {
    zeroVaultKeys(keys);
    return 'wrong-key';
  }
  const definitions = parsed.data.entries.map(entryDefinition);
  if (!macMatches(parsed.data.mac, macOf(keys, JSON.stringify([1, definitions])))) {
    zeroVaultKeys(keys);
    return err('forbidden', `the vault file ${file} (format version 1) was changed outside Berth (its integrity check failed); restore it from a backup`);
  }
  const unique = uniqueNames(parsed.data.entries, file);
  if (!unique.ok) {
    zeroVaultKeys(keys);
    return unique;
  }
  return ok({ entries: unique.value, keys });
}
