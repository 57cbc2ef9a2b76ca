/**
 * What happens to a container's work when its agent exits, and the retry of a failed volume sync:
 * the branch leaves its ref cell (branch-refs.ts), and in volume mode the workspace volume is copied
 * back to the worktree. A failed copy keeps the changes in the volume; the session says so until
 * `syncBack` succeeds, and delete asks `pendingChanges` which files would be lost.
 */
import type Docker from 'dockerode';
import { err, ok, type Result } from '../../../src-shared/result.js';
import type { SyncTarget } from '../backend.js';
import { unlinkBranch, worktreeCell } from './branch-refs.js';
import type { AfterExit } from './docker-process.js';
import { LABEL_KIND } from './labels.js';
import { copyOut, withWorkspaceContainer, workspaceChanges } from './workspace-volume.js';

/** How the backend reaches the engine and a session's containers. */
export interface WorkspaceFinder {
  docker(): Promise<Result<Docker>>;
  containers(sessionId: string, containerId: string | null): Promise<Result<Docker.ContainerInfo[]>>;
}

/** Runs after a container's agent exits, before the exit is reported. */
export function afterExit(container: Docker.Container, worktree: string, volumeMode: string): AfterExit {
  return {
    syncsBack: volumeMode === 'volume',
    run: async () => {
      const cell = worktreeCell(worktree);
      const unlinked = cell ? await unlinkBranch(cell) : ok(null);
      const problem = unlinked.ok ? unlinked.value : unlinked.error.message;
      if (volumeMode !== 'volume') return { problem, unsynced: null };
      try {
        await copyOut(container, worktree);
        return { problem, unsynced: null };
      } catch (e) {
        return { problem, unsynced: `copying the workspace volume back to the worktree failed: ${(e as Error).message}` };
      }
    },
  };
}

/** Copies a volume-mode session's workspace volume back to its worktree (after a failed sync). */
export async function syncBack(find: WorkspaceFinder, t: SyncTarget): Promise<Result<void>> {
  if (t.volumeMode !== 'volume') return ok();
  return onWorkspace(find, t, async (container) => {
    await copyOut(container, t.worktree);
    return ok();
  });
}

/** The files a sync back would change, while a volume-mode session has changes not synced back. */
export async function pendingChanges(find: WorkspaceFinder, t: SyncTarget): Promise<Result<string[]>> {
  if (t.volumeMode !== 'volume' || !t.unsynced) return ok([]);
  return onWorkspace(find, t, async (container) => ok(await workspaceChanges(container, t.worktree)));
}

async function onWorkspace<T>(find: WorkspaceFinder, t: SyncTarget, work: (container: Docker.Container) => Promise<Result<T>>): Promise<Result<T>> {
  const docker = await find.docker();
  if (!docker.ok) return docker;
  const containers = await find.containers(t.sessionId, t.instanceId);
  if (!containers.ok) return containers;
  const own = containers.value.find((c) => c.Labels?.[LABEL_KIND] !== 'sync');
  try {
    return await withWorkspaceContainer(docker.value, t.sessionId, own, t.image, work);
  } catch (e) {
    return err('invalid_state', `copying the workspace volume back to the worktree failed: ${(e as Error).message}`);
  }
}
