/**
 * Data transfer objects: the only shapes that cross processes.
 *
 * Types are inferred from these schemas; never write them twice.
 */
import { z } from 'zod';
import { ProxySettings } from './proxy-settings.js';
import { DockerSessionInfo, DockerSettings, DEFAULT_DOCKER_SETTINGS, ImageProgressDto } from './docker.js';

/** Agent profile ids. `custom` runs a user-supplied command template. */
export const AgentId = z.enum(['shell', 'claude-code', 'codex', 'gemini', 'aider', 'custom']);
export type AgentId = z.infer<typeof AgentId>;

/** Backend ids; a backend is offered only when registered in the orchestrator. */
export const BackendId = z.enum(['local', 'tmux', 'sandbox', 'docker', 'kubernetes']);
export type BackendId = z.infer<typeof BackendId>;

/**
 * Session state.
 *
 * `creating → working ⇄ waiting-input | waiting-approval | idle → exited | failed`; archiving is a
 * separate flag so an archived session keeps the state it ended in. While the agent runs, its state
 * comes from its own hooks where Berth installs them (Claude Code, Codex, Gemini CLI: `working`,
 * `waiting-input` when it asks the user something or finished its turn, `waiting-approval` at a
 * permission prompt) and from output activity otherwise (`working`, then `idle` after a few quiet
 * seconds). `unknown`: its backend's engine is unreachable, so whether it still runs can't be told;
 * it is checked again when the engine is back.
 */
export const SessionState = z.enum(['creating', 'working', 'waiting-input', 'waiting-approval', 'idle', 'exited', 'failed', 'unknown']);
export type SessionState = z.infer<typeof SessionState>;

/** States in which the session's process is (believed to be) alive. */
export const LIVE_STATES: readonly SessionState[] = ['creating', 'working', 'waiting-input', 'waiting-approval', 'idle', 'unknown'];

/** States of an agent that runs and is attached: what it is doing (hooks or activity). */
export const AGENT_STATES = ['working', 'waiting-input', 'waiting-approval', 'idle'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Whether the session's agent runs and is attached (a terminal can attach to it). */
export function isAgentState(state: SessionState): state is AgentState {
  return (AGENT_STATES as readonly SessionState[]).includes(state);
}

/** States in which the session needs the user: it asks something or waits for an approval. */
export const NEEDS_YOU_STATES: readonly SessionState[] = ['waiting-input', 'waiting-approval'];

/**
 * What the user should know about a session now, beyond its state: the question it asks or the tool
 * awaiting approval (where the agent's hook gives it), and whether something happened since the user
 * last opened it (it began waiting, finished or failed).
 */
export const SessionAttentionDto = z.object({
  /** The question, the tool awaiting approval, or why it failed; null when there is nothing to say. */
  detail: z.string().nullable(),
  /** Where the state comes from: the agent's own hooks, or output activity (agents without hooks, and until the first hook). */
  source: z.enum(['hooks', 'activity']),
  /** When the session entered its current state (ms since the epoch). */
  since: z.number(),
  /** It began waiting, finished or failed since the user last opened it (`sessions.seen` clears it). */
  unread: z.boolean(),
});
export type SessionAttentionDto = z.infer<typeof SessionAttentionDto>;

/**
 * Creation phases, timed and reported as progress. `include`: the main checkout's `.worktreeinclude`
 * matches copied into the worktree; `setup`: the repository's setup command (`.berth.json`). Both
 * happen only for repositories that have them.
 */
export const CreatePhase = z.enum(['worktree', 'include', 'setup', 'image', 'start', 'first-output']);
export type CreatePhase = z.infer<typeof CreatePhase>;

/** Session names: a slug, used for the branch `berth/<name>` and the worktree folder. */
export const SessionName = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes, starting with a letter or digit');

export const PhaseTimings = z.object({
  worktreeMs: z.number().nullable(),
  startMs: z.number().nullable(),
  firstOutputMs: z.number().nullable(),
});
export type PhaseTimings = z.infer<typeof PhaseTimings>;

/** A host port allocated to a session under one of its repository's port names (`.berth.json` `ports`). */
export const SessionPortDto = z.object({ name: z.string(), port: z.number().int().min(1).max(65_535) });
export type SessionPortDto = z.infer<typeof SessionPortDto>;

/** Another live session of the same repository that changes some of the same files. */
export const GitOverlapDto = z.object({
  sessionId: z.string(),
  name: z.string(),
  /** The files both sessions change (committed on their branches or not), sorted. */
  files: z.array(z.string()),
});
export type GitOverlapDto = z.infer<typeof GitOverlapDto>;

/**
 * A session's worktree against its base branch, computed by the orchestrator from file-system events
 * (never stored): commits ahead and behind, uncommitted changes, the number of changed files
 * (committed since the merge base plus uncommitted), and the other sessions changing the same files.
 */
export const SessionGitDto = z.object({
  ahead: z.number().int().nonnegative(),
  behind: z.number().int().nonnegative(),
  /** Uncommitted (staged, unstaged or untracked) changes in the worktree. */
  dirty: z.boolean(),
  changedFiles: z.number().int().nonnegative(),
  overlaps: z.array(GitOverlapDto),
});
export type SessionGitDto = z.infer<typeof SessionGitDto>;

export const SessionDto = z.object({
  id: z.string(),
  name: z.string(),
  repoPath: z.string(),
  worktreePath: z.string(),
  branch: z.string(),
  baseBranch: z.string(),
  agent: AgentId,
  backend: BackendId,
  prompt: z.string(),
  model: z.string().nullable(),
  command: z.array(z.string()),
  state: SessionState,
  exitCode: z.number().int().nullable(),
  /** Why the session ended or failed, in words (signal, crash, orchestrator restart). */
  reason: z.string().nullable(),
  /**
   * Changes not synced back: the agent's changes in its backend's own copy of the worktree (a Docker
   * session's workspace volume) could not be copied to the worktree, and why. They are kept there until
   * a sync succeeds (`sessions.sync`, `berth sync`); null when nothing is waiting.
   */
  unsynced: z.string().nullable(),
  archived: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  cols: z.number().int(),
  rows: z.number().int(),
  pid: z.number().int().nullable(),
  phases: PhaseTimings,
  /** Docker sessions: image, container, limits; null for other backends. */
  docker: DockerSessionInfo.nullable(),
  /** Last sampled resource use (null until sampled). */
  stats: z.object({ cpuPercent: z.number(), memoryBytes: z.number(), at: z.number() }).nullable(),
  /**
   * Host ports held for the session's lifetime, one per port name of its repository, in order (the first
   * is the agent's `PORT`); each is also `BERTH_PORT_<NAME>`. Empty when the repository names none.
   */
  ports: z.array(SessionPortDto),
  /** Live git status of the worktree (null until first computed, and for sessions not tracked: ended, no worktree on the host). */
  git: SessionGitDto.nullable(),
  /**
   * The agent's own conversation id, for agents that continue one on a restart (Claude Code, Gemini
   * CLI); null for the others. A restart resumes it; a fresh restart starts a new one.
   */
  conversationId: z.string().nullable(),
  /** Attention: the question or approval it waits on, since when, and whether the user has seen it. */
  attention: SessionAttentionDto,
});
export type SessionDto = z.infer<typeof SessionDto>;

/**
 * A session's setup command (`.berth.json` `setup`, or `conductor.json`'s) and what it printed:
 * stdout and stderr interleaved, kept after it ended.
 */
export const SetupLogDto = z.object({
  /** The file the command came from. */
  source: z.string(),
  command: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  /** Its exit code; null while it runs or when it did not exit by itself (timed out, killed). */
  exitCode: z.number().int().nullable(),
  /** Why it failed, in words; null unless failed. */
  failure: z.string().nullable(),
  startedAt: z.number(),
  /** How long it ran; null while it runs. */
  ms: z.number().nullable(),
  output: z.string(),
});
export type SetupLogDto = z.infer<typeof SetupLogDto>;

export const SessionEventDto = z.object({
  sessionId: z.string(),
  at: z.number(),
  from: SessionState.nullable(),
  to: SessionState,
  detail: z.string().nullable(),
});
export type SessionEventDto = z.infer<typeof SessionEventDto>;

export const AgentProfileDto = z.object({
  id: AgentId,
  name: z.string(),
  description: z.string(),
  /** The executable looked up on PATH (null for custom, whose command comes with the request). */
  executable: z.string().nullable(),
  available: z.boolean(),
  /** Why the profile is unavailable and how to fix it. */
  reason: z.string().nullable(),
  supportsModel: z.boolean(),
});
export type AgentProfileDto = z.infer<typeof AgentProfileDto>;

export const BackendCapabilities = z.object({
  isolation: z.enum(['none', 'namespace', 'container', 'pod']),
  persistsAcrossRestart: z.boolean(),
  resourceLimits: z.boolean(),
  egressContainment: z.boolean(),
});
export type BackendCapabilities = z.infer<typeof BackendCapabilities>;

export const BackendDto = z.object({
  id: BackendId,
  name: z.string(),
  description: z.string(),
  available: z.boolean(),
  reason: z.string().nullable(),
  capabilities: BackendCapabilities,
});
export type BackendDto = z.infer<typeof BackendDto>;

export const RepoInfoDto = z.object({
  path: z.string(),
  name: z.string(),
  currentBranch: z.string().nullable(),
  branches: z.array(z.string()),
});
export type RepoInfoDto = z.infer<typeof RepoInfoDto>;

export const RecentRepoDto = z.object({
  path: z.string(),
  name: z.string(),
  lastUsedAt: z.number(),
});
export type RecentRepoDto = z.infer<typeof RecentRepoDto>;

/** Largest dashboard threshold accepted, ms (ten minutes: anything above is a typo). */
export const MAX_TARGET_MS = 600_000;

/** A dashboard target's thresholds: at or under `targetMs` is good, up to `acceptableMs` acceptable, above slow. */
export const TargetThresholds = z
  .object({ targetMs: z.number().positive().max(MAX_TARGET_MS), acceptableMs: z.number().positive().max(MAX_TARGET_MS) })
  .refine((t) => t.acceptableMs >= t.targetMs, 'acceptable must be at least the target');
export type TargetThresholds = z.infer<typeof TargetThresholds>;

/**
 * What a graceful quit (SIGTERM, SIGINT, quitting the desktop app) does with live sessions:
 * `leave-running` leaves sessions whose backend survives a restart (`persistsAcrossRestart`: Docker
 * containers) running, to be adopted by the next start, and stops the rest; `stop-all` stops every one.
 */
export const QuitPolicy = z.enum(['leave-running', 'stop-all']);
export type QuitPolicy = z.infer<typeof QuitPolicy>;

export const SettingsDto = z.object({
  defaultAgent: AgentId,
  defaultBackend: BackendId,
  /** Graceful quit: leave surviving sessions running (the default) or stop everything. */
  onQuit: QuitPolicy,
  docker: DockerSettings,
  proxy: ProxySettings,
  /** Dashboard targets the user changed, by target id (the rest keep Berth's defaults). */
  dashboardTargets: z.record(z.string().max(64), TargetThresholds),
});
export type SettingsDto = z.infer<typeof SettingsDto>;

export const SystemInfoDto = z.object({
  version: z.string(),
  dataDir: z.string(),
  mode: z.enum(['desktop', 'headless']),
  platform: z.string(),
  pid: z.number().int(),
  startedAt: z.number(),
});
export type SystemInfoDto = z.infer<typeof SystemInfoDto>;

export const ProgressDto = z.object({
  sessionId: z.string(),
  phase: CreatePhase,
  status: z.enum(['started', 'done', 'failed']),
  elapsedMs: z.number().nullable(),
  message: z.string().nullable(),
  /** Image pull progress (phase `image`). */
  image: ImageProgressDto.nullable().optional(),
});
export type ProgressDto = z.infer<typeof ProgressDto>;

export { DEFAULT_DOCKER_SETTINGS };
