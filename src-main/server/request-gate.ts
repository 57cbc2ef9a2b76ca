/**
 * The first thing every request meets, HTTP and WebSocket upgrade alike, before any routing or URL
 * decoding: anything ambiguous is refused.
 *
 * - the request target must be origin-form (`/path`): absolute-form (`GET http://evil/api/…`) and
 *   authority-form targets name a host of their own;
 * - Host, Origin, Authorization, Sec-Fetch-Site and Sec-WebSocket-Protocol at most once each (Node keeps
 *   the first of two Host headers, a proxy or a check elsewhere may read the second), and Host exactly
 *   one of this server's own names (DNS-rebinding defence);
 * - no foreign Origin, and no request a browser marks as coming from another site (`Sec-Fetch-Site:
 *   same-site` or `cross-site`: other ports of 127.0.0.1 are the same site) except plain page loads;
 * - everything but the renderer's static files and the login needs a credential (security.ts).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { API_PREFIX, LOGIN_PATH, WS_AUTH_PROTOCOL_PREFIX } from '../../src-shared/contract.js';
import type { AccessGuard, Principal } from './security.js';

/** What a request is, for the checks it needs. */
export type RouteKind =
  /** The renderer bundle: public files, loadable by any navigation. */
  | 'static'
  /** `GET /login?token=` (the page) and `POST /login` (the exchange): the token is the credential. */
  | 'login'
  /** Everything else (the API, the WebSocket, /metrics): a credential is required. */
  | 'protected';

export type GateDecision =
  | { ok: true; kind: RouteKind; principal: Principal | null }
  | { ok: false; status: 400 | 401 | 403; message: string };

/** Headers a request may carry once at most. */
const SINGLE_HEADERS = ['host', 'origin', 'authorization', 'sec-fetch-site', 'sec-websocket-protocol', 'content-length'];

/**
 * Paths served without a credential: plain characters only. A percent-escape is never public: whatever
 * decodes it later (a router, the API's method name) could make it name a protected route.
 */
const PUBLIC_PATH = /^\/[A-Za-z0-9._~\-/]*$/;

/** `Sec-Fetch-Site` values of requests from this origin or typed by the user. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/** How many times each header name appears in `rawHeaders`. */
function headerCounts(rawHeaders: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** The secret of `Authorization: Bearer <secret>`, or undefined. */
export function bearerSecret(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  const m = typeof value === 'string' ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(value) : null;
  return m ? m[1] : undefined;
}

/** The login secret offered as a WebSocket subprotocol (`berth.auth.<secret>`), or undefined. */
export function subprotocolSecret(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['sec-websocket-protocol'];
  if (typeof value !== 'string') return undefined;
  const offered = value.split(',').map((p) => p.trim()).filter((p) => p.startsWith(WS_AUTH_PROTOCOL_PREFIX));
  return offered.length === 1 ? offered[0]!.slice(WS_AUTH_PROTOCOL_PREFIX.length) : undefined;
}

/** The request's path class (see RouteKind); `protectedPaths` are exact extra routes (e.g. /metrics). */
export function routeKind(method: string, path: string, upgrade: boolean, protectedPaths: ReadonlySet<string>): RouteKind {
  if (upgrade) return 'protected';
  if (path === LOGIN_PATH && (method === 'GET' || method === 'POST')) return 'login';
  const lower = path.toLowerCase();
  const apiRoot = API_PREFIX.slice(0, -1);
  if ((method === 'GET' || method === 'HEAD') && PUBLIC_PATH.test(path) && !path.includes('//') && !lower.startsWith(apiRoot) && !protectedPaths.has(lower)) {
    return 'static';
  }
  return 'protected';
}

/** The gate of one server: its own host names and origins, and the guard for credentials. */
export class RequestGate {
  private hosts = new Set<string>();
  private origins = new Set<string>();

  constructor(
    private readonly guard: AccessGuard,
    /** Exact paths that need a credential beyond /api (lower case). */
    private readonly protectedPaths: ReadonlySet<string> = new Set(),
  ) {}

  /** Called once the port is known. */
  setPort(port: number): void {
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
    this.origins = new Set([...this.hosts].map((h) => `http://${h}`));
  }

  /** The server's own origin for `host` (an allowed Host header). */
  isOwnOrigin(origin: string | undefined): boolean {
    return origin !== undefined && this.origins.has(origin.toLowerCase());
  }

  /** Decides on one request (see the file comment). Reads only the request line and headers. */
  check(req: Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'rawHeaders'>): GateDecision {
    const url = req.url ?? '';
    if (!url.startsWith('/')) return refuse(400, 'only origin-form request targets (/path) are accepted; absolute-form and authority-form name another host');
    const counts = headerCounts(req.rawHeaders);
    for (const name of SINGLE_HEADERS) {
      if ((counts.get(name) ?? 0) > 1) return refuse(400, `the ${name} header appears more than once`);
    }
    const host = req.headers.host;
    if (!host || !this.hosts.has(host.toLowerCase())) return refuse(403, `Host "${host ?? ''}" is not allowed; use ${[...this.hosts][0] ?? '127.0.0.1'}`);
    const origin = req.headers.origin;
    if (origin !== undefined && !this.isOwnOrigin(origin)) return refuse(403, `cross-origin requests are refused (Origin "${origin}")`);

    const method = req.method ?? 'GET';
    const path = url.split('?')[0]!;
    const upgrade = req.headers.upgrade !== undefined;
    const kind = routeKind(method, path, upgrade, this.protectedPaths);
    const site = req.headers['sec-fetch-site'];
    if (kind !== 'static' && site !== undefined && !OWN_FETCH_SITES.has(site)) {
      return refuse(403, `requests from other sites are refused (Sec-Fetch-Site "${site}"); open Berth's login link by pasting it into the address bar`);
    }
    if (kind !== 'protected') return { ok: true, kind, principal: null };

    const offered = bearerSecret(req.headers) ?? (upgrade ? subprotocolSecret(req.headers) : undefined);
    const principal = this.guard.authenticate(offered);
    if (!principal) {
      return refuse(401, 'missing, wrong or expired credential: open a fresh login link (`berth open`), or send the token from api.json');
    }
    return { ok: true, kind, principal };
  }
}

function refuse(status: 400 | 401 | 403, message: string): GateDecision {
  return { ok: false, status, message };
}
