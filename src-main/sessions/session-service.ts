/**
 * The session service: lifecycle state machine, intent-first writes, live terminals.
 *
 * Every state change is saved (with its event row) before it is announced; the row of a new session is
 * written before any resource is made, so a crash at any point leaves something the reconciler can
 * explain.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { CreateSessionParams, type MethodResult } from '../../src-shared/contract.js';
import { isAgentState, type CreatePhase, type ProgressDto, type QuitPolicy, type SessionDto, type SessionState, type SettingsDto } from '../../src-shared/dto.js';
import { initialAttention, nextAttention, reportChange, type AgentReport } from './attention.js';
import { DEFAULT_COLS, DEFAULT_ROWS } from '../../src-shared/flow-control.js';
import { Emitter, type Disposable } from '../../src-shared/lifecycle.js';
import { describeZodError, err, ok, type Result } from '../../src-shared/result.js';
import type { AgentCatalog, Conversation } from '../agents/profiles.js';
import type { ExitInfo, ITerminalProcess, StartSpec } from '../backends/backend.js';
import { resolveDocker } from './backend-options.js';
import type { BackendRegistry } from '../backends/registry.js';
import * as gitOps from '../git/git.js';
import type { Claimed, ReadyWorktrees } from '../git/ready-worktrees.js';
import { RepoInspector } from '../git/repo-inspector.js';
import { describeError, ignoreBackgroundErrors, type BackgroundErrorSink, type BackgroundTask } from '../metrics/faults.js';
import type { RecentReposRepo } from '../store/misc-repos.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { newSessionId, repoWorktreesDir, slugify, uniqueName } from './naming.js';
import { loadHeadless, prewarmHeadless, TerminalHost } from './terminal-host.js';
import { SessionIndex } from './session-index.js';
import { SessionWork } from './session-work.js';
import { syncTarget, uncommittedWork } from './unsynced-work.js';
import { TerminalRegistry } from './terminal-registry.js';
import { includeStep, setupStep, teardownStep, type StepReporter } from './worktree-bootstrap.js';
import { SetupLogs } from './setup-logs.js';
import { loadProjectConfig, type ProjectConfig } from '../git/project-config.js';
import type { ScriptTarget } from '../git/project-scripts.js';
import type { BerthConfig } from '../../src-shared/berth-config.js';
import { portEnv, type PortAllocator } from './port-allocator.js';

/** A running session with no output for this long is shown as idle. */
const IDLE_AFTER_MS = 5_000;
/** How often staged activity and sizes are written (see SessionsRepo: what a crash may lose). */
const FLUSH_INTERVAL_MS = 5_000;
/** After the agent's first output, wait this long for the rest of its prompt before typing. */
const PROMPT_SETTLE_MS = 30;
/** Type the initial input after this long even if the agent has printed nothing. */
const INITIAL_INPUT_FALLBACK_MS = 1_000;
/** Refill the warm pool this long after a start even if the agent has printed nothing. */
const REFILL_FALLBACK_MS = 2_000;
/** How often activity is checked for working → idle. */
const ACTIVITY_CHECK_MS = 1_000;

/** Fields that only say how a session is doing now: written in batches, not durably one by one. */
const LIGHT_FIELDS: ReadonlySet<string> = new Set(['cols', 'rows', 'phases', 'stats', 'updatedAt', 'attention']);

/**
 * Whether a change only touches activity (flips between agent states: working ⇄ waiting ⇄ idle) and
 * light fields; those are staged for the next flush, not written durably one by one.
 */
function isLightChange(s: SessionDto, change: Partial<SessionDto>): boolean {
  return Object.keys(change).every((k) =>
    k === 'state' ? change.state === s.state || (isAgentState(s.state) && isAgentState(change.state!)) : LIGHT_FIELDS.has(k),
  );
}

export interface SessionServiceDeps {
  dataDir: string;
  sessions: SessionsRepo;
  recentRepos: RecentReposRepo;
  backends: BackendRegistry;
  agents: AgentCatalog;
  /** Current settings (defaults for backend options). */
  settings: () => SettingsDto;
  /**
   * The environment a session's agent gets on top of its backend's (the credential proxy's base URLs,
   * stand-in keys, HTTPS_PROXY and CA), and variables to drop from an inherited one; an error (the
   * proxy can't be offered to this session) fails the start with its reason.
   */
  sessionEnv?: (session: SessionDto) => Promise<Result<{ env: Record<string, string>; remove: string[] }>>;
  /** Where failures of background work (provisioning, restarts) are logged and counted. */
  onBackgroundError?: BackgroundErrorSink;
  /** Hands out each session's host ports (`.berth.json` `ports`); without it sessions get none. */
  ports?: PortAllocator;
  /** A repository's stored settings (Settings → Repositories), used when it has no `.berth.json`. */
  repoConfig?: (repoPath: string) => BerthConfig | null;
  /** Ready worktrees (`.berth.json` `ready`): claimed on create instead of adding a worktree, refilled after. */
  ready?: ReadyWorktrees;
  /** Activity and write timings (tests shorten them); defaults are the named constants above. */
  timing?: { idleAfterMs?: number; activityCheckMs?: number; flushIntervalMs?: number };
}

/** One timed create phase; `total` is from the create request to the first output byte. */
export interface PhaseTiming {
  sessionId: string;
  backend: string;
  phase: CreatePhase | 'total';
  ms: number;
  warm: boolean;
}

/** The state and reason a session gets when its create or restart is cancelled. */
interface CancelledAs {
  state: SessionState;
  reason: string;
}
const CREATE_CANCELLED: CancelledAs = { state: 'failed', reason: 'cancelled while being created' };
const RESTART_CANCELLED: CancelledAs = { state: 'exited', reason: 'stopped while restarting' };

const now = () => Date.now();
const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

export class SessionService implements Disposable {
  private readonly index: SessionIndex;
  private readonly terminals = new TerminalRegistry();
  private readonly reservedNames = new Set<string>();
  /** Creates and restarts in progress (cancellable), and each session's queue of operations. */
  private readonly work = new SessionWork();
  private readonly repos = new RepoInspector();
  private readonly activityTimer: NodeJS.Timeout;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly idleAfterMs: number;
  private readonly setupLogs: SetupLogs;
  /** After dispose nothing is written: the store closes next (a late exit is not recorded). */
  private disposed = false;

  private readonly onDidUpdateEmitter = new Emitter<SessionDto>();
  private readonly onDidRemoveEmitter = new Emitter<string>();
  private readonly onDidProgressEmitter = new Emitter<ProgressDto>();
  readonly onDidUpdate = this.onDidUpdateEmitter.event;
  readonly onDidRemove = this.onDidRemoveEmitter.event;
  readonly onDidProgress = this.onDidProgressEmitter.event;
  private readonly onDidStartTerminalEmitter = new Emitter<string>();
  private readonly onDidEndTerminalEmitter = new Emitter<string>();
  private readonly onDidPhaseEmitter = new Emitter<PhaseTiming>();
  /** When each session's create request arrived, until its first output (the `total` phase). */
  private readonly createStarted = new Map<string, bigint>();
  /** Sessions whose stop the user asked for: their exit is not news to them (not unread). */
  private readonly stoppedByUser = new Set<string>();
  /** A session got a (new) live terminal: attached clients of a restarted session re-attach. */
  readonly onDidStartTerminal = this.onDidStartTerminalEmitter.event;
  /** A session's live terminal ended (its process exited or was lost). */
  readonly onDidEndTerminal = this.onDidEndTerminalEmitter.event;
  /** A create phase finished, with its time: the source of the create-latency metrics. */
  readonly onDidPhase = this.onDidPhaseEmitter.event;

  constructor(private readonly deps: SessionServiceDeps) {
    this.index = new SessionIndex(deps.sessions.all());
    this.idleAfterMs = deps.timing?.idleAfterMs ?? IDLE_AFTER_MS;
    this.setupLogs = new SetupLogs(deps.dataDir);
    this.activityTimer = setInterval(() => this.checkActivity(), deps.timing?.activityCheckMs ?? ACTIVITY_CHECK_MS);
    this.activityTimer.unref();
    this.flushTimer = setInterval(() => this.flush(), deps.timing?.flushIntervalMs ?? FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
  }

  /** Writes staged activity and sizes now (also periodically and on dispose). */
  flush(): void {
    try {
      this.deps.sessions.flush();
    } catch (e) {
      // Kept staged; the next flush or durable write tries again.
      (this.deps.onBackgroundError ?? ignoreBackgroundErrors)('session-flush', e);
    }
  }

  /** A page of sessions, newest first. */
  list(archived = false, limit?: number, offset?: number): SessionDto[] {
    return this.index.list(archived, limit, offset);
  }

  /** The same page as JSON text, cached until something changes. */
  listJson(archived = false, limit?: number, offset?: number): string {
    return this.index.listJson(archived, limit, offset);
  }

  /** When a session last started with `image` (null: never). */
  lastUsedImage(image: string): number | null {
    return this.index.lastUsedImage(image);
  }

  /** The repository of the most recently created session on `backend` (null: none). */
  lastRepo(backend: string): string | null {
    return this.index.lastRepo(backend);
  }

  /** Finds a session by id or name. */
  find(ref: string): Result<SessionDto> {
    return this.index.find(ref);
  }

  /** The session's terminal: live, or the last screen of one that ended (kept for late viewers). */
  host(id: string): TerminalHost | undefined {
    return this.terminals.get(id);
  }

  /** The session's setup command and its output (null: its repository has none). */
  setupLog(ref: string): Result<MethodResult<'sessions.setupLog'>> {
    const s = this.find(ref);
    return s.ok ? ok(this.setupLogs.read(s.value.id)) : s;
  }

  events(ref: string): Result<MethodResult<'sessions.events'>> {
    const s = this.find(ref);
    return s.ok ? ok(this.deps.sessions.events(s.value.id)) : s;
  }

  /**
   * Validates everything, writes the intent row and returns; the worktree and process are made in the
   * background with progress events. Bad input creates nothing.
   */
  async create(input: unknown): Promise<Result<SessionDto>> {
    const received = process.hrtime.bigint();
    void loadHeadless(); // the module loads while create validates
    const parsed = CreateSessionParams.safeParse(input);
    if (!parsed.success) return err('bad_request', describeZodError(parsed.error));
    const p = parsed.data;
    const backend = this.deps.backends.get(p.backend);
    if (!backend.ok) return backend;
    const probe = await backend.value.probe();
    if (!probe.ok) return err('backend_unavailable', `the ${p.backend} backend is unavailable: ${probe.error.message}`);
    if (p.docker && p.backend !== 'docker') return err('bad_request', `Docker options were given for the ${p.backend} backend`);
    const docker = p.backend === 'docker' ? resolveDocker(p.docker, this.deps.settings().docker) : undefined;
    if (backend.value.validate) {
      const valid = await backend.value.validate({ docker });
      if (!valid.ok) return valid;
    }
    // Agents that resume get their conversation id now (no process: the create path stays as fast).
    const conversationId = this.deps.agents.resumes(p.agent) ? randomUUID() : null;
    const conversation = conversationId ? { id: conversationId, resume: false } : null;
    const launch = this.deps.agents.launch(p.agent, { prompt: p.prompt, model: p.model ?? null, template: p.command ?? null, conversation }, p.backend === 'local');
    if (!launch.ok) return launch;
    let repo = await this.repos.forCreate(p.repoPath, p.baseBranch);
    if (!repo.ok) return repo;
    // A bad .berth.json refuses the create here, before any name, row, branch or worktree is made.
    const config = await loadProjectConfig(repo.value.root, this.storedConfig(repo.value.root));
    if (!config.ok) return config;
    // The repository's default base branch, unless the request named one.
    const defaultBase = config.value?.defaults.baseBranch;
    if (!p.baseBranch && defaultBase) {
      repo = await this.repos.forCreate(repo.value.root, defaultBase);
      if (!repo.ok) return repo;
    }
    const { root, base } = repo.value;

    // Checked again after the branch lookup and claimed in the same step: a create running alongside
    // with the same name sees the claim and gets `conflict` (the store's unique index is never the judge).
    const free = (name: string) => !this.reservedNames.has(name) && !this.deps.sessions.nameExists(name);
    const claim = async (name: string) => {
      if (!free(name) || (await this.repos.branchExists(root, `berth/${name}`)) || !free(name)) return false;
      this.reservedNames.add(name);
      return true;
    };
    let name: string;
    if (p.name) {
      if (!(await claim(p.name))) return err('conflict', `a session or branch named "${p.name}" already exists; pick another name`);
      name = p.name;
    } else {
      name = await uniqueName(slugify(p.prompt, p.agent), async (candidate) => !(await claim(candidate)));
    }
    let ports: SessionDto['ports'] = [];
    try {
      const reserved = await this.reservePorts(config.value);
      if (!reserved.ok) return reserved;
      ports = reserved.value;
      const t = now();
      const id = newSessionId();
      // A warm-pool container comes with its worktree (a slot the container was made on): the session uses it.
      const warmWorktree = backend.value.reserveWarm?.(id, root, { docker, ports: ports.length }) ?? null;
      const session: SessionDto = {
        id,
        name,
        repoPath: root,
        worktreePath: warmWorktree ?? path.join(repoWorktreesDir(this.deps.dataDir, root), name),
        branch: `berth/${name}`,
        baseBranch: base,
        agent: p.agent,
        backend: p.backend,
        prompt: p.prompt,
        model: p.model ?? null,
        command: launch.value.command,
        state: 'creating',
        exitCode: null,
        reason: null,
        unsynced: null,
        archived: false,
        createdAt: t,
        updatedAt: t,
        cols: p.cols ?? DEFAULT_COLS,
        rows: p.rows ?? DEFAULT_ROWS,
        pid: null,
        phases: { worktreeMs: null, startMs: null, firstOutputMs: null },
        docker: docker ? { ...docker.info, warm: warmWorktree !== null } : null,
        stats: null,
        ports,
        git: null,
        conversationId,
        attention: initialAttention(t),
      };
      const repoName = repo.value.name;
      try {
        this.deps.sessions.insert(session, 'created', () => {
          this.deps.recentRepos.touch(root, repoName, t);
          if (ports.length > 0) this.deps.ports?.record(id, ports);
        });
      } catch (e) {
        this.deps.ports?.giveBack(ports);
        // Nothing is made yet but the warm reservation: give it back.
        if (warmWorktree !== null) await backend.value.cleanup?.(id);
        return err('internal', `cannot save the new session: ${(e as Error).message}`);
      }
      this.remember(session);
      this.createStarted.set(session.id, received);
      this.track(session.id, 'provision', (signal) => this.provision(session.id, launch.value.initialInput, signal, config.value, docker));
      ports = [];
      return ok(session);
    } finally {
      // Claimed but never written (the create returned an error): free for others.
      this.deps.ports?.giveBack(ports);
      this.reservedNames.delete(name);
    }
  }

  /** Stops the agent, or cancels its create or restart in progress (then nothing more is started). */
  async stop(ref: string): Promise<Result<SessionDto>> {
    const s = this.find(ref);
    if (!s.ok) return s;
    return this.work.exclusive(s.value.id, async () => {
      await this.work.cancel(s.value.id);
      const host = this.terminals.getLive(s.value.id);
      if (host) {
        this.stoppedByUser.add(s.value.id);
        await host.stop().finally(() => this.stoppedByUser.delete(s.value.id));
      }
      return ok(this.index.get(s.value.id) ?? s.value);
    });
  }

  /**
   * Stops the agent and starts it again in the background, cancellable like a create (stop, delete).
   * A restart while one is in progress is refused: one restart, one process. An agent with a
   * conversation continues it (its prompt is not sent again); `fresh` starts a new conversation.
   */
  async restart(ref: string, fresh = false): Promise<Result<SessionDto>> {
    const s = this.find(ref);
    if (!s.ok) return s;
    const id = s.value.id;
    return this.work.exclusive(id, async () => {
      const before = this.index.get(id);
      if (!before) return err('not_found', `session "${s.value.name}" was deleted`);
      if (before.archived) return err('invalid_state', `session "${before.name}" is archived; unarchive it first`);
      if (before.state === 'creating' || this.work.isStarting(id)) return err('invalid_state', `session "${before.name}" is still being created or restarted`);
      // A restart copies the worktree into the backend's copy again: changes not synced back go first.
      if (before.unsynced) {
        const synced = await this.syncNow(before);
        if (!synced.ok) return err('invalid_state', `${synced.error.message}; fix that and sync again before restarting, or delete the session`);
      }
      await this.terminals.getLive(id)?.stop();
      this.terminals.drop(id);
      const current = this.index.get(id)!;
      const { conversationId, conversation } = nextConversation(current, fresh);
      const launch = this.deps.agents.launch(current.agent, { prompt: current.prompt, model: current.model, template: null, conversation }, current.backend === 'local');
      // The command is built again only for agents with a conversation (resume or new id); others run as created.
      const command = conversation && launch.ok ? launch.value.command : current.command;
      const detail = conversation ? (conversation.resume ? 'restart (resume)' : 'restart (new conversation)') : 'restart';
      this.transition(current, { state: 'creating', exitCode: null, reason: null, pid: null, command, conversationId }, detail);
      const input = current.agent === 'custom' || conversation?.resume ? null : launch.ok ? launch.value.initialInput : null;
      this.track(id, 'restart', (signal) => this.startProcess(id, input, signal, RESTART_CANCELLED));
      return ok(this.index.get(id)!);
    });
  }

  async archive(ref: string): Promise<Result<SessionDto>> {
    const s = this.find(ref);
    if (!s.ok) return s;
    return this.work.exclusive(s.value.id, async () => {
      await this.work.cancel(s.value.id);
      await this.terminals.getLive(s.value.id)?.stop();
      this.terminals.drop(s.value.id);
      const current = this.index.get(s.value.id);
      if (!current) return err('not_found', `session "${s.value.name}" was deleted`);
      if (!current.archived) this.transition(current, { archived: true }, 'archived');
      return ok(this.index.get(current.id)!);
    });
  }

  async unarchive(ref: string): Promise<Result<SessionDto>> {
    const s = this.find(ref);
    if (!s.ok) return s;
    if (s.value.archived) this.transition(s.value, { archived: false }, 'unarchived');
    return ok(this.index.get(s.value.id)!);
  }

  /** Deletes the session, its worktree and (if merged) its branch. A dirty worktree needs `force`. */
  /**
   * Copies changes not synced back (a Docker workspace volume's, after a failed sync) to the worktree
   * again. The session records the outcome; a running session syncs when it stops.
   */
  async sync(ref: string): Promise<Result<SessionDto>> {
    const s = this.find(ref);
    if (!s.ok) return s;
    return this.work.exclusive(s.value.id, async () => {
      const current = this.index.get(s.value.id);
      if (!current) return err('not_found', `session "${s.value.name}" was deleted`);
      if (this.terminals.getLive(current.id)) return err('invalid_state', `session "${current.name}" is running; its changes are synced back when it stops`);
      return this.syncNow(current);
    });
  }

  private async syncNow(session: SessionDto): Promise<Result<SessionDto>> {
    const backend = this.deps.backends.get(session.backend);
    if (!backend.ok) return backend;
    if (!backend.value.syncBack) return ok(session);
    const synced = await backend.value.syncBack(syncTarget(session));
    const unsynced = synced.ok ? null : synced.error.message;
    const current = this.index.get(session.id);
    if (current && current.unsynced !== unsynced) this.patch(session.id, { unsynced });
    return synced.ok ? ok(this.index.get(session.id) ?? session) : err(synced.error.code, `changes not synced back: ${unsynced}`);
  }

  async delete(ref: string, force = false): Promise<Result<{ id: string }>> {
    const s = this.find(ref);
    if (!s.ok) return s;
    return this.work.exclusive(s.value.id, () => this.deleteNow(s.value, force));
  }

  private async deleteNow(found: SessionDto, force: boolean): Promise<Result<{ id: string }>> {
    const session = this.index.get(found.id);
    if (!session) return err('not_found', `session "${found.name}" was already deleted`);
    await this.work.cancel(session.id);
    const backend = this.deps.backends.get(session.backend);
    if (!force) {
      const lost = await uncommittedWork(session, backend.ok ? backend.value : null);
      if (lost) return err('worktree_dirty', lost);
    }
    const host = this.terminals.getLive(session.id);
    if (host) {
      await host.stop();
      // Stopping syncs a volume back; if that failed, its changes are all that's left of them: keep them.
      const stopped = this.index.get(session.id)?.unsynced;
      if (!force && stopped) {
        return err('worktree_dirty', `session "${session.name}" stopped, but its changes could not be synced back (${stopped}); \`berth sync ${session.name}\` retries, or delete with force`);
      }
    }
    if (backend.ok) await backend.value.cleanup?.(session.id, session.docker?.containerId);
    await teardownStep(this.scriptTarget(session), this.deps.onBackgroundError ?? ignoreBackgroundErrors, this.storedConfig(session.repoPath), portEnv(session.ports));
    const removed = await gitOps.removeWorktree(session.repoPath, session.worktreePath, session.branch, force);
    if (!removed.ok) return removed;
    this.setupLogs.remove(session.id);
    this.terminals.drop(session.id);
    this.deps.sessions.delete(session.id);
    this.deps.ports?.release(session.id, session.ports);
    this.index.delete(session.id);
    this.onDidRemoveEmitter.fire(session.id);
    return ok({ id: session.id });
  }

  /** Takes over a process that survived an orchestrator restart (persistent backends). */
  async adoptTerminal(id: string, proc: ITerminalProcess): Promise<void> {
    const s = this.index.get(id);
    if (!s) return;
    this.attachHost(id, await TerminalHost.create(id, proc, s.cols, s.rows));
    const docker = s.docker ? { ...s.docker, containerId: proc.instanceId ?? s.docker.containerId } : null;
    this.transition(this.index.get(id)!, { state: 'working', pid: proc.pid, docker, reason: null }, 'adopted after restart');
  }

  /** Resizes the live terminal and remembers the size for restarts. */
  resize(id: string, cols: number, rows: number): void {
    const host = this.terminals.getLive(id);
    if (!host) return;
    host.resize(cols, rows);
    const s = this.index.get(id);
    if (s && (s.cols !== cols || s.rows !== rows)) this.patch(id, { cols, rows });
  }

  /**
   * The agent reported its state through its hooks (see src-main/attention): from then on its hooks,
   * not output activity, say whether it works or waits. Ignored unless its agent runs.
   */
  reportAgentState(id: string, report: AgentReport): void {
    const s = this.index.get(id);
    if (!s || !isAgentState(s.state)) return;
    const change = reportChange(s, report);
    if (change) this.transition(s, change, report.detail ? `${report.state}: ${report.detail}` : report.state);
  }

  /** The user opened the session: nothing in it is unseen any more. */
  markSeen(ref: string): Result<SessionDto> {
    const s = this.find(ref);
    if (!s.ok) return s;
    if (s.value.attention.unread) this.transition(s.value, { attention: { ...s.value.attention, unread: false } }, null);
    return ok(this.index.get(s.value.id) ?? s.value);
  }

  /** Marks sessions the store believes live but that have no process here (used by the reconciler). */
  markEnded(id: string, state: SessionState, reason: string, exitCode: number | null = null): void {
    const s = this.index.get(id);
    if (s) this.transition(s, { state, reason, exitCode, pid: state === 'unknown' ? s.pid : null }, reason);
  }

  hasLiveTerminal(id: string): boolean {
    return this.terminals.getLive(id) !== undefined;
  }

  liveSessions(): SessionDto[] {
    return this.index.live();
  }

  /**
   * Graceful shutdown. Creates in progress are cancelled. With `leave-running`, a live session whose
   * backend persists across restarts is let go, not stopped: its terminal is closed here, its process
   * (a container) keeps running and its state stays live in the store, so the next start adopts it.
   * Every other session is stopped. Resolves once the stopped ones have exited.
   */
  async shutdown(policy: QuitPolicy): Promise<void> {
    await Promise.all(this.work.starting().map((id) => this.work.cancel(id)));
    const stopping: Promise<void>[] = [];
    for (const id of this.terminals.liveIds()) {
      const session = this.index.get(id);
      const backend = session ? this.deps.backends.get(session.backend) : null;
      const survives = backend?.ok === true && backend.value.capabilities.persistsAcrossRestart;
      if (policy === 'leave-running' && survives) this.terminals.release(id);
      else stopping.push(this.terminals.getLive(id)!.stop());
    }
    await Promise.all(stopping);
  }

  dispose(): void {
    clearInterval(this.activityTimer);
    clearInterval(this.flushTimer);
    this.flush();
    this.disposed = true;
    this.repos.dispose();
    this.terminals.dispose();
    this.onDidUpdateEmitter.dispose();
    this.onDidRemoveEmitter.dispose();
    this.onDidProgressEmitter.dispose();
    this.onDidStartTerminalEmitter.dispose();
    this.onDidEndTerminalEmitter.dispose();
    this.onDidPhaseEmitter.dispose();
  }

  /**
   * Runs a create's or restart's background work so stop, archive and delete can cancel it; an error
   * it throws fails the session with the reason instead of escaping.
   */
  private track(id: string, task: BackgroundTask, work: (signal: AbortSignal) => Promise<void>): void {
    this.work.start(id, work, (e) => this.faulted(id, task, e));
  }

  /**
   * Background work for a session threw (a bug, or a backend that broke its contract and threw instead
   * of returning an error): the session fails with the reason, and the fault is logged and counted.
   */
  private faulted(id: string, task: BackgroundTask, e: unknown): void {
    const report = this.deps.onBackgroundError ?? ignoreBackgroundErrors;
    report(task, e);
    const s = this.index.get(id);
    if (!s) return;
    const reason = `could not start: ${describeError(e)}`;
    if (s.state === 'creating') this.onDidProgressEmitter.fire({ sessionId: id, phase: 'start', status: 'failed', elapsedMs: null, message: reason });
    try {
      this.transition(s, { state: 'failed', reason, pid: null }, 'start failed');
    } catch (error) {
      report(task, error);
    }
  }

  /** After a cancelled step: record it, unless the session is already gone. */
  private cancelled(id: string, as: CancelledAs = CREATE_CANCELLED): void {
    const s = this.index.get(id);
    if (s) this.transition(s, { state: as.state, reason: as.reason, pid: null }, 'cancelled');
  }

  /** `docker`: the options resolved at create (the request's pull policy, not only the settings'). */
  private async provision(id: string, initialInput: string | null, signal: AbortSignal, config: ProjectConfig | null, docker?: StartSpec['docker']): Promise<void> {
    const session = this.index.get(id)!;
    this.progress(id, 'worktree', 'started', null, null);
    const t0 = process.hrtime.bigint();
    const warm = session.docker?.warm === true;
    const claimed = warm ? null : await this.claimReady(session, config);
    if (signal.aborted) return this.cancelled(id);
    const adding = claimed
      ? Promise.resolve(ok())
      : warm
        ? gitOps.checkoutNewBranch(session.repoPath, session.worktreePath, session.branch, session.baseBranch)
        : gitOps.addWorktree(session.repoPath, session.worktreePath, session.branch, session.baseBranch);
    // git is running now (spawned above): build the session's headless terminal while the CPU waits.
    void prewarmHeadless();
    const added = await adding;
    const worktreeMs = elapsed(t0);
    if (signal.aborted) return this.cancelled(id);
    if (!added.ok) {
      const b = this.deps.backends.get(session.backend);
      if (warm && b.ok) await b.value.cleanup?.(id);
      this.progress(id, 'worktree', 'failed', worktreeMs, added.error.message);
      this.transition(this.index.get(id)!, { state: 'failed', reason: added.error.message }, 'worktree failed');
      return;
    }
    this.progress(id, 'worktree', 'done', worktreeMs, claimed ? `a ready worktree${claimed.broughtForward ? ', brought forward to the base branch\'s head' : ''}` : null);
    this.phase(id, 'worktree', worktreeMs);
    // Not a transition: kept in memory and saved with the next one (off the create path).
    const current = this.index.get(id)!;
    this.index.set({ ...current, phases: { ...current.phases, worktreeMs } });
    if (config && config.ready.count > 0) this.refillReadyAfterFirstOutput(id, session.repoPath, session.baseBranch, config);
    // A ready worktree has its includes; its setup ran when it was made, unless what setup depends on changed since.
    if (claimed && !claimed.setupStale) {
      if (claimed.slot.setup) await this.setupLogs.write(id, claimed.slot.setup);
      return this.prepareAndStart(id, initialInput, signal, warm, docker);
    }
    const included = claimed ? ok() : await includeStep(session.repoPath, session.worktreePath, signal, this.reporter(id));
    if (signal.aborted) return this.cancelled(id);
    if (!included.ok) {
      this.transition(this.index.get(id)!, { state: 'failed', reason: included.error.message }, 'include failed');
      return;
    }
    // The setup command: the agent waits for it unless the repository says otherwise (then it runs
    // alongside, and this create's work, cancellable by stop and delete, lasts until it ended).
    const withPorts = config && session.ports.length > 0 ? { ...config, env: { ...config.env, ...portEnv(session.ports) } } : config;
    const setup = setupStep(id, withPorts, this.scriptTarget(session), signal, this.reporter(id), this.setupLogs);
    if (config?.waitForSetup !== false) {
      const ready = await setup;
      if (signal.aborted) return this.cancelled(id);
      if (!ready.ok) {
        this.transition(this.index.get(id)!, { state: 'failed', reason: ready.error.message }, 'setup failed');
        return;
      }
    } else {
      // Its failure is reported as the setup step's; the agent runs on.
      const unawaited = setup.catch((e: unknown) => (this.deps.onBackgroundError ?? ignoreBackgroundErrors)('provision', e));
      await this.prepareAndStart(id, initialInput, signal, warm, docker);
      await unawaited;
      return;
    }
    await this.prepareAndStart(id, initialInput, signal, warm, docker);
  }

  /** A ready worktree of the session's repository made into its worktree, or null (none ready, or none kept). */
  private async claimReady(session: SessionDto, config: ProjectConfig | null): Promise<Claimed | null> {
    const ready = this.deps.ready;
    if (!ready || !config || config.ready.count === 0) return null;
    const claimed = await ready.claim(session.repoPath, session.baseBranch, session.worktreePath, session.branch, config);
    if (!claimed.ok) {
      // The slot is gone; the create goes on the usual way.
      (this.deps.onBackgroundError ?? ignoreBackgroundErrors)('ready-refill', new Error(`a ready worktree could not be claimed: ${claimed.error.message}`));
      return null;
    }
    return claimed.value;
  }

  /** Ready worktrees are made again after the session's first output (or a failure), off its create path. */
  private refillReadyAfterFirstOutput(id: string, repo: string, baseBranch: string, config: ProjectConfig): void {
    const ready = this.deps.ready;
    if (!ready) return;
    const run = () => {
      sub.dispose();
      clearTimeout(fallback);
      ready.refill(repo, baseBranch, config);
    };
    const sub = this.onDidProgressEmitter.event((p) => {
      if (p.sessionId === id && ((p.phase === 'first-output' && p.status === 'done') || p.status === 'failed')) run();
    });
    const fallback = setTimeout(run, REFILL_FALLBACK_MS);
    fallback.unref();
  }

  /** Where the repository's setup and teardown commands run for `session`. */
  private scriptTarget(session: SessionDto): ScriptTarget {
    return { root: session.repoPath, worktree: session.worktreePath, sessionName: session.name, baseBranch: session.baseBranch };
  }

  /** Prepares the backend (an image) and starts the agent. */
  private async prepareAndStart(id: string, initialInput: string | null, signal: AbortSignal, warm: boolean, docker?: StartSpec['docker']): Promise<void> {
    const session = this.index.get(id)!;
    const backend = this.deps.backends.get(session.backend);
    // A warm container's image is there already: it runs.
    if (backend.ok && backend.value.prepare && !warm) {
      this.progress(id, 'image', 'started', null, null);
      const t1 = process.hrtime.bigint();
      const prepared = await backend.value.prepare(
        docker ? { ...this.startSpec(id), docker } : this.startSpec(id),
        (image) => this.onDidProgressEmitter.fire({ sessionId: id, phase: 'image', status: 'started', elapsedMs: elapsed(t1), message: null, image }),
        signal,
      );
      if (signal.aborted) return this.cancelled(id);
      if (!prepared.ok) {
        this.progress(id, 'image', 'failed', elapsed(t1), prepared.error.message);
        this.transition(this.index.get(id)!, { state: 'failed', reason: prepared.error.message }, 'image failed');
        return;
      }
      this.progress(id, 'image', 'done', elapsed(t1), null);
      this.phase(id, 'image', elapsed(t1));
    }
    await this.startProcess(id, initialInput, signal);
  }

  /** What the backend needs to start (or prepare) the session as it is now. */
  private startSpec(id: string): StartSpec {
    const s = this.index.get(id)!;
    return {
      sessionId: id,
      sessionName: s.name,
      cwd: s.worktreePath,
      command: s.command,
      env: {},
      cols: s.cols,
      rows: s.rows,
      ports: s.ports,
      docker: s.docker ? { ...resolveDocker(undefined, this.deps.settings().docker), info: s.docker } : undefined,
    };
  }

  private async startProcess(id: string, initialInput: string | null, signal: AbortSignal, cancelledAs: CancelledAs = CREATE_CANCELLED): Promise<void> {
    const session = this.index.get(id)!;
    const backend = this.deps.backends.get(session.backend);
    this.progress(id, 'start', 'started', null, null);
    // Loaded before the process starts, so no output can arrive before the host listens.
    await loadHeadless();
    const t0 = process.hrtime.bigint();
    const extra = await this.agentEnv(session);
    if (signal.aborted) return this.cancelled(id, cancelledAs);
    const started = !extra.ok ? extra : backend.ok ? await backend.value.start({ ...this.startSpec(id), env: extra.value.env, envRemove: extra.value.remove }) : backend;
    const startMs = elapsed(t0);
    if (signal.aborted) {
      if (started.ok) {
        await started.value.stop();
        started.value.dispose();
      }
      return this.cancelled(id, cancelledAs);
    }
    if (!started.ok) {
      this.progress(id, 'start', 'failed', startMs, started.error.message);
      this.transition(this.index.get(id)!, { state: 'failed', reason: started.error.message }, 'start failed');
      return;
    }
    const { cols, rows } = this.index.get(id)!;
    const host = await TerminalHost.create(id, started.value, cols, rows);
    this.attachHost(id, host);
    this.progress(id, 'start', 'done', startMs, null);
    this.progress(id, 'first-output', 'started', null, null);
    this.phase(id, 'start', startMs);
    // The warm pool refills after the agent's first output, off the create's critical path.
    let refill: NodeJS.Timeout | undefined;
    if (backend.ok && backend.value.ensureWarm && session.docker) {
      const ensure = backend.value.ensureWarm.bind(backend.value);
      const options = this.startSpec(id).docker;
      const run = () => {
        clearTimeout(refill);
        ensure(session.repoPath, { docker: options });
      };
      refill = setTimeout(run, REFILL_FALLBACK_MS).unref();
      host.onDidFirstOutput(run);
      host.onDidExit(() => clearTimeout(refill));
    }
    const firstOutput = host.onDidFirstOutput(() => {
      firstOutput.dispose();
      const firstOutputMs = elapsed(t0) - startMs;
      this.progress(id, 'first-output', 'done', firstOutputMs, null);
      this.phase(id, 'first-output', firstOutputMs);
      const started = this.createStarted.get(id);
      this.createStarted.delete(id);
      if (started !== undefined) this.phase(id, 'total', elapsed(started));
      const current = this.index.get(id);
      if (current) this.patch(id, { phases: { ...current.phases, firstOutputMs } });
    });
    const before = this.index.get(id)!;
    const docker = before.docker ? { ...before.docker, containerId: started.value.instanceId ?? null } : null;
    this.transition(before, { state: 'working', pid: host.pid, docker, phases: { ...before.phases, startMs } }, 'started');
    this.onDidStartTerminalEmitter.fire(id);
    if (initialInput) typeWhenReady(host, initialInput);
  }

  /**
   * The agent's environment on top of its backend's: the repository's `.berth.json` `env` (read again
   * at each start, so a restart sees an edited file), its ports (`PORT`, `BERTH_PORT_<NAME>`), then
   * Berth's own (the proxy's), which wins; provider keys as the agent takes them (AgentCatalog.agentEnv).
   */
  private async agentEnv(session: SessionDto): Promise<Result<{ env: Record<string, string>; remove: string[] }>> {
    const config = await loadProjectConfig(session.repoPath, this.storedConfig(session.repoPath));
    if (!config.ok) return config;
    const extra = this.deps.sessionEnv ? await this.deps.sessionEnv(session) : ok({ env: {}, remove: [] });
    if (!extra.ok) return extra;
    const agent = this.deps.agents.agentEnv(session.agent, { ...config.value?.env, ...portEnv(session.ports), ...extra.value.env });
    return ok({ env: agent.env, remove: [...extra.value.remove, ...agent.remove] });
  }

  /** The repository's stored settings (used when it has no `.berth.json`). */
  private storedConfig(repoPath: string): BerthConfig | null {
    return this.deps.repoConfig?.(repoPath) ?? null;
  }

  /** A free host port for each of the repository's port names (none without an allocator or names). */
  private async reservePorts(config: ProjectConfig | null): Promise<Result<SessionDto['ports']>> {
    if (!config || config.ports.length === 0 || !this.deps.ports) return ok([]);
    return this.deps.ports.reserve(config.ports);
  }

  private attachHost(id: string, host: TerminalHost): void {
    this.terminals.setLive(id, host);
    host.onDidOutput(() => {
      const current = this.index.get(id);
      if (current && current.state === 'idle' && current.attention.source === 'activity') this.transition(current, { state: 'working' }, null);
    });
    host.onDidExit((info) => this.handleExit(id, host, info));
  }

  /** A create step's reporter for `id` (see worktree-bootstrap.ts). */
  private reporter(id: string): StepReporter {
    return { progress: (phase, status, ms, message) => this.progress(id, phase, status, ms, message), phase: (phase, ms) => this.phase(id, phase, ms) };
  }

  private phase(id: string, phase: PhaseTiming['phase'], ms: number): void {
    const s = this.index.get(id);
    if (s) this.onDidPhaseEmitter.fire({ sessionId: id, backend: s.backend, phase, ms, warm: s.docker?.warm === true });
  }

  /** Resource use sampled for a running session (shown on it; not written to the store). */
  setStats(id: string, stats: { cpuPercent: number; memoryBytes: number; at: number }): void {
    const current = this.index.get(id);
    if (current && this.terminals.getLive(id)) this.remember({ ...current, stats });
  }

  /** The worktree's live git status (status-tracker.ts; shown on the session, not written to the store). */
  setGit(id: string, git: SessionDto['git']): void {
    const current = this.index.get(id);
    if (current && !this.disposed) this.remember({ ...current, git });
  }

  private handleExit(id: string, host: TerminalHost, info: ExitInfo): void {
    this.createStarted.delete(id);
    this.onDidEndTerminalEmitter.fire(id);
    this.terminals.markEnded(id, host);
    const s = this.index.get(id);
    if (!s) return;
    if (info.lost) {
      // The engine went away: whether the agent still runs is unknown until the reconciler looks again.
      this.transition(s, { state: 'unknown', reason: info.reason }, info.reason);
      return;
    }
    const reason = info.reason ?? (info.exitCode === 0 ? null : `exited with code ${info.exitCode}`);
    const unsynced = info.unsynced === undefined ? s.unsynced : info.unsynced;
    this.transition(s, { state: 'exited', exitCode: info.exitCode, reason, pid: null, unsynced }, reason ?? 'exited', this.stoppedByUser.has(id));
  }

  private checkActivity(): void {
    for (const id of this.terminals.liveIds()) {
      const host = this.terminals.getLive(id)!;
      const s = this.index.get(id);
      if (s?.state === 'working' && s.attention.source === 'activity' && host.millisSinceOutput > this.idleAfterMs) this.transition(s, { state: 'idle' }, null);
    }
  }

  private progress(sessionId: string, phase: CreatePhase, status: ProgressDto['status'], ms: number | null, message: string | null) {
    this.onDidProgressEmitter.fire({ sessionId, phase, status, elapsedMs: ms, message });
  }

  /** Saves a change that is not a state transition. */
  private patch(id: string, change: Partial<SessionDto>): void {
    const s = this.index.get(id);
    if (s) this.transition(s, change, null);
  }

  /**
   * Saves and announces a change. Transitions a restart must find are written at once and durably;
   * activity flips and light fields are staged for the next flush (see SessionsRepo).
   */
  private transition(s: SessionDto, change: Partial<SessionDto>, detail: string | null, byUser = false): void {
    if (this.disposed) return;
    if (change.state === 'failed') this.createStarted.delete(s.id);
    const at = now();
    const next: SessionDto = { ...s, ...change, attention: nextAttention(s, change, at, byUser), updatedAt: at };
    if (isLightChange(s, change)) this.deps.sessions.stage(next, s.state, detail);
    else this.deps.sessions.update(next, s.state, detail);
    this.remember(next);
  }

  private remember(s: SessionDto): void {
    this.index.set(s);
    this.onDidUpdateEmitter.fire(s);
  }
}

/**
 * The conversation a restart starts with: the session's own, continued; with `fresh`, a new id.
 * Sessions of agents that don't resume have none.
 */
function nextConversation(s: SessionDto, fresh: boolean): { conversationId: string | null; conversation: Conversation | null } {
  if (s.conversationId === null) return { conversationId: null, conversation: null };
  const conversationId = fresh ? randomUUID() : s.conversationId;
  return { conversationId, conversation: { id: conversationId, resume: !fresh } };
}

/**
 * Types the initial input once the agent has printed something (its prompt), so the echo lands after
 * the prompt as if typed by hand; a silent agent gets it after a short wait.
 */
function typeWhenReady(host: TerminalHost, input: string): void {
  let done = false;
  host.holdInput();
  const type = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    sub.dispose();
    host.releaseInput(input);
  };
  const sub = host.onDidOutput(() => setTimeout(type, PROMPT_SETTLE_MS));
  const timer = setTimeout(type, INITIAL_INPUT_FALLBACK_MS);
}
