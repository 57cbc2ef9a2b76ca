/**
 * The container a Docker session runs in, as Docker's create options: hardened by default.
 *
 * Non-root user, no new privileges, all capabilities dropped but a few, no Docker socket, no host
 * namespaces, tmpfs /tmp, resource limits, and the main repository's `.git` mounted read-only except
 * the parts a commit in the worktree writes (objects, this worktree's own metadata, and the session's
 * own branch through its ref cell: see branch-refs.ts), so nothing in the container can plant a hook,
 * change config that the host's git would run, or move any other branch.
 */
import type Docker from 'dockerode';
import type { CacheType, ResourceLimits, VolumeMode } from '../../../src-shared/docker.js';
import { refCellMounts, type RefCell } from './branch-refs.js';
import { LABEL_INSTANCE, LABEL_KIND, LABEL_SESSION, LABEL_WORKTREE } from './labels.js';

/** Where the worktree appears in the container. */
export const WORKSPACE = '/workspace';

/** Capabilities kept: enough to own files and switch the container's own processes' ids. */
export const KEPT_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETUID', 'SETGID', 'KILL'];

/** The uid sessions run as when the host user is root (a container user should never be root). */
export const FALLBACK_UID = 1000;

/** Size of the container's /tmp (tmpfs). */
const TMP_SIZE = '512m';

/** Where each cache type lives inside the container, for the tools that use it. */
export const CACHE_MOUNTS: Record<CacheType, string[]> = {
  npm: ['/home/agent/.npm'],
  bun: ['/home/agent/.bun/install/cache'],
  pnpm: ['/home/agent/.local/share/pnpm/store'],
  cargo: ['/home/agent/.cargo/registry', '/home/agent/.cargo/git'],
  sccache: ['/home/agent/.cache/sccache'],
  pip: ['/home/agent/.cache/pip'],
  go: ['/home/agent/.cache/go-build', '/home/agent/go/pkg/mod'],
};

export interface ContainerSpecInput {
  name: string;
  /** The session it runs; null for a warm-pool container, which gets its session when claimed. */
  sessionId: string | null;
  instanceId: string;
  image: string;
  command: string[];
  env: Record<string, string>;
  /** Host worktree (bind mode) or the workspace volume's name (volume mode). */
  workspaceSource: string;
  /** The host worktree (a label, for syncing back after an adoption). */
  worktree: string;
  volumeMode: VolumeMode;
  /** The main repository's .git directory (mounted read-only at the same path)… */
  repoGitDir: string | null;
  /** …and the parts of it a commit in this worktree writes, mounted writable (gitWritableMounts). */
  gitWritable: { source: string; target: string }[];
  uid: number;
  gid: number;
  limits: ResourceLimits;
  runtime: string;
  /** Docker's NetworkMode: an engine network's name, `none`, or `container:<holder>` for a contained session. */
  networkMode: string;
  /** Cache volumes by type: volume name per mount path. */
  caches: { volume: string; target: string }[];
  cols: number;
  rows: number;
  /** Extra labels (a pool container's key and repository). */
  labels?: Record<string, string>;
  /** Host folders mounted read-only (the credential proxy's CA certificates). */
  extraMounts?: { source: string; target: string }[];
  /**
   * The session's ports: each published on the host's 127.0.0.1 at the same number. Only on a network
   * of its own (a `container:` namespace is its holder's to publish, and a contained one has no way out).
   */
  ports?: number[];
}

/** Whether a container on `networkMode` can have ports published (it has its own network, not none). */
export function canPublishPorts(networkMode: string): boolean {
  return networkMode !== 'none' && !networkMode.startsWith('container:');
}

/** Docker's ExposedPorts and PortBindings publishing each of `ports` on the host's 127.0.0.1 at the same number. */
export function publishedPorts(ports: readonly number[]): { ExposedPorts: Record<string, object>; PortBindings: Record<string, { HostIp: string; HostPort: string }[]> } {
  const key = (p: number) => `${p}/tcp`;
  return {
    ExposedPorts: Object.fromEntries(ports.map((p) => [key(p), {}])),
    PortBindings: Object.fromEntries(ports.map((p) => [key(p), [{ HostIp: '127.0.0.1', HostPort: String(p) }]])),
  };
}

/** Docker's create options for a session container. */
export function buildContainerSpec(i: ContainerSpecInput): Docker.ContainerCreateOptions {
  const mounts: Docker.MountConfig = [];
  mounts.push(
    i.volumeMode === 'bind'
      ? { Type: 'bind', Source: i.workspaceSource, Target: WORKSPACE, ReadOnly: false }
      : { Type: 'volume', Source: i.workspaceSource, Target: WORKSPACE, ReadOnly: false },
  );
  if (i.repoGitDir) {
    // The worktree's `.git` file names this absolute path; keep it, read-only, with writable islands.
    mounts.push({ Type: 'bind', Source: i.repoGitDir, Target: i.repoGitDir, ReadOnly: true });
    for (const m of i.gitWritable) mounts.push({ Type: 'bind', Source: m.source, Target: m.target, ReadOnly: false });
  }
  for (const c of i.caches) mounts.push({ Type: 'volume', Source: c.volume, Target: c.target, ReadOnly: false });
  for (const m of i.extraMounts ?? []) mounts.push({ Type: 'bind', Source: m.source, Target: m.target, ReadOnly: true });

  const env = Object.entries({ HOME: '/home/agent', TERM: 'xterm-256color', COLORTERM: 'truecolor', ...i.env }).map(([k, v]) => `${k}=${v}`);
  const { cpus, memoryMb, pids } = i.limits;
  const published = i.ports && i.ports.length > 0 && canPublishPorts(i.networkMode) ? publishedPorts(i.ports) : null;
  return {
    name: i.name,
    Image: i.image,
    Cmd: i.command,
    Env: env,
    WorkingDir: WORKSPACE,
    ...(published ? { ExposedPorts: published.ExposedPorts } : {}),
    User: `${i.uid}:${i.gid}`,
    Tty: true,
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Labels: {
      ...(i.sessionId ? { [LABEL_SESSION]: i.sessionId, [LABEL_KIND]: 'session' } : { [LABEL_KIND]: 'pool' }),
      [LABEL_INSTANCE]: i.instanceId,
      [LABEL_WORKTREE]: i.worktree,
      ...i.labels,
    },
    HostConfig: {
      Mounts: mounts,
      Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${TMP_SIZE}`, '/home/agent': `rw,nosuid,nodev,uid=${i.uid},gid=${i.gid}` },
      SecurityOpt: ['no-new-privileges:true'],
      CapDrop: ['ALL'],
      CapAdd: KEPT_CAPABILITIES,
      NetworkMode: i.networkMode,
      ...(published ? { PortBindings: published.PortBindings } : {}),
      PidMode: '',
      IpcMode: 'private',
      Privileged: false,
      ReadonlyRootfs: false,
      Runtime: i.runtime,
      NanoCpus: cpus === null ? undefined : Math.round(cpus * 1e9),
      Memory: memoryMb === null ? undefined : memoryMb * 1024 * 1024,
      // No swap beyond the memory limit, so the limit means what it says.
      MemorySwap: memoryMb === null ? undefined : memoryMb * 1024 * 1024,
      PidsLimit: pids ?? undefined,
      Init: true,
      ConsoleSize: [i.rows, i.cols],
    },
  } as Docker.ContainerCreateOptions;
}

/**
 * The parts of the main .git a commit in a worktree writes, as writable mounts: objects, the worktree's
 * admin dir (HEAD, index, ORIG_HEAD, its HEAD reflog, rebase state), and its ref cell over
 * `refs/heads/berth` and `logs/refs/heads/berth`, holding the session's branch and nothing else.
 * Never `refs/`, `logs/` or `packed-refs` as a whole: other branches, tags and `refs/stash` stay read-only.
 */
export function gitWritableMounts(cell: RefCell): { source: string; target: string }[] {
  const objects = `${cell.repoGitDir}/objects`;
  const admin = `${cell.repoGitDir}/worktrees/${cell.adminName}`;
  return [{ source: objects, target: objects }, { source: admin, target: admin }, ...refCellMounts(cell)];
}
