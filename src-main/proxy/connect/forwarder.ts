/**
 * The default handler for requests decrypted in CONNECT mode: rewrite the headers (the rules module strips
 * client credentials and injects the real one), send the request to the CONNECT target over TLS through a
 * keep-alive undici Agent, and stream the answer back with backpressure. Redirects are passed to the client,
 * never followed; the upstream is always the CONNECT target, whatever the Host header says (a mismatch is
 * refused with 421), so a request cannot carry an injected credential to another host.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Agent, Dispatcher } from 'undici';
import type { Disposable } from '../../../src-shared/lifecycle.js';
import { normalizeHost } from '../ca/name-constraints.js';
import { loadUndici } from '../undici-loader.js';
import { guardedLookup, NON_PUBLIC_CODE, type AllowPrivate, type LookupFunction } from '../address-policy.js';
import { formatAuthority } from './target.js';

/** Header map handed to `rewrite`: lowercase names, repeated headers as arrays. */
export type ProxyHeaders = Record<string, string | string[]>;

/** Which CONNECT tunnel a decrypted request came through. */
export interface InterceptContext {
  readonly sessionId: string;
  readonly host: string;
  readonly port: number;
}

/** What `rewrite` learns about the request's destination. */
export interface RewriteContext extends InterceptContext {
  readonly scheme: 'https';
}

/** Handles one decrypted request (the caller's `onInterceptedRequest`). */
export type InterceptedRequestHandler = (req: IncomingMessage, res: ServerResponse, context: InterceptContext) => void;

/** One forwarded request, for the audit log (no header values, no bodies). */
export interface ForwardRecord extends InterceptContext {
  readonly method: string;
  /** Request path without its query string. */
  readonly path: string;
  /** Upstream status, or the status the forwarder answered itself (421, 405, 502, 504, …). */
  readonly status: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly ms: number;
  readonly error?: string;
}

export interface ForwarderOptions {
  /** Turns the client's headers into the upstream's (strip client credentials, inject the real one). */
  rewrite(headers: ProxyHeaders, context: RewriteContext): ProxyHeaders;
  /** Optional pass over the response headers before they go back to the client. */
  rewriteResponse?(headers: ProxyHeaders, context: RewriteContext): ProxyHeaders;
  /** Upstream trust roots (PEM); default: Node's bundled roots. Tests pass their own CA here. */
  ca?: string | string[];
  /** DNS lookup for upstream hosts (tests map `git.test` to 127.0.0.1). */
  lookup?: LookupFunction;
  /** Lets a host reach a non-public address (loopback, private, link-local); default: refuse all. */
  allowPrivate?: AllowPrivate;
  /** Upstream TCP+TLS connect deadline. */
  connectTimeoutMs?: number;
  /** Deadline for the upstream's response headers. */
  headersTimeoutMs?: number;
  /** Longest silence inside the upstream's response body. */
  bodyTimeoutMs?: number;
  /** How long an idle upstream connection stays pooled. */
  keepAliveTimeoutMs?: number;
  /** Called once per request when it ends (completed, failed or aborted). */
  onDidForward?(record: ForwardRecord): void;
}

/** The default intercepted-request handler and its connection pool. */
export interface InterceptedForwarder extends Disposable {
  readonly handle: InterceptedRequestHandler;
  /** Closes the upstream pool gracefully. */
  close(): Promise<void>;
}

/** Default upstream connect deadline. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Default wait for upstream response headers (LLM calls can think for a while). */
const HEADERS_TIMEOUT_MS = 300_000;
/** Default longest gap inside a response body. */
const BODY_TIMEOUT_MS = 300_000;
/** Default idle time of a pooled upstream connection. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;
const HTTPS_PORT = 443;

/** Hop-by-hop headers (RFC 9110 §7.6.1) and ones undici or the proxy set themselves. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'host']);

function collectHeaders(rawHeaders: readonly string[]): ProxyHeaders {
  const out: ProxyHeaders = {};
  const dropped = new Set(HOP_BY_HOP);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') for (const t of rawHeaders[i + 1]!.split(',')) dropped.add(t.trim().toLowerCase());
  }
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (dropped.has(name)) continue;
    const value = rawHeaders[i + 1]!;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function responseHeaders(headers: Record<string, string | string[] | undefined>): ProxyHeaders {
  const out: ProxyHeaders = {};
  const dropped = new Set(HOP_BY_HOP);
  dropped.delete('host');
  const connection = headers.connection;
  for (const v of [connection ?? []].flat()) for (const t of v.split(',')) dropped.add(t.trim().toLowerCase());
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !dropped.has(name)) out[name] = value;
  return out;
}

/** Whether the request's Host header names the CONNECT target (absent counts as yes). */
function hostMatches(hostHeader: string | undefined, target: InterceptContext): boolean {
  if (hostHeader === undefined) return true;
  const m = /^(\[[^\]]+\]|[^:]+)(?::([0-9]{1,5}))?$/.exec(hostHeader.trim());
  if (!m) return false;
  const port = m[2] === undefined ? HTTPS_PORT : Number(m[2]);
  return normalizeHost(m[1]!) === target.host && port === target.port;
}

function answer(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`${message}\n`);
}

/** Sends decrypted requests to their CONNECT target over TLS with rewritten headers. */
export function forwardIntercepted(options: ForwarderOptions): InterceptedForwarder {
  // The upstream pool, made on the first intercepted request (undici loads then).
  let agent: Promise<Agent> | null = null;
  const upstream = () =>
    (agent ??= loadUndici().then(
      ({ Agent: UndiciAgent }) =>
        new UndiciAgent({
          connect: { ca: options.ca, lookup: guardedLookup(options.allowPrivate, options.lookup), timeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS },
          keepAliveTimeout: options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS,
          headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
          bodyTimeout: options.bodyTimeoutMs ?? BODY_TIMEOUT_MS,
        }),
    ));

  const handle: InterceptedRequestHandler = (req, res, target) => {
    const t0 = performance.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0]!;
    let bytesUp = 0;
    let bytesDown = 0;
    let status = 0;
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      options.onDidForward?.({ ...target, method, path, status, bytesUp, bytesDown, ms: performance.now() - t0, ...(error ? { error } : {}) });
    };
    const refuse = (code: number, message: string) => {
      status = code;
      answer(res, code, message);
      finish(message);
    };

    if (method === 'TRACE' || method === 'CONNECT') return refuse(405, `${method} is not allowed through the Berth proxy`);
    if (!url.startsWith('/')) return refuse(400, 'request target must be a path');
    if (!hostMatches(req.headers.host, target)) return refuse(421, 'Host header does not match the CONNECT target');

    const authority = formatAuthority(target.host, target.port);
    const context: RewriteContext = { ...target, scheme: 'https' };
    let headers: ProxyHeaders;
    try {
      headers = options.rewrite(collectHeaders(req.rawHeaders), context);
    } catch (error) {
      return refuse(500, `rewriting the request failed: ${(error as Error).message}`);
    }
    headers.host = formatAuthority(target.host, target.port, HTTPS_PORT);

    const declared = Number(req.headers['content-length']);
    const hasBody = req.headers['transfer-encoding'] !== undefined || declared > 0;
    let body: Dispatcher.DispatchOptions['body'] = null;
    if (hasBody && Number.isFinite(declared)) {
      bytesUp = declared; // undici checks the body against it
      body = req;
    } else if (hasBody) {
      body = Readable.from(
        (async function* count() {
          for await (const chunk of req as AsyncIterable<Buffer>) {
            bytesUp += chunk.length;
            yield chunk;
          }
        })(),
        { objectMode: false },
      );
    } else {
      req.resume();
    }

    let controller: Dispatcher.DispatchController | null = null;
    res.on('close', () => {
      if (!res.writableFinished) {
        controller?.abort(new Error('client went away'));
        finish('client closed the connection');
      }
    });
    const dispatch = (pool: Agent) => {
      // The client may have gone while undici loaded.
      if (res.destroyed) return;
      pool.dispatch(
        { origin: `https://${authority}`, path: url, method, headers, body },
        {
          onRequestStart(c) {
            controller = c;
          },
          onResponseStart(c, statusCode, upstreamHeaders, statusMessage) {
            if (statusCode < 200) return; // 1xx: the server sends its own 100-continue
            status = statusCode;
            let out = responseHeaders(upstreamHeaders);
            if (options.rewriteResponse) out = options.rewriteResponse(out, context);
            res.writeHead(statusCode, statusMessage, out);
          },
          onResponseData(c, chunk) {
            bytesDown += chunk.length;
            if (!res.write(chunk)) {
              c.pause();
              res.once('drain', () => c.resume());
            }
          },
          onResponseEnd() {
            res.end();
            finish();
          },
          onResponseError(_c, error) {
            const code = (error as NodeJS.ErrnoException).code;
            const cause = ((error as { cause?: NodeJS.ErrnoException }).cause ?? error) as NodeJS.ErrnoException;
            if (cause.code === NON_PUBLIC_CODE) refuse(403, cause.message);
            else if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') refuse(504, `upstream ${authority} timed out`);
            else refuse(502, `upstream ${authority} failed: ${cause.message}`);
          },
        },
      );
    };
    upstream()
      .then(dispatch)
      .catch((error: unknown) => refuse(500, `forwarding failed: ${(error as Error).message}`));
  };

  return {
    handle,
    close: async () => {
      const a = await agent?.catch(() => null);
      await a?.close();
    },
    dispose: () => void agent?.then((a) => a.destroy()).catch(() => undefined),
  };
}
