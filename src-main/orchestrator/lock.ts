/**
 * One orchestrator per data directory: an exclusive lock file holding the owner's pid.
 */
import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../src-shared/result.js';
import { toDisposable, type Disposable } from '../../src-shared/lifecycle.js';

const LOCK_FILE = 'orchestrator.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data dir's lock; a lock left by a dead process is taken over. */
export function acquireLock(dataDir: string): Result<Disposable> {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return ok(
        toDisposable(() => {
          try {
            if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
          } catch {
            // already gone
          }
        }),
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return err('internal', `cannot create ${file}: ${(e as Error).message}`);
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        return err('conflict', `another Berth orchestrator (pid ${owner}) is already running for ${dataDir}`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  return err('conflict', `could not take the lock ${file}`);
}
