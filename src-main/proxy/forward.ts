/**
 * Forwarding one request upstream and streaming the answer back.
 *
 * Through undici's dispatch handler API: no intermediate streams, the response body goes to the client
 * chunk by chunk (SSE event by event), the upstream is paused while the client's socket is full and
 * resumed on drain, and a client that goes away aborts the upstream request. Every response header and
 * body chunk is scrubbed of the injected secret. Redirects are passed back, never followed. A request
 * is retried at most once, only when it has no body and failed before any response byte arrived.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { HOP_BY_HOP_HEADERS } from './rules.js';
import { SecretScrubber } from './scrub.js';
import { createUsageTap, type UsageReading, type UsageTap } from './usage.js';
import { NON_PUBLIC_CODE } from './address-policy.js';

/** What the proxy learns from one forwarded request. */
export interface ForwardResult {
  /** Status sent to the client (an upstream status, or the proxy's own 502/504/403 on failure). */
  status: number;
  bytesUp: number;
  bytesDown: number;
  /** Upstream time to response headers, ms (null: none arrived). */
  upstreamMs: number | null;
  /** performance.now() when the response headers were written to the client (null: never). */
  headersWrittenAt: number | null;
  usage: UsageReading | null;
  /** Why the upstream failed (connect error, timeout, 5xx), for the circuit breaker; null: it answered. */
  upstreamFailure: string | null;
  /** The client went away before the response ended. */
  clientAborted: boolean;
}

export interface ForwardJob {
  req: IncomingMessage;
  res: ServerResponse;
  dispatcher: Dispatcher;
  origin: string;
  /** Path and query for the upstream. */
  path: string;
  /** Flat name/value list, already rewritten. */
  headers: string[];
  /** Strings to mask in the response (the injected key in its forms). */
  secrets: readonly string[];
  /** Read token usage from the response. */
  readUsage: boolean;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

/** Error codes after which a body-less request is retried once (a pooled socket closed under us). */
const RETRIABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** An error body both the Anthropic and OpenAI SDKs read (`error.type`, `error.message`). */
export function sendProxyError(res: ServerResponse, status: number, type: string, message: string, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({ type: 'error', error: { type, message, code: type } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-berth-proxy-error': type, ...extraHeaders });
  res.end(body);
}

function errorStatus(e: Error & { code?: string }): { status: number; type: string } {
  switch (e.code) {
    case NON_PUBLIC_CODE:
      return { status: 403, type: 'berth_private_address' };
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { status: 504, type: 'berth_upstream_timeout' };
    default:
      return { status: 502, type: 'berth_upstream_unreachable' };
  }
}

/** Response headers for the client: hop-by-hop dropped, secrets masked. */
function clientHeaders(headers: IncomingHttpHeaders, scrubber: SecretScrubber): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP_HEADERS.has(name)) continue;
    out[name] = Array.isArray(value) ? value.map((v) => scrubber.scrubString(v)) : scrubber.scrubString(value);
  }
  return out;
}

/** Forwards the request; resolves when the exchange is over (whatever its outcome). */
export function forward(job: ForwardJob): Promise<ForwardResult> {
  const { req, res } = job;
  const result: ForwardResult = { status: 502, bytesUp: 0, bytesDown: 0, upstreamMs: null, headersWrittenAt: null, usage: null, upstreamFailure: null, clientAborted: false };
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  const body = hasBody ? countBytes(req, result) : null;
  const scrubber = new SecretScrubber(job.secrets);

  return new Promise((resolve) => {
    let done = false;
    let controller: Dispatcher.DispatchController | null = null;
    let tap: UsageTap | null = null;
    let retriesLeft = hasBody ? 0 : 1;
    const finish = () => {
      if (done) return;
      done = true;
      res.off('close', onClose);
      resolve(result);
    };
    const onClose = () => {
      if (res.writableFinished) return;
      result.clientAborted = true;
      controller?.abort(new Error('client closed the connection'));
      finish();
    };
    res.on('close', onClose);

    const start = () => {
      const dispatchedAt = performance.now();
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
          if (result.clientAborted) c.abort(new Error('client closed the connection'));
        },
        onResponseStart(_c, statusCode, headers, statusMessage) {
          // 1xx (103 Early Hints): not forwarded; the final response follows.
          if (statusCode < 200 || done) return;
          result.upstreamMs = performance.now() - dispatchedAt;
          result.status = statusCode;
          if (statusCode >= 500) result.upstreamFailure = `HTTP ${statusCode}`;
          if (job.readUsage) tap = createUsageTap(headers['content-type'] as string | undefined);
          res.writeHead(statusCode, statusMessage || undefined, clientHeaders(headers, scrubber));
          // Headers go out in this tick even if no body byte follows (an SSE client sees the stream
          // open); corked until the next tick, so a body that arrived with them (and its end) leaves
          // in the same write.
          res.cork();
          res.flushHeaders();
          process.nextTick(() => res.uncork());
          result.headersWrittenAt = performance.now();
        },
        onResponseData(c, chunk) {
          if (done) return;
          tap?.push(chunk);
          const out = scrubber.push(chunk);
          result.bytesDown += chunk.length;
          if (out.length > 0 && !res.write(out)) {
            c.pause();
            res.once('drain', () => c.resume());
          }
        },
        onResponseEnd() {
          if (done) return;
          const rest = scrubber.flush();
          if (rest.length > 0) res.write(rest);
          result.usage = tap?.end() ?? null;
          res.end(finish);
        },
        onResponseError(_c, error: Error & { code?: string }) {
          if (done) return;
          if (result.headersWrittenAt !== null) {
            // Bytes already went downstream: never retried; the client sees the stream break.
            result.upstreamFailure ??= error.code ?? error.message;
            res.destroy(error);
            finish();
            return;
          }
          if (retriesLeft > 0 && error.code !== undefined && RETRIABLE_CODES.has(error.code) && !result.clientAborted) {
            retriesLeft--;
            start();
            return;
          }
          const mapped = errorStatus(error);
          result.status = mapped.status;
          if (mapped.status !== 403) result.upstreamFailure = error.code ?? error.message;
          sendProxyError(res, mapped.status, mapped.type, `upstream ${job.origin}: ${error.message}`);
          res.once('finish', finish);
          if (res.destroyed || res.writableFinished) finish();
        },
      };
      // dispatch() reports its own argument errors through onResponseError.
      job.dispatcher.dispatch(
        {
          origin: job.origin,
          path: job.path,
          method: req.method as Dispatcher.HttpMethod,
          headers: job.headers,
          // undici takes async iterables as bodies (lib/core/request.js), though its types list only streams.
          body: body as unknown as Readable | null,
          headersTimeout: job.headersTimeoutMs,
          bodyTimeout: job.idleTimeoutMs,
        },
        handler,
      );
    };
    start();
  });
}

/** The request body as it streams to undici, counting bytes (read only when undici pulls). */
async function* countBytes(req: IncomingMessage, result: ForwardResult): AsyncGenerator<Buffer> {
  for await (const chunk of req) {
    result.bytesUp += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
}
