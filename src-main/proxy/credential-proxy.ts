/**
 * The credential proxy, base-URL mode: per-provider routes (`/<provider>/…`) on loopback that swap the
 * session's stand-in token for the real key on the way to that provider's upstream.
 *
 * Berth's own routes (the attention hooks' `/_berth/hook`) are matched first and handled by their owner.
 * Order per provider request: TRACE refused (405) → route (404) → stand-in token (407) → per-session connection
 * cap (429) → egress decision (403) → circuit breaker (503) → credential from the vault → header
 * rewrite (400 on CR/LF) → forward (streamed, scrubbed) → audit row. The proxy listens where the
 * caller says: loopback by default, or a unix socket (for a container's forwarder).
 */
import http from 'node:http';
import type { Agent } from 'undici';
import type { InjectionRule, ProviderConfig, ProviderDto } from '../../src-shared/proxy.js';
import { DisposableStore, Emitter, toDisposable, type Disposable, type Event } from '../../src-shared/lifecycle.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { guardedLookup, isIpLiteral, isNonPublicAddress } from './address-policy.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { forward, sendProxyError, type ForwardResult } from './forward.js';
import { PriceTable } from './prices.js';
import { defaultProviderConfigs, resolveProvider, standInCandidates, upstreamQuery, type ResolvedProvider } from './providers.js';
import { hasForbiddenChars, isRefusedMethod, matchRule, pairsFromRaw, rewriteHeaders, ruleHeaderNames, secretForms, stripHopByHop, type HeaderPair } from './rules.js';
import { SessionTokens } from './tokens.js';
import { loadUndici } from './undici-loader.js';
import type { AuditRecord, CredentialProxyOptions } from './types.js';

export type { AuditRecord, AuditSink, BerthRoute, CredentialProxyOptions, EgressRequest, RequestTiming } from './types.js';

/** Defaults (see the options). */
const DEFAULT_MAX_PER_SESSION = 64;
const DEFAULT_HEADERS_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_CLIENT_HEADERS_TIMEOUT_MS = 30_000;
/** Idle keep-alive connections to clients are closed after this. */
const CLIENT_KEEP_ALIVE_MS = 65_000;
/** Upstream connect timeout. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Idle upstream keep-alive sockets live this long (unless the server says less), and at most the max. */
const UPSTREAM_KEEP_ALIVE_MS = 30_000;
const UPSTREAM_KEEP_ALIVE_MAX_MS = 10 * 60_000;
/** Dot segments would climb out of a provider's base path (checked after decoding `.`, `/` and `\`). */
const DOT_SEGMENT = /(^|[/\\])\.{1,2}([/\\]|$)/;
const hasDotSegment = (p: string) => DOT_SEGMENT.test(p.replace(/%2e/gi, '.').replace(/%2f/gi, '/').replace(/%5c/gi, '\\'));
/** Request headers never forwarded, beyond hop-by-hop ones. */
const DROP_REQUEST_HEADERS = new Set(['host', 'expect', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']);

export class CredentialProxy implements Disposable {
  private readonly store = new DisposableStore('credential-proxy');
  private readonly tokens = new SessionTokens();
  private readonly inFlight = new Map<string, number>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly statusEmitter = this.store.add(new Emitter<ProviderDto>());
  private readonly requestEmitter = this.store.add(new Emitter<AuditRecord>());
  /** A provider's upstream health changed (breaker opened, closed, failures seen). */
  readonly onDidChangeProviderStatus: Event<ProviderDto> = this.statusEmitter.event;
  /** One request finished (the same row the audit sink gets). */
  readonly onDidRequest: Event<AuditRecord> = this.requestEmitter.event;
  private providerMap = new Map<string, ResolvedProvider>();
  private extraRules: InjectionRule[] = [];
  private ruleHeaders: ReadonlySet<string> = new Set();
  /** Upstream pools (private addresses refused / allowed), made on the first forwarded request. */
  private agents: Promise<{ guarded: Agent; open: Agent }> | null = null;
  private readonly prices: PriceTable;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly server: http.Server,
    private readonly options: CredentialProxyOptions,
  ) {
    this.prices = options.prices ?? PriceTable.bundled();
    this.store.add(toDisposable(() => this.tokens.clear()));
  }

  private upstreamAgents(): Promise<{ guarded: Agent; open: Agent }> {
    this.agents ??= loadUndici().then(({ Agent: UndiciAgent }) => {
      const agentOptions = { keepAliveTimeout: UPSTREAM_KEEP_ALIVE_MS, keepAliveMaxTimeout: UPSTREAM_KEEP_ALIVE_MAX_MS };
      return {
        guarded: new UndiciAgent({ ...agentOptions, connect: { timeout: CONNECT_TIMEOUT_MS, lookup: guardedLookup() } }),
        open: new UndiciAgent({ ...agentOptions, connect: { timeout: CONNECT_TIMEOUT_MS } }),
      };
    });
    return this.agents;
  }

  /** Starts listening. Fails (as a value) on a bad provider config or a taken address. */
  static async start(options: CredentialProxyOptions): Promise<Result<CredentialProxy>> {
    const server = http.createServer({ headersTimeout: options.clientHeadersTimeoutMs ?? DEFAULT_CLIENT_HEADERS_TIMEOUT_MS });
    server.keepAliveTimeout = CLIENT_KEEP_ALIVE_MS;
    const proxy = new CredentialProxy(server, options);
    const configured = proxy.setProviders(options.providers ?? defaultProviderConfigs(), options.rules ?? []);
    if (!configured.ok) {
      await proxy.close();
      return configured;
    }
    server.on('request', (req, res) => {
      // A client gone mid-write must not surface as an unhandled 'error'.
      res.on('error', () => undefined);
      proxy.handle(req, res).catch((e: unknown) => {
        sendProxyError(res, 500, 'berth_proxy_internal', `credential proxy error: ${(e as Error).message}`);
        if (res.headersSent && !res.writableEnded) res.destroy();
      });
    });
    const listening = await new Promise<Result<void>>((resolve) => {
      server.once('error', (e) => resolve(err('internal', `credential proxy cannot listen: ${e.message}`)));
      if (options.socketPath) server.listen(options.socketPath, () => resolve(ok()));
      else server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(ok()));
    });
    if (!listening.ok) {
      await proxy.close();
      return listening;
    }
    return ok(proxy);
  }

  /** `http://host:port` of the TCP listener (null on a unix socket). */
  get url(): string | null {
    const a = this.server.address();
    if (a === null || typeof a === 'string') return null;
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  get port(): number | null {
    const a = this.server.address();
    return a === null || typeof a === 'string' ? null : a.port;
  }

  /** The session's stand-in token (made on first call, the same until revoked). */
  issueToken(sessionId: string): string {
    return this.tokens.issue(sessionId);
  }

  /** The session a stand-in token belongs to (CONNECT mode authenticates with the same tokens). */
  sessionOfToken(token: string): string | null {
    return this.tokens.sessionOf(token) ?? null;
  }

  /** Revokes the session's token: its requests get 407 from now on. */
  revokeToken(sessionId: string): void {
    this.tokens.revoke(sessionId);
  }

  /**
   * The variables a session gets for each provider that has a credential: base URLs under `baseUrl`
   * (the proxy as the session reaches it: loopback for local, another address for containers) and the
   * stand-in as every key.
   */
  sessionEnv(sessionId: string, baseUrl: string): Record<string, string> {
    const token = this.tokens.issue(sessionId);
    const base = baseUrl.replace(/\/+$/, '');
    const env: Record<string, string> = {};
    for (const p of this.providerMap.values()) if (p.credential !== null) Object.assign(env, p.env(`${base}/${p.id}`, token));
    return env;
  }

  /** Replaces the providers (and extra rules). All are checked before any is applied. */
  setProviders(configs: readonly ProviderConfig[], rules: readonly InjectionRule[] = this.extraRules): Result<void> {
    const next = new Map<string, ResolvedProvider>();
    for (const c of configs) {
      const r = resolveProvider(c);
      if (!r.ok) return r;
      if (next.has(c.id)) return err('bad_request', `provider ${c.id} is configured twice`);
      next.set(c.id, r.value);
    }
    this.providerMap = next;
    this.extraRules = [...rules];
    const all = [...this.extraRules, ...[...next.values()].flatMap((p) => (p.rule ? [p.rule] : []))];
    this.ruleHeaders = ruleHeaderNames(all);
    return ok();
  }

  /** The providers with their upstream health. */
  providers(): ProviderDto[] {
    return [...this.providerMap.values()].map((p) => this.dto(p));
  }

  private dto(p: ResolvedProvider): ProviderDto {
    const b = this.breakers.get(p.origin);
    return { id: p.id, name: p.name, upstream: p.upstream, credential: p.credential, status: b?.status ?? 'ok', lastError: b?.lastError ?? null };
  }

  private breaker(p: ResolvedProvider): CircuitBreaker {
    let b = this.breakers.get(p.origin);
    if (!b) {
      const origin = p.origin;
      b = new CircuitBreaker(this.options.breaker, () => {
        for (const q of this.providerMap.values()) if (q.origin === origin) this.statusEmitter.fire(this.dto(q));
      });
      this.breakers.set(origin, b);
    }
    return b;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const t0 = performance.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const search = q === -1 ? '' : url.slice(q);
    const slash = pathname.indexOf('/', 1);
    const provider = url.startsWith('/') ? this.providerMap.get(slash === -1 ? pathname.slice(1) : pathname.slice(1, slash)) : undefined;
    const rest = slash === -1 ? '' : pathname.slice(slash);
    const upstreamPath = provider ? provider.basePath + rest || '/' : pathname;
    const own = this.options.routes?.find((r) => r.path === pathname);
    if (own) return own.handle(req, res);
    const row: AuditRecord = {
      at: Date.now(),
      sessionId: null,
      provider: provider?.id ?? null,
      host: provider?.host ?? 'berth-proxy',
      method,
      path: upstreamPath,
      status: null,
      bytesUp: 0,
      bytesDown: 0,
      latencyMs: 0,
      injected: false,
      decision: 'deny',
      model: null,
      tokensIn: null,
      tokensOut: null,
      costUsd: null,
    };
    const refuse = (status: number, type: string, message: string, headers?: Record<string, string>) => {
      sendProxyError(res, status, type, message, headers);
      this.record(row, status, t0);
    };
    if (isRefusedMethod(method)) return refuse(405, 'berth_method_not_allowed', `${method} is never forwarded`, { allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' });
    if (!provider) return refuse(404, 'berth_unknown_route', `no provider route for ${pathname.split('/')[1] ?? ''}; routes: ${[...this.providerMap.keys()].join(', ')}`);
    const headers = pairsFromRaw(req.rawHeaders);
    const sessionId = this.sessionFor(headers, search);
    if (sessionId === null) return refuse(407, 'berth_invalid_token', 'missing, unknown or revoked Berth session token', { 'proxy-authenticate': 'Bearer realm="berth"' });
    row.sessionId = sessionId;
    if (hasDotSegment(rest)) return refuse(400, 'berth_bad_path', 'dot segments are not allowed in proxied paths');

    const count = this.inFlight.get(sessionId) ?? 0;
    const cap = this.options.maxConnectionsPerSession ?? DEFAULT_MAX_PER_SESSION;
    if (count >= cap) return refuse(429, 'berth_connection_cap', `session has ${cap} requests in flight (the cap)`);
    this.inFlight.set(sessionId, count + 1);
    try {
      await this.authorized(req, res, provider, headers, search, row, t0);
    } finally {
      const n = (this.inFlight.get(sessionId) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(sessionId);
      else this.inFlight.set(sessionId, n);
    }
  }

  private async authorized(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    provider: ResolvedProvider,
    headers: HeaderPair[],
    search: string,
    row: AuditRecord,
    t0: number,
  ): Promise<void> {
    const refuse = (status: number, type: string, message: string, extra?: Record<string, string>) => {
      sendProxyError(res, status, type, message, extra);
      this.record(row, status, t0);
    };
    let decision: 'allow' | 'deny';
    try {
      decision = await this.options.decide({ sessionId: row.sessionId!, provider: provider.id, host: provider.host, method: row.method, path: row.path });
    } catch {
      decision = 'deny';
    }
    row.decision = decision;
    if (decision !== 'allow') return refuse(403, 'berth_egress_denied', `egress to ${provider.host} is denied for this session`);
    if (!provider.allowPrivate && isIpLiteral(provider.host) && isNonPublicAddress(provider.host)) return refuse(403, 'berth_private_address', `upstream ${provider.host} is a loopback, private or link-local address`);

    const breaker = this.breaker(provider);
    const admission = breaker.admit();
    if (!admission.ok) {
      return refuse(503, 'berth_circuit_open', `${provider.name} is failing (${breaker.lastError ?? 'errors'}); retrying after a cool-down`, {
        'retry-after': String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000))),
      });
    }
    const match = provider.rule ?? matchRule(this.extraRules, provider);
    let key: string | null = null;
    if (match !== null) {
      let resolved: Awaited<ReturnType<CredentialProxyOptions['resolveCredential']>>;
      try {
        resolved = await this.options.resolveCredential(match.credential);
      } catch {
        resolved = null;
      }
      if (resolved !== null && typeof resolved === 'object') {
        breaker.release();
        return refuse(502, 'berth_credential_locked', `credential ${match.credential} for ${provider.name} is unavailable: ${resolved.unavailable}`);
      }
      key = resolved;
      if (key === null || key.length === 0) {
        breaker.release();
        return refuse(502, 'berth_credential_missing', `credential ${match.credential} for ${provider.name} has no value`);
      }
      if (hasForbiddenChars(key)) {
        breaker.release();
        return refuse(502, 'berth_credential_invalid', `credential ${match.credential} contains a line break or NUL; store it without one`);
      }
    }
    const rewritten = rewriteHeaders(stripHopByHop(headers, DROP_REQUEST_HEADERS), match, key, this.ruleHeaders);
    if (!rewritten.ok) {
      breaker.release();
      return refuse(400, 'berth_bad_header', rewritten.error.message);
    }
    row.injected = match !== null;
    const flat: string[] = [];
    for (const [name, value] of rewritten.value) if (name.toLowerCase() !== 'accept-encoding') flat.push(name, value);
    // Uncompressed responses, so the injected value can be scrubbed and usage read.
    if (match !== null || provider.usage) flat.push('accept-encoding', 'identity');

    const agents = await this.upstreamAgents();
    const result = await forward({
      req,
      res,
      dispatcher: provider.allowPrivate ? agents.open : agents.guarded,
      origin: provider.origin,
      path: row.path + upstreamQuery(search, match !== null),
      headers: flat,
      secrets: match !== null && key !== null ? secretForms(match.format, key) : [],
      readUsage: provider.usage,
      headersTimeoutMs: this.options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
      idleTimeoutMs: this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    });
    if (result.upstreamFailure !== null) breaker.failure(result.upstreamFailure);
    else if (result.upstreamMs !== null) breaker.success();
    else breaker.release();
    this.complete(row, result, t0, provider.id);
  }

  private sessionFor(headers: readonly HeaderPair[], search: string): string | null {
    let found: string | null = null;
    for (const candidate of standInCandidates(headers, search)) {
      const s = this.tokens.sessionOf(candidate);
      if (s === null) continue;
      // Two different sessions' tokens in one request: trust neither.
      if (found !== null && found !== s) return null;
      found = s;
    }
    return found;
  }

  private complete(row: AuditRecord, r: ForwardResult, t0: number, provider: string): void {
    row.bytesUp = r.bytesUp;
    row.bytesDown = r.bytesDown;
    if (r.usage) {
      row.model = r.usage.model;
      row.tokensIn = r.usage.inputTokens + r.usage.cacheWriteTokens + r.usage.cacheReadTokens;
      row.tokensOut = r.usage.outputTokens;
      row.costUsd = this.prices.cost(r.usage);
    }
    if (this.options.onRequestTimed && r.upstreamMs !== null && r.headersWrittenAt !== null) {
      this.options.onRequestTimed({ provider, addedMs: r.headersWrittenAt - t0 - r.upstreamMs, upstreamMs: r.upstreamMs });
    }
    // A client that left before the end is logged with the status it was being sent (or none).
    this.record(row, r.clientAborted && r.headersWrittenAt === null ? null : r.status, t0);
  }

  private record(row: AuditRecord, status: number | null, t0: number): void {
    row.status = status;
    row.latencyMs = performance.now() - t0;
    this.options.audit?.record(row);
    if (this.requestEmitter.hasListeners) this.requestEmitter.fire(row);
  }

  /** Stops listening, drops client connections and upstream pools. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await new Promise<void>((resolve) => {
        if (!this.server.listening) return resolve();
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
      const agents = await this.agents?.catch(() => null);
      if (agents) await Promise.all([agents.guarded.destroy(), agents.open.destroy()]);
      this.store.dispose();
    })();
    return this.closing;
  }

  dispose(): void {
    void this.close();
  }
}
