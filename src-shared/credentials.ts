/**
 * Credential shapes shared by the vault, the API and the Settings → Credentials UI.
 *
 * Values are write-only: a typed value travels once, in `CredentialSetRequest`, and no DTO ever carries
 * it back. `CredentialDto.masked` shows at most its last four characters.
 */
import { z } from 'zod';

/** What a credential is for; the proxy picks header names and hosts from this. */
export const CredentialKind = z.enum(['anthropic-api-key', 'anthropic-oauth', 'openai', 'gemini', 'github', 'npm', 'custom']);
export type CredentialKind = z.infer<typeof CredentialKind>;

/** Longest credential name. */
export const MAX_CREDENTIAL_NAME_LENGTH = 64;
/** Largest typed value, in UTF-8 bytes (16 KiB: room for a long OAuth token, far from a file). */
export const MAX_CREDENTIAL_VALUE_BYTES = 16 * 1024;
/** Longest source command, in characters. */
export const MAX_CREDENTIAL_COMMAND_LENGTH = 4096;
/** Longest environment variable name. */
export const MAX_ENV_VARIABLE_LENGTH = 256;

/** Credential names: a slug (CLI argument, rule reference, AAD of the encrypted value). */
export const CredentialName = z
  .string()
  .min(1)
  .max(MAX_CREDENTIAL_NAME_LENGTH)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, dashes and underscores, starting with a letter or digit');
export type CredentialName = z.infer<typeof CredentialName>;

/** A POSIX environment variable name. */
export const EnvVariableName = z
  .string()
  .min(1)
  .max(MAX_ENV_VARIABLE_LENGTH)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and underscores, not starting with a digit');

/**
 * Where a credential's value comes from.
 *
 * `value`: typed in, stored encrypted. `env`: read from the orchestrator's environment each time it is
 * used. `command`: run with `/bin/sh -c` when used (e.g. `op read op://vault/item/field`), its trimmed
 * output is the value; results are cached briefly.
 */
export const CredentialSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('value') }),
  z.object({ type: z.literal('env'), variable: EnvVariableName }),
  z.object({
    type: z.literal('command'),
    command: z
      .string()
      .min(1)
      .max(MAX_CREDENTIAL_COMMAND_LENGTH)
      .refine((c) => c.trim().length > 0 && !c.includes('\0'), 'the command is empty or contains a NUL character'),
  }),
]);
export type CredentialSource = z.infer<typeof CredentialSource>;

/** UTF-8 length of a string, without TextEncoder (src-shared has no DOM or Node types). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    // Code point ranges encoded in 1, 2, 3 and 4 bytes.
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * Add or replace a credential.
 *
 * `value` is required for (and only allowed with) a `value` source. The CLI reads it from stdin, never
 * from argv.
 */
export const CredentialSetRequest = z
  .object({
    name: CredentialName,
    kind: CredentialKind,
    source: CredentialSource,
    value: z
      .string()
      .min(1)
      .refine((v) => utf8ByteLength(v) <= MAX_CREDENTIAL_VALUE_BYTES, `the value is longer than ${MAX_CREDENTIAL_VALUE_BYTES} bytes`)
      .optional(),
  })
  .superRefine((req, ctx) => {
    if (req.source.type === 'value' && req.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a typed credential needs a value' });
    }
    if (req.source.type !== 'value' && req.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `a credential read from ${req.source.type} takes no value` });
    }
  });
export type CredentialSetRequest = z.infer<typeof CredentialSetRequest>;

/** Delete a credential by name. */
export const CredentialDeleteRequest = z.object({ name: CredentialName });
export type CredentialDeleteRequest = z.infer<typeof CredentialDeleteRequest>;

/**
 * A stored credential as clients see it: never its value.
 *
 * `source` shows the variable or command text. `masked` is `"••••abcd"` (the last four characters of
 * a typed value, or of an env/command value when it was last resolved), `"••••"` when the value is too
 * short to show any of it, or null when an env/command value has not been resolved yet. Times are epoch
 * milliseconds. `lastError` is the last resolve failure (cleared by the next success).
 */
export const CredentialDto = z.object({
  name: CredentialName,
  kind: CredentialKind,
  source: CredentialSource,
  masked: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastUsedAt: z.number().nullable(),
  lastError: z.string().nullable(),
});
export type CredentialDto = z.infer<typeof CredentialDto>;

/** Prefix of every masked value. */
export const MASK_PREFIX = '••••';
/** How many trailing characters a masked value shows. */
export const MASK_VISIBLE_CHARS = 4;
/** Values shorter than this show no characters at all (four of eight would be half the secret). */
export const MASK_MIN_LENGTH_TO_SHOW = 12;

/** The masked form of a value: `••••` plus its last four characters, if it is long enough to spare them. */
export function maskValue(value: string): string {
  const chars = [...value];
  if (chars.length < MASK_MIN_LENGTH_TO_SHOW) return MASK_PREFIX;
  return MASK_PREFIX + chars.slice(-MASK_VISIBLE_CHARS).join('');
}

/**
 * A key protector: something that keeps a wrapped copy of the vault's data key. `safe-storage` is the OS
 * keychain through Electron (desktop app only), `secret-service` the OS secret service through
 * `secret-tool`, `key-file` a 0600 file next to the vault.
 */
export const VaultProtectorKind = z.enum(['safe-storage', 'secret-service', 'key-file']);
export type VaultProtectorKind = z.infer<typeof VaultProtectorKind>;

/** One protector as this orchestrator sees it. */
export const VaultProtectorDto = z.object({
  kind: VaultProtectorKind,
  description: z.string(),
  /** The vault file holds a copy of the data key wrapped by it. */
  wraps: z.boolean(),
  /** This orchestrator can use it now. */
  available: z.boolean(),
  /** Why it is not available, or why its wrapping did not open; null when neither. */
  problem: z.string().nullable(),
});
export type VaultProtectorDto = z.infer<typeof VaultProtectorDto>;

/** Why the vault is locked and what the user can do about it. */
export const VaultLockDto = z.object({
  reason: z.string(),
  fix: z.string(),
});
export type VaultLockDto = z.infer<typeof VaultLockDto>;

/**
 * The vault's state. Locked: no protector available here could unwrap the data key, or the file can't be
 * read or verified. Berth runs on without provider keys, lists the credentials the file names
 * (unverified), and never writes the file until it is unlocked.
 */
export const VaultStatusDto = z.object({
  file: z.string(),
  locked: VaultLockDto.nullable(),
  protectors: z.array(VaultProtectorDto),
});
export type VaultStatusDto = z.infer<typeof VaultStatusDto>;

/** `credentials.list`: the credentials (masked), what protects the vault and its warning, and its state. */
export const CredentialListDto = z.object({
  credentials: z.array(CredentialDto),
  protection: z.string(),
  warning: z.string().nullable(),
  vault: VaultStatusDto,
});
export type CredentialListDto = z.infer<typeof CredentialListDto>;

/** Reset a locked vault: the caller confirms that the stored credentials are to be set again. */
export const VaultResetRequest = z.object({ confirm: z.literal(true) });
export type VaultResetRequest = z.infer<typeof VaultResetRequest>;

/** Where the old vault file was kept (null when there was none), and the new vault's state. */
export const VaultResetResult = z.object({ backup: z.string().nullable(), vault: VaultStatusDto });
export type VaultResetResult = z.infer<typeof VaultResetResult>;
