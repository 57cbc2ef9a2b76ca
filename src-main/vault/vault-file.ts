/**
 * The vault file: its format, and the cryptography that protects it.
 *
 * One JSON document. Each typed value is sealed with AES-256-GCM (a random 96-bit IV per value, the
 * 128-bit tag, the entry name as additional data, so a value can't be moved to another entry). A key
 * check (a known plaintext sealed the same way) tells a wrong key from a damaged entry, and an
 * HMAC-SHA256 over every entry's definition (name, kind, source) makes edits outside Berth, such as a
 * planted `command` source, fail loudly instead of running. Encryption and MAC keys are derived from the
 * master key with HKDF-SHA256, so the master key itself is never used directly.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CredentialKind, CredentialName, CredentialSource } from '../../src-shared/credentials.js';
import { describeZodError, err, ok, type Result } from '../../src-shared/result.js';

/** Format marker and version of the vault file. */
export const VAULT_FORMAT = 'berth-vault';
export const VAULT_FORMAT_VERSION = 1;
/** AES-GCM IV length: 96 bits, the size GCM is specified for (NIST SP 800-38D). */
const IV_BYTES = 12;
/** AES-GCM tag length: the full 128 bits. */
const TAG_BYTES = 16;
/** Length of each derived key: 256 bits. */
const DERIVED_KEY_BYTES = 32;
/** HKDF salt; bumping it with the format version keeps old and new keys apart. */
const HKDF_SALT = 'berth-vault-v1';
/** Additional data of the key check; credential names can't contain NUL, so no entry can collide. */
const KEY_CHECK_AAD = '\0berth-vault-key-check';
/** Plaintext of the key check. */
const KEY_CHECK_PLAINTEXT = 'berth-vault-key-check-v1';

/** Keys derived from the master key. Zero them with `zeroVaultKeys` when done. */
export interface VaultKeys {
  readonly enc: Buffer;
  readonly mac: Buffer;
}

/** Derives the encryption and MAC keys from a 32-byte master key. */
export function deriveVaultKeys(master: Buffer): VaultKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, HKDF_SALT, info, DERIVED_KEY_BYTES));
  return { enc: derive('berth vault aes-256-gcm'), mac: derive('berth vault hmac-sha256') };
}

/** Overwrites derived keys in memory. */
export function zeroVaultKeys(keys: VaultKeys): void {
  keys.enc.fill(0);
  keys.mac.fill(0);
}

/** An AES-256-GCM sealed value, base64 fields. */
export const SealedValue = z.object({ iv: z.base64(), tag: z.base64(), data: z.base64() });
export type SealedValue = z.infer<typeof SealedValue>;

/** Encrypts `plaintext`, binding it to `aad`. */
export function sealValue(keys: VaultKeys, aad: string, plaintext: string): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.enc, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** Decrypts a sealed value; null when it fails authentication (wrong key, altered data or wrong `aad`). */
export function openValue(keys: VaultKeys, aad: string, sealed: SealedValue): string | null {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.enc, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** One credential as stored. `sealed` is present exactly for `value` sources. */
export const StoredEntry = z
  .object({
    name: CredentialName,
    kind: CredentialKind,
    source: CredentialSource,
    sealed: SealedValue.nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
    // Display-only usage fields, outside the MAC (they change on every use).
    masked: z.string().nullable(),
    lastUsedAt: z.number().nullable(),
    lastError: z.string().nullable(),
  })
  .refine((e) => (e.source.type === 'value') === (e.sealed !== null), 'a sealed value belongs to exactly the typed credentials');
export type StoredEntry = z.infer<typeof StoredEntry>;

const VaultFileData = z.object({
  format: z.literal(VAULT_FORMAT),
  version: z.literal(VAULT_FORMAT_VERSION),
  keyCheck: SealedValue,
  mac: z.base64(),
  entries: z.array(StoredEntry),
});

/** The MAC over every entry's definition, in file order. */
function macEntries(keys: VaultKeys, entries: readonly StoredEntry[]): Buffer {
  const definitions = entries.map((e) => {
    const detail = e.source.type === 'env' ? e.source.variable : e.source.type === 'command' ? e.source.command : null;
    return [e.name, e.kind, e.source.type, detail, e.createdAt, e.updatedAt];
  });
  return createHmac('sha256', keys.mac).update(JSON.stringify([VAULT_FORMAT_VERSION, definitions])).digest();
}

/** The file's text for `entries`, with a fresh key check and MAC. */
export function serializeVaultFile(keys: VaultKeys, entries: readonly StoredEntry[]): string {
  const data: z.infer<typeof VaultFileData> = {
    format: VAULT_FORMAT,
    version: VAULT_FORMAT_VERSION,
    keyCheck: sealValue(keys, KEY_CHECK_AAD, KEY_CHECK_PLAINTEXT),
    mac: macEntries(keys, entries).toString('base64'),
    entries: [...entries],
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}

/**
 * Parses and verifies the file's text: its shape, then the key (key check), then the MAC. Values stay
 * sealed; each is checked when it is used.
 */
export function parseVaultFile(keys: VaultKeys, text: string, file: string): Result<StoredEntry[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err('internal', `the vault file ${file} is not valid JSON (damaged?); restore it from a backup, or move it away to start an empty vault`);
  }
  const parsed = VaultFileData.safeParse(json);
  if (!parsed.success) {
    return err('internal', `the vault file ${file} is not a Berth vault (${describeZodError(parsed.error)}); restore it from a backup, or move it away to start an empty vault`);
  }
  const data = parsed.data;
  if (openValue(keys, KEY_CHECK_AAD, data.keyCheck) !== KEY_CHECK_PLAINTEXT) {
    return err('forbidden', `the vault key does not open the vault file ${file}: the key was replaced or lost (a new OS keychain, a deleted key file), or the file was altered`);
  }
  const mac = Buffer.from(data.mac, 'base64');
  const expected = macEntries(keys, data.entries);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
    return err('forbidden', `the vault file ${file} was changed outside Berth (its integrity check failed); restore it from a backup, or move it away to start an empty vault`);
  }
  const names = new Set<string>();
  for (const entry of data.entries) {
    if (names.has(entry.name)) return err('internal', `the vault file ${file} lists the credential "${entry.name}" twice`);
    names.add(entry.name);
  }
  return ok(data.entries);
}
