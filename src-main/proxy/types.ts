/**
 * The credential proxy's option and callback types (re-exported by credential-proxy.ts).
 */
import type http from 'node:http';
import type { AuditRowDto, InjectionRule, ProviderConfig } from '../../src-shared/proxy.js';
import type { CircuitBreakerOptions } from './circuit-breaker.js';
import type { PriceTable } from './prices.js';

/** What the egress policy is asked about (path without query). */
export interface EgressRequest {
  sessionId: string;
  provider: string;
  host: string;
  method: string;
  path: string;
}

/** An audit row before it has an id. */
export type AuditRecord = Omit<AuditRowDto, 'id'>;

/** Where audit rows go (AuditWriter implements it). */
export interface AuditSink {
  record(row: AuditRecord): void;
}

/** Per-request timing for metrics: `addedMs` = proxy time to headers minus upstream time to headers. */
export interface RequestTiming {
  provider: string;
  addedMs: number;
  upstreamMs: number;
}

/** A Berth route served on the proxy's listener instead of a provider (the attention hooks' endpoint). */
export interface BerthRoute {
  /** Exact path (no query), e.g. `/_berth/hook`. */
  path: string;
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}

export interface CredentialProxyOptions {
  /** Listen address (default 127.0.0.1); ignored with `socketPath`. */
  host?: string;
  /** Listen port (default 0: any free port). */
  port?: number;
  /** Listen on this unix socket instead of TCP. */
  socketPath?: string;
  /** Providers (default: the built-ins, no credentials). */
  providers?: ProviderConfig[];
  /** Extra injection rules: their headers are stripped from every request; a provider's own rule wins. */
  rules?: InjectionRule[];
  /** The egress policy; the app resolves `ask` before answering. */
  decide(request: EgressRequest): 'allow' | 'deny' | Promise<'allow' | 'deny'>;
  /**
   * The vault: a credential's current value, null when it has none, or why it can't be had now (the
   * vault is locked), which the client is told. Called per request, never cached here.
   */
  resolveCredential(name: string): Promise<string | null | { unavailable: string }>;
  audit?: AuditSink | null;
  prices?: PriceTable;
  onRequestTimed?: (timing: RequestTiming) => void;
  /** Concurrent requests per session; beyond it the proxy answers 429 (default 64). */
  maxConnectionsPerSession?: number;
  /** Upstream time allowed until response headers (default 10 min: a long non-streamed completion). */
  headersTimeoutMs?: number;
  /** Upstream idle time allowed between body chunks (default 5 min). */
  idleTimeoutMs?: number;
  /** Time a client has to send its request headers (default 30 s; slowloris). */
  clientHeadersTimeoutMs?: number;
  breaker?: CircuitBreakerOptions;
  /** Berth's own routes (hooks); matched before provider routes, never audited or forwarded. */
  routes?: BerthRoute[];
}
