/**
 * Headless key storage in the OS secret service (GNOME Keyring, KWallet, KeePassXC… through libsecret's
 * `secret-tool`), falling back to a 0600 key file when there is none.
 *
 * `secret-tool store --label L service berth account vault-key` reads the secret from stdin;
 * `secret-tool lookup service berth account vault-key` prints it (exit 1 and no output when absent).
 * See https://manpages.debian.org/secret-tool
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { assertNever, err, type Result } from '../../src-shared/result.js';
import { FileKeyProvider, VAULT_KEY_BYTES, checkVaultKey, type KeyProvider } from './key-provider.js';
import { firstStderrLine, runProcess, type ProcessOutcome } from './run-process.js';

/** Attributes that identify Berth's vault key in the secret service. */
export const SECRET_SERVICE_ATTRIBUTES: readonly string[] = ['service', 'berth', 'account', 'vault-key'];
/** Label shown for the item in keyring managers (Seahorse, KWalletManager). */
export const SECRET_SERVICE_LABEL = 'Berth credential vault key';
/** Name of the headless key file, next to the vault file. */
export const VAULT_KEY_FILE = 'vault.key';
/** Deadline for one `secret-tool` call; an unlock prompt may take a moment, a hung D-Bus must not hang startup. */
const SECRET_TOOL_TIMEOUT_MS = 15_000;

/** Absolute path of an executable `name` on `pathVar` (a PATH value), or null. */
export function findOnPath(name: string, pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      if (fs.statSync(candidate).isFile()) {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      }
    } catch {
      // Not here.
    }
  }
  return null;
}

/** What a lookup found. */
type Lookup = { kind: 'found'; secret: string } | { kind: 'missing' } | { kind: 'error'; message: string };

/** How to reach the secret service. */
export interface SecretServiceKeyProviderOptions {
  /** Path of `secret-tool`. */
  secretTool: string;
  /** Used when the secret service can't be (or, from an earlier run, wasn't) used. */
  fallback: FileKeyProvider;
  /** Environment of `secret-tool` (it needs the D-Bus session address); process.env by default. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * The vault key in the OS secret service, created there on first use. A key file from an earlier run
 * wins over creating a new key (that file's key is the one the vault was encrypted with), and any
 * failure to reach the service falls back to the key file; `warning` then says so and why.
 */
export class SecretServiceKeyProvider implements KeyProvider {
  private fallbackReason: string | null = null;

  constructor(private readonly options: SecretServiceKeyProviderOptions) {}

  get description(): string {
    return this.fallbackReason === null ? 'the OS secret service (libsecret)' : this.options.fallback.description;
  }

  get warning(): string | null {
    return this.fallbackReason === null ? null : `${this.fallbackReason} ${this.options.fallback.warning}`;
  }

  async getKey(): Promise<Result<Buffer>> {
    const found = await this.lookup();
    if (found.kind === 'found') return this.decode(found.secret);

    const fallback = this.options.fallback;
    if (await fallback.exists()) {
      const why = found.kind === 'error' ? `the secret service failed: ${found.message}` : 'the secret service has no Berth key';
      this.fallbackReason = `Using the existing key file (${why}).`;
      return fallback.getKey();
    }
    if (found.kind === 'missing') {
      const key = randomBytes(VAULT_KEY_BYTES);
      const stored = await this.store(key.toString('base64'));
      if (stored === null) {
        const check = await this.lookup();
        if (check.kind === 'found' && check.secret === key.toString('base64')) return this.decode(check.secret);
        this.fallbackReason = 'The secret service did not keep the new key.';
      } else {
        this.fallbackReason = `The secret service refused the key (${stored}).`;
      }
    } else {
      this.fallbackReason = `The secret service is unavailable (${found.message}).`;
    }
    return fallback.getKey();
  }

  private decode(secret: string): Result<Buffer> {
    const key = Buffer.from(secret, 'base64');
    if (key.length !== VAULT_KEY_BYTES) {
      return err('internal', `the Berth vault key in the secret service is malformed (${key.length} bytes); remove it with \`secret-tool clear ${SECRET_SERVICE_ATTRIBUTES.join(' ')}\` only if the vault is to be reset`);
    }
    return checkVaultKey(key, this.description);
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

  private run(args: string[], input?: string) {
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

/** Where the headless vault key lives. */
export interface HeadlessKeyOptions {
  /** Folder of the vault (the data directory); the key file is `vault.key` in it. */
  dir: string;
  env?: NodeJS.ProcessEnv;
}

/** The headless key provider: the secret service when `secret-tool` is on PATH, else the key file. */
export function createHeadlessKeyProvider(options: HeadlessKeyOptions): KeyProvider {
  const env = options.env ?? process.env;
  const fallback = new FileKeyProvider(path.join(options.dir, VAULT_KEY_FILE));
  const secretTool = findOnPath('secret-tool', env.PATH);
  return secretTool ? new SecretServiceKeyProvider({ secretTool, fallback, env }) : fallback;
}
