/**
 * The orchestrator's composition root: store, services, backends and transports wired by hand.
 * Runs embedded (Electron utilityProcess) or headless (`berth serve`); never imports electron.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { API_FILE, LOGIN_PATH, type EventFrame } from '../../src-shared/contract.js';
import { Emitter, type Event } from '../../src-shared/lifecycle.js';
import type { DockerSettings } from '../../src-shared/docker.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { AgentCatalog } from '../agents/profiles.js';
import { DockerBackend } from '../backends/docker/docker-backend.js';
import { LocalPtyBackend } from '../backends/local-pty/local-pty-backend.js';
import { BackendRegistry } from '../backends/registry.js';
import { createApi, type Api } from '../server/api.js';
import { createHttpServer } from '../server/http-server.js';
import { AccessGuard } from '../server/security.js';
import { resolveDocker } from '../sessions/backend-options.js';
import { repoWorktreesDir } from '../sessions/naming.js';
import { SessionService } from '../sessions/session-service.js';
import { openDatabase } from '../store/database.js';
import { RecentReposRepo, SettingsRepo } from '../store/misc-repos.js';
import { SessionsRepo } from '../store/sessions-repo.js';
import { secureDataDir, writePrivateFile } from './data-dir.js';
import { acquireLock } from './lock.js';
import { createBenchService } from '../bench-runner/runner.js';
import { createMetrics, followSessions, timedRepo } from './metrics-wiring.js';
import type { ProxyService } from './proxy-wiring.js';
import { reconcile } from './reconciler.js';
import { MemoryKeyProvider } from '../vault/key-provider.js';
import { createHeadlessKeyProvider } from '../vault/secret-service.js';
import { VAULT_FILE, Vault } from '../vault/vault.js';
import { VERSION } from './version.js';

/** A stable id for this data directory's orchestrator, labelled on everything it makes. */
function instanceId(dataDir: string): string {
  const file = path.join(dataDir, 'instance-id');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const id = crypto.randomUUID();
    writePrivateFile(file, id);
    return id;
  }
}

/** How often sessions in state `unknown` (engine unreachable) are checked again. */
const RECONCILE_UNKNOWN_MS = 5_000;

/** Default port of `berth serve`. */
export const DEFAULT_PORT = 7717;

export interface OrchestratorOptions {
  dataDir: string;
  mode: 'desktop' | 'headless';
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The built renderer to serve; null serves the API only. */
  rendererDir?: string | null;
  /** Environment the agents inherit (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * The vault's key, when the desktop app unsealed it with the OS keychain (Electron safeStorage) and
   * passed it in memory; headless, the key comes from the secret service or a 0600 key file.
   */
  vaultKey?: { key: Uint8Array; description: string; warning: string | null };
}

export interface RunningOrchestrator {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  api: Api;
  sessions: SessionService;
  /** Events for every client beyond sessions' (egress asks). */
  events: Event<EventFrame>;
  /** A fresh one-time browser login URL. */
  loginUrl(): string;
  close(): Promise<void>;
}

export async function startOrchestrator(options: OrchestratorOptions): Promise<Result<RunningOrchestrator>> {
  const startedAt = Date.now();
  const dataDir = path.resolve(options.dataDir);
  // Private whatever existed before: the folder 0700, the files Berth keeps in it 0600.
  const secured = secureDataDir(dataDir);
  if (!secured.ok) return secured;
  const lock = acquireLock(dataDir);
  if (!lock.ok) return lock;

  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase(path.join(dataDir, 'berth.db'));
  } catch (e) {
    lock.value.dispose();
    return err('internal', `cannot open the database: ${(e as Error).message}`);
  }
  // BERTH_METRICS=0 switches measuring off (the bench compares create latency with and without it).
  // eslint-disable-next-line prefer-const -- assigned once, below, after the service it measures exists
  let sessions: SessionService;
  const metrics = createMetrics({ db, sessions: () => sessions, enabled: (options.env ?? process.env).BERTH_METRICS !== '0' });
  const sessionsRepo = timedRepo(new SessionsRepo(db), 'sessions', metrics);
  const recentRepos = timedRepo(new RecentReposRepo(db), 'recentRepos', metrics);
  const settings = timedRepo(new SettingsRepo(db), 'settings', metrics);
  const backends = new BackendRegistry();
  backends.register(new LocalPtyBackend(options.env ?? process.env));
  const docker = new DockerBackend(() => settings.get().docker, instanceId(dataDir), options.env ?? process.env, (repo) => repoWorktreesDir(dataDir, repo));
  backends.register(docker);
  const agents = new AgentCatalog(options.env ?? process.env);
  // The proxy starts after the vault opens (below); a session's env waits for it.
  let proxy: ProxyService | null = null;
  sessions = new SessionService({
    dataDir,
    sessions: sessionsRepo,
    recentRepos,
    backends,
    agents,
    settings: () => settings.get(),
    sessionEnv: async (s) => ({
      env: await proxyReady.then((p) => (p.ok ? p.value.sessionEnv(s) : {})),
      // Variables vault entries read their values from never reach an agent.
      remove: vaultEnvSources(),
    }),
  });
  const following = followSessions(metrics, sessions, backends);
  await reconcile(sessions, backends);
  // Sessions whose engine was unreachable are looked at again until it answers; resource use is sampled.
  const timers = [
    setInterval(() => void reconcile(sessions, backends, ['unknown']), RECONCILE_UNKNOWN_MS),
  ];
  for (const t of timers) t.unref();
  // Images kept warm are pulled in the background; failures show when a session needs them.
  void docker.prepull(settings.get().docker.warmImages);
  void docker.track(warmUp(docker, sessions, settings.get().docker));

  const vault = await Vault.open({
    file: path.join(dataDir, VAULT_FILE),
    keyProvider: options.vaultKey
      ? new MemoryKeyProvider(options.vaultKey.key, { description: options.vaultKey.description, warning: options.vaultKey.warning ?? undefined })
      : createHeadlessKeyProvider({ dir: dataDir, env: options.env ?? process.env }),
    env: options.env ?? process.env,
  });
  if (!vault.ok) {
    sessions.dispose();
    following.dispose();
    metrics.dispose();
    db.close();
    lock.value.dispose();
    return err(vault.error.code, `cannot open the credential vault: ${vault.error.message}`);
  }

  const vaultEnvSources = () => vault.value.list().flatMap((c) => (c.source.type === 'env' ? [c.source.variable] : []));
  // The proxy (its CA, TLS and HTTP client modules) starts in the background, off the start-up path:
  // a session starting before it is ready waits for it. If it can't start, sessions run without provider
  // access (they never get real keys either way) and the error is logged and kept for `providers.list`.
  const events = new Emitter<EventFrame>();
  const proxyReady: Promise<Result<ProxyService>> = import('./proxy-wiring.js')
    .then(({ startProxyService }) =>
      startProxyService({
        dataDir,
        settings: () => settings.get(),
        saveEgressRule: (rule) => {
          const egress = settings.get().proxy.egress;
          settings.update({ proxy: { egress: { ...egress, hosts: [...egress.hosts.filter((h) => !(h.host === rule.host && h.sessionId === rule.sessionId)), rule] } } });
        },
        vault: vault.value,
        docker,
        sessionName: (id) => {
          const s = sessions.find(id);
          return s.ok ? s.value.name : null;
        },
        metrics,
      }),
    )
    .then(
      (started) => {
        if (!started.ok) {
          console.error(`berth: cannot start the credential proxy: ${started.error.message}`);
          return err(started.error.code, `the credential proxy is not running: ${started.error.message}`);
        }
        const p = started.value;
        p.egress.onDidAsk((ask) => events.fire({ type: 'event', event: 'egress.ask', ask }));
        p.egress.onDidSettle((e) => events.fire({ type: 'event', event: 'egress.settled', ...e }));
        proxy = p;
        return started;
      },
      (e: Error) => err('internal', `the credential proxy is not running: ${e.message}`),
    );
  const revoking = sessions.onDidEndTerminal((id) => proxy?.revoke(id));
  const closeProxy = async () => {
    const p = await proxyReady;
    if (p.ok) await p.value.close();
  };

  const guard = new AccessGuard();
  let port = options.port ?? DEFAULT_PORT;
  const host = options.host ?? '127.0.0.1';
  const loginUrl = () => `http://${host}:${port}${LOGIN_PATH}?token=${guard.mintLoginToken()}`;
  // The benchmark drives the API in-process (creates sessions like a client); `api` is bound below.
  let apiRef: Api | null = null;
  const bench = createBenchService({
    db,
    dataDir,
    sessions,
    backends,
    docker,
    settings,
    call: (method, params) => apiRef!(method, params),
  });
  const api = createApi({
    docker,
    sessions,
    agents,
    backends,
    recentRepos,
    settings,
    loginUrl,
    vault: vault.value,
    metrics,
    proxy: () => proxyReady,
    bench,
    broadcast: (frame) => events.fire(frame),
    doctor: async () => {
      // Loaded on first use: nothing at start-up needs it.
      const [{ runDoctor }, { dockerDoctorDeps }] = await Promise.all([import('../doctor/doctor.js'), import('../doctor/docker-checks.js')]);
      return runDoctor({
        ...dockerDoctorDeps(docker.engine),
        warmImages: settings.get().docker.warmImages,
        selectedRuntime: settings.get().docker.runtime,
        repos: recentRepos.list().map((r) => r.path).filter((p) => fs.existsSync(p)),
        paths: [
          { label: 'worktrees', path: path.join(dataDir, 'worktrees') },
          { label: 'data', path: dataDir },
        ],
        apiPort: port,
        ownsApiPort: true,
        proxyHealth: async () => {
          const p = await proxyReady;
          return p.ok ? ok() : p;
        },
      });
    },
    systemInfo: () => ({
      version: VERSION,
      dataDir,
      mode: options.mode,
      platform: process.platform,
      pid: process.pid,
      startedAt,
    }),
  });

  apiRef = api;

  let server;
  try {
    server = await createHttpServer({
      host,
      port,
      guard,
      api,
      sessions,
      rendererDir: options.rendererDir ?? null,
      textRoutes: { '/metrics': () => metrics.registry.toPrometheus() },
      events: events.event,
    });
  } catch (e) {
    revoking.dispose();
    bench.dispose();
    await closeProxy();
    vault.value.dispose();
    sessions.dispose();
    following.dispose();
    metrics.dispose();
    db.close();
    lock.value.dispose();
    const code = (e as NodeJS.ErrnoException).code;
    return err(code === 'EADDRINUSE' ? 'conflict' : 'internal', code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use; pass --port 0 for any free port` : `cannot listen: ${(e as Error).message}`);
  }
  const address = server.server.address();
  port = typeof address === 'object' && address ? address.port : port;
  guard.setPort(port);
  const url = `http://${host}:${port}`;
  const apiFile = path.join(dataDir, API_FILE);
  writePrivateFile(apiFile, JSON.stringify({ url, port, token: guard.apiToken, pid: process.pid }));

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      for (const t of timers) clearInterval(t);
      await server.close();
      await docker.pool.close();
      await docker.shutdown();
      await sessions.stopAll();
      sessions.dispose();
      revoking.dispose();
      bench.dispose();
      events.dispose();
      await closeProxy();
      await vault.value.flush();
      vault.value.dispose();
      following.dispose();
      metrics.dispose();
      db.close();
      try {
        const current = JSON.parse(fs.readFileSync(apiFile, 'utf8')) as { pid?: number };
        if (current.pid === process.pid) fs.unlinkSync(apiFile);
      } catch {
        // already gone
      }
      lock.value.dispose();
    })());

  return ok({ url, port, token: guard.apiToken, dataDir, api, sessions, events: events.event, loginUrl, close });
}

/**
 * Warm pool at start: containers an earlier run left in the pool go, and the pool fills for the
 * repository of the latest Docker session with the default options. Nothing happens (not even loading
 * the Docker client) when no pool is configured.
 */
async function warmUp(docker: DockerBackend, sessions: SessionService, settings: DockerSettings): Promise<void> {
  if (settings.warmPoolSize === 0 || settings.warmImages.length === 0) return;
  if (!(await docker.probe()).ok) return;
  await docker.pool.removeLeftovers();
  const repo = sessions.lastRepo('docker');
  if (repo) docker.ensureWarm(repo, { docker: resolveDocker(undefined, settings) });
}
