/**
 * The key protectors of a mode, in the order they are tried: the desktop keychain, the secret service,
 * the key file.
 *
 * Every mode builds all three, so the vault's state can say which ones wrap the key and why one can't be
 * used here. Which are available: the desktop keychain in the desktop app (when main's keychain policy
 * allows it); the secret service wherever `secret-tool` reaches one; the key file when it exists, or when
 * the secret service is not available (created on first use). So the desktop app always also wraps the
 * key for what `berth serve` in the same environment uses, and both open the same vault.
 */
import path from 'node:path';
import { findExecutable } from '../process/find-executable.js';
import { KeyFileProtector, VAULT_KEY_FILE } from './key-file-protector.js';
import { NO_DESKTOP_KEYCHAIN, type DesktopKeychain } from './keychain-protocol.js';
import type { KeyProtector } from './protector.js';
import { SafeStorageProtector } from './safe-storage-protector.js';
import { SecretServiceProtector } from './secret-service.js';

/** What the protectors of a mode need. */
export interface VaultProtectorOptions {
  /** Folder of the vault (the data directory); the key file is `vault.key` in it. */
  dir: string;
  /** Environment: PATH finds `secret-tool`, which needs the D-Bus session address. */
  env: NodeJS.ProcessEnv;
  /** The desktop app's keychain (through main); absent headless. */
  keychain?: DesktopKeychain;
}

/** The protectors of this mode, in preference order. */
export function createVaultProtectors(options: VaultProtectorOptions): KeyProtector[] {
  const safeStorage = new SafeStorageProtector(options.keychain ?? NO_DESKTOP_KEYCHAIN, options.keychain !== undefined);
  const secretService = new SecretServiceProtector({ secretTool: findExecutable('secret-tool', options.env.PATH ?? ''), env: options.env });
  // The key file is probed after the secret service (in this order), so that answer is fresh.
  const keyFile = new KeyFileProtector(path.join(options.dir, VAULT_KEY_FILE), async () => !(secretService.lastProbe ?? (await secretService.probe())).available);
  return [safeStorage, secretService, keyFile];
}
