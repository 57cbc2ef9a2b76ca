/**
 * `proxy.connect.added`: what CONNECT-mode interception adds to a request. Sequential HTTPS requests to a
 * local TLS echo server, alternating one direct and one through the proxy (CONNECT once, then keep-alive
 * on both sides, as git and npm do), each pair measured back to back; the figure is the per-pair
 * difference. Client, proxy and server share this process, like the baseline.
 * `proxy.connect.handshake`: the first request on a new connection (CONNECT + TLS to the proxy + TLS
 * upstream) against a new direct TLS connection; no goal.
 */
import fs from 'node:fs';
import https from 'node:https';
import { Agent, ProxyAgent, request } from 'undici';
import {
  openTunnel,
  proxyAuth,
  REAL_ECHO_AUTH,
  requestOver,
  startConnectRig,
  testLookup,
  tlsOverTunnel,
  type EchoReport,
} from '../../src-main/proxy/connect/connect-test-support.js';
import { tempDir } from '../harness.js';
import { figure, msSince, type Figure } from '../stats.js';

/** Warm-up requests per side (pools, JIT, leaf cache). */
const WARMUP = 100;
/** Measured request pairs for the keep-alive figure. */
const PAIRS = 2_000;
/** Measured pairs of new connections for the handshake figure. */
const HANDSHAKE_PAIRS = 200;

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return msSince(t0);
}

/** The new-connection request pair: direct TLS vs CONNECT + TLS through the proxy. */
async function handshakePair(rig: Awaited<ReturnType<typeof startConnectRig>>, url: string): Promise<[number, number]> {
  const direct = await timed(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = https.request(url, { agent: false, ca: rig.upstreamCa.certPem, lookup: testLookup }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      }),
  );
  const proxied = await timed(async () => {
    const { socket } = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`, { 'proxy-authorization': proxyAuth() });
    const secure = await tlsOverTunnel(socket, 'echo.test', rig.berthCa.certPem);
    await requestOver(secure, { host: `echo.test:${rig.echo.port}` });
    secure.destroy();
  });
  return [direct, proxied];
}

export async function benchProxyConnect(): Promise<Figure[]> {
  const caDir = tempDir('berth-bench-ca-');
  const upstreamDir = tempDir('berth-bench-upstream-ca-');
  const rig = await startConnectRig({ caDir, upstreamCaDir: upstreamDir });
  const url = `https://echo.test:${rig.echo.port}/bench`;
  const direct = new Agent({ connect: { ca: rig.upstreamCa.certPem, lookup: testLookup }, keepAliveTimeout: 60_000 });
  const proxied = new ProxyAgent({ uri: `http://127.0.0.1:${rig.listener.port}`, token: proxyAuth(), requestTls: { ca: rig.berthCa.certPem }, keepAliveTimeout: 60_000 });
  const get = async (dispatcher: Agent | ProxyAgent) => {
    const res = await request(url, { dispatcher, headers: { authorization: 'Bearer stand-in' } });
    const body = (await res.body.json()) as EchoReport;
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    return body;
  };
  try {
    if ((await get(proxied)).authorization !== REAL_ECHO_AUTH) throw new Error('the proxy did not inject');
    for (let i = 0; i < WARMUP; i++) {
      await get(direct);
      await get(proxied);
    }
    const directMs: number[] = [];
    const proxiedMs: number[] = [];
    const added: number[] = [];
    const once = (dispatcher: Agent | ProxyAgent) => timed(() => get(dispatcher).then(() => undefined));
    for (let i = 0; i < PAIRS; i++) {
      // Alternate which side goes first so drift and GC hit both.
      let d: number;
      let p: number;
      if (i % 2 === 0) {
        d = await once(direct);
        p = await once(proxied);
      } else {
        p = await once(proxied);
        d = await once(direct);
      }
      directMs.push(d);
      proxiedMs.push(p);
      added.push(p - d);
    }
    const hsDirect: number[] = [];
    const hsProxied: number[] = [];
    for (let i = 0; i < HANDSHAKE_PAIRS; i++) {
      const [d, p] = await handshakePair(rig, url);
      hsDirect.push(d);
      hsProxied.push(p);
    }
    return [
      figure('proxy.connect.added', 'ms', added, null, '≤ 3 ms p99 added (keep-alive, interception + injection)'),
      figure('proxy.connect.latency', 'ms', proxiedMs, directMs, 'no goal (keep-alive request through interception vs direct)'),
      figure('proxy.connect.handshake', 'ms', hsProxied, hsDirect, 'no goal (first request on a new connection: CONNECT + TLS vs new direct TLS)'),
    ];
  } finally {
    await proxied.close();
    await direct.close();
    await rig.close();
    fs.rmSync(caDir, { recursive: true, force: true });
    fs.rmSync(upstreamDir, { recursive: true, force: true });
  }
}
