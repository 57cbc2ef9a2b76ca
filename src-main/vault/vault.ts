/**
 * The credential vault: named credentials, typed values encrypted at rest, env and command sources
 * resolved on use.
 *
 * Values leave the vault only through `resolve()` (for the proxy, in process); `list()` and every
 * change event carry DTOs without them, and error messages never quote a value or a command's output.
 * File format: vault-file.ts; keys and protectors: unlock.ts, protectors.ts.
 *
 * A vault that can't be unlocked (no protector here unwraps its key, a damaged or altered file) is
 * `locked`: it lists what the file names, refuses every change and every value with the reason and the
 * fix, and never writes the file, until `unlock()` succeeds or the user resets it (the old file is kept).
 */
import fs from 'node:fs';
import { CredentialName, CredentialSetRequest, maskValue, type CredentialDto, type VaultLockDto, type VaultStatusDto } from '../../src-shared/credentials.js';
import { DisposableStore, Emitter, toDisposable, type Disposable, type Event } from '../../src-shared/lifecycle.js';
import { assertNever, describeZodError, err, ok, type Result } from '../../src-shared/result.js';
import type { KeyProtector } from './protector.js';
import { createPrivateFileExclusive, writePrivateFileAtomic } from './private-file.js';
import { MAX_HELPER_OUTPUT_BYTES, firstStderrLine, runProcess, type ProcessOutcome, type RunningProcess } from './run-process.js';
import { backupName, protectorDtos, unlockVault, type ProtectorReport } from './unlock.js';
import { deriveVaultKeys, openValue, sealValue, zeroVaultKeys, type VaultKeys } from './vault-crypto.js';
import { DATA_KEY_SALT, serializeVaultFile, type KeyWrapping, type StoredEntry } from './vault-file.js';

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

/**
 * What changed: a credential was set or deleted, or its status (masked tail, last error) moved; or the
 * vault was unlocked or reset (`name` is empty then).
 */
export interface VaultChange {
  readonly type: 'set' | 'deleted' | 'status' | 'unlocked';
  readonly name: string;
}

/** How to open a vault. */
export interface VaultOptions {
  /** The vault file (`<dataDir>/vault.json`); created on the first `set`. */
  file: string;
  /** The key protectors of this mode, in preference order (protectors.ts). */
  protectors: readonly KeyProtector[];
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

/** Unlocked: the data key's derived keys and its wrappings; a format-1 file's bytes until they are backed up. */
type VaultState =
  | { readonly kind: 'unlocked'; readonly keys: VaultKeys; readonly wrappings: KeyWrapping[]; backup: Buffer | null }
  | { readonly kind: 'locked'; readonly lock: VaultLockDto };

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

  private state: VaultState = { kind: 'locked', lock: { reason: 'the vault has not been opened yet', fix: 'wait for Berth to start' } };
  private entries = new Map<string, StoredEntry>();
  private reports: ProtectorReport[] = [];
  /** Why the last write of the file failed, while it did. */
  private writeProblem: string | null = null;

  private constructor(private readonly options: VaultOptions) {
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
        if (this.state.kind === 'unlocked') zeroVaultKeys(this.state.keys);
      }),
    );
  }

  /**
   * Opens the vault with the protectors available here. Never fails: a vault that can't be unlocked is
   * returned locked, with the reason and the fix in `status()`.
   */
  static async open(options: VaultOptions): Promise<Vault> {
    const vault = new Vault(options);
    await vault.unlock();
    return vault;
  }

  /**
   * Tries to unlock a locked vault again (a keyring was started, a key file restored); on an unlocked
   * vault it only reports the state.
   */
  unlock(): Promise<VaultStatusDto> {
    return this.enqueue(async () => {
      if (this.state.kind === 'unlocked' || this.store.isDisposed) return this.status();
      const outcome = await unlockVault({ file: this.options.file, protectors: this.options.protectors, now: this.now });
      this.reports = outcome.protectors;
      if (this.store.isDisposed) {
        if (outcome.kind === 'unlocked') outcome.dataKey.fill(0);
        return this.status();
      }
      this.entries = new Map(outcome.entries.map((e) => [e.name, e]));
      if (outcome.kind === 'locked') {
        this.state = { kind: 'locked', lock: { reason: outcome.reason, fix: outcome.fix } };
        return this.status();
      }
      this.state = { kind: 'unlocked', keys: deriveVaultKeys(outcome.dataKey, DATA_KEY_SALT), wrappings: outcome.wrappings, backup: outcome.backup };
      outcome.dataKey.fill(0);
      if (outcome.dirty) await this.save(this.entries);
      this.onDidChangeEmitter.fire({ type: 'unlocked', name: '' });
      return this.status();
    });
  }

  /**
   * Only while locked: moves the vault file aside as a backup (never deletes it) and starts an empty
   * vault. Returns the backup's path.
   */
  reset(): Promise<Result<{ backup: string | null; status: VaultStatusDto }>> {
    return this.enqueue(async () => {
      if (this.store.isDisposed) return err('invalid_state', 'the credential vault is closed');
      if (this.state.kind === 'unlocked') return err('invalid_state', 'the credential vault is not locked; delete credentials one by one instead');
      const file = this.options.file;
      let backup: string | null = backupName(file, 'locked', this.now());
      try {
        await fs.promises.rename(file, backup);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') return err('internal', `cannot move ${file} aside: ${code ?? (error as Error).message}`);
        backup = null;
      }
      this.state = { kind: 'locked', lock: { reason: 'the vault is being reset', fix: 'wait a moment' } };
      return ok(backup);
    }).then(async (moved) => (moved.ok ? ok({ backup: moved.value, status: await this.unlock() }) : moved));
  }

  /** Whether the vault is locked, and why; null when it is unlocked. */
  get locked(): VaultLockDto | null {
    return this.state.kind === 'locked' ? this.state.lock : null;
  }

  /** The vault's state, its protectors, and why it is locked. */
  status(): VaultStatusDto {
    return { file: this.options.file, locked: this.locked, protectors: protectorDtos(this.reports) };
  }

  /** What protects the key, in words: the protectors that wrap it. */
  get keyDescription(): string {
    if (this.state.kind === 'locked') return 'locked: the vault key could not be unwrapped here';
    const wrapping = this.reports.filter((r) => r.wraps).map((r) => r.protector.description);
    return wrapping.length > 0 ? wrapping.join(' and ') : 'nothing (the vault key is not wrapped)';
  }

  /** What the user should know about how weakly the key is protected (a key file wraps it), or null. */
  get keyWarning(): string | null {
    const warnings = this.reports.filter((r) => r.wraps && r.protector.warning !== null).map((r) => r.protector.warning as string);
    if (this.writeProblem !== null) warnings.push(this.writeProblem);
    return warnings.length > 0 ? warnings.join(' ') : null;
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
    return this.mutate({ type: 'set', name }, (draft, keys) => {
      const now = this.now();
      const previous = draft.get(name);
      const typed = source.type === 'value' && value !== undefined ? value : null;
      const entry: StoredEntry = {
        name,
        kind,
        source,
        sealed: typed === null ? null : sealValue(keys, name, typed),
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
    if (this.state.kind === 'locked') return lockedError(this.state.lock);
    const result = await this.resolveEntry(entry, this.state.keys);
    this.recordUse(entry, result);
    return result;
  }

  /** Writes pending usage data now (call before `dispose()` on shutdown). */
  flush(): Promise<void> {
    clearTimeout(this.usageTimer);
    this.usageTimer = undefined;
    return this.enqueue(async () => {
      if (!this.usageDirty || this.store.isDisposed || this.state.kind === 'locked') return;
      this.usageDirty = false;
      if (!(await this.save(this.entries)).ok) this.usageDirty = true;
    });
  }

  /** Stops running commands, drops cached outputs and zeroes the keys. Unflushed usage data is lost. */
  dispose(): void {
    this.store.dispose();
  }

  private resolveEntry(entry: StoredEntry, keys: VaultKeys): Promise<Result<string>> | Result<string> {
    const source = entry.source;
    switch (source.type) {
      case 'value': {
        const value = entry.sealed ? openValue(keys, entry.name, entry.sealed) : null;
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
  private mutate<T>(change: VaultChange, apply: (draft: Map<string, StoredEntry>, keys: VaultKeys) => Result<T>): Promise<Result<T>> {
    return this.enqueue(async () => {
      if (this.store.isDisposed) return err('invalid_state', 'the credential vault is closed');
      if (this.state.kind === 'locked') return lockedError(this.state.lock);
      const draft = new Map(this.entries);
      const applied = apply(draft, this.state.keys);
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

  /** Writes `entries` (never while locked); a format-1 file is first kept as a backup next to it. */
  private async save(entries: Map<string, StoredEntry>): Promise<Result<void>> {
    const state = this.state;
    if (state.kind === 'locked') return lockedError(state.lock);
    this.usageDirty = false;
    const file = this.options.file;
    const text = serializeVaultFile(state.keys, state.wrappings, [...entries.values()]);
    try {
      if (state.backup !== null) {
        await createPrivateFileExclusive(backupName(file, 'format1', this.now()), state.backup);
        state.backup = null;
      }
      await writePrivateFileAtomic(file, text);
      this.writeProblem = null;
      return ok();
    } catch (error) {
      const why = `cannot write the vault file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
      this.writeProblem = `${why}; changes are kept in memory until a write succeeds.`;
      return err('internal', why);
    }
  }
}

/** The error every change and every value gets while the vault is locked. */
function lockedError(lock: VaultLockDto): Result<never> {
  return err('invalid_state', `the credential vault is locked: ${lock.reason}. ${lock.fix}`);
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
