/**
 * The vault file (format version 2): one JSON document shared by the desktop app and `berth serve`.
 *
 * One random data key encrypts the values. `keys` records each copy of the data key wrapped by a key
 * protector (its kind, the parameters it needs to find its key-encryption key again, the wrapped copy;
 * see vault-crypto.ts), so any protector available in a mode opens the same file. Each typed value is
 * sealed with keys derived from the data key, bound to its entry name. An HMAC-SHA256 over the wrappings
 * and every entry's definition (name, kind, source) makes edits outside Berth, such as a planted
 * `command` source or a swapped wrapping, fail loudly instead of running. Version 1 files (one key, no
 * wrappings) are read by vault-file-v1.ts for migration.
 */
import { z } from 'zod';
import { CredentialKind, CredentialName, CredentialSource, VaultProtectorKind } from '../../src-shared/credentials.js';
import { describeZodError, err, ok, type Result } from '../../src-shared/result.js';
import { SealedValue, macMatches, macOf, type VaultKeys } from './vault-crypto.js';

/** Format marker of the vault file. */
export const VAULT_FORMAT = 'berth-vault';
/** The version this code writes. */
export const VAULT_FORMAT_VERSION = 2;
/** HKDF salt of the keys derived from the data key in version 2. */
export const DATA_KEY_SALT = 'berth-vault-v2';

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

/** What a protector needs to find its key-encryption key again (e.g. the keychain-sealed key). */
export const ProtectorParams = z.record(z.string(), z.string());
export type ProtectorParams = z.infer<typeof ProtectorParams>;

/** One wrapped copy of the data key. */
export const KeyWrapping = z.object({
  protector: VaultProtectorKind,
  params: ProtectorParams,
  wrapped: SealedValue,
  createdAt: z.number(),
});
export type KeyWrapping = z.infer<typeof KeyWrapping>;

const VaultFileV2 = z.object({
  format: z.literal(VAULT_FORMAT),
  version: z.literal(VAULT_FORMAT_VERSION),
  keys: z.array(KeyWrapping),
  mac: z.base64(),
  entries: z.array(StoredEntry),
});
export type VaultFileV2 = z.infer<typeof VaultFileV2>;

/** The parsed file, by version; `json` is the raw document (version 1 is checked by vault-file-v1.ts). */
export type ParsedVaultFile = { version: 1; json: unknown } | { version: 2; data: VaultFileV2 };

/** What the user can do about a damaged file. */
const DAMAGED_FIX = 'restore it from a backup, or reset the vault (Berth keeps the damaged file as a backup)';

/** Parses the file's text: JSON, format marker and version, and (version 2) its shape. Nothing is verified yet. */
export function parseVaultText(text: string, file: string): Result<ParsedVaultFile> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err('internal', `the vault file ${file} is not valid JSON (damaged?); ${DAMAGED_FIX}`);
  }
  const head = z.object({ format: z.literal(VAULT_FORMAT), version: z.number() }).safeParse(json);
  if (!head.success) return err('internal', `the vault file ${file} is not a Berth vault (${describeZodError(head.error)}); ${DAMAGED_FIX}`);
  if (head.data.version === 1) return ok({ version: 1, json });
  if (head.data.version !== VAULT_FORMAT_VERSION) {
    return err('internal', `the vault file ${file} has format version ${head.data.version}, newer than this Berth understands (${VAULT_FORMAT_VERSION}); update Berth`);
  }
  const parsed = VaultFileV2.safeParse(json);
  if (!parsed.success) return err('internal', `the vault file ${file} is not a Berth vault (${describeZodError(parsed.error)}); ${DAMAGED_FIX}`);
  return ok({ version: 2, data: parsed.data });
}

/** Additional data of a wrapping: binds it to its protector and parameters. */
export function wrappingAad(protector: VaultProtectorKind, params: ProtectorParams): string {
  return JSON.stringify(['berth-vault-key', protector, sortedPairs(params)]);
}

function sortedPairs(params: ProtectorParams): [string, string][] {
  return Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The definition of an entry, as the MAC covers it (usage fields and the sealed value are not in it). */
export function entryDefinition(e: StoredEntry): unknown[] {
  const detail = e.source.type === 'env' ? e.source.variable : e.source.type === 'command' ? e.source.command : null;
  return [e.name, e.kind, e.source.type, detail, e.createdAt, e.updatedAt];
}

/** The MAC over every wrapping and every entry's definition, in file order. */
function macFile(keys: VaultKeys, wrappings: readonly KeyWrapping[], entries: readonly StoredEntry[]): Buffer {
  const wraps = wrappings.map((w) => [w.protector, sortedPairs(w.params), w.wrapped.iv, w.wrapped.tag, w.wrapped.data, w.createdAt]);
  return macOf(keys, JSON.stringify([VAULT_FORMAT_VERSION, wraps, entries.map(entryDefinition)]));
}

/** The file's text for `entries` and `wrappings`, with a fresh MAC. */
export function serializeVaultFile(keys: VaultKeys, wrappings: readonly KeyWrapping[], entries: readonly StoredEntry[]): string {
  const data: VaultFileV2 = {
    format: VAULT_FORMAT,
    version: VAULT_FORMAT_VERSION,
    keys: [...wrappings],
    mac: macFile(keys, wrappings, entries).toString('base64'),
    entries: [...entries],
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}

/**
 * Verifies a version-2 file with the keys of a data key that one of its wrappings gave: the MAC, then
 * that no name is listed twice. Values stay sealed; each is checked when it is used.
 */
export function verifyVaultFile(keys: VaultKeys, data: VaultFileV2, file: string): Result<StoredEntry[]> {
  if (!macMatches(data.mac, macFile(keys, data.keys, data.entries))) {
    return err('forbidden', `the vault file ${file} was changed outside Berth (its integrity check failed); ${DAMAGED_FIX}`);
  }
  return uniqueNames(data.entries, file);
}

/** Fails when two entries share a name. */
export function uniqueNames(entries: StoredEntry[], file: string): Result<StoredEntry[]> {
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name)) return err('internal', `the vault file ${file} lists the credential "${entry.name}" twice`);
    names.add(entry.name);
  }
  return ok(entries);
}

/**
 * The entries a file names, without verifying anything (for a locked vault's list: names, kinds and
 * sources to show, never anything to run or inject). Entries that don't parse are left out.
 */
export function unverifiedEntries(text: string): StoredEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const raw = (json as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  const entries: StoredEntry[] = [];
  for (const item of raw) {
    const parsed = StoredEntry.safeParse(item);
    if (!parsed.success || seen.has(parsed.data.name)) continue;
    seen.add(parsed.data.name);
    entries.push(parsed.data);
  }
  return entries;
}
