/**
 * Stored benchmark runs (`bench_runs`): a row is written when a run starts (its id is the run id
 * progress events carry) and completed when it finishes; a run that never finished (the orchestrator
 * stopped mid-run) is not listed.
 */
import os from 'node:os';
import { BenchAdviceDto, BenchFigureDto, BenchMachineDto, type BenchRunDto } from '../../src-shared/bench.js';
import { BackendId } from '../../src-shared/dto.js';
import type { Db } from '../store/database.js';
import { z } from 'zod';

/** What `results` holds. */
const StoredResults = z.object({
  figures: z.array(BenchFigureDto),
  advice: z.array(BenchAdviceDto),
  skipped: z.array(z.object({ backend: BackendId, reason: z.string() })),
});
type StoredResults = z.infer<typeof StoredResults>;

/** The user's warm-pool settings a run changed, kept on its row until put back (a crash mid-run is repaired at the next start). */
export const PendingRestore = z.object({ warmImages: z.array(z.string()), warmPoolSize: z.number().int() });
export type PendingRestore = z.infer<typeof PendingRestore>;

interface Row {
  id: number;
  started_at: number;
  finished_at: number | null;
  machine: string;
  results: string;
}

/** This machine as a run records it. */
export function describeMachine(): BenchMachineDto {
  const cpus = os.cpus();
  return {
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
  };
}

export class BenchRunsRepo {
  private readonly insertStmt;
  private readonly finishStmt;
  private readonly deleteStmt;
  private readonly listStmt;
  private readonly pendingStmt;
  private readonly unfinishedStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT INTO bench_runs (started_at, finished_at, machine, results) VALUES (?, NULL, ?, ?)');
    this.finishStmt = db.prepare('UPDATE bench_runs SET finished_at = ?, results = ? WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM bench_runs WHERE id = ?');
    this.listStmt = db.prepare('SELECT id, started_at, finished_at, machine, results FROM bench_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT ?');
    this.pendingStmt = db.prepare("UPDATE bench_runs SET results = json_set(results, '$.pendingRestore', json(?)) WHERE id = ?");
    this.unfinishedStmt = db.prepare('SELECT id, results FROM bench_runs WHERE finished_at IS NULL ORDER BY id');
  }

  /** Records a run's start; returns its id. */
  start(startedAt: number, machine: BenchMachineDto): number {
    const empty: StoredResults = { figures: [], advice: [], skipped: [] };
    return Number(this.insertStmt.run(startedAt, JSON.stringify(machine), JSON.stringify(empty)).lastInsertRowid);
  }

  finish(id: number, finishedAt: number, results: StoredResults): void {
    this.finishStmt.run(finishedAt, JSON.stringify(results), id);
  }

  /** Keeps the settings to put back should the run never finish. */
  savePendingRestore(id: number, restore: PendingRestore): void {
    this.pendingStmt.run(JSON.stringify(restore), id);
  }

  /** Runs that never finished (the orchestrator stopped mid-run), with settings they left to put back. */
  unfinished(): { id: number; restore: PendingRestore | null }[] {
    return (this.unfinishedStmt.all() as { id: number; results: string }[]).map((row) => {
      const pending = PendingRestore.safeParse((parseJson(row.results) as { pendingRestore?: unknown } | null)?.pendingRestore);
      return { id: row.id, restore: pending.success ? pending.data : null };
    });
  }

  /** Forgets a run that failed. */
  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  /** Finished runs, newest first (rows that no longer parse are left out). */
  list(limit: number): BenchRunDto[] {
    return (this.listStmt.all(limit) as Row[]).flatMap((row) => {
      const machine = BenchMachineDto.safeParse(parseJson(row.machine));
      const results = StoredResults.safeParse(parseJson(row.results));
      if (!machine.success || !results.success) return [];
      return [{ id: row.id, startedAt: row.started_at, finishedAt: row.finished_at, machine: machine.data, ...results.data }];
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
