/**
 * CONNECT mode of the credential proxy (HTTPS_PROXY for tools that cannot change their base URL).
 *
 * Per CONNECT: parse the target strictly (400), check the session's stand-in token in Proxy-Authorization
 * (407), enforce the per-session tunnel cap (429), ask the caller's policy (`decide`), refuse targets that
 * resolve to non-public addresses the caller did not allow (403), then either
 * - intercept: answer 200, terminate TLS with a leaf from the local CA, parse the decrypted HTTP/1.1
 *   requests with an internal http.Server and hand each to `onInterceptedRequest`;
 * - tunnel: connect to the resolved address and pipe bytes both ways, untouched;
 * - deny: 403 with a one-line reason.
 * Idle tunnels are closed; every CONNECT ends in one `onDidClose` record for the audit log.
 */
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { DisposableStore, Emitter, toDisposable, type Disposable, type Event } from '../../../src-shared/lifecycle.js';
import type { Result } from '../../../src-shared/result.js';
import { refusedAddress, resolveAll, type AllowPrivate, type LookupFunction } from '../address-policy.js';
import type { InterceptContext, InterceptedRequestHandler } from './forwarder.js';
import { parseConnectTarget, proxyAuthToken, type ConnectTarget } from './target.js';

/** What the policy says about one CONNECT. */
export type ConnectAction = 'intercept' | 'tunnel' | 'deny';
/** A policy answer: an action, or a denial with the one-line reason the client sees. */
export type ConnectDecision = ConnectAction | { readonly action: 'deny'; readonly reason: string };
/** How a CONNECT ended, for the audit log. */
export type ConnectOutcome = ConnectAction | 'bad_request' | 'unauthorized' | 'over_limit' | 'non_public' | 'failed';

/** One CONNECT from start to close (no header values, no payload). */
export interface ConnectRecord {
  readonly sessionId: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly outcome: ConnectOutcome;
  readonly status: number;
  readonly reason?: string;
  /** Bytes read from / written to the client socket (TLS records included when intercepted). */
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly ms: number;
}

/** Where interception gets its certificates (the LocalCa fits). */
export interface LeafSource {
  leaf(host: string): Promise<Result<{ readonly secureContext: tls.SecureContext }>>;
}

/** Deadlines and caps. */
export interface ConnectLimits {
  /** Open CONNECTs (tunnels and interceptions, pending ones included) per session. */
  maxTunnelsPerSession: number;
  /** A tunnel with no traffic either way for this long is closed. */
  idleTimeoutMs: number;
  /** Deadline for reaching a tunnel's upstream. */
  connectTimeoutMs: number;
  /** Deadline for the client's TLS handshake when intercepting. */
  handshakeTimeoutMs: number;
  /** Deadline for a decrypted request's headers (slowloris inside the tunnel). */
  innerHeadersTimeoutMs: number;
  /** Largest decrypted request head (431 above it). */
  innerMaxHeaderSize: number;
  /** Idle time between requests on an intercepted connection. */
  innerKeepAliveTimeoutMs: number;
}

export const DEFAULT_CONNECT_LIMITS: ConnectLimits = {
  maxTunnelsPerSession: 64,
  idleTimeoutMs: 300_000,
  connectTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  innerHeadersTimeoutMs: 30_000,
  innerMaxHeaderSize: 16_384,
  innerKeepAliveTimeoutMs: 65_000,
};

export interface ConnectProxyOptions {
  /** Certificates for interception. */
  leaves: LeafSource;
  /** The session a stand-in token belongs to, or null. */
  authenticate(token: string): string | null;
  /** Policy for one CONNECT (may wait, e.g. for the user's answer). */
  decide(request: InterceptContext): ConnectDecision | Promise<ConnectDecision>;
  /** Handles each decrypted request of an intercepted tunnel (e.g. `forwardIntercepted(...).handle`). */
  onInterceptedRequest: InterceptedRequestHandler;
  /** Lets a host reach a non-public address (loopback, private, link-local, metadata); default: refuse. */
  allowPrivate?: AllowPrivate;
  /** DNS lookup (tests map names to 127.0.0.1). */
  lookup?: LookupFunction;
  limits?: Partial<ConnectLimits>;
}

/**
 * Options for an http.Server that serves CONNECT: a 16 KiB head cap (431 above it) and header/request
 * deadlines checked every second (slowloris). Pass them to `http.createServer` when the proxy has its own
 * server, or copy them onto the shared one.
 */
export const CONNECT_SERVER_OPTIONS: http.ServerOptions = {
  maxHeaderSize: 16_384,
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
};

const REASON_PHRASES: Record<number, string> = { 200: 'Connection Established', 400: 'Bad Request', 403: 'Forbidden', 407: 'Proxy Authentication Required', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 504: 'Gateway Timeout' };

/** A reason as one printable line (it goes into a response body). */
const oneLine = (s: string) => s.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 200);

/** Handles CONNECT requests; attach to any http.Server (shared with the base-URL proxy or its own). */
export class ConnectProxy implements Disposable {
  private readonly store = new DisposableStore('connect-proxy');
  private readonly onDidCloseEmitter = this.store.add(new Emitter<ConnectRecord>());
  /** One record per CONNECT when it ends. */
  readonly onDidClose: Event<ConnectRecord> = this.onDidCloseEmitter.event;
  private readonly limits: ConnectLimits;
  private readonly perSession = new Map<string, number>();
  private readonly sessionSockets = new Map<string, Set<Duplex>>();
  private readonly sockets = new Set<Duplex>();
  private readonly contexts = new WeakMap<object, InterceptContext>();
  private readonly inner: http.Server;

  constructor(private readonly options: ConnectProxyOptions) {
    this.limits = { ...DEFAULT_CONNECT_LIMITS, ...options.limits };
    this.inner = http.createServer(
      {
        maxHeaderSize: this.limits.innerMaxHeaderSize,
        headersTimeout: this.limits.innerHeadersTimeoutMs,
        requestTimeout: 0, // large git pushes may take long; headersTimeout still bounds a slow head
        keepAliveTimeout: this.limits.innerKeepAliveTimeoutMs,
        connectionsCheckingInterval: CONNECT_SERVER_OPTIONS.connectionsCheckingInterval,
      },
      (req, res) => this.onRequest(req, res),
    );
    // The header deadline is enforced by a timer Node starts on 'listening'; this server never listens
    // (it is fed sockets with emit('connection')), so start it by hand.
    // https://github.com/nodejs/node/blob/v20.x/lib/_http_server.js (setupConnectionsTracking)
    this.inner.emit('listening');
    this.store.add(toDisposable(() => this.inner.close()));
    this.store.add(toDisposable(() => this.inner.closeAllConnections()));
  }

  /** Listener for an http.Server's 'connect' event. */
  readonly handleConnect = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    void this.connect(req, socket, head);
  };

  /** Adds `handleConnect` to `server`; dispose to remove it. */
  attach(server: http.Server): Disposable {
    server.on('connect', this.handleConnect);
    return this.store.add(toDisposable(() => server.off('connect', this.handleConnect)));
  }

  /** Closes every open CONNECT of a session (call when its token is revoked). */
  closeSession(sessionId: string): void {
    for (const s of this.sessionSockets.get(sessionId) ?? []) s.destroy();
  }

  /** Open CONNECTs of a session (pending decisions included). */
  openCount(sessionId: string): number {
    return this.perSession.get(sessionId) ?? 0;
  }

  dispose(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.store.dispose();
  }

  private async connect(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const t0 = performance.now();
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    if (socket instanceof net.Socket) socket.setTimeout(this.limits.idleTimeoutMs, () => socket.destroy());
    let sessionId: string | null = null;
    let target: ConnectTarget | null = null;
    let outcome: ConnectOutcome = 'failed';
    let status = 0;
    let reason: string | undefined;
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (sessionId !== null) {
        const set = this.sessionSockets.get(sessionId);
        set?.delete(socket);
        if (set?.size === 0) this.sessionSockets.delete(sessionId);
        const n = (this.perSession.get(sessionId) ?? 1) - 1;
        if (n <= 0) this.perSession.delete(sessionId);
        else this.perSession.set(sessionId, n);
      }
      const net0 = socket as Partial<net.Socket>;
      this.onDidCloseEmitter.fire({ sessionId, host: target?.host ?? null, port: target?.port ?? null, outcome, status, reason, bytesUp: net0.bytesRead ?? 0, bytesDown: net0.bytesWritten ?? 0, ms: performance.now() - t0 });
    });
    const refuse = (code: number, why: ConnectOutcome, message: string, extra = '') => {
      outcome = why;
      status = code;
      reason = oneLine(message);
      const body = `${reason}\n`;
      socket.end(`HTTP/1.1 ${code} ${REASON_PHRASES[code] ?? 'Error'}\r\n${extra}Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };

    const parsed = parseConnectTarget(req.url);
    if (!parsed.ok) return refuse(400, 'bad_request', parsed.reason);
    target = parsed.value;
    const token = proxyAuthToken(req.headers['proxy-authorization']);
    sessionId = token === null ? null : this.options.authenticate(token);
    if (sessionId === null) return refuse(407, 'unauthorized', 'a valid Berth session token is required', 'Proxy-Authenticate: Basic realm="berth"\r\n');
    const open = (this.perSession.get(sessionId) ?? 0) + 1;
    this.perSession.set(sessionId, open);
    const set = this.sessionSockets.get(sessionId) ?? new Set<Duplex>();
    this.sessionSockets.set(sessionId, set.add(socket));
    if (open > this.limits.maxTunnelsPerSession) return refuse(429, 'over_limit', `too many open tunnels for this session (limit ${this.limits.maxTunnelsPerSession})`);

    const context: InterceptContext = { sessionId, host: target.host, port: target.port };
    try {
      const decision = await this.options.decide(context);
      if (socket.destroyed) return;
      const action = typeof decision === 'string' ? decision : decision.action;
      if (action === 'deny') {
        return refuse(403, 'deny', typeof decision === 'string' ? `${target.host} is not allowed by the egress policy` : decision.reason);
      }
      const addresses = await resolveAll(target.host, this.options.lookup);
      if (socket.destroyed) return;
      const refused = refusedAddress(target.host, addresses, this.options.allowPrivate);
      if (refused !== null) return refuse(403, 'non_public', `${target.host} resolves to the non-public address ${refused}`);
      if (addresses.length === 0) return refuse(502, 'failed', `${target.host} has no address`);
      const established = () => {
        outcome = action;
        status = 200;
      };
      const fail = (code: number, message: string) => refuse(code, 'failed', message);
      if (action === 'tunnel') this.tunnel(socket, head, addresses[0]!.address, target.port, established, fail);
      else await this.intercept(socket, head, context, established, fail);
    } catch (error) {
      if (!socket.destroyed) refuse(502, 'failed', `CONNECT to ${target.host} failed: ${(error as Error).message}`);
    }
  }

  private tunnel(socket: Duplex, head: Buffer, address: string, port: number, established: () => void, fail: (code: number, message: string) => void): void {
    const upstream = net.connect({ host: address, port });
    const connectTimer = setTimeout(() => upstream.destroy(new Error('connect timeout')), this.limits.connectTimeoutMs);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
      established();
      upstream.setTimeout(this.limits.idleTimeoutMs, () => upstream.destroy());
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    upstream.on('error', (error) => {
      clearTimeout(connectTimer);
      if (!connected) fail(error.message === 'connect timeout' ? 504 : 502, `cannot reach ${address}:${port}: ${error.message}`);
      else socket.destroy();
    });
    upstream.on('close', () => {
      clearTimeout(connectTimer);
      if (connected) socket.destroy();
    });
    socket.once('close', () => upstream.destroy());
  }

  private async intercept(socket: Duplex, head: Buffer, context: InterceptContext, established: () => void, fail: (code: number, message: string) => void): Promise<void> {
    const leaf = await this.options.leaves.leaf(context.host);
    if (socket.destroyed) return;
    if (!leaf.ok) return fail(502, `cannot intercept ${context.host}: ${leaf.error.message}`);
    established();
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    // The leaf is chosen by the CONNECT host, not by SNI: a client that names another host in SNI fails
    // its own certificate check instead of getting a certificate for a host it did not CONNECT to.
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: leaf.value.secureContext, ALPNProtocols: ['http/1.1'] });
    const handshake = setTimeout(() => secure.destroy(), this.limits.handshakeTimeoutMs);
    secure.once('secure', () => clearTimeout(handshake));
    secure.on('error', () => secure.destroy());
    secure.once('close', () => {
      clearTimeout(handshake);
      socket.destroy();
    });
    this.contexts.set(secure, context);
    this.inner.emit('connection', secure);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const context = this.contexts.get(req.socket);
    if (!context) {
      res.writeHead(500).end();
      return;
    }
    try {
      this.options.onInterceptedRequest(req, res, context);
    } catch {
      if (!res.headersSent) res.writeHead(500, { connection: 'close' }).end('the intercepted request handler failed\n');
      else res.destroy();
    }
  }
}

/** A standalone CONNECT proxy server (tests, benchmarks, or when it gets its own port). */
export interface ConnectProxyServer extends Disposable {
  readonly server: http.Server;
  readonly port: number;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/**
 * Serves `proxy` on its own http.Server bound to `host` (loopback by default); requests other than
 * CONNECT get 405.
 */
export async function listenConnectProxy(proxy: ConnectProxy, options: { host?: string; port?: number; serverOptions?: http.ServerOptions } = {}): Promise<ConnectProxyServer> {
  const server = http.createServer({ ...CONNECT_SERVER_OPTIONS, ...options.serverOptions }, (_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain', connection: 'close' }).end('this port serves CONNECT only\n');
  });
  const detach = proxy.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      detach.dispose();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { server, port: (server.address() as net.AddressInfo).port, close, dispose: () => void close() };
}
