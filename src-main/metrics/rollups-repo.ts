/**
 * metric_rollups: per-second and per-minute summaries of each histogram series, written in batches (one
 * transaction per flush) with retention applied in the same transaction.
 */
import type { Db } from '../store/database.js';
import { RESOLUTION_SECOND, type RollupRow } from './windowed-series.js';

/** How long rows are kept. */
export interface RollupRetention {
  /** Per-second rows older than this are deleted. */
  secondRowsMs: number;
  /** All rows (so per-minute ones) older than this are deleted. */
  allRowsMs: number;
}

/** Defaults: per-second rows for an hour (the dashboard's widest live chart), per-minute rows for a week. */
export const DEFAULT_ROLLUP_RETENTION: RollupRetention = { secondRowsMs: 60 * 60 * 1000, allRowsMs: 7 * 24 * 60 * 60 * 1000 };

export class MetricRollupsRepo {
  private readonly upsertStmt;
  private readonly deleteSecondsStmt;
  private readonly deleteAllStmt;
  private readonly rangeStmt;
  private readonly writeTx;

  constructor(db: Db) {
    // A bucket written twice (a minute straddling a restart) is merged: counts and sums add up, the
    // percentiles of the larger part win.
    this.upsertStmt = db.prepare(
      `INSERT INTO metric_rollups (series, resolution, bucket_start, count, sum, min, max, p50, p95, p99)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(series, resolution, bucket_start) DO UPDATE SET
         count = count + excluded.count, sum = sum + excluded.sum,
         min = min(min, excluded.min), max = max(max, excluded.max),
         p50 = CASE WHEN excluded.count > count THEN excluded.p50 ELSE p50 END,
         p95 = CASE WHEN excluded.count > count THEN excluded.p95 ELSE p95 END,
         p99 = CASE WHEN excluded.count > count THEN excluded.p99 ELSE p99 END`,
    );
    this.deleteSecondsStmt = db.prepare('DELETE FROM metric_rollups WHERE resolution = ? AND bucket_start < ?');
    this.deleteAllStmt = db.prepare('DELETE FROM metric_rollups WHERE bucket_start < ?');
    this.rangeStmt = db.prepare(
      `SELECT series, resolution, bucket_start, count, sum, min, max, p50, p95, p99 FROM metric_rollups
       WHERE resolution = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY series, bucket_start`,
    );
    this.writeTx = db.transaction((rows: readonly RollupRow[], retention: { now: number; policy: RollupRetention } | null) => {
      for (const r of rows) {
        this.upsertStmt.run(r.series, r.resolution, r.bucketStart, r.count, r.sum, r.min, r.max, r.p50, r.p95, r.p99);
      }
      if (retention) {
        this.deleteSecondsStmt.run(RESOLUTION_SECOND, retention.now - retention.policy.secondRowsMs);
        this.deleteAllStmt.run(retention.now - retention.policy.allRowsMs);
      }
    });
  }

  /** Writes `rows` and, when given, applies retention as of `now`: all in one transaction. */
  write(rows: readonly RollupRow[], retention: { now: number; policy: RollupRetention } | null): void {
    if (rows.length === 0 && !retention) return;
    this.writeTx(rows, retention);
  }

  /** Rows of one resolution with bucket_start in [from, to), ordered by series then time. */
  range(resolution: RollupRow['resolution'], from: number, to: number): RollupRow[] {
    type Raw = Omit<RollupRow, 'bucketStart'> & { bucket_start: number };
    return (this.rangeStmt.all(resolution, from, to) as Raw[]).map(({ bucket_start, ...r }) => ({ ...r, bucketStart: bucket_start }));
  }
}
