/**
 * The credential vault: named credentials, typed values encrypted at rest, env and command sources
 * resolved on use.
 *
 * Values leave the vault only through `resolve()` (for the proxy, in process); `list()` and every
 * change event carry DTOs without them, and error messages never quote a value or a command's output.
 * File format and cryptography: vault-file.ts. Key sources: key-provider.ts, secret-service.ts.
 */
import { CredentialName, CredentialSetRequest, maskValue, type CredentialDto } from '../../src-shared/credentials.js';
import { DisposableStore, Emitter, toDisposable, type Disposable, type Event } from '../../src-shared/lifecycle.js';
import { assertNever, describeZodError, err, ok, type Result } from '../../src-shared/result.js';
import type { KeyProvider } from './key-provider.js';
import { readPrivateFile, writePrivateFileAtomic } from './private-file.js';
import { MAX_HELPER_OUTPUT_BYTES, firstStderrLine, runProcess, type ProcessOutcome, type RunningProcess } from './run-process.js';
import { deriveVaultKeys, openValue, parseVaultFile, sealValue, serializeVaultFile, zeroVaultKeys, type StoredEntry, type VaultKeys } from './vault-file.js';

/** Name of the vault file in the data directory. */
export const VAULT_FILE = 'vault.json';
/** Deadline of a credential command (`op read …` may wait on the 1Password app, briefly). */
export const COMMAND_TIMEOUT_MS = 10_000;
/** How long a command's output is reused before the command runs again. */
export const COMMAND_CACHE_TTL_MS = 60_000;
/** Delay before usage data (last used, last error, masked tail) is written, batching busy periods. */
export const USAGE_FLUSH_DELAY_MS = 5_000;
/** The shell that runs credential commands. */
const SHELL = '/bin/sh';

/** What changed: a credential was set or deleted, or its status (masked tail, last error) moved. */
export interface VaultChange {
  readonly type: 'set' | 'deleted' | 'status';
  readonly name: string;
}

/** How to open a vault. */
export interface VaultOptions {
  /** The vault file (`<dataDir>/vault.json`); created on the first `set`. */
  file: string;
  keyProvider: KeyProvider;
  /** Environment for `env` sources and commands, read at each use; the live process.env by default. */
  env?: NodeJS.ProcessEnv;
  commandTimeoutMs?: number;
  commandCacheTtlMs?: number;
  usageFlushDelayMs?: number;
  now?: () => number;
}

interface CachedOutput {
  readonly command: string;
  readonly value: string;
  readonly expiresAt: number;
}

interface PendingCommand {
  readonly command: string;
  readonly result: Promise<Result<string>>;
}

/** The encrypted credential store. Open with `Vault.open`; `flush()` then `dispose()` on shutdown. */
export class Vault implements Disposable {
  private readonly store = new DisposableStore('vault');
  private readonly onDidChangeEmitter = this.store.add(new Emitter<VaultChange>());
  /** A credential was set, deleted or changed status. */
  readonly onDidChange: Event<VaultChange> = this.onDidChangeEmitter.event;

  private readonly env: NodeJS.ProcessEnv;
  private readonly now: () => number;
  private readonly commandTimeoutMs: number;
  private readonly commandCacheTtlMs: number;
  private readonly usageFlushDelayMs: number;
  private readonly commandCache = new Map<string, CachedOutput>();
  private readonly pendingCommands = new Map<string, PendingCommand>();
  private readonly runningCommands = new Set<RunningProcess>();
  /** Bumped on every set/delete so a command started before it can't refill the cache. */
  private generation = 0;
  private writes: Promise<unknown> = Promise.resolve();
  private usageDirty = false;
  private usageTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    private readonly options: VaultOptions,
    private readonly keys: VaultKeys,
    private entries: Map<string, StoredEntry>,
  ) {
    this.env = options.env ?? process.env;
    this.now = options.now ?? Date.now;
    this.commandTimeoutMs = options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS;
    this.commandCacheTtlMs = options.commandCacheTtlMs ?? COMMAND_CACHE_TTL_MS;
    this.usageFlushDelayMs = options.usageFlushDelayMs ?? USAGE_FLUSH_DELAY_MS;
    this.store.add(
      toDisposable(() => {
        clearTimeout(this.usageTimer);
        for (const running of this.runningCommands) running.dispose();
        this.runningCommands.clear();
        this.commandCache.clear();
        zeroVaultKeys(this.keys);
      }),
    );
  }

  /**
   * Gets the key from the provider and reads the file (absent: an empty vault). Fails with a clear
   * message on a wrong key, a damaged or altered file, or a file others may read and write.
   */
  static async open(options: VaultOptions): Promise<Result<Vault>> {
    const master = await options.keyProvider.getKey();
    if (!master.ok) return master;
    const keys = deriveVaultKeys(master.value);
    master.value.fill(0);
    const read = await readPrivateFile(options.file, { tighten: true });
    if (!read.ok) {
      zeroVaultKeys(keys);
      return read;
    }
    let entries: StoredEntry[] = [];
    if (read.value !== null) {
      const parsed = parseVaultFile(keys, read.value.toString('utf8'), options.file);
      if (!parsed.ok) {
        zeroVaultKeys(keys);
        return parsed;
      }
      entries = parsed.value;
    }
    return ok(new Vault(options, keys, new Map(entries.map((e) => [e.name, e]))));
  }

  /** Where the key is kept, in words. */
  get keyDescription(): string {
    return this.options.keyProvider.description;
  }

  /** The key provider's warning about what protects the key, or null. */
  get keyWarning(): string | null {
    return this.options.keyProvider.warning;
  }

  /** Every credential, by name. Never a value. */
  list(): CredentialDto[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name)).map(toDto);
  }

  /** One credential, or undefined. Never a value. */
  get(name: string): CredentialDto | undefined {
    const entry = this.entries.get(name);
    return entry ? toDto(entry) : undefined;
  }

  /** Adds or replaces a credential (the request is validated again here). */
  set(request: CredentialSetRequest): Promise<Result<CredentialDto>> {
    const parsed = CredentialSetRequest.safeParse(request);
    if (!parsed.success) return Promise.resolve(err('bad_request', describeZodError(parsed.error)));
    const { name, kind, source, value } = parsed.data;
    return this.mutate({ type: 'set', name }, (draft) => {
      const now = this.now();
      const previous = draft.get(name);
      const typed = source.type === 'value' && value !== undefined ? value : null;
      const entry: StoredEntry = {
        name,
        kind,
        source,
        sealed: typed === null ? null : sealValue(this.keys, name, typed),
        createdAt: previous?.createdAt ?? now,
        updatedAt: Math.max(now, previous?.updatedAt ?? now),
        masked: typed === null ? null : maskValue(typed),
        lastUsedAt: null,
        lastError: null,
      };
      draft.set(name, entry);
      return ok(toDto(entry));
    });
  }

  /** Deletes a credential. */
  delete(name: string): Promise<Result<void>> {
    const parsed = CredentialName.safeParse(name);
    if (!parsed.success) return Promise.resolve(err('bad_request', `credential name: ${describeZodError(parsed.error)}`));
    return this.mutate({ type: 'deleted', name }, (draft) => {
      if (!draft.delete(name)) return err('not_found', `no credential named "${name}"`);
      return ok();
    });
  }

  /**
   * The credential's value, now: decrypted, read from the environment, or printed by its command
   * (cached for `commandCacheTtlMs`). For in-process use by the proxy only; never send it anywhere else.
   */
  async resolve(name: string): Promise<Result<string>> {
    if (this.store.isDisposed) return err('invalid_state', 'the credential vault is closed');
    const entry = this.entries.get(name);
    if (!entry) return err('not_found', `no credential named "${name.slice(0, 64)}"`);
    const result = await this.resolveEntry(entry);
    this.recordUse(entry, result);
    return result;
  }

  /** Writes pending usage data now (call before `dispose()` on shutdown). */
  flush(): Promise<void> {
    clearTimeout(this.usageTimer);
    this.usageTimer = undefined;
    return this.enqueue(async () => {
      if (!this.usageDirty || this.store.isDisposed) return;
      this.usageDirty = false;
      if (!(await this.save(this.entries)).ok) this.usageDirty = true;
    });
  }

  /** Stops running commands, drops cached outputs and zeroes the keys. Unflushed usage data is lost. */
  dispose(): void {
    this.store.dispose();
  }

  private resolveEntry(entry: StoredEntry): Promise<Result<string>> | Result<string> {
    const source = entry.source;
    switch (source.type) {
      case 'value': {
        const value = entry.sealed ? openValue(this.keys, entry.name, entry.sealed) : null;
        if (value === null) {
          return err('internal', `credential "${entry.name}" cannot be decrypted: its stored value fails authentication (the vault file was altered or damaged); set it again`);
        }
        return ok(value);
      }
      case 'env': {
        const value = this.env[source.variable]?.trim();
        if (!value) return err('not_found', `credential "${entry.name}": the environment variable ${source.variable} is not set (or empty) in Berth's environment`);
        return ok(value);
      }
      case 'command':
        return this.runCommand(entry.name, source.command);
      default:
        return assertNever(source);
    }
  }

  private runCommand(name: string, command: string): Promise<Result<string>> {
    const cached = this.commandCache.get(name);
    if (cached && cached.command === command && cached.expiresAt > this.now()) return Promise.resolve(ok(cached.value));
    const pending = this.pendingCommands.get(name);
    if (pending && pending.command === command) return pending.result;

    const generation = this.generation;
    const running = runProcess(SHELL, ['-c', command], { env: this.env, timeoutMs: this.commandTimeoutMs });
    this.runningCommands.add(running);
    const result = running.outcome.then((outcome) => {
      this.runningCommands.delete(running);
      if (this.pendingCommands.get(name)?.result === result) this.pendingCommands.delete(name);
      const value = commandResult(name, outcome, this.commandTimeoutMs);
      if (value.ok && generation === this.generation && !this.store.isDisposed) {
        this.commandCache.set(name, { command, value: value.value, expiresAt: this.now() + this.commandCacheTtlMs });
      }
      return value;
    });
    this.pendingCommands.set(name, { command, result });
    return result;
  }

  /** Notes a use: last used time, masked tail of env/command values, last error. */
  private recordUse(entry: StoredEntry, result: Result<string>): void {
    if (this.store.isDisposed || this.entries.get(entry.name) !== entry) return;
    let changed = false;
    if (result.ok) {
      entry.lastUsedAt = this.now();
      const masked = entry.source.type === 'value' ? entry.masked : maskValue(result.value);
      if (masked !== entry.masked || entry.lastError !== null) changed = true;
      entry.masked = masked;
      entry.lastError = null;
    } else if (entry.lastError !== result.error.message) {
      entry.lastError = result.error.message;
      changed = true;
    }
    this.usageDirty = true;
    if (this.usageTimer === undefined) {
      this.usageTimer = setTimeout(() => void this.flush(), this.usageFlushDelayMs);
      this.usageTimer.unref();
    }
    if (changed) this.onDidChangeEmitter.fire({ type: 'status', name: entry.name });
  }

  /** Applies `apply` to a copy of the entries, saves it, then makes it current (in call order). */
  private mutate<T>(change: VaultChange, apply: (draft: Map<string, StoredEntry>) => Result<T>): Promise<Result<T>> {
    return this.enqueue(async () => {
      if (this.store.isDisposed) return err('invalid_state', 'the credential vault is closed');
      const draft = new Map(this.entries);
      const applied = apply(draft);
      if (!applied.ok) return applied;
      const saved = await this.save(draft);
      if (!saved.ok) return saved;
      this.entries = draft;
      this.generation++;
      this.commandCache.clear();
      this.pendingCommands.clear();
      this.onDidChangeEmitter.fire(change);
      return applied;
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.writes.then(task);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async save(entries: Map<string, StoredEntry>): Promise<Result<void>> {
    this.usageDirty = false;
    const text = serializeVaultFile(this.keys, [...entries.values()]);
    try {
      await writePrivateFileAtomic(this.options.file, text);
      return ok();
    } catch (error) {
      return err('internal', `cannot write the vault file ${this.options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
}

function toDto(entry: StoredEntry): CredentialDto {
  return {
    name: entry.name,
    kind: entry.kind,
    source: entry.source,
    masked: entry.masked,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    lastUsedAt: entry.lastUsedAt,
    lastError: entry.lastError,
  };
}

/** A command's outcome as a value, or an error that never quotes its standard output. */
function commandResult(name: string, outcome: ProcessOutcome, timeoutMs: number): Result<string> {
  const fail = (why: string) => err('spawn_failed', `credential "${name}": ${why}`);
  switch (outcome.kind) {
    case 'exit': {
      if (outcome.code === 0) {
        const value = outcome.stdout.trim();
        return value ? ok(value) : fail('the command printed nothing');
      }
      const line = firstStderrLine(outcome.stderr, outcome.stdout);
      return fail(`the command exited with code ${outcome.code}${line ? `: ${line}` : ''}`);
    }
    case 'signal': {
      const line = firstStderrLine(outcome.stderr);
      return fail(`the command was killed by ${outcome.signal}${line ? `: ${line}` : ''}`);
    }
    case 'timeout':
      return fail(`the command did not finish within ${timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`} and was stopped`);
    case 'overflow':
      return fail(`the command printed more than ${MAX_HELPER_OUTPUT_BYTES / 1024} KiB`);
    case 'error':
      return fail(`the command could not be started (${outcome.message})`);
    default:
      return assertNever(outcome);
  }
}
