/**
 * The backend interface: what every place a session can run (local pty, tmux, bubblewrap, Docker,
 * Kubernetes) provides. Narrow on purpose; capabilities say what a backend can and can't do.
 */
import type { BackendCapabilities, BackendId, SessionPortDto } from '../../src-shared/dto.js';
import type { DockerSessionInfo, DockerSettings, ImageProgressDto } from '../../src-shared/docker.js';
import type { Disposable, Event } from '../../src-shared/lifecycle.js';
import type { Result } from '../../src-shared/result.js';

/** Environment variable carrying the session id into every process a backend starts (its label). */
export const SESSION_LABEL_ENV = 'BERTH_SESSION_ID';

/** What a backend needs to start a session's agent. */
export interface StartSpec {
  sessionId: string;
  sessionName: string;
  /** The session's worktree; the agent's working directory. */
  cwd: string;
  command: string[];
  /** Extra environment on top of the backend's base environment. */
  env: Record<string, string>;
  /** Variables to drop from an inherited base environment (beyond the usual credential variables). */
  envRemove?: string[];
  cols: number;
  rows: number;
  /**
   * Host ports held for the session (their numbers are in `env` too). Backends whose agent has its own
   * network (a container) make each reachable at the same port on the host's 127.0.0.1.
   */
  ports?: SessionPortDto[];
  /** Docker sessions: the resolved options (defaults applied). */
  docker?: { info: DockerSessionInfo; pullPolicy: DockerSettings['pullPolicy'] };
}

export interface ExitInfo {
  exitCode: number | null;
  signal: number | null;
  /** Why it ended, in words, when not a plain exit. */
  reason: string | null;
  /** The engine stopped answering: the agent may still run (the session becomes `unknown`). */
  lost?: boolean;
  /** The agent's changes could not be copied back to the worktree (why); the backend keeps them for a retry. */
  unsynced?: string | null;
}

/**
 * A running agent's terminal: the stream the session service attaches clients to.
 *
 * Output strings are whole UTF-16 (decoded with a streaming decoder), never split inside a character.
 */
export interface ITerminalProcess extends Disposable {
  readonly pid: number | null;
  /** The backend's own id for the instance (a container id), when it has one. */
  readonly instanceId?: string;
  readonly onDidOutput: Event<string>;
  readonly onDidExit: Event<ExitInfo>;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Stop reading output (flow control); the agent blocks on a full pty. */
  pause(): void;
  resume(): void;
  signal(signal: NodeJS.Signals): void;
  /** Ends the agent: a polite signal, then force after a grace period. Resolves once it has exited. */
  stop(): Promise<void>;
}

/** The session whose backend copy of the worktree is synced or checked. */
export interface SyncTarget {
  sessionId: string;
  worktree: string;
  /** The backend's own id for the instance last run (a container id), when it has one. */
  instanceId: string | null;
  /** Why the last sync failed; null when the session has nothing waiting. */
  unsynced: string | null;
  /** The image the session ran (Docker), for a helper that reads the volume when its container is gone. */
  image: string | null;
  volumeMode: 'bind' | 'volume' | null;
}

/** A Berth-labelled instance a backend can see, for the reconciler. */
export interface InstanceInfo {
  sessionId: string;
  alive: boolean;
  /** Set when the backend's engine can't be reached: whether the session lives is unknown. */
  unreachable?: string;
}

/** What the store recorded about a session's instance at start, for finding it again. */
export interface KnownInstance {
  sessionId: string;
  pid: number | null;
  /** The backend's own id for the instance (a container id), when it has one. */
  instanceId?: string | null;
}

export interface IBackend {
  readonly id: BackendId;
  readonly name: string;
  readonly description: string;
  readonly capabilities: BackendCapabilities;
  /** Whether the backend can start sessions now; the error says why not and how to fix it. */
  probe(): Promise<Result<void>>;
  /** Checks a create request's backend options before anything is made (bad input creates nothing). */
  validate?(options: { docker?: StartSpec['docker'] }): Promise<Result<void>>;
  /** Work before start that is its own create phase (`image`: pulling the image), with progress. */
  prepare?(spec: StartSpec, onProgress: (p: ImageProgressDto) => void, signal?: AbortSignal): Promise<Result<void>>;
  start(spec: StartSpec): Promise<Result<ITerminalProcess>>;
  /** Resource use of the session's instance, when the backend can tell. */
  stats?(sessionId: string, instanceId?: string | null): Promise<{ cpuPercent: number; memoryBytes: number } | null>;
  /** Removes what the backend made for the session (on delete). */
  cleanup?(sessionId: string, instanceId?: string | null): Promise<void>;
  /**
   * Backends that run the agent on their own copy of the worktree (a Docker workspace volume): copies
   * the agent's changes back to the worktree (again, after a failed sync). Ok when there is nothing to copy.
   */
  syncBack?(session: SyncTarget): Promise<Result<void>>;
  /**
   * Files in the backend's own copy that are not in the worktree yet (relative paths), for delete's
   * uncommitted-work check; empty when the session has nothing waiting (`unsynced` is null).
   */
  pendingChanges?(session: SyncTarget): Promise<Result<string[]>>;
  /**
   * Warm pool: takes a ready instance for a session about to be created. Returns the worktree path the
   * instance was made on (the session's worktree becomes that path), or null for a cold start.
   * `ports`: how many host ports the session holds (an instance made ahead may be unable to publish them).
   */
  reserveWarm?(sessionId: string, repoPath: string, options: { docker?: StartSpec['docker']; ports?: number }): string | null;
  /** Keeps the pool for this repository and these options filled (after a create; off the critical path). */
  ensureWarm?(repoPath: string, options: { docker?: StartSpec['docker'] }): void;
  /**
   * Finds what is left of sessions the store believes are live (after a restart).
   * `known` carries what was recorded at start (e.g. a pid).
   */
  inspect(known: KnownInstance): Promise<InstanceInfo>;
  /** Re-attaches to a surviving instance, for backends that persist across restarts. */
  adopt?(known: KnownInstance): Promise<Result<ITerminalProcess>>;
  /** Ends a surviving instance that can't be adopted. */
  reclaim(known: KnownInstance): Promise<void>;
}
