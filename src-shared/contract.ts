/**
 * The contract: every request, response and event between the orchestrator and its clients.
 *
 * One table, `methods`, names each request with its params and result schema. The WebSocket and
 * MessagePort transports carry `Frame`s; the HTTP API is `POST /api/<method>` with the params as body.
 */
import { z } from 'zod';
import {
  AgentId,
  AgentProfileDto,
  BackendDto,
  BackendId,
  ProgressDto,
  RecentRepoDto,
  RepoInfoDto,
  SessionDto,
  SessionEventDto,
  SetupLogDto,
  SessionName,
  SettingsDto,
  SystemInfoDto,
} from './dto.js';
import { ErrorDto } from './result.js';
import { RepoSettingsDto, RepoSettingsGetParams, RepoSettingsSetParams } from './repo-settings.js';
import { ReadyStatusDto } from './berth-config.js';
import { CacheDto, CacheType, DockerCreateOptions, DockerInfoDto, DockerSettings } from './docker.js';
import { CredentialDeleteRequest, CredentialDto, CredentialListDto, CredentialName, CredentialSetRequest, VaultResetRequest, VaultResetResult, VaultStatusDto } from './credentials.js';
import { DoctorReportDto } from './doctor.js';
import { BenchAdviceDto, BenchProgressDto, BenchRunDto, BenchRunRequest } from './bench.js';
import { EgressAskDto, ProviderSetRequest, ProxySettings } from './proxy-settings.js';
import { AuditRowDto, ProviderDto, UsageDto } from './proxy.js';
import { ChangesDto, CommitDto, CommitParams, DiffDto, DiffParams, DiscardParams, HunkParams, PathsParams } from './changes.js';
import { LandDto, LandParams, PruneItemDto, PruneRunDto, PruneRunParams, PullRequestDto, PullRequestParams, PushDto, PushParams, UpdateDto, UpdateParams } from './changes.js';
import { MetricTimeSeriesDto, MetricWindow, MetricsSnapshotDto, ResourceSampleDto, ResourceTickDto } from './metrics.js';

/** A session is named by its id or its name. */
export const SessionRef = z.object({ ref: z.string().min(1) });

const Empty = z.object({}).strict();

/** Longest prompt accepted; agents get it as one argv element. */
const MAX_PROMPT_CHARS = 100_000;

/** Sessions per `sessions.list` page unless the caller asks for more; and the most one page holds. */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

/** Terminal dimensions accepted from clients. */
const Cols = z.number().int().min(2).max(1000);
const Rows = z.number().int().min(1).max(500);

export const CreateSessionParams = z
  .object({
    repoPath: z.string().min(1, 'choose a repository folder'),
    agent: AgentId,
    backend: BackendId.default('local'),
    prompt: z.string().max(MAX_PROMPT_CHARS).default(''),
    model: z.string().min(1).max(200).optional(),
    name: SessionName.optional(),
    baseBranch: z.string().min(1).max(250).optional(),
    /** Command template for the custom agent: `{prompt}` and `{model}` are replaced per argument. */
    command: z.string().min(1).max(4000).optional(),
    cols: Cols.optional(),
    rows: Rows.optional(),
    /** Docker backend options; defaults from Settings → Docker. */
    docker: DockerCreateOptions.optional(),
  })
  .strict();
export type CreateSessionParams = z.input<typeof CreateSessionParams>;

function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result };
}

/** Every request the orchestrator answers. */
export const methods = {
  'system.info': method(Empty, SystemInfoDto),
  'agents.list': method(Empty, z.array(AgentProfileDto)),
  'backends.list': method(Empty, z.array(BackendDto)),
  'repos.inspect': method(z.object({ path: z.string().min(1) }).strict(), RepoInfoDto),
  'repos.recent': method(Empty, z.array(RecentRepoDto)),
  /** A repository's stored settings (Settings → Repositories), its own file, and its session defaults. */
  'repos.settings.get': method(RepoSettingsGetParams, RepoSettingsDto),
  /** Stores a repository's settings, validated like `.berth.json` (null removes them); used when it has no file. */
  'repos.settings.set': method(RepoSettingsSetParams, RepoSettingsDto),
  /** Settings of every recent repository and every one with stored settings. */
  'repos.settings.list': method(Empty, z.array(RepoSettingsDto)),
  /** Ready worktrees per repository that keeps some (`.berth.json` `ready`): how many, their disk, the last error. */
  'repos.ready': method(Empty, z.array(ReadyStatusDto)),
  /** Newest first, a page at a time (`limit` defaults to DEFAULT_LIST_LIMIT). */
  'sessions.list': method(
    z
      .object({
        archived: z.boolean().optional(),
        limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
        offset: z.number().int().min(0).optional(),
      })
      .strict(),
    z.array(SessionDto),
  ),
  'sessions.get': method(SessionRef.strict(), SessionDto),
  'sessions.events': method(SessionRef.strict(), z.array(SessionEventDto)),
  /** The session's setup command and its output; null when its repository has none. */
  'sessions.setupLog': method(SessionRef.strict(), SetupLogDto.nullable()),
  'sessions.create': method(CreateSessionParams, SessionDto),
  'sessions.stop': method(SessionRef.strict(), SessionDto),
  /**
   * Starts the agent again. An agent with a conversation id continues its conversation (the prompt is
   * not sent again); `fresh` starts a new conversation (a new id, the prompt sent again).
   */
  'sessions.restart': method(SessionRef.extend({ fresh: z.boolean().optional() }).strict(), SessionDto),
  /** The user opened the session: its unread marker clears (see SessionAttentionDto). */
  'sessions.seen': method(SessionRef.strict(), SessionDto),
  'sessions.archive': method(SessionRef.strict(), SessionDto),
  'sessions.unarchive': method(SessionRef.strict(), SessionDto),
  'sessions.delete': method(SessionRef.extend({ force: z.boolean().optional() }).strict(), z.object({ id: z.string() })),
  /** Copies changes not synced back (a Docker volume's) to the worktree again; the session says if it failed. */
  'sessions.sync': method(SessionRef.strict(), SessionDto),
  /**
   * Lands the session branch on its base in the main checkout (squash by default); a conflict (code
   * `conflict`, files after CONFLICT_FILES_HEADER) or a refusal changes nothing.
   */
  'sessions.land': method(LandParams, LandDto),
  /** Rebases (default) or merges the base into the session branch in its worktree; a conflict is aborted and reported. */
  'sessions.update': method(UpdateParams, UpdateDto),
  /** Pushes the session branch to a remote under its own name. */
  'sessions.push': method(PushParams, PushDto),
  /** Opens a pull request with `gh` (the branch must be pushed); unavailable without gh logged in. */
  'sessions.pr': method(PullRequestParams, PullRequestDto),
  /** Worktrees and `berth/*` branches no session owns any more, with their size and unsaved work. */
  'prune.list': method(Empty, z.array(PruneItemDto)),
  /** Removes listed items; one with unsaved work only when its id is in `confirmUnsaved` too. */
  'prune.run': method(PruneRunParams, PruneRunDto),
  /** The terminal's text (scrollback + screen) as plain lines, for `berth logs`. */
  'terminal.text': method(SessionRef.strict(), z.object({ text: z.string() })),
  'settings.get': method(Empty, SettingsDto),
  'settings.update': method(
    SettingsDto.extend({ docker: DockerSettings.partial().strict(), proxy: ProxySettings.partial().strict() }).partial().strict(),
    SettingsDto,
  ),
  /** Engine reachability, runtimes, images and warm pool state. */
  'docker.info': method(Empty, DockerInfoDto),
  /** Persistent caches with their size on disk. */
  'caches.list': method(z.object({ type: CacheType.optional() }).strict(), z.array(CacheDto)),
  /** Removes cache volumes (one type, or all); returns the volumes removed. */
  'caches.clean': method(z.object({ type: CacheType.optional() }).strict(), z.object({ removed: z.array(z.string()) })),
  /** Mints a one-time browser login URL (for `berth open` and `npm start`); refused to a browser login. */
  'auth.loginUrl': method(Empty, z.object({ url: z.string() })),
  /**
   * Ends browser logins: a browser's call ends its own login; the CLI's (API token) or the desktop app's
   * ends every browser login. Their open WebSockets close. Returns how many logins ended.
   */
  'auth.logout': method(Empty, z.object({ revoked: z.number().int().nonnegative() })),
  /** Latency histograms (p50/p95/p99 over a window), gauges and counters. */
  'metrics.snapshot': method(z.object({ window: MetricWindow.optional() }).strict(), MetricsSnapshotDto),
  /** Per-second series for charts (the last `seconds`, at most 600), optionally only some metric names. */
  'metrics.series': method(
    z.object({ seconds: z.number().int().min(1).max(600).optional(), names: z.array(z.string().max(100)).max(50).optional() }).strict(),
    z.array(MetricTimeSeriesDto),
  ),
  /** The same text as `GET /metrics` (Prometheus exposition format). */
  'metrics.text': method(Empty, z.object({ text: z.string() })),
  /**
   * CPU and memory of every session and of Berth, with recent history for sparklines. Asking marks the
   * dashboard as looking: sampling runs every second for a while, then slows down again.
   */
  'resources.get': method(Empty, z.object({ latest: ResourceTickDto.nullable(), history: z.record(z.string(), z.array(ResourceSampleDto)) })),
  /** The credential proxy's providers: upstream, credential in use, health. */
  'providers.list': method(Empty, z.array(ProviderDto)),
  /** Points a provider at another upstream (a gateway, a fake on loopback) or another credential. */
  'providers.set': method(ProviderSetRequest, ProviderDto),
  /** Requests through the proxy, newest first (never header values or bodies). */
  'audit.list': method(
    z.object({ sessionId: z.string().max(64).optional(), limit: z.number().int().min(1).max(1000).optional(), beforeId: z.number().int().optional() }).strict(),
    z.array(AuditRowDto),
  ),
  /** Token use and cost per session and model, from the providers' `usage` fields. */
  'usage.list': method(z.object({ sessionId: z.string().max(64).optional() }).strict(), z.array(UsageDto)),
  /** Requests an "ask" egress policy holds, waiting for the user. */
  'egress.pending': method(Empty, z.array(EgressAskDto)),
  /** Allows or denies a held request; `remember` keeps the answer as a rule (for the session, or always). */
  'egress.answer': method(
    z.object({ id: z.string().max(64), allow: z.boolean(), remember: z.enum(['once', 'session', 'always']).optional() }).strict(),
    z.object({ id: z.string() }),
  ),
  /**
   * Benchmarks this machine: for each available backend, cold (and warm) create → first output against
   * its raw baseline, plus proxy overhead and API throughput; answers when done (progress as events).
   */
  'bench.run': method(BenchRunRequest, BenchRunDto),
  /** Stored benchmark runs, newest first. */
  'bench.list': method(z.object({ limit: z.number().int().min(1).max(100).optional() }).strict(), z.array(BenchRunDto)),
  /** Advice per backend from the latest run (empty before the first). */
  'bench.advice': method(Empty, z.array(BenchAdviceDto)),
  /** Checks engines, repositories, disk, ports, proxy and sandbox; each problem with its fix. */
  'doctor.run': method(Empty, DoctorReportDto),
  /** Stored credentials, masked (values never leave the vault), what protects the vault, and whether it is locked. */
  'credentials.list': method(Empty, CredentialListDto),
  /** Adds or replaces a credential; a typed value is write-only from here on. */
  'credentials.set': method(CredentialSetRequest, CredentialDto),
  'credentials.delete': method(CredentialDeleteRequest.strict(), z.object({ name: CredentialName })),
  /** A session's changes: committed since its base, staged, unstaged; ahead/behind counts. */
  'changes.list': method(SessionRef.strict(), ChangesDto),
  /** Unified diff text of one area (or `all`: the whole change against the base), optionally of one file. */
  'changes.diff': method(DiffParams, DiffDto),
  'changes.stage': method(PathsParams, ChangesDto),
  'changes.unstage': method(PathsParams, ChangesDto),
  /** Stages (or unstages) one hunk named by its `@@` header; a file changed since is a `conflict`. */
  'changes.stageHunk': method(HunkParams, ChangesDto),
  /** Discards the named files' unstaged changes (untracked files are deleted). */
  'changes.discard': method(DiscardParams, ChangesDto),
  'changes.commit': method(CommitParams, CommitDto),
  /** Tries again to unlock a locked vault (a keyring started, a key file restored); the vault's state. */
  'credentials.unlock': method(Empty, VaultStatusDto),
  /** Only while locked: moves the vault file aside as a backup and starts an empty vault. */
  'credentials.reset': method(VaultResetRequest.strict(), VaultResetResult),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodParams<M extends MethodName> = z.input<Methods[M]['params']>;
export type MethodResult<M extends MethodName> = z.infer<Methods[M]['result']>;
export const METHOD_NAMES = Object.keys(methods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** Events pushed from the orchestrator to every connected client. */
export const EventFrame = z.discriminatedUnion('event', [
  z.object({ type: z.literal('event'), event: z.literal('session.updated'), session: SessionDto }),
  z.object({ type: z.literal('event'), event: z.literal('session.removed'), id: z.string() }),
  z.object({ type: z.literal('event'), event: z.literal('session.progress'), progress: ProgressDto }),
  /** A request waits for the user's allow/deny (egress policy "ask"). */
  z.object({ type: z.literal('event'), event: z.literal('egress.ask'), ask: EgressAskDto }),
  /** A benchmark run made progress. */
  z.object({ type: z.literal('event'), event: z.literal('bench.progress'), progress: BenchProgressDto }),
  /** A held request was answered or timed out. */
  z.object({ type: z.literal('event'), event: z.literal('egress.settled'), id: z.string(), allowed: z.boolean(), by: z.enum(['user', 'timeout']) }),
]);
export type EventFrame = z.infer<typeof EventFrame>;

/**
 * Frames a client sends.
 *
 * `req` is a request/response call; the `term.*` frames drive an attached terminal and get no reply
 * (errors for them come back as `term.error`).
 */
export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('req'), id: z.number().int(), method: z.string(), params: z.unknown() }),
  z.object({ type: z.literal('term.attach'), sessionId: z.string(), cols: Cols.optional(), rows: Rows.optional() }),
  z.object({ type: z.literal('term.detach'), sessionId: z.string() }),
  z.object({ type: z.literal('term.input'), sessionId: z.string(), data: z.string().max(1_000_000) }),
  z.object({ type: z.literal('term.resize'), sessionId: z.string(), cols: Cols, rows: Rows }),
  z.object({ type: z.literal('term.ack'), sessionId: z.string(), chars: z.number().int().nonnegative() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Frames the orchestrator sends. */
export const ServerFrame = z.union([
  z.object({
    type: z.literal('res'),
    id: z.number().int(),
    result: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: ErrorDto }),
    ]),
  }),
  EventFrame,
  /** The screen as it is now (serialized escape sequences), sent once on attach before live data. */
  z.object({ type: z.literal('term.snapshot'), sessionId: z.string(), data: z.string(), cols: z.number(), rows: z.number() }),
  z.object({ type: z.literal('term.data'), sessionId: z.string(), data: z.string() }),
  z.object({ type: z.literal('term.exit'), sessionId: z.string(), exitCode: z.number().nullable(), reason: z.string().nullable() }),
  z.object({ type: z.literal('term.error'), sessionId: z.string(), error: ErrorDto }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** HTTP paths. */
export const API_PREFIX = '/api/';
export const WS_PATH = '/api/ws';
export const LOGIN_PATH = '/login';
/**
 * Cookie an older Berth set as the browser's credential. Cookies are not scoped by port, so every web
 * server on 127.0.0.1 received it; it is never accepted, and the login deletes it.
 */
export const LEGACY_SESSION_COOKIE = 'berth_session';

/**
 * The browser login: the page at the one-time link (`GET /login?token=`) posts the token here
 * (`POST /login`, same origin only) and gets a login secret, which it keeps in its own origin's storage
 * (other pages, even on other 127.0.0.1 ports, can't read it) and sends as `Authorization: Bearer` on
 * fetch and as a WebSocket subprotocol (WS_AUTH_PROTOCOL_PREFIX + secret) on the socket.
 */
export const LoginRequest = z.object({ token: z.string().min(1).max(200) }).strict();
export type LoginRequest = z.infer<typeof LoginRequest>;
export const LoginResponse = z.object({
  secret: z.string().min(1),
  /** The login ends after this long without a request. */
  idleTimeoutMs: z.number().int().positive(),
  /** …and at this time (epoch ms) whatever happens. */
  expiresAt: z.number().int().positive(),
});
export type LoginResponse = z.infer<typeof LoginResponse>;
/** The WebSocket subprotocol the server selects (never the credential one). */
export const WS_PROTOCOL = 'berth.v1';
/** Prefix of the subprotocol that carries a browser's login secret (base64url: valid token chars). */
export const WS_AUTH_PROTOCOL_PREFIX = 'berth.auth.';
/** File in the data dir holding `{port, token, pid}` for the CLI (mode 0600). */
export const API_FILE = 'api.json';
