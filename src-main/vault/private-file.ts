/**
 * Owner-only files: atomic writes with mode 0600 and checks that refuse files others can read.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../src-shared/result.js';

/** Mode of every vault and key file: read/write for the owner only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of a folder the vault creates. */
export const PRIVATE_DIR_MODE = 0o700;
/** Permission bits for group and others; any of them set makes a secret file unsafe. */
const GROUP_OTHER_BITS = 0o077;

/** A temp file name next to `file`, unique to this process and call. */
function tempName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Flushes a directory entry change (a rename, a link) to disk; best effort where unsupported. */
async function syncDir(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Writes `data` to a new 0600 temp file next to `file` and fsyncs it; returns the temp path. */
async function writeTemp(file: string, data: string | Buffer): Promise<string> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const tmp = tempName(file);
  const handle = await fs.promises.open(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.promises.rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  return tmp;
}

/**
 * Replaces `file` atomically with `data`: temp file (0600) + fsync + rename + directory fsync. Readers
 * see the old or the new content, never a torn one.
 */
export async function writePrivateFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = await writeTemp(file, data);
  try {
    await fs.promises.rename(tmp, file);
  } catch (error) {
    await fs.promises.rm(tmp, { force: true });
    throw error;
  }
  await syncDir(path.dirname(file));
}

/**
 * Creates `file` with `data` (0600) only if it does not exist yet, atomically (temp file + hard link).
 * Returns false when another writer got there first; the existing file is left untouched.
 */
export async function createPrivateFileExclusive(file: string, data: string | Buffer): Promise<boolean> {
  const tmp = await writeTemp(file, data);
  try {
    await fs.promises.link(tmp, file);
    await syncDir(path.dirname(file));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

/**
 * Reads a secret file, refusing it unless it is a regular file (not a symlink) owned by this user with
 * no group/other permissions. Returns null content when the file does not exist. With `tighten`, loose
 * permissions are reset to 0600 instead of refused (for files that hold only ciphertext).
 */
export async function readPrivateFile(file: string, options: { tighten?: boolean } = {}): Promise<Result<Buffer | null>> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return ok(null);
    if (code === 'ELOOP') return err('forbidden', `refusing ${file}: it is a symbolic link`);
    return err('internal', `cannot open ${file}: ${code ?? (error as Error).message}`);
  }
  try {
    const stat = await handle.stat();
    if (options.tighten && stat.isFile() && (stat.mode & GROUP_OTHER_BITS) !== 0 && stat.uid === process.getuid?.()) {
      await handle.chmod(PRIVATE_FILE_MODE);
    } else {
      const problem = privateFileProblem(file, stat);
      if (problem) return err('forbidden', problem);
    }
    return ok(await handle.readFile());
  } catch (error) {
    return err('internal', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    await handle.close();
  }
}

/** Why `stat` is not a safe secret file, or null. */
export function privateFileProblem(file: string, stat: fs.Stats): string | null {
  if (!stat.isFile()) return `refusing ${file}: it is not a regular file`;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return `refusing ${file}: it belongs to user ${stat.uid}, not to you (${uid})`;
  const mode = stat.mode & 0o777;
  if ((mode & GROUP_OTHER_BITS) !== 0) {
    return `refusing ${file}: its permissions are ${mode.toString(8).padStart(4, '0')}, so other users may read it; run \`chmod 600 ${file}\` if nobody else did, or delete it`;
  }
  return null;
}
