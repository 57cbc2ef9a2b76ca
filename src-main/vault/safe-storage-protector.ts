/**
 * The safe-storage protector: a key-encryption key sealed by the OS keychain through Electron
 * safeStorage, which only the desktop app's main process can reach (keychain-protocol.ts).
 *
 * Each wrapping gets a fresh random KEK; main seals it and the sealed bytes are the wrapping's `sealed`
 * parameter in the vault file. Unwrapping asks main to unseal them. Main never sees the data key.
 * Headless, the keychain answers "only the desktop app", and a wrapping by it shows as not available.
 */
import { err, ok, type Result } from '../../src-shared/result.js';
import { checkKeyLength } from './key-file-protector.js';
import type { DesktopKeychain } from './keychain-protocol.js';
import type { KeyProtector, NewKek, ProtectorProbe } from './protector.js';
import { randomVaultKey } from './vault-crypto.js';
import type { ProtectorParams } from './vault-file.js';

/** Default description, until the keychain names its backend. */
const DEFAULT_DESCRIPTION = 'the desktop keychain (Electron safeStorage)';

/** The OS keychain through the desktop app. */
export class SafeStorageProtector implements KeyProtector {
  readonly kind = 'safe-storage' as const;
  description = DEFAULT_DESCRIPTION;
  warning: string | null = null;
  readonly unlockHint: string;

  constructor(
    private readonly keychain: DesktopKeychain,
    desktop: boolean,
  ) {
    this.unlockHint = desktop
      ? 'unlock the OS keychain that sealed the vault key (the same user account and keychain as when it was made)'
      : 'open Berth\'s desktop app once on this data directory: it adds a copy of the vault key for the protector `berth serve` uses here';
  }

  async probe(): Promise<ProtectorProbe> {
    const status = await this.keychain.request({ op: 'status' });
    if (!status.ok) return { available: false, reason: status.error.message };
    this.description = status.value.description ?? DEFAULT_DESCRIPTION;
    this.warning = status.value.warning ?? null;
    return { available: true };
  }

  async kek(params: ProtectorParams): Promise<Result<Buffer>> {
    const sealed = params.sealed;
    if (!sealed) return err('internal', 'the keychain wrapping has no sealed key');
    const opened = await this.keychain.request({ op: 'unseal', sealed });
    if (!opened.ok) return opened;
    return this.decode(opened.value.secret);
  }

  async newKek(): Promise<Result<NewKek>> {
    const kek = randomVaultKey();
    const sealed = await this.keychain.request({ op: 'seal', secret: kek.toString('base64') });
    if (!sealed.ok || !sealed.value.sealed) {
      kek.fill(0);
      return sealed.ok ? err('internal', 'the desktop app sent no sealed key') : sealed;
    }
    return ok({ kek, params: { sealed: sealed.value.sealed } });
  }

  async legacyKey(): Promise<Result<Buffer | null>> {
    const legacy = await this.keychain.request({ op: 'legacy-key' });
    if (!legacy.ok) return legacy;
    if (legacy.value.secret === null || legacy.value.secret === undefined) return ok(null);
    return this.decode(legacy.value.secret);
  }

  private decode(secret: string | null | undefined): Result<Buffer> {
    if (!secret) return err('internal', 'the desktop app sent no key');
    return checkKeyLength(Buffer.from(secret, 'base64'), this.description);
  }
}
