/**
 * `berth bench`'s overhead figures:
 * - `proxy.latency` / `proxy.added`: an Anthropic Messages call through Berth's credential proxy code
 *   (a private CredentialProxy in this process, the same code and route handling as the orchestrator's,
 *   without its audit database) against the same call straight to a small JSON upstream on loopback;
 * - `api.rps`: `system.info` requests per second through the orchestrator's API function (schema
 *   parsing, dispatch, request metrics) against calling the handler's work directly.
 * Blocks alternate baseline and Berth (A B A B) like every figure.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchFigureDto } from '../../src-shared/bench.js';
import { ok, type Result } from '../../src-shared/result.js';
import { alternate, alternateSteps } from './measure.js';
import { addedFigure, measuredFigure, median, msSince } from './stats.js';

/** Sequential requests per proxy block. */
const PROXY_REQUESTS_PER_BLOCK = 40;
/** Calls per API block. */
const API_CALLS_PER_BLOCK = 500;
/** The stand-in key direct calls send (the upstream checks nothing; it only looks realistic). */
const DIRECT_KEY = 'sk-ant-berth-bench-direct';
/** The "real" key the private proxy injects: the upstream is ours, nothing leaves the machine. */
const BENCH_UPSTREAM_KEY = 'sk-ant-berth-bench-upstream';
/** Session id of the private proxy's stand-in token. */
const BENCH_SESSION = 'berth-bench';
const REQUEST_BODY = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello in five words.' }] });
const ANSWER = JSON.stringify({
  id: 'msg_berth_bench',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [{ type: 'text', text: 'Hello from the bench upstream.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 14, output_tokens: 7 },
});

/** Progress steps `measureProxy` reports for `runs`. */
export const proxySteps = (runs: number) => alternateSteps(runs, 2);
/** Progress steps `measureApi` reports for `runs`. */
export const apiSteps = (runs: number) => alternateSteps(runs, 2);

/** A minimal Anthropic-like upstream on 127.0.0.1: every POST gets the same small JSON message. */
async function startUpstream(): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function post(agent: http.Agent, port: number, pathPrefix: string, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `${pathPrefix}/v1/messages`,
        agent,
        headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'content-length': Buffer.byteLength(REQUEST_BODY) },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode} from ${pathPrefix || 'the upstream'}`))));
      },
    );
    req.on('error', reject);
    req.end(REQUEST_BODY);
  });
}

/** `proxy.latency` (proxied vs direct, per request) and `proxy.added` (their percentile differences). */
export async function measureProxy(runs: number, onStep: () => void, signal?: AbortSignal): Promise<BenchFigureDto[]> {
  const upstream = await startUpstream();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Loaded when a benchmark runs, not with the orchestrator (the proxy's modules are heavy to load).
  const { CredentialProxy } = await import('../proxy/credential-proxy.js');
  const started = await CredentialProxy.start({
    providers: [{ id: 'anthropic', upstream: `http://127.0.0.1:${upstream.port}`, credential: 'anthropic', allowPrivate: true }],
    decide: () => 'allow',
    resolveCredential: async () => BENCH_UPSTREAM_KEY,
    audit: null,
  });
  if (!started.ok) {
    agent.destroy();
    await upstream.close();
    throw new Error(started.error.message);
  }
  const proxy = started.value;
  try {
    const token = proxy.issueToken(BENCH_SESSION);
    const direct: number[] = [];
    const proxied: number[] = [];
    // Each block's latencies; kept (after the uncounted warm-up round) once alternate reports the block.
    let last: number[] = [];
    const block = (port: number, prefix: string, key: string) => async () => {
      last = [];
      for (let i = 0; i < PROXY_REQUESTS_PER_BLOCK; i++) {
        const t0 = process.hrtime.bigint();
        await post(agent, port, prefix, key);
        last.push(msSince(t0));
      }
      return median(last);
    };
    await alternate(
      runs,
      [block(upstream.port, '', DIRECT_KEY), block(proxy.port!, '/anthropic', token)],
      (counted, side) => {
        if (counted) (side === 0 ? direct : proxied).push(...last);
        onStep();
      },
      signal,
    );
    return [measuredFigure('proxy.latency', 'ms', proxied, direct), addedFigure('proxy.added', 'ms', proxied, direct)];
  } finally {
    agent.destroy();
    await proxy.close();
    await upstream.close();
  }
}

/** `api.rps`: `system.info` calls per second through the API function vs the bare handler work. */
export async function measureApi(runs: number, call: (method: string, params: unknown) => Promise<Result<unknown>>, onStep: () => void, signal?: AbortSignal): Promise<BenchFigureDto[]> {
  const first = await call('system.info', {});
  if (!first.ok) throw new Error(`system.info failed: ${first.error.message}`);
  const info = first.value;
  const bare = async (): Promise<Result<unknown>> => ok(info);
  const rate = (fn: () => Promise<Result<unknown>>) => async () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < API_CALLS_PER_BLOCK; i++) {
      const r = await fn();
      if (!r.ok) throw new Error(`system.info failed: ${r.error.message}`);
    }
    return API_CALLS_PER_BLOCK / (msSince(t0) / 1000);
  };
  const [baseline, berth] = await alternate(runs, [rate(bare), rate(() => call('system.info', {}))], () => onStep(), signal);
  return [measuredFigure('api.rps', 'req/s', berth!, baseline!)];
}
