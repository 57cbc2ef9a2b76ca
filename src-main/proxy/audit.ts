/**
 * The audit trail and token usage, written in batches: rows queue in memory and each flush writes all
 * of them, and the usage they add up to, in one transaction (every ~250 ms, or sooner when the queue
 * is long). Never header values or bodies: the rows hold only what AuditRecord has.
 *
 * `enabled: false` stops audit rows (token usage is still summed: the cost view needs it).
 *
 * Use `AuditWriter.open(file)` in the app: its own connection with `synchronous = NORMAL` (WAL: a commit
 * doesn't wait for fsync, which under the store's `FULL` costs ~3 ms per flush on the proxy's event
 * loop; audit rows are not session state, so the last flush may be lost on power loss, never on a crash).
 */
import Database from 'better-sqlite3';
import type { AuditRetention, AuditRowDto, UsageDto } from '../../src-shared/proxy.js';
import { DisposableStore, toDisposable, type Disposable } from '../../src-shared/lifecycle.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { Db } from '../store/database.js';
import type { AuditRecord, AuditSink } from './types.js';

/** Flush period. */
const FLUSH_INTERVAL_MS = 250;
/** Queue length that triggers a flush before the timer. */
const FLUSH_THRESHOLD = 500;
/** Retention is applied every this many flushes (and on demand). */
const PRUNE_EVERY_FLUSHES = 240;
/** Default page size of list(). */
const DEFAULT_LIST_LIMIT = 100;
const DAY_MS = 86_400_000;
/** How long the audit connection waits for the store's write lock. */
const BUSY_TIMEOUT_MS = 5_000;
/** Usage rows of requests whose response named no model. */
const UNKNOWN_MODEL = 'unknown';

export interface AuditWriterOptions {
  enabled?: boolean;
  retention?: AuditRetention;
  /** Clock, for retention tests. */
  now?: () => number;
  /** A flush nobody waits for (timer or queue threshold) failed: logged and counted by the orchestrator. */
  onError?: (error: Error) => void;
}

interface UsageAcc {
  sessionId: string;
  provider: string;
  model: string;
  requests: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

type AuditDbRow = {
  id: number;
  at: number;
  session_id: string | null;
  provider: string | null;
  host: string;
  method: string;
  path: string;
  status: number | null;
  bytes_up: number;
  bytes_down: number;
  latency_ms: number;
  injected: number;
  decision: AuditRowDto['decision'];
  model: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost_usd: number | null;
};

export class AuditWriter implements AuditSink, Disposable {
  private readonly store = new DisposableStore('audit-writer');
  private rows: AuditRecord[] = [];
  private readonly usageQueue = new Map<string, UsageAcc>();
  private timer: NodeJS.Timeout | null = null;
  private flushes = 0;
  private lastErrorText: string | null = null;
  private ownsDb = false;
  private enabledFlag: boolean;
  private retentionValue: AuditRetention;
  private readonly now: () => number;
  private readonly onError: (error: Error) => void;
  private readonly insertStmt;
  private readonly usageStmt;
  private readonly pruneAgeStmt;
  private readonly pruneRowsStmt;
  private readonly writeBatch: (rows: AuditRecord[], usage: UsageAcc[]) => void;

  constructor(
    private readonly db: Db,
    options: AuditWriterOptions = {},
  ) {
    this.enabledFlag = options.enabled ?? true;
    this.retentionValue = options.retention ?? { days: null, rows: null };
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    this.insertStmt = db.prepare(
      `INSERT INTO audit (at, session_id, provider, host, method, path, status, bytes_up, bytes_down, latency_ms, injected, decision, model, tokens_in, tokens_out, cost_usd)
       VALUES (@at, @sessionId, @provider, @host, @method, @path, @status, @bytesUp, @bytesDown, @latencyMs, @injected, @decision, @model, @tokensIn, @tokensOut, @costUsd)`,
    );
    this.usageStmt = db.prepare(
      `INSERT INTO token_usage (session_id, provider, model, requests, tokens_in, tokens_out, cost_usd)
       VALUES (@sessionId, @provider, @model, @requests, @tokensIn, @tokensOut, @costUsd)
       ON CONFLICT(session_id, provider, model) DO UPDATE SET
         requests = requests + excluded.requests, tokens_in = tokens_in + excluded.tokens_in,
         tokens_out = tokens_out + excluded.tokens_out, cost_usd = cost_usd + excluded.cost_usd`,
    );
    this.pruneAgeStmt = db.prepare('DELETE FROM audit WHERE at < ?');
    this.pruneRowsStmt = db.prepare('DELETE FROM audit WHERE id <= (SELECT MAX(id) FROM audit) - ?');
    this.writeBatch = db.transaction((rows: AuditRecord[], usage: UsageAcc[]) => {
      for (const r of rows) this.insertStmt.run({ ...r, injected: r.injected ? 1 : 0 });
      for (const u of usage) this.usageStmt.run(u);
    });
    this.store.add(
      toDisposable(() => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
      }),
    );
  }

  /**
   * A writer on its own connection to the (already migrated) database at `file`, with
   * `synchronous = NORMAL`; the connection is closed on dispose.
   */
  static open(file: string, options: AuditWriterOptions = {}): Result<AuditWriter> {
    let db: Db | null = null;
    try {
      db = new Database(file, { fileMustExist: true, nativeBinding: process.env.BERTH_SQLITE_NATIVE_BINDING || undefined });
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('audit', 'token_usage')").all().length < 2) {
        throw new Error('the audit tables are missing (open the store with openDatabase first)');
      }
      const writer = new AuditWriter(db, options);
      writer.ownsDb = true;
      return ok(writer);
    } catch (e) {
      db?.close();
      return err('internal', `cannot open the audit store ${file}: ${(e as Error).message}`);
    }
  }

  get enabled(): boolean {
    return this.enabledFlag;
  }

  /** Audit on or off (token usage keeps being summed either way). */
  setEnabled(enabled: boolean): void {
    this.enabledFlag = enabled;
  }

  get retention(): AuditRetention {
    return this.retentionValue;
  }

  /** New retention limits; applied at once. */
  setRetention(retention: AuditRetention): void {
    this.retentionValue = retention;
    this.flush();
    this.prune();
  }

  /** Queues one request's row and usage. */
  record(row: AuditRecord): void {
    if (this.store.isDisposed) return;
    if (this.enabledFlag) this.rows.push(row);
    if (row.sessionId !== null && row.provider !== null && (row.tokensIn !== null || row.tokensOut !== null)) {
      const model = row.model ?? UNKNOWN_MODEL;
      const k = `${row.sessionId}\u0000${row.provider}\u0000${model}`;
      let u = this.usageQueue.get(k);
      if (!u) {
        u = { sessionId: row.sessionId, provider: row.provider, model, requests: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };
        this.usageQueue.set(k, u);
      }
      u.requests++;
      u.tokensIn += row.tokensIn ?? 0;
      u.tokensOut += row.tokensOut ?? 0;
      u.costUsd += row.costUsd ?? 0;
    }
    if (this.rows.length >= FLUSH_THRESHOLD) this.flushInBackground();
    else this.timer ??= setTimeout(() => this.flushInBackground(), FLUSH_INTERVAL_MS).unref();
  }

  /** The last failed flush's error (its batch was dropped whole), or null. */
  get lastError(): string | null {
    return this.lastErrorText;
  }

  /**
   * Writes everything queued in one transaction; returns how many audit rows it wrote. A failure rolls
   * the whole batch back and drops it (a retry could fail forever), reported as a value and in lastError.
   */
  flush(): Result<number> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.rows.length === 0 && this.usageQueue.size === 0) return ok(0);
    const rows = this.rows;
    const usage = [...this.usageQueue.values()];
    this.rows = [];
    this.usageQueue.clear();
    try {
      this.writeBatch(rows, usage);
      if (++this.flushes % PRUNE_EVERY_FLUSHES === 0) this.prune();
    } catch (e) {
      this.lastErrorText = `audit flush failed, ${rows.length} rows dropped: ${(e as Error).message}`;
      return err('internal', this.lastErrorText);
    }
    return ok(rows.length);
  }

  /** A flush nobody waits for: its failure goes to `onError`. */
  private flushInBackground(): void {
    const r = this.flush();
    if (!r.ok) this.onError(new Error(r.error.message));
  }

  /** Applies retention: drops rows older than `days` and beyond the newest `rows`. Returns rows deleted. */
  prune(): number {
    let deleted = 0;
    const { days, rows } = this.retentionValue;
    if (days !== null) deleted += this.pruneAgeStmt.run(this.now() - days * DAY_MS).changes;
    if (rows !== null) deleted += this.pruneRowsStmt.run(rows).changes;
    return deleted;
  }

  /** Audit rows, newest first (queued rows are flushed first). */
  list(query: { sessionId?: string; limit?: number; beforeId?: number } = {}): AuditRowDto[] {
    this.flush();
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.sessionId !== undefined) {
      where.push('session_id = ?');
      params.push(query.sessionId);
    }
    if (query.beforeId !== undefined) {
      where.push('id < ?');
      params.push(query.beforeId);
    }
    params.push(query.limit ?? DEFAULT_LIST_LIMIT);
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params) as AuditDbRow[]).map((r) => ({
      id: r.id,
      at: r.at,
      sessionId: r.session_id,
      provider: r.provider,
      host: r.host,
      method: r.method,
      path: r.path,
      status: r.status,
      bytesUp: r.bytes_up,
      bytesDown: r.bytes_down,
      latencyMs: r.latency_ms,
      injected: r.injected === 1,
      decision: r.decision,
      model: r.model,
      tokensIn: r.tokens_in,
      tokensOut: r.tokens_out,
      costUsd: r.cost_usd,
    }));
  }

  /** Token use per session and model (queued usage is flushed first). */
  usage(query: { sessionId?: string } = {}): UsageDto[] {
    this.flush();
    const rows = (
      query.sessionId === undefined
        ? this.db.prepare('SELECT * FROM token_usage ORDER BY session_id, provider, model').all()
        : this.db.prepare('SELECT * FROM token_usage WHERE session_id = ? ORDER BY provider, model').all(query.sessionId)
    ) as { session_id: string; provider: string; model: string; requests: number; tokens_in: number; tokens_out: number; cost_usd: number }[];
    return rows.map((r) => ({
      sessionId: r.session_id,
      provider: r.provider,
      model: r.model,
      requests: r.requests,
      tokensIn: r.tokens_in,
      tokensOut: r.tokens_out,
      costUsd: r.cost_usd,
    }));
  }

  /** Flushes what is queued and stops the timer. */
  dispose(): void {
    if (this.store.isDisposed) return;
    try {
      this.flush();
    } finally {
      this.store.dispose();
      if (this.ownsDb) this.db.close();
    }
  }
}
