/**
 * The credential proxy against direct requests to the same fake provider on loopback:
 * - `proxy.added`: added latency of sequential Anthropic Messages calls (p50/p95/p99 of proxied minus
 *   the same percentile direct), with `proxy.latency` the raw figure beside its baseline;
 * - `proxy.sse`: added delivery latency per streamed SSE event (the fake stamps each event with the
 *   monotonic clock at send time; the client subtracts it on arrival);
 * - `proxy.rps`: throughput at a fixed concurrency, proxied vs direct;
 * - `proxy.audit.loss`: proxied throughput with audit on vs off.
 * The fake provider and each proxy run in their own child process (this file, re-run with
 * BERTH_BENCH_PROXY_ROLE set), so client, proxy and upstream don't share an event loop. Runs alternate
 * baseline and Berth (A B A B) so drift hits both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, figure, msSince, reading, type Figure } from '../stats.js';

/**
 * The work is split in short blocks, alternated between baseline and Berth, so a burst of load on
 * the machine hits both sides. Per block: sequential latency requests, throughput requests (with
 * how many are in flight at once), SSE streams.
 */
const BLOCKS_PER_RUN_UNIT = 0.5;
const LATENCY_REQUESTS = 100;
const RPS_REQUESTS = 1_500;
const RPS_CONCURRENCY = 16;
/** Streams per SSE block, events per stream and the fake's pause between events. */
const SSE_STREAMS = 2;
const SSE_EVENTS = 50;
const SSE_INTERVAL_MS = 2;
/** Warm-up requests per target before measuring (connections, JIT). */
const WARMUP = 200;
/** The stand-in key the fake expects on direct calls (the fake checks nothing; it is only realistic). */
const DIRECT_KEY = 'sk-ant-bench-direct';
const BODY = JSON.stringify({ model: 'claude-sonnet-4-5-20250929', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello in five words.' }] });
const STREAM_BODY = JSON.stringify({ model: 'claude-sonnet-4-5-20250929', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Say hello.' }] });

interface Target {
  port: number;
  /** Path prefix: '' direct, '/anthropic' through the proxy. */
  prefix: string;
  key: string;
  agent: http.Agent;
}

// ---- Child processes ----

const SELF = fileURLToPath(import.meta.url);

interface Child {
  child: ChildProcess;
  info: { port: number; token?: string };
  stop(): Promise<void>;
}

/** The loader flags this process runs with (`--import tsx`), without -e / --input-type and the like. */
function loaderArgs(): string[] {
  const keep = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (keep.has(a) && i + 1 < argv.length) out.push(a, argv[++i]!);
    else if ([...keep].some((k) => a.startsWith(`${k}=`))) out.push(a);
  }
  return out;
}

function startChild(role: 'fake' | 'proxy', env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, [...loaderArgs(), SELF], { env: { ...process.env, ...env, BERTH_BENCH_PROXY_ROLE: role }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl === -1) return;
      const info = JSON.parse(out.slice(0, nl)) as Child['info'];
      resolve({
        child,
        info,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`bench ${role} child exited (${code})`)));
  });
}

async function childMain(role: string): Promise<void> {
  const { FakeProvider } = await import('../../src-main/testing/fake-provider.js');
  if (role === 'fake') {
    const fake = await FakeProvider.start({ record: false, stampEvents: true, streamEvents: SSE_EVENTS, eventIntervalMs: SSE_INTERVAL_MS });
    process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
    console.log(JSON.stringify({ port: fake.port }));
    return;
  }
  const { CredentialProxy } = await import('../../src-main/proxy/credential-proxy.js');
  const { AuditWriter } = await import('../../src-main/proxy/audit.js');
  const { openDatabase } = await import('../../src-main/store/database.js');
  const { tempDir } = await import('../harness.js');
  let audit: InstanceType<typeof AuditWriter> | null = null;
  if (process.env.BERTH_BENCH_AUDIT === '1') {
    // As the app does: the store migrates the file, the writer gets its own connection.
    const file = path.join(tempDir('berth-bench-proxy-'), 'berth.db');
    (await openDatabase(file)).close();
    const opened = AuditWriter.open(file);
    if (!opened.ok) throw new Error(opened.error.message);
    audit = opened.value;
  }
  const started = await CredentialProxy.start({
    providers: [{ id: 'anthropic', upstream: `http://127.0.0.1:${process.env.BERTH_BENCH_FAKE_PORT}`, credential: 'anthropic', allowPrivate: true }],
    decide: () => 'allow',
    resolveCredential: async () => 'sk-ant-bench-real-key',
    audit,
  });
  if (!started.ok) throw new Error(started.error.message);
  const proxy = started.value;
  process.once('SIGTERM', () => {
    audit?.dispose();
    void proxy.close().then(() => process.exit(0));
  });
  console.log(JSON.stringify({ port: proxy.port, token: proxy.issueToken('bench') }));
}

// ---- Client ----

function post(t: Target, body: string, onData?: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: t.port, method: 'POST', path: `${t.prefix}/v1/messages`, agent: t.agent, headers: { 'x-api-key': t.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          onData?.(c);
        });
        res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function latencies(t: Target): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    const t0 = process.hrtime.bigint();
    await post(t, BODY);
    out.push(msSince(t0));
  }
  return out;
}

async function rps(t: Target): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: RPS_CONCURRENCY }, async () => {
      while (next++ < RPS_REQUESTS) await post(t, BODY);
    }),
  );
  return RPS_REQUESTS / (msSince(t0) / 1000);
}

/** Per-event delivery latency (ms) of SSE_STREAMS streams: arrival minus the fake's send stamp. */
async function sseDelays(t: Target): Promise<number[]> {
  const out: number[] = [];
  for (let s = 0; s < SSE_STREAMS; s++) {
    let carry = '';
    await post(t, STREAM_BODY, (chunk) => {
      const now = process.hrtime.bigint();
      const text = carry + chunk.toString('utf8');
      const re = /t=(\d+);/g;
      let m: RegExpExecArray | null;
      let last = 0;
      while ((m = re.exec(text)) !== null) {
        out.push(Number(now - BigInt(m[1]!)) / 1e6);
        last = re.lastIndex;
      }
      // A stamp cut by a chunk boundary is completed by the next chunk.
      carry = text.slice(Math.max(last, text.length - 32));
    });
  }
  return out;
}

/** Percentile differences of two sample sets, as a figure (baseline: the direct p50). */
function added(id: string, berth: number[], base: number[], goal: string): Figure {
  const a = [...berth].sort((x, y) => x - y);
  const b = [...base].sort((x, y) => x - y);
  const d = (p: number) => Number((percentile(a, p) - percentile(b, p)).toFixed(3));
  return { id, value: d(50), unit: 'ms', baseline: null, ratio: null, p50: d(50), p95: d(95), p99: d(99), runs: berth.length, goal };
}

export async function benchProxy(runs: number): Promise<Figure[]> {
  const rounds = Math.max(4, Math.round(runs * BLOCKS_PER_RUN_UNIT));
  const fake = await startChild('fake');
  const children: Child[] = [fake];
  const agents: http.Agent[] = [];
  try {
    const on = await startChild('proxy', { BERTH_BENCH_FAKE_PORT: String(fake.info.port), BERTH_BENCH_AUDIT: '1' });
    children.push(on);
    const off = await startChild('proxy', { BERTH_BENCH_FAKE_PORT: String(fake.info.port), BERTH_BENCH_AUDIT: '0' });
    children.push(off);
    const target = (port: number, prefix: string, key: string): Target => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: RPS_CONCURRENCY });
      agents.push(agent);
      return { port, prefix, key, agent };
    };
    const direct = target(fake.info.port, '', DIRECT_KEY);
    const proxied = target(on.info.port, '/anthropic', on.info.token!);
    const proxiedNoAudit = target(off.info.port, '/anthropic', off.info.token!);
    for (const t of [direct, proxied, proxiedNoAudit]) for (let i = 0; i < WARMUP; i++) await post(t, BODY);

    const lat = { direct: [] as number[], proxied: [] as number[] };
    const sse = { direct: [] as number[], proxied: [] as number[] };
    const thr = { direct: [] as number[], proxied: [] as number[], on: [] as number[], off: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      lat.direct.push(...(await latencies(direct)));
      lat.proxied.push(...(await latencies(proxied)));
      sse.direct.push(...(await sseDelays(direct)));
      sse.proxied.push(...(await sseDelays(proxied)));
      thr.direct.push(await rps(direct));
      thr.proxied.push(await rps(proxied));
      thr.off.push(await rps(proxiedNoAudit));
      thr.on.push(await rps(proxied));
    }
    const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
    return [
      added('proxy.added', lat.proxied, lat.direct, '≤ 0.5 ms p50, ≤ 1 ms p99'),
      figure('proxy.latency', 'ms', lat.proxied, lat.direct, 'no goal (raw figure behind proxy.added)'),
      added('proxy.sse', sse.proxied, sse.direct, `≤ 1 ms p99 per event (${SSE_EVENTS} events, ${SSE_INTERVAL_MS} ms apart)`),
      reading('proxy.rps', 'req/s', median(thr.proxied), median(thr.direct), rounds * RPS_REQUESTS, `≥ 0.5× direct (${RPS_CONCURRENCY} in flight)`),
      reading('proxy.audit.loss', 'req/s', median(thr.on), median(thr.off), rounds * RPS_REQUESTS, 'audit on ≥ 0.95× audit off (≤ 5 % loss)'),
    ];
  } finally {
    for (const a of agents) a.destroy();
    for (const c of children.reverse()) await c.stop();
  }
}

// Re-run as a child (see the file comment): serve, print the port line, wait for SIGTERM.
const role = process.env.BERTH_BENCH_PROXY_ROLE;
if (role) await childMain(role);
