/**
 * Each session's setup log, kept after the command ended (and across orchestrator restarts): one JSON
 * file per session under `<dataDir>/setup-logs/`, removed with the session.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SetupLogDto } from '../../src-shared/dto.js';

export class SetupLogs {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'setup-logs');
  }

  /** The session's log; null when it has none (no setup command) or the file is unreadable. */
  read(sessionId: string): SetupLogDto | null {
    try {
      const parsed = SetupLogDto.safeParse(JSON.parse(fs.readFileSync(this.file(sessionId), 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** Replaces the session's log (written whole, then renamed: a reader never sees half of it). */
  async write(sessionId: string, log: SetupLogDto): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(sessionId);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, JSON.stringify(log), { mode: 0o600 });
    await fs.promises.rename(tmp, file);
  }

  remove(sessionId: string): void {
    fs.rmSync(this.file(sessionId), { force: true });
  }

  private file(sessionId: string): string {
    // Session ids are UUIDs made here; basename keeps any other string inside the folder.
    return path.join(this.dir, `${path.basename(sessionId)}.json`);
  }
}
