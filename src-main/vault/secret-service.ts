/**
 * The secret-service protector: a key-encryption key in the OS secret service (GNOME Keyring, KWallet,
 * KeePassXC… through libsecret's `secret-tool`).
 *
 * `secret-tool store --label L service berth account vault-key` reads the secret from stdin;
 * `secret-tool lookup service berth account vault-key` prints it (exit 1 and no output when absent).
 * See https://manpages.debian.org/secret-tool. The item is the one format 1 kept the vault key in, so a
 * format-1 headless vault migrates with it and the item stays this protector's key.
 */
import { randomBytes } from 'node:crypto';
import { assertNever, err, ok, type Result } from '../../src-shared/result.js';
import { checkKeyLength } from './key-file-protector.js';
import type { KeyProtector, NewKek, ProtectorProbe } from './protector.js';
import type { ProtectorParams } from './vault-file.js';
import { firstStderrLine, runProcess, type ProcessOutcome } from './run-process.js';
import { VAULT_KEY_BYTES } from './vault-crypto.js';

/** Attributes that identify Berth's key in the secret service. */
export const SECRET_SERVICE_ATTRIBUTES: readonly string[] = ['service', 'berth', 'account', 'vault-key'];
/** Label shown for the item in keyring managers (Seahorse, KWalletManager). */
export const SECRET_SERVICE_LABEL = 'Berth credential vault key';
/** Deadline for one `secret-tool` call; an unlock prompt may take a moment, a hung D-Bus must not hang startup. */
const SECRET_TOOL_TIMEOUT_MS = 15_000;

/** What a lookup found. */
type Lookup = { kind: 'found'; secret: string } | { kind: 'missing' } | { kind: 'error'; message: string };

/** How to reach the secret service. */
export interface SecretServiceOptions {
  /** Path of `secret-tool`, or null when it is not installed. */
  secretTool: string | null;
  /** Environment of `secret-tool` (it needs the D-Bus session address); process.env by default. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** The secret-service protector. `probe()` looks the key up; the other calls use that answer. */
export class SecretServiceProtector implements KeyProtector {
  readonly kind = 'secret-service' as const;
  readonly description = 'the OS secret service (libsecret)';
  readonly warning = null;
  readonly unlockHint = `unlock or start the keyring that holds Berth's key (GNOME Keyring, KWallet, KeePassXC): \`secret-tool lookup ${SECRET_SERVICE_ATTRIBUTES.join(' ')}\` must print it`;
  private lookedUp: Lookup | null = null;
  private probed: ProtectorProbe | null = null;

  constructor(private readonly options: SecretServiceOptions) {}

  /** The answer of the latest `probe()`, or null before the first. */
  get lastProbe(): ProtectorProbe | null {
    return this.probed;
  }

  async probe(): Promise<ProtectorProbe> {
    if (this.options.secretTool === null) {
      this.lookedUp = { kind: 'error', message: 'secret-tool is not installed' };
      this.probed = { available: false, reason: 'secret-tool is not installed (Debian/Ubuntu: apt install libsecret-tools)' };
    } else {
      this.lookedUp = await this.lookup();
      this.probed = this.lookedUp.kind === 'error' ? { available: false, reason: `the secret service is unavailable (${this.lookedUp.message})` } : { available: true };
    }
    return this.probed;
  }

  async kek(_params: ProtectorParams): Promise<Result<Buffer>> {
    const found = this.lookedUp ?? (await this.lookup());
    if (found.kind === 'found') return this.decode(found.secret);
    if (found.kind === 'missing') return err('not_found', `the secret service has no Berth key (${SECRET_SERVICE_ATTRIBUTES.join(' ')})`);
    return err('backend_unavailable', `the secret service is unavailable (${found.message})`);
  }

  async newKek(): Promise<Result<NewKek>> {
    const found = this.lookedUp ?? (await this.lookup());
    const params = { service: 'berth', account: 'vault-key' };
    if (found.kind === 'found') {
      const key = this.decode(found.secret);
      return key.ok ? ok({ kek: key.value, params }) : key;
    }
    if (found.kind === 'error') return err('backend_unavailable', `the secret service is unavailable (${found.message})`);
    const secret = randomBytes(VAULT_KEY_BYTES).toString('base64');
    const refused = await this.store(secret);
    if (refused !== null) return err('backend_unavailable', `the secret service refused the key (${refused})`);
    const check = await this.lookup();
    if (check.kind !== 'found' || check.secret !== secret) return err('backend_unavailable', 'the secret service did not keep the new key');
    this.lookedUp = check;
    const key = this.decode(secret);
    return key.ok ? ok({ kek: key.value, params }) : key;
  }

  async legacyKey(): Promise<Result<Buffer | null>> {
    const found = this.lookedUp ?? (await this.lookup());
    if (found.kind === 'missing') return ok(null);
    return this.kek({});
  }

  private decode(secret: string): Result<Buffer> {
    const key = Buffer.from(secret, 'base64');
    if (key.length !== VAULT_KEY_BYTES) {
      return err('internal', `Berth's key in the secret service is malformed (${key.length} bytes); remove it with \`secret-tool clear ${SECRET_SERVICE_ATTRIBUTES.join(' ')}\` only if the vault is to be reset`);
    }
    return checkKeyLength(key, this.description);
  }

  private async lookup(): Promise<Lookup> {
    const outcome = await this.run(['lookup', ...SECRET_SERVICE_ATTRIBUTES]);
    if (outcome.kind === 'exit') {
      const secret = outcome.stdout.trim();
      if (outcome.code === 0 && secret) return { kind: 'found', secret };
      const line = firstStderrLine(outcome.stderr, outcome.stdout);
      if (line === null && (outcome.code === 0 || outcome.code === 1)) return { kind: 'missing' };
      return { kind: 'error', message: line ?? `secret-tool exited with code ${outcome.code}` };
    }
    return { kind: 'error', message: describe(outcome) };
  }

  /** Stores `secret`; null on success, else why not. */
  private async store(secret: string): Promise<string | null> {
    const outcome = await this.run(['store', `--label=${SECRET_SERVICE_LABEL}`, ...SECRET_SERVICE_ATTRIBUTES], secret);
    if (outcome.kind !== 'exit') return describe(outcome);
    if (outcome.code === 0) return null;
    return firstStderrLine(outcome.stderr, secret) ?? `secret-tool exited with code ${outcome.code}`;
  }

  private async run(args: string[], input?: string): Promise<ProcessOutcome> {
    if (this.options.secretTool === null) return { kind: 'error', message: 'secret-tool is not installed' };
    return runProcess(this.options.secretTool, args, {
      env: this.options.env ?? process.env,
      timeoutMs: this.options.timeoutMs ?? SECRET_TOOL_TIMEOUT_MS,
      input,
    }).outcome;
  }
}

/** A failed `secret-tool` run in words (never its output). */
function describe(outcome: Exclude<ProcessOutcome, { kind: 'exit' }>): string {
  switch (outcome.kind) {
    case 'timeout':
      return 'secret-tool timed out';
    case 'overflow':
      return 'secret-tool printed too much';
    case 'signal':
      return `secret-tool was killed by ${outcome.signal}`;
    case 'error':
      return outcome.message;
    default:
      return assertNever(outcome);
  }
}
