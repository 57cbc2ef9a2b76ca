/**
 * SQLite store: open with the pragmas Berth relies on, run numbered forward-only migrations.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.js';

export type Db = Database.Database;

/** Mode of the database and its -wal/-shm files (SQLite gives those the database file's mode): owner only. */
const DB_FILE_MODE = 0o600;
/** Files SQLite keeps beside the database in WAL mode. */
const SIDE_FILES = ['-wal', '-shm'];

/** How long a writer waits for a lock held by another connection before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating if needed) the database at `file` and migrates it.
 *
 * WAL for concurrent readers, foreign keys on, `synchronous=FULL` because session state is what a
 * restart must find intact. Before migrating an existing database forward, an online backup is taken.
 */
export async function openDatabase(file: string): Promise<Db> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const existed = fs.existsSync(file);
  // Created (or narrowed) to 0600 before SQLite opens it: SQLite would make it 0644, and it creates the
  // -wal and -shm files with the database's mode. Leftover side files from an older run are narrowed too.
  fs.closeSync(fs.openSync(file, 'a', DB_FILE_MODE));
  for (const f of [file, ...SIDE_FILES.map((suffix) => file + suffix)]) chmodIfExists(f, DB_FILE_MODE);
  // In the desktop app the orchestrator runs on Electron's ABI; main points us at a better-sqlite3
  // build for it (scripts/rebuild-native.mjs). Under Node the package's own build is used.
  const db = new Database(file, { nativeBinding: process.env.BERTH_SQLITE_NATIVE_BINDING || undefined });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('synchronous = FULL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    db.close();
    throw new Error(
      `database ${file} is at schema version ${version}, newer than this Berth (${migrations.length}); upgrade Berth`,
    );
  }
  if (existed && version > 0 && version < migrations.length) {
    await db.backup(`${file}.v${version}.bak`);
    chmodIfExists(`${file}.v${version}.bak`, DB_FILE_MODE);
  }
  migrate(db);
  return db;
}

function chmodIfExists(file: string, mode: number): void {
  try {
    fs.chmodSync(file, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * Applies the pending migrations in one transaction: all or none, and one commit (one fsync at
 * synchronous=FULL) instead of one per step, which a new data directory's first start waited on.
 */
function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current >= migrations.length) return;
  db.transaction(() => {
    for (let i = current; i < migrations.length; i++) db.exec(migrations[i]!);
    db.pragma(`user_version = ${migrations.length}`);
  })();
}
