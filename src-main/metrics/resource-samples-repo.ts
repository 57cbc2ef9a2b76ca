/**
 * resource_samples: per-subject CPU and memory rows, written in batches (one transaction per flush) with
 * retention applied in the same transaction.
 */
import type { Db } from '../store/database.js';

/** One stored row: CPU per core (100 = one core), memory in bytes, `at` ms since the epoch. */
export interface ResourceRow {
  subject: string;
  at: number;
  cpuPercent: number;
  memoryBytes: number;
}

export class ResourceSamplesRepo {
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly rangeStmt;
  private readonly writeTx;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT OR REPLACE INTO resource_samples (subject, at, cpu_percent, memory_bytes) VALUES (?, ?, ?, ?)');
    this.deleteStmt = db.prepare('DELETE FROM resource_samples WHERE at < ?');
    this.rangeStmt = db.prepare(
      'SELECT subject, at, cpu_percent AS cpuPercent, memory_bytes AS memoryBytes FROM resource_samples WHERE subject = ? AND at >= ? AND at < ? ORDER BY at',
    );
    this.writeTx = db.transaction((rows: readonly ResourceRow[], deleteBefore: number | null) => {
      for (const r of rows) this.insertStmt.run(r.subject, r.at, r.cpuPercent, Math.round(r.memoryBytes));
      if (deleteBefore !== null) this.deleteStmt.run(deleteBefore);
    });
  }

  /** Writes `rows` and, when given, deletes rows older than `deleteBefore`: one transaction. */
  write(rows: readonly ResourceRow[], deleteBefore: number | null): void {
    if (rows.length === 0 && deleteBefore === null) return;
    this.writeTx(rows, deleteBefore);
  }

  /** A subject's rows with `at` in [from, to), oldest first. */
  range(subject: string, from: number, to: number): ResourceRow[] {
    return this.rangeStmt.all(subject, from, to) as ResourceRow[];
  }
}
