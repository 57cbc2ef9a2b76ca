/**
 * The vault's cryptography: keys derived from the data key, sealed values, and wrapped data keys.
 *
 * Every value is sealed with AES-256-GCM (a random 96-bit IV per value, the 128-bit tag, additional
 * data that binds it to its place, e.g. the entry name). Encryption and MAC keys are derived from a
 * 32-byte key with HKDF-SHA256, so no stored key is used directly. A wrapped data key is the data key
 * sealed the same way under a key a protector keeps (a key-encryption key).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Length of the data key and of every key-encryption key: 256 bits for AES-256-GCM. */
export const VAULT_KEY_BYTES = 32;
/** AES-GCM IV length: 96 bits, the size GCM is specified for (NIST SP 800-38D). */
const IV_BYTES = 12;
/** AES-GCM tag length: the full 128 bits. */
const TAG_BYTES = 16;
/** Length of each derived key: 256 bits. */
const DERIVED_KEY_BYTES = 32;
/** HKDF salt of the key-wrapping keys. */
const WRAP_SALT = 'berth-vault-wrap-v2';

/** Keys derived from a vault key. Zero them with `zeroVaultKeys` when done. */
export interface VaultKeys {
  readonly enc: Buffer;
  readonly mac: Buffer;
}

/** Derives the encryption and MAC keys from a 32-byte key; `salt` separates format versions. */
export function deriveVaultKeys(key: Buffer, salt: string): VaultKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, salt, info, DERIVED_KEY_BYTES));
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
export function sealValue(keys: VaultKeys, aad: string, plaintext: string | Buffer): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.enc, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** Decrypts a sealed value to bytes; null when it fails authentication (wrong key, altered data or wrong `aad`). */
export function openBytes(keys: VaultKeys, aad: string, sealed: SealedValue): Buffer | null {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.enc, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  } catch {
    return null;
  }
}

/** Decrypts a sealed value to text; null when it fails authentication. */
export function openValue(keys: VaultKeys, aad: string, sealed: SealedValue): string | null {
  return openBytes(keys, aad, sealed)?.toString('utf8') ?? null;
}

/** HMAC-SHA256 of `text` under the MAC key. */
export function macOf(keys: VaultKeys, text: string): Buffer {
  return createHmac('sha256', keys.mac).update(text).digest();
}

/** Constant-time comparison of a stored MAC (base64) with the expected one. */
export function macMatches(stored: string, expected: Buffer): boolean {
  const mac = Buffer.from(stored, 'base64');
  return mac.length === expected.length && timingSafeEqual(mac, expected);
}

/** A fresh random 32-byte key. */
export function randomVaultKey(): Buffer {
  return randomBytes(VAULT_KEY_BYTES);
}

/** Seals the data key under a key-encryption key, bound to `aad` (the protector and its parameters). */
export function wrapDataKey(kek: Buffer, aad: string, dataKey: Buffer): SealedValue {
  const keys = deriveVaultKeys(kek, WRAP_SALT);
  try {
    return sealValue(keys, aad, dataKey);
  } finally {
    zeroVaultKeys(keys);
  }
}

/** The data key from a wrapping; null when the key-encryption key or `aad` is not the one it was wrapped with. */
export function unwrapDataKey(kek: Buffer, aad: string, wrapped: SealedValue): Buffer | null {
  const keys = deriveVaultKeys(kek, WRAP_SALT);
  try {
    const key = openBytes(keys, aad, wrapped);
    return key !== null && key.length === VAULT_KEY_BYTES ? key : null;
  } finally {
    zeroVaultKeys(keys);
  }
}
