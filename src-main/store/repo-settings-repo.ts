/**
 * Per-repository settings (Settings → Repositories): a `.berth.json`-shaped configuration kept in the
 * database for repositories that have no such file. Stored as the validated JSON; a stored value that no
 * longer parses (an older or newer Berth) reads as none.
 */
import { BerthConfig } from '../../src-shared/berth-config.js';
import type { Db } from './database.js';

/** One repository's stored settings. */
export interface StoredRepoSettings {
  repoPath: string;
  config: BerthConfig;
  updatedAt: number;
}

export class RepoSettingsRepo {
  private readonly getStmt;
  private readonly listStmt;
  private readonly setStmt;
  private readonly deleteStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT config FROM repo_settings WHERE repo_path = ?');
    this.listStmt = db.prepare('SELECT repo_path, config, updated_at FROM repo_settings ORDER BY repo_path');
    this.setStmt = db.prepare(
      'INSERT INTO repo_settings (repo_path, config, updated_at) VALUES (?, ?, ?) ON CONFLICT(repo_path) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at',
    );
    this.deleteStmt = db.prepare('DELETE FROM repo_settings WHERE repo_path = ?');
  }

  /** The repository's stored settings; null when none (or unreadable). */
  get(repoPath: string): BerthConfig | null {
    const row = this.getStmt.get(repoPath) as { config: string } | undefined;
    return row ? parseStored(row.config) : null;
  }

  list(): StoredRepoSettings[] {
    return (this.listStmt.all() as { repo_path: string; config: string; updated_at: number }[]).flatMap((r) => {
      const config = parseStored(r.config);
      return config ? [{ repoPath: r.repo_path, config, updatedAt: r.updated_at }] : [];
    });
  }

  /** Stores (already validated) settings; null removes them. */
  set(repoPath: string, config: BerthConfig | null, at = Date.now()): void {
    if (config === null) this.deleteStmt.run(repoPath);
    else this.setStmt.run(repoPath, JSON.stringify(config), at);
  }
}

function parseStored(text: string): BerthConfig | null {
  try {
    const parsed = BerthConfig.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
