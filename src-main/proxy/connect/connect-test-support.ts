/**
 * Test and bench rig for CONNECT mode, all on 127.0.0.1: an "upstream" CA and an HTTPS echo server that
 * reports what it received (for `echo.test` and `tunnel.test`, certificates picked by SNI), Berth's local
 * CA for the rule hosts, a stand-in for the rules module (strip client credentials, inject the real one),
 * a lookup that maps `*.test` to 127.0.0.1, and a Node client that speaks CONNECT + TLS by hand.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { LocalCa } from '../ca/local-ca.js';
import type { LookupFunction } from '../address-policy.js';
import { ConnectProxy, listenConnectProxy, type ConnectDecision, type ConnectLimits, type ConnectProxyServer, type ConnectRecord } from './connect-proxy.js';
import { forwardIntercepted, type ForwardRecord, type InterceptedForwarder, type ProxyHeaders } from './forwarder.js';

/** The session token the rig's `authenticate` accepts, and its session id. */
export const TEST_TOKEN = 'stand-in-token-0123456789abcdef';
export const TEST_SESSION = 'session-1';
/** The "real" credentials the rig's rewrite injects (canaries). */
export const REAL_ECHO_AUTH = 'Bearer real-echo-credential-canary';
export const REAL_GIT_AUTH = `Basic ${Buffer.from('x-access-token:real-git-token-canary').toString('base64')}`;
/** Hosts: intercepted (rule hosts), tunnelled, denied, and one that resolves to loopback without permission. */
export const INTERCEPT_HOSTS = ['echo.test', 'git.test'];
export const TUNNEL_HOST = 'tunnel.test';
export const DENIED_HOST = 'denied.test';
export const SNEAKY_HOST = 'sneaky.test';

/** Maps every `*.test` name to 127.0.0.1; anything else goes to the system resolver. */
export const testLookup: LookupFunction = (hostname, options, callback) => {
  if (!hostname.endsWith('.test')) return (dns.lookup as LookupFunction)(hostname, options, callback);
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/** Credential headers the stand-in rules strip (any spelling arrives lowercased). */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'cookie'];

/** A stand-in for the rules module: strips client credentials, injects the real one on rule hosts. */
export function testRewrite(inject: () => boolean) {
  return (headers: ProxyHeaders, context: { host: string; port: number }): ProxyHeaders => {
    const out: ProxyHeaders = {};
    for (const [k, v] of Object.entries(headers)) if (!CREDENTIAL_HEADERS.includes(k)) out[k] = v;
    if (inject()) {
      if (context.host === 'echo.test') out.authorization = REAL_ECHO_AUTH;
      if (context.host === 'git.test') out.authorization = REAL_GIT_AUTH;
    }
    return out;
  };
}

/** Starts an HTTPS server on 127.0.0.1 whose certificates come from `ca` by SNI. */
export async function startHttpsServer(ca: LocalCa, handler: http.RequestListener): Promise<{ server: https.Server; port: number; close(): Promise<void> }> {
  const server = https.createServer(
    {
      SNICallback: (name, cb) => {
        void ca.leaf(name).then((r) => (r.ok ? cb(null, r.value.secureContext) : cb(new Error(r.error.message))));
      },
      keepAliveTimeout: 65_000,
    },
    handler,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What the echo server saw. */
export interface EchoReport {
  method: string;
  path: string;
  host: string | undefined;
  authorization: string | string[] | undefined;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
}

/** Echo handler: answers the request's method, path, headers and body size as JSON. */
export const echoHandler: http.RequestListener = (req, res) => {
  let bodyBytes = 0;
  req.on('data', (c: Buffer) => (bodyBytes += c.length));
  req.on('end', () => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'https://elsewhere.test/' }).end();
      return;
    }
    const report: EchoReport = { method: req.method!, path: req.url!, host: req.headers.host, authorization: req.headers.authorization, headers: req.headers, bodyBytes };
    const body = JSON.stringify(report);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
};

export interface RigOptions {
  caDir: string;
  upstreamCaDir: string;
  limits?: Partial<ConnectLimits>;
  serverOptions?: http.ServerOptions;
}

/** Everything a CONNECT test needs, started and wired; `close()` stops it all. */
export interface ConnectRig {
  berthCa: LocalCa;
  upstreamCa: LocalCa;
  echo: { port: number; close(): Promise<void> };
  proxy: ConnectProxy;
  listener: ConnectProxyServer;
  forwarder: InterceptedForwarder;
  records: ConnectRecord[];
  forwards: ForwardRecord[];
  /** Turn injection off to show what the upstream gets without it. */
  inject: { on: boolean };
  close(): Promise<void>;
}

export async function startConnectRig(options: RigOptions): Promise<ConnectRig> {
  const berth = await LocalCa.open({ dir: options.caDir, hosts: INTERCEPT_HOSTS });
  const upstream = await LocalCa.open({ dir: options.upstreamCaDir, hosts: [...INTERCEPT_HOSTS, TUNNEL_HOST] });
  if (!berth.ok || !upstream.ok) throw new Error('CA setup failed');
  const echo = await startHttpsServer(upstream.value, echoHandler);
  const inject = { on: true };
  const forwards: ForwardRecord[] = [];
  const allowPrivate = (host: string) => [...INTERCEPT_HOSTS, TUNNEL_HOST].includes(host);
  const forwarder = forwardIntercepted({
    rewrite: testRewrite(() => inject.on),
    ca: upstream.value.certPem,
    lookup: testLookup,
    allowPrivate,
    onDidForward: (r) => forwards.push(r),
  });
  const decide = (r: { host: string }): ConnectDecision => {
    if (INTERCEPT_HOSTS.includes(r.host)) return 'intercept';
    if (r.host === DENIED_HOST) return { action: 'deny', reason: `${r.host} is denied by the test policy\r\nX-Injected: yes` };
    return 'tunnel';
  };
  const proxy = new ConnectProxy({
    leaves: berth.value,
    authenticate: (token) => (token === TEST_TOKEN ? TEST_SESSION : null),
    decide,
    onInterceptedRequest: forwarder.handle,
    allowPrivate,
    lookup: testLookup,
    limits: options.limits,
  });
  const records: ConnectRecord[] = [];
  proxy.onDidClose((r) => records.push(r));
  const listener = await listenConnectProxy(proxy, { serverOptions: options.serverOptions });
  return {
    berthCa: berth.value,
    upstreamCa: upstream.value,
    echo,
    proxy,
    listener,
    forwarder,
    records,
    forwards,
    inject,
    async close() {
      await listener.close();
      proxy.dispose();
      await forwarder.close();
      await echo.close();
      berth.value.dispose();
      upstream.value.dispose();
    },
  };
}

/** Basic Proxy-Authorization for the stand-in token. */
export const proxyAuth = (token = TEST_TOKEN) => `Basic ${Buffer.from(`berth:${token}`).toString('base64')}`;

/** Sends CONNECT and resolves with the proxy's status and, on 200, the raw tunnel socket. */
export function openTunnel(proxyPort: number, authority: string, headers: http.OutgoingHttpHeaders = { 'proxy-authorization': proxyAuth() }): Promise<{ status: number; socket: net.Socket; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: authority, headers, agent: false });
    req.once('connect', (res, socket, head: Buffer) => {
      if (res.statusCode === 200) return resolve({ status: 200, socket, body: '' });
      let body = head.toString('utf8');
      socket.on('data', (d: Buffer) => (body += d));
      socket.once('close', () => resolve({ status: res.statusCode ?? 0, socket, body }));
      socket.once('end', () => socket.destroy());
    });
    req.once('error', reject);
    req.end();
  });
}

/** TLS over an open tunnel, trusting only `ca`. */
export function tlsOverTunnel(socket: net.Socket, servername: string, ca: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, servername, ca, ALPNProtocols: ['http/1.1'] }, () => resolve(secure));
    secure.once('error', reject);
  });
}

/** One HTTP/1.1 request over an established (TLS) socket; resolves with status, headers and body text. */
export function requestOver(socket: tls.TLSSocket, options: { host: string; method?: string; path?: string; headers?: http.OutgoingHttpHeaders; body?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { method: options.method ?? 'GET', path: options.path ?? '/', headers: { host: options.host, ...options.headers }, createConnection: () => socket },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

/** Writes raw bytes to `port` and resolves with everything answered before the connection closes. */
export function requestRaw(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('close', () => resolve(text));
    s.on('error', reject);
  });
}

/**
 * A client that does not wait for the proxy's 200: it writes CONNECT and its TLS ClientHello at once (the
 * ClientHello reaches the proxy as the CONNECT's `head`), then strips the 200 from what it reads.
 */
export function pipelinedTls(proxyPort: number, authority: string, servername: string, ca: string): Promise<tls.TLSSocket> {
  const raw = net.connect(proxyPort, '127.0.0.1');
  let pending = Buffer.alloc(0);
  let headerDone = false;
  const duplex = new Duplex({
    read() {
      raw.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      raw.write(chunk, cb);
    },
    final(cb) {
      raw.end();
      cb();
    },
    destroy(error, cb) {
      raw.destroy();
      cb(error);
    },
  });
  raw.on('data', (d: Buffer) => {
    if (headerDone) return void duplex.push(d);
    pending = Buffer.concat([pending, d]);
    const end = pending.indexOf('\r\n\r\n');
    if (end < 0) return;
    headerDone = true;
    if (!pending.subarray(0, end).toString().startsWith('HTTP/1.1 200')) return void duplex.destroy(new Error(pending.toString()));
    const rest = pending.subarray(end + 4);
    if (rest.length > 0) duplex.push(rest);
  });
  raw.on('end', () => duplex.push(null));
  raw.on('error', (e) => duplex.destroy(e));
  // Corked so CONNECT and the ClientHello leave in one segment.
  raw.cork();
  raw.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Authorization: ${proxyAuth()}\r\n\r\n`);
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket: duplex, servername, ca, ALPNProtocols: ['http/1.1'] }, () => resolve(secure));
    secure.once('error', reject);
    setImmediate(() => raw.uncork());
  });
}
