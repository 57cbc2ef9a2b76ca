/**
 * Host ports held by sessions (table `session_ports`). The port is the primary key, so the database
 * itself refuses to give one port to two sessions; rows go with their session (ON DELETE CASCADE).
 */
import type { SessionPortDto } from '../../src-shared/dto.js';
import type { Db } from './database.js';

/** One held port and the session holding it. */
export interface HeldPort extends SessionPortDto {
  sessionId: string;
}

export class PortsRepo {
  private readonly insertStmt;
  private readonly allStmt;
  private readonly forSessionStmt;
  private readonly releaseStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare('INSERT INTO session_ports (port, session_id, name, position) VALUES (?, ?, ?, ?)');
    this.allStmt = db.prepare('SELECT port, session_id, name FROM session_ports ORDER BY session_id, position');
    this.forSessionStmt = db.prepare('SELECT port, name FROM session_ports WHERE session_id = ? ORDER BY position');
    this.releaseStmt = db.prepare('DELETE FROM session_ports WHERE session_id = ?');
  }

  /** Records the session's ports, in order (call inside the transaction that writes the session row). */
  insert(sessionId: string, ports: readonly SessionPortDto[]): void {
    ports.forEach((p, position) => this.insertStmt.run(p.port, sessionId, p.name, position));
  }

  /** Every held port. */
  all(): HeldPort[] {
    return (this.allStmt.all() as { port: number; session_id: string; name: string }[]).map((r) => ({ sessionId: r.session_id, name: r.name, port: r.port }));
  }

  forSession(sessionId: string): SessionPortDto[] {
    return this.forSessionStmt.all(sessionId) as SessionPortDto[];
  }

  /** Frees the session's ports (a session row's delete frees them too). */
  release(sessionId: string): void {
    this.releaseStmt.run(sessionId);
  }
}
