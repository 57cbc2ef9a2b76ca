/**
 * Repairs what a benchmark run cut short (the orchestrator killed mid-run) left behind, at the next
 * start: the user's warm-pool settings are put back, the run's sessions and scratch repositories go,
 * and the unfinished row is forgotten.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoWorktreesDir } from '../sessions/naming.js';
import type { SessionService } from '../sessions/session-service.js';
import type { SettingsRepo } from '../store/misc-repos.js';
import { BENCH_DIR_PREFIX, BENCH_REPO_DIR } from './bench-workspace.js';
import type { BenchRunsRepo } from './bench-runs-repo.js';

export interface RecoveryDeps {
  dataDir: string;
  sessions: SessionService;
  settings: SettingsRepo;
  runs: BenchRunsRepo;
}

/** Puts things back after interrupted runs; safe to call when there were none. */
export async function recoverInterruptedRuns(deps: RecoveryDeps): Promise<void> {
  for (const run of deps.runs.unfinished()) {
    if (run.restore) deps.settings.update({ docker: run.restore });
    deps.runs.delete(run.id);
  }
  const scratch = fs
    .readdirSync(deps.dataDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith(BENCH_DIR_PREFIX))
    .map((e) => path.join(deps.dataDir, e.name));
  if (scratch.length === 0) return;
  const inScratch = (p: string) => scratch.some((dir) => p.startsWith(`${dir}${path.sep}`));
  const sessions = [false, true].flatMap((archived) => deps.sessions.list(archived, Number.MAX_SAFE_INTEGER)).filter((s) => inScratch(s.repoPath));
  for (const s of sessions) await deps.sessions.delete(s.id, true);
  for (const dir of scratch) {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    fs.rmSync(repoWorktreesDir(deps.dataDir, path.join(dir, BENCH_REPO_DIR)), { recursive: true, force: true, maxRetries: 2 });
  }
}
