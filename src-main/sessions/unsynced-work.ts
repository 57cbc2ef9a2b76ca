/**
 * Work a delete would lose: uncommitted changes in the session's worktree, and changes still in its
 * backend's own copy of the worktree (a Docker workspace volume whose sync back failed), asked of the
 * backend as a capability (`pendingChanges`), never by backend id.
 */
import fs from 'node:fs';
import type { SessionDto } from '../../src-shared/dto.js';
import type { IBackend, SyncTarget } from '../backends/backend.js';
import * as gitOps from '../git/git.js';

/** Files named in a refusal before "…". */
const NAMED_FILES = 3;

/** What a backend needs to sync or check a session's own copy of its worktree. */
export function syncTarget(s: SessionDto): SyncTarget {
  return {
    sessionId: s.id,
    worktree: s.worktreePath,
    instanceId: s.docker?.containerId ?? null,
    unsynced: s.unsynced,
    image: s.docker?.image ?? null,
    volumeMode: s.docker?.volumeMode ?? null,
  };
}

/**
 * Why deleting the session without force would lose work, in words naming the files; null when
 * nothing would be lost.
 */
export async function uncommittedWork(session: SessionDto, backend: IBackend | null): Promise<string | null> {
  const problems: string[] = [];
  const changes = await gitOps.dirtyPaths(session.worktreePath);
  if (!changes.ok && fs.existsSync(session.worktreePath)) problems.push(`a worktree that can't be checked for uncommitted changes (${changes.error.message})`);
  else if (changes.ok && changes.value.length > 0) {
    problems.push(`${changes.value.length} uncommitted change(s) in its worktree (${named(changes.value)})`);
  }
  if (session.unsynced) {
    const pending = backend?.pendingChanges ? await backend.pendingChanges(syncTarget(session)) : null;
    if (pending && !pending.ok) problems.push(`changes not synced back to its worktree (${session.unsynced}; they can't be listed: ${pending.error.message})`);
    else if (!pending || pending.value.length > 0) {
      const files = pending ? `${pending.value.length} file(s): ${named(pending.value)}` : 'files';
      problems.push(`changes not synced back to its worktree (${files}; ${session.unsynced}); \`berth sync ${session.name}\` retries`);
    }
  }
  if (problems.length === 0) return null;
  return `session "${session.name}" has ${problems.join(' and ')}; commit them or delete with force`;
}

function named(files: readonly string[]): string {
  return files.length > NAMED_FILES ? `${files.slice(0, NAMED_FILES).join(', ')}, …` : files.join(', ');
}
