/**
 * Where Berth keeps its data: `$BERTH_HOME` when set, else the platform's app-data folder.
 * Shared by the desktop app, `berth serve` and the CLI.
 *
 * The folder holds prompts, settings, the audit log, the API token and the vault, so it is private to its
 * owner whatever existed before: the orchestrator makes it 0700 and its files 0600 at every start.
 */
import fs from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';
import { err, ok, type Result } from '../../src-shared/result.js';

/** Mode of the data directory and the folders Berth makes in it: owner only. */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of every file Berth writes in the data directory: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Permission bits that let anyone but the owner in. */
const GROUP_OTHER_BITS = 0o077;

/**
 * Secret key files (`vault.key`) are left to their owners, which refuse or rotate a key found readable
 * by others: quietly narrowing its mode here would hide that it may already have been read.
 */
const SELF_GUARDED_FILE = /\.key$/;

export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.BERTH_HOME?.trim();
  if (override) return path.resolve(override);
  return envPaths('berth', { suffix: '' }).data;
}

/**
 * Creates the data directory if needed and makes it private: the directory itself 0700, each folder
 * directly in it 0700 (their contents, such as worktrees of the user's repositories, are left as they
 * are) and each file directly in it 0600 (the database and its WAL, instance-id, api.json, the lock, the
 * vault, logs), except self-guarded key files. Symbolic links are never followed. Fails (as a value) when
 * the directory can't be made or belongs to another user.
 */
export function secureDataDir(dataDir: string): Result<void> {
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const stat = fs.lstatSync(dataDir);
    if (!stat.isDirectory()) return err('internal', `the data directory ${dataDir} is not a directory`);
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) return err('forbidden', `the data directory ${dataDir} belongs to user ${stat.uid}, not to you (${uid})`);
    narrow(dataDir, stat, PRIVATE_DIR_MODE);
    for (const entry of fs.readdirSync(dataDir, { withFileTypes: true })) {
      const file = path.join(dataDir, entry.name);
      if (entry.isDirectory()) narrow(file, fs.lstatSync(file), PRIVATE_DIR_MODE);
      else if (entry.isFile() && !SELF_GUARDED_FILE.test(entry.name)) narrow(file, fs.lstatSync(file), PRIVATE_FILE_MODE);
    }
    return ok();
  } catch (e) {
    return err('internal', `cannot make the data directory ${dataDir} private: ${(e as Error).message}`);
  }
}

/** Sets `mode` when others may get in; a file that vanished meanwhile is fine. */
function narrow(file: string, stat: fs.Stats, mode: number): void {
  if ((stat.mode & GROUP_OTHER_BITS) === 0) return;
  try {
    fs.chmodSync(file, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Writes `data` to `file` (created 0600, or narrowed to 0600 if it existed with a wider mode). */
export function writePrivateFile(file: string, data: string): void {
  fs.writeFileSync(file, data, { mode: PRIVATE_FILE_MODE });
  fs.chmodSync(file, PRIVATE_FILE_MODE);
}
