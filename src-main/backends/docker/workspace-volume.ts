/**
 * Volume mode: the worktree is copied into a named volume before the agent starts, and the agent's
 * changes are copied back when it stops. File I/O then stays inside the engine's VM (fast where bind
 * mounts cross a VM boundary, as on macOS and Windows); the host sees changes only after a sync.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import type TarFs from 'tar-fs';
import type TarStream from 'tar-stream';
import { WORKSPACE } from './container-spec.js';
import { LABEL_INSTANCE, LABEL_KIND, LABEL_SESSION } from './labels.js';

/**
 * Makes `dirs` (absolute paths in the container, e.g. cache mount points) owned by uid:gid before the
 * container starts: Docker creates a new volume's root as root, which a non-root agent can't write.
 * Extracting directory entries over the mount points sets their owner, as `docker cp` would.
 */
export async function chownMountPoints(container: Docker.Container, dirs: string[], uid: number, gid: number): Promise<void> {
  if (dirs.length === 0) return;
  const pack = (await tarStreamModule()).pack();
  for (const dir of dirs) pack.entry({ name: dir.replace(/^\//, ''), type: 'directory', uid, gid, mode: DIR_MODE });
  pack.finalize();
  await container.putArchive(pack, { path: '/' });
}

/** tar-fs and tar-stream load on first use: only Docker sessions need them (~20 ms at start-up). */
async function tarFs(): Promise<typeof TarFs> {
  const m = await import('tar-fs');
  return (m.default ?? m) as typeof TarFs;
}

async function tarStreamModule(): Promise<typeof TarStream> {
  const m = await import('tar-stream');
  return (m.default ?? m) as typeof TarStream;
}

/** Mode of directories Berth prepares in containers. */
const DIR_MODE = 0o755;

/** The session's workspace volume. */
export const workspaceVolumeName = (sessionId: string) => `berth-ws-${sessionId}`;

/**
 * The worktree's `.git` file points at the main repository's .git by its host path, which the
 * container mounts at the same path: it is copied in (so git works) but never copied back.
 */
const HOST_ONLY = new Set(['.git']);

export async function createWorkspaceVolume(docker: Docker, sessionId: string, instanceId: string): Promise<string> {
  const name = workspaceVolumeName(sessionId);
  await docker.createVolume({ Name: name, Labels: { [LABEL_KIND]: 'workspace', [LABEL_SESSION]: sessionId, [LABEL_INSTANCE]: instanceId } });
  return name;
}

/** Copies the worktree into the (created, not started) container's workspace, owned by uid:gid. */
export async function copyIn(container: Docker.Container, worktree: string, uid: number, gid: number): Promise<void> {
  // Entries are rooted at the workspace folder itself (extracted at `/`), so the volume's root is owned
  // by the agent's uid too, not by root as Docker creates it.
  const top = WORKSPACE.replace(/^\//, '');
  const tar = await tarFs();
  const pack = tar.pack(worktree, {
    map: (header) => ({ ...header, name: path.posix.join(top, header.name), uid, gid }),
  });
  await container.putArchive(pack, { path: '/' });
}

/**
 * Copies the container's workspace back over the worktree: new and changed files are written, files
 * the agent deleted are deleted. `.git` is left alone. Throws when any of it can't be done (the
 * volume keeps the changes; a retry copies everything again).
 */
export async function copyOut(container: Docker.Container, worktree: string): Promise<void> {
  await withWorkspaceCopy(container, (staging) => {
    const incoming = new Set(listFiles(staging));
    for (const rel of listFiles(worktree)) {
      if (!incoming.has(rel)) fs.rmSync(path.join(worktree, rel), { force: true });
    }
    for (const rel of incoming) {
      const dest = path.join(worktree, rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(path.join(staging, rel), dest);
    }
  });
}

/**
 * Files the container's workspace has that the worktree doesn't have the same (new or changed there),
 * and files it deleted: what a sync back would change, relative to the worktree.
 */
export async function workspaceChanges(container: Docker.Container, worktree: string): Promise<string[]> {
  return withWorkspaceCopy(container, (staging) => {
    const incoming = listFiles(staging);
    const present = new Set(incoming);
    const changed = incoming.filter((rel) => !sameFile(path.join(staging, rel), path.join(worktree, rel)));
    const deleted = fs.existsSync(worktree) ? listFiles(worktree).filter((rel) => !present.has(rel)) : [];
    return [...changed, ...deleted].sort();
  });
}

/**
 * Runs `work` on the session's workspace volume through a container that mounts it: the session's own
 * (running or not), or, when that is gone, a helper made on the volume from the session's image and
 * never started. A volume that no longer exists is an error (Docker would make an empty one, and an
 * empty workspace synced back would delete every file in the worktree).
 */
export async function withWorkspaceContainer<T>(
  docker: Docker,
  sessionId: string,
  own: Docker.ContainerInfo | undefined,
  image: string | null,
  work: (container: Docker.Container) => Promise<T>,
): Promise<T> {
  const volume = workspaceVolumeName(sessionId);
  await docker.getVolume(volume).inspect().catch(() => {
    throw new Error(`the workspace volume ${volume} no longer exists`);
  });
  if (own && own.Mounts?.some((m) => m.Destination === WORKSPACE && m.Name === volume)) return work(docker.getContainer(own.Id));
  if (!image) throw new Error('the session has no container and no image to read its workspace volume with');
  const helper = await docker.createContainer({
    Image: image,
    Cmd: ['true'],
    Labels: { [LABEL_KIND]: 'sync', [LABEL_SESSION]: sessionId },
    HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: WORKSPACE, ReadOnly: true }], NetworkMode: 'none' },
  });
  try {
    return await work(helper);
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}

/** Reads the container's workspace into a fresh staging folder for `work`, then removes it. */
async function withWorkspaceCopy<T>(container: Docker.Container, work: (staging: string) => T): Promise<T> {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sync-'));
  try {
    const tar = await tarFs();
    const archive = await container.getArchive({ path: `${WORKSPACE}/.` });
    await pipeline(archive, tar.extract(staging, { map: (header) => ({ ...header, name: stripDot(header.name) }) }));
    return work(staging);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Whether two paths are regular files with the same bytes. */
function sameFile(a: string, b: string): boolean {
  const sa = fs.statSync(a, { throwIfNoEntry: false });
  const sb = fs.statSync(b, { throwIfNoEntry: false });
  if (!sa?.isFile() || !sb?.isFile() || sa.size !== sb.size) return false;
  return fs.readFileSync(a).equals(fs.readFileSync(b));
}

function stripDot(name: string): string {
  return name.replace(/^\.\/?/, '');
}

/** Regular files under `root`, relative, skipping host-only entries. */
function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = path.join(rel, entry.name);
    if (rel === '' && HOST_ONLY.has(entry.name)) continue;
    if (entry.isDirectory()) out.push(...listFiles(root, r));
    else if (entry.isFile()) out.push(r);
  }
  return out;
}
