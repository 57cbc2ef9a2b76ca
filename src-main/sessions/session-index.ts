/**
 * The sessions in memory: lookups by id or name, and the list pages clients ask for, serialized once
 * and cached until something changes (the list is read far more often than it changes).
 */
import { DEFAULT_LIST_LIMIT } from '../../src-shared/contract.js';
import { LIVE_STATES, type SessionDto } from '../../src-shared/dto.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { normalizeImageRef } from '../backends/docker/docker-admin.js';

export class SessionIndex {
  private readonly byId = new Map<string, SessionDto>();
  private readonly pages = new Map<string, string>();

  constructor(initial: Iterable<SessionDto>) {
    for (const s of initial) this.byId.set(s.id, s);
  }

  get(id: string): SessionDto | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  set(s: SessionDto): void {
    this.byId.set(s.id, s);
    this.pages.clear();
  }

  delete(id: string): void {
    this.byId.delete(id);
    this.pages.clear();
  }

  /** Finds a session by id or name. */
  find(ref: string): Result<SessionDto> {
    const byId = this.byId.get(ref);
    if (byId) return ok(byId);
    for (const s of this.byId.values()) if (s.name === ref) return ok(s);
    return err('not_found', `no session named "${ref}"`);
  }

  /** A page of sessions, newest first. */
  list(archived = false, limit = DEFAULT_LIST_LIMIT, offset = 0): SessionDto[] {
    return [...this.byId.values()]
      .filter((s) => s.archived === archived)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(offset, offset + limit);
  }

  /** The same page as JSON text, cached until something changes. */
  listJson(archived = false, limit = DEFAULT_LIST_LIMIT, offset = 0): string {
    const key = `${archived}:${limit}:${offset}`;
    let json = this.pages.get(key);
    if (json === undefined) {
      json = JSON.stringify(this.list(archived, limit, offset));
      this.pages.set(key, json);
    }
    return json;
  }

  /** Sessions whose process is (believed to be) alive. */
  live(): SessionDto[] {
    return [...this.byId.values()].filter((s) => LIVE_STATES.includes(s.state));
  }

  /** When a session last started with `image` (null: never). */
  lastUsedImage(image: string): number | null {
    const want = normalizeImageRef(image);
    let last: number | null = null;
    for (const s of this.byId.values()) if (s.docker && normalizeImageRef(s.docker.image) === want) last = Math.max(last ?? 0, s.createdAt);
    return last;
  }

  /** The repository of the most recently created session on `backend` (null: none). */
  lastRepo(backend: string): string | null {
    let last: SessionDto | null = null;
    for (const s of this.byId.values()) if (s.backend === backend && (!last || s.createdAt > last.createdAt)) last = s;
    return last?.repoPath ?? null;
  }
}
