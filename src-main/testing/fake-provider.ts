/**
 * A fake LLM provider on 127.0.0.1 that speaks the real wire formats, for tests and benchmarks:
 * - Anthropic Messages: `POST /v1/messages`, JSON or `stream: true` SSE (message_start,
 *   content_block_start, ping, content_block_delta…, content_block_stop, message_delta, message_stop);
 * - OpenAI Chat Completions: `POST /v1/chat/completions`, JSON or SSE chunks ending in `data: [DONE]`,
 *   with a usage chunk when `stream_options.include_usage` is set;
 * - OpenAI Responses: `POST /v1/responses`, JSON or SSE (`response.created` … `response.completed`);
 * - Gemini: `POST /v1beta/models/<model>:generateContent` and `:streamGenerateContent?alt=sse`.
 * Every other path answers 200 with a small JSON echo of the method and path.
 *
 * It records what it received (headers as sent, body) and can be told to misbehave: answer 429 with
 * retry-after, 529 overloaded, a redirect, a 5xx, slow events, echo a request header back (scrub
 * tests), hold a stream open until released, hang, or drop the connection.
 */
import http from 'node:http';
import { DisposableStore, toDisposable, type Disposable } from '../../src-shared/lifecycle.js';

/** One request as the fake received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  url: string;
  /** Headers as sent (name case preserved, duplicates kept). */
  headers: [string, string][];
  body: string;
}

/** How the fake answers the next request(s). */
export type FakeBehaviour =
  | { type: 'normal' }
  | { type: 'rate-limit'; retryAfter: string }
  | { type: 'overloaded' }
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { type: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
  | { type: 'slow'; delayMs: number }
  | { type: 'echo-header'; name: string }
  | { type: 'gate' }
  | { type: 'hang' }
  | { type: 'destroy' };

export interface FakeProviderOptions {
  /** Content deltas per streamed answer (default 3). */
  streamEvents?: number;
  /** Pause between streamed events, ms (default 0). */
  eventIntervalMs?: number;
  /** Put `process.hrtime.bigint()` at send time into each delta's text (benchmarks: per-event latency). */
  stampEvents?: boolean;
  /** Usage every answer reports (default 25 in, 15 out, no cache). */
  usage?: { input: number; output: number; cacheRead?: number; cacheWrite?: number };
  /** Keep received requests (default true; benchmarks turn it off). */
  record?: boolean;
}

/** Defaults of the reported usage. */
const DEFAULT_USAGE = { input: 25, output: 15, cacheRead: 0, cacheWrite: 0 };

export class FakeProvider implements Disposable {
  readonly received: ReceivedRequest[] = [];
  private readonly queue: FakeBehaviour[] = [];
  private standing: FakeBehaviour = { type: 'normal' };
  private readonly gates = new Set<() => void>();
  private readonly active = new Set<http.ServerResponse>();
  private readonly store = new DisposableStore('fake-provider');
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly server: http.Server,
    private readonly options: FakeProviderOptions,
  ) {
    this.store.add(toDisposable(() => this.release()));
  }

  static async start(options: FakeProviderOptions = {}): Promise<FakeProvider> {
    const server = http.createServer();
    const fake = new FakeProvider(server, options);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next request is answered this way (queued: one per call). */
  next(behaviour: FakeBehaviour): void {
    this.queue.push(behaviour);
  }

  /** Every request from now on is answered this way (until reset). */
  always(behaviour: FakeBehaviour): void {
    this.standing = behaviour;
  }

  reset(): void {
    this.queue.length = 0;
    this.standing = { type: 'normal' };
    this.received.length = 0;
  }

  /** Lets every stream held by a `gate` behaviour finish. */
  release(): void {
    for (const open of [...this.gates]) open();
    this.gates.clear();
  }

  /** Responses still being sent (a client that went away closes its stream). */
  openStreams(): number {
    return this.active.size;
  }

  /** How many times `value` appears in the header values of a received request. */
  static countInHeaders(r: ReceivedRequest, value: string): number {
    return r.headers.reduce((n, [, v]) => n + v.split(value).length - 1, 0);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.active.add(res);
    res.on('close', () => this.active.delete(res));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '/';
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    if (this.options.record !== false) this.received.push({ method: req.method ?? 'GET', url, headers, body });
    const behaviour = this.queue.shift() ?? this.standing;
    switch (behaviour.type) {
      case 'rate-limit':
        return json(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' } }, { 'retry-after': behaviour.retryAfter });
      case 'overloaded':
        return json(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
      case 'status':
        res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
        res.end(behaviour.body ?? JSON.stringify({ error: { message: `status ${behaviour.status}` } }));
        return;
      case 'redirect':
        res.writeHead(behaviour.status ?? 302, { location: behaviour.location, 'content-length': '0' });
        res.end();
        return;
      case 'hang':
        return;
      case 'destroy':
        req.socket.destroy();
        return;
      case 'echo-header':
        return this.echo(req, res, behaviour.name);
      default:
        break;
    }
    let parsed: Record<string, unknown> = {};
    try {
      parsed = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return json(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'body is not JSON' } });
    }
    const spec: ReplySpec = {
      body: parsed,
      events: this.options.streamEvents ?? 3,
      intervalMs: behaviour.type === 'slow' ? behaviour.delayMs : (this.options.eventIntervalMs ?? 0),
      stamp: this.options.stampEvents ?? false,
      usage: { ...DEFAULT_USAGE, ...this.options.usage },
      gate: behaviour.type === 'gate' ? () => new Promise<void>((resolve) => this.gates.add(resolve)) : null,
    };
    const path = url.split('?')[0]!;
    if (req.method === 'POST' && path === '/v1/messages') return writeAnthropic(res, spec);
    if (req.method === 'POST' && path === '/v1/chat/completions') return writeChat(res, spec);
    if (req.method === 'POST' && path === '/v1/responses') return writeResponses(res, spec);
    const gemini = /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
    if (req.method === 'POST' && gemini) return writeGemini(res, spec, gemini[1]!, gemini[2] === 'streamGenerateContent');
    return json(res, 200, { ok: true, method: req.method, path });
  }

  /** Sends a request header's value back in a response header and, split in two writes, in the body. */
  private async echo(req: http.IncomingMessage, res: http.ServerResponse, name: string): Promise<void> {
    const raw = req.headers[name.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
    res.writeHead(200, { 'content-type': 'text/plain', 'x-echo': value });
    const half = Math.floor(value.length / 2);
    res.write(`you sent: ${value.slice(0, half)}`);
    // A pause, so the two halves travel in separate chunks.
    await new Promise((r) => setTimeout(r, 20));
    res.end(`${value.slice(half)} (end)`);
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.store.dispose();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  dispose(): void {
    void this.close();
  }
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

// ---- Wire formats ----

/** What one answer needs: the parsed request, stream shape and reported usage. */
interface ReplySpec {
  body: Record<string, unknown>;
  events: number;
  intervalMs: number;
  stamp: boolean;
  usage: Required<NonNullable<FakeProviderOptions['usage']>>;
  /** Awaited after the first delta (a `gate` behaviour), or null. */
  gate: (() => Promise<void>) | null;
}

/** The answer's text, split into `n` deltas (or one timestamp per delta). */
function deltas(spec: ReplySpec): () => string[] {
  const words = ['Hello', ' from', ' the', ' fake', ' provider', '.'];
  return () =>
    Array.from({ length: Math.max(1, spec.events) }, (_, i) => (spec.stamp ? `t=${process.hrtime.bigint()};` : words[i % words.length]!));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowSec = () => Math.floor(Date.now() / 1000);
const model = (spec: ReplySpec, fallback: string) => (typeof spec.body.model === 'string' ? spec.body.model : fallback);

/** Streams SSE: `events` before/after the deltas, one write per event. */
async function sse(res: http.ServerResponse, spec: ReplySpec, head: string[], delta: (text: string, i: number) => string, tail: () => string[]): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.flushHeaders();
  for (const e of head) res.write(e);
  const n = Math.max(1, spec.events);
  for (let i = 0; i < n; i++) {
    if (res.destroyed) return;
    if (i > 0 && spec.intervalMs > 0) await sleep(spec.intervalMs);
    const text = spec.stamp ? `t=${process.hrtime.bigint()};` : deltas(spec)()[i]!;
    res.write(delta(text, i));
    if (i === 0 && spec.gate) await spec.gate();
  }
  for (const e of tail()) res.write(e);
  res.end();
}

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
const dataLine = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

function writeAnthropic(res: http.ServerResponse, spec: ReplySpec): Promise<void> | void {
  const m = model(spec, 'claude-sonnet-4-5-20250929');
  const u = spec.usage;
  const usage = { input_tokens: u.input, cache_creation_input_tokens: u.cacheWrite, cache_read_input_tokens: u.cacheRead, output_tokens: u.output };
  const id = `msg_fake${Date.now()}`;
  if (spec.body.stream !== true) {
    return json(res, 200, { id, type: 'message', role: 'assistant', model: m, content: [{ type: 'text', text: deltas(spec)().join('') }], stop_reason: 'end_turn', stop_sequence: null, usage });
  }
  return sse(
    res,
    spec,
    [
      event('message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model: m, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }),
      event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event('ping', { type: 'ping' }),
    ],
    (text) => event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
    () => [
      event('content_block_stop', { type: 'content_block_stop', index: 0 }),
      event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: u.output } }),
      event('message_stop', { type: 'message_stop' }),
    ],
  );
}

function writeChat(res: http.ServerResponse, spec: ReplySpec): Promise<void> | void {
  const m = model(spec, 'gpt-4o-mini-2024-07-18');
  const u = spec.usage;
  const usage = { prompt_tokens: u.input + u.cacheRead, completion_tokens: u.output, total_tokens: u.input + u.cacheRead + u.output, prompt_tokens_details: { cached_tokens: u.cacheRead } };
  const base = { id: `chatcmpl-fake${Date.now()}`, created: nowSec(), model: m, system_fingerprint: 'fp_fake' };
  if (spec.body.stream !== true) {
    return json(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: deltas(spec)().join('') }, finish_reason: 'stop' }], usage });
  }
  const opts = spec.body.stream_options as { include_usage?: boolean } | undefined;
  const withUsage = opts?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => dataLine({ ...base, object: 'chat.completion.chunk', choices, ...(withUsage ? { usage: null } : {}), ...extra });
  return sse(
    res,
    spec,
    [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])],
    (text) => chunk([{ index: 0, delta: { content: text }, finish_reason: null }]),
    () => [chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]), ...(withUsage ? [chunk([], { usage })] : []), 'data: [DONE]\n\n'],
  );
}

function writeResponses(res: http.ServerResponse, spec: ReplySpec): Promise<void> | void {
  const m = model(spec, 'gpt-5-2025-08-07');
  const u = spec.usage;
  const usage = { input_tokens: u.input + u.cacheRead, input_tokens_details: { cached_tokens: u.cacheRead }, output_tokens: u.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.input + u.cacheRead + u.output };
  const id = `resp_fake${Date.now()}`;
  const msgId = `msg_fake${Date.now()}`;
  const response = (status: string, text: string | null, withUsage: boolean) => ({
    id,
    object: 'response',
    created_at: nowSec(),
    status,
    model: m,
    output: text === null ? [] : [{ type: 'message', id: msgId, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }],
    usage: withUsage ? usage : null,
  });
  if (spec.body.stream !== true) return json(res, 200, response('completed', deltas(spec)().join(''), true));
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) => event(type, { type, sequence_number: seq++, ...data });
  let full = '';
  return sse(
    res,
    spec,
    [
      ev('response.created', { response: response('in_progress', null, false) }),
      ev('response.output_item.added', { output_index: 0, item: { type: 'message', id: msgId, status: 'in_progress', role: 'assistant', content: [] } }),
      ev('response.content_part.added', { item_id: msgId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    ],
    (text) => {
      full += text;
      return ev('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta: text });
    },
    () => [
      ev('response.output_text.done', { item_id: msgId, output_index: 0, content_index: 0, text: full }),
      ev('response.output_item.done', { output_index: 0, item: { type: 'message', id: msgId, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: full, annotations: [] }] } }),
      ev('response.completed', { response: response('completed', full, true) }),
    ],
  );
}

function writeGemini(res: http.ServerResponse, spec: ReplySpec, modelId: string, stream: boolean): Promise<void> | void {
  const u = spec.usage;
  const usageMetadata = { promptTokenCount: u.input + u.cacheRead, candidatesTokenCount: u.output, totalTokenCount: u.input + u.cacheRead + u.output, ...(u.cacheRead ? { cachedContentTokenCount: u.cacheRead } : {}) };
  const candidate = (text: string, done: boolean) => ({ content: { parts: [{ text }], role: 'model' }, ...(done ? { finishReason: 'STOP' } : {}), index: 0 });
  const responseId = `fake${Date.now()}`;
  if (!stream) return json(res, 200, { candidates: [candidate(deltas(spec)().join(''), true)], usageMetadata, modelVersion: modelId, responseId });
  // Gemini's SSE uses CRLF line ends and reports cumulative usage in every chunk.
  const chunk = (data: unknown) => `data: ${JSON.stringify(data)}\r\n\r\n`;
  return sse(
    res,
    spec,
    [],
    (text, i) => chunk({ candidates: [candidate(text, i === Math.max(1, spec.events) - 1)], usageMetadata, modelVersion: modelId, responseId }),
    () => [],
  );
}
