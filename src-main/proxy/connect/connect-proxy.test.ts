import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { ProxyAgent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/fixtures.js';
import { sessionCaEnv } from '../ca/ca-files.js';
import {
  DENIED_HOST,
  openTunnel,
  pipelinedTls,
  proxyAuth,
  REAL_ECHO_AUTH,
  requestOver,
  requestRaw,
  startConnectRig,
  TEST_SESSION,
  TEST_TOKEN,
  tlsOverTunnel,
  TUNNEL_HOST,
  type ConnectRig,
  type EchoReport,
} from './connect-test-support.js';

const execFileP = promisify(execFile);

let rig: ConnectRig;

beforeAll(async () => {
  rig = await startConnectRig({ caDir: tempDir('berth-ca-'), upstreamCaDir: tempDir('berth-upstream-ca-') });
});

afterAll(async () => {
  await rig.close();
});

describe('CONNECT interception', () => {
  it('injects the real credential and drops the client-supplied ones (undici client trusting only the Berth CA)', async () => {
    const agent = new ProxyAgent({ uri: `http://127.0.0.1:${rig.listener.port}`, token: proxyAuth(), requestTls: { ca: rig.berthCa.certPem } });
    try {
      const res = await request(`https://echo.test:${rig.echo.port}/v1/things?x=1`, {
        dispatcher: agent,
        method: 'POST',
        headers: { authorization: 'Bearer client-fake', 'x-api-key': 'client-key', 'content-type': 'text/plain' },
        body: 'hello',
      });
      const report = (await res.body.json()) as EchoReport;
      expect(res.statusCode).toBe(200);
      expect(report.authorization).toBe(REAL_ECHO_AUTH);
      expect(report.headers['x-api-key']).toBeUndefined();
      expect(report.headers['proxy-authorization']).toBeUndefined();
      expect(report.host).toBe(`echo.test:${rig.echo.port}`);
      expect(report.path).toBe('/v1/things?x=1');
      expect(report.bodyBytes).toBe(5);
      // A second request reuses the tunnel and the upstream pool.
      const again = await request(`https://echo.test:${rig.echo.port}/again`, { dispatcher: agent });
      expect(((await again.body.json()) as EchoReport).authorization).toBe(REAL_ECHO_AUTH);
    } finally {
      await agent.close();
    }
    const forward = rig.forwards.find((f) => f.path === '/v1/things');
    expect(forward).toMatchObject({ sessionId: TEST_SESSION, host: 'echo.test', method: 'POST', status: 200, bytesUp: 5 });
  });

  it('presents a leaf issued by the Berth CA for the CONNECT host', async () => {
    const { status, socket } = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`);
    expect(status).toBe(200);
    const secure = await tlsOverTunnel(socket, 'echo.test', rig.berthCa.certPem);
    try {
      const leaf = new X509Certificate(secure.getPeerX509Certificate()!.raw);
      expect(leaf.checkIssued(new X509Certificate(rig.berthCa.certPem))).toBe(true);
      expect(leaf.subjectAltName).toBe('DNS:echo.test');
      expect(leaf.ca).toBe(false);
      const res = await requestOver(secure, { host: `echo.test:${rig.echo.port}`, headers: { Authorization: 'token from-the-client' } });
      expect((JSON.parse(res.body) as EchoReport).authorization).toBe(REAL_ECHO_AUTH);
    } finally {
      secure.destroy();
    }
  });

  it('handles a client that sends its ClientHello together with CONNECT', async () => {
    const secure = await pipelinedTls(rig.listener.port, `echo.test:${rig.echo.port}`, 'echo.test', rig.berthCa.certPem);
    try {
      const res = await requestOver(secure, { host: `echo.test:${rig.echo.port}` });
      expect((JSON.parse(res.body) as EchoReport).authorization).toBe(REAL_ECHO_AUTH);
    } finally {
      secure.destroy();
    }
  });

  it('passes redirects to the client instead of following them', async () => {
    const { socket } = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`);
    const secure = await tlsOverTunnel(socket, 'echo.test', rig.berthCa.certPem);
    try {
      const res = await requestOver(secure, { host: `echo.test:${rig.echo.port}`, path: '/redirect' });
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('https://elsewhere.test/');
    } finally {
      secure.destroy();
    }
  });

  it('refuses a Host header naming another host than the CONNECT target (421) and TRACE (405)', async () => {
    const { socket } = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`);
    const secure = await tlsOverTunnel(socket, 'echo.test', rig.berthCa.certPem);
    try {
      expect((await requestOver(secure, { host: `git.test:${rig.echo.port}` })).status).toBe(421);
    } finally {
      secure.destroy();
    }
    const second = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`);
    const secure2 = await tlsOverTunnel(second.socket, 'echo.test', rig.berthCa.certPem);
    try {
      expect((await requestOver(secure2, { host: `echo.test:${rig.echo.port}`, method: 'TRACE' })).status).toBe(405);
    } finally {
      secure2.destroy();
    }
  });

  it('works for curl using the session CA environment (combined bundle)', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/nonexistent', ...sessionCaEnv(rig.berthCa.files.certPath, rig.berthCa.files.bundlePath) };
    const { stdout } = await execFileP(
      'curl',
      ['-sS', '--fail', '--proxy', `http://127.0.0.1:${rig.listener.port}`, '--proxy-user', `x:${TEST_TOKEN}`, '-H', 'X-Api-Key: from-curl', `https://echo.test:${rig.echo.port}/curl`],
      { env, timeout: 20_000 },
    );
    const report = JSON.parse(stdout) as EchoReport;
    expect(report.authorization).toBe(REAL_ECHO_AUTH);
    expect(report.headers['x-api-key']).toBeUndefined();
  });
});

describe('CONNECT tunnel, deny and auth', () => {
  it('tunnels a non-rule host untouched: TLS end to end with the upstream certificate', async () => {
    const { status, socket } = await openTunnel(rig.listener.port, `${TUNNEL_HOST}:${rig.echo.port}`);
    expect(status).toBe(200);
    const secure = await tlsOverTunnel(socket, TUNNEL_HOST, rig.upstreamCa.certPem);
    try {
      const leaf = new X509Certificate(secure.getPeerX509Certificate()!.raw);
      expect(leaf.checkIssued(new X509Certificate(rig.upstreamCa.certPem))).toBe(true);
      const res = await requestOver(secure, { host: `${TUNNEL_HOST}:${rig.echo.port}`, headers: { authorization: 'Bearer client-own' } });
      // Nothing was rewritten: the client's own header arrives.
      expect((JSON.parse(res.body) as EchoReport).authorization).toBe('Bearer client-own');
    } finally {
      secure.destroy();
    }
    // A client trusting only the Berth CA cannot complete TLS through a tunnel: nothing is intercepted.
    const second = await openTunnel(rig.listener.port, `${TUNNEL_HOST}:${rig.echo.port}`);
    await expect(tlsOverTunnel(second.socket, TUNNEL_HOST, rig.berthCa.certPem)).rejects.toThrow();
    second.socket.destroy();
  });

  it('denies a host the policy denies with 403 and a one-line reason', async () => {
    const { status, body } = await openTunnel(rig.listener.port, `${DENIED_HOST}:443`);
    expect(status).toBe(403);
    expect(body).toBe(`${DENIED_HOST} is denied by the test policy X-Injected: yes\n`);
    await waitForRecord((r) => r.host === DENIED_HOST && r.outcome === 'deny');
  });

  it('answers 407 with a Basic challenge without a valid token', async () => {
    const missing = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`, {});
    expect(missing.status).toBe(407);
    const wrong = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`, { 'proxy-authorization': proxyAuth('not-the-token') });
    expect(wrong.status).toBe(407);
    const bearer = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`, { 'proxy-authorization': `Bearer ${TEST_TOKEN}` });
    expect(bearer.status).toBe(407);
    const text = await requestRaw(rig.listener.port, `CONNECT echo.test:${rig.echo.port} HTTP/1.1\r\nHost: echo.test\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 407 /);
    expect(text).toContain('Proxy-Authenticate: Basic realm="berth"');
  });

  it('closes a session\'s open tunnels when asked (token revoked)', async () => {
    const { status, socket } = await openTunnel(rig.listener.port, `${TUNNEL_HOST}:${rig.echo.port}`);
    expect(status).toBe(200);
    expect(rig.proxy.openCount(TEST_SESSION)).toBeGreaterThan(0);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    rig.proxy.closeSession(TEST_SESSION);
    await closed;
    for (let i = 0; i < 100 && rig.proxy.openCount(TEST_SESSION) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(rig.proxy.openCount(TEST_SESSION)).toBe(0);
  });

  it('records every CONNECT with its outcome', async () => {
    await waitForRecord((r) => r.outcome === 'unauthorized');
    const tunnel = await waitForRecord((r) => r.outcome === 'tunnel');
    expect(tunnel).toMatchObject({ sessionId: TEST_SESSION, host: TUNNEL_HOST, status: 200 });
    expect(tunnel.bytesUp).toBeGreaterThan(0);
    expect(tunnel.bytesDown).toBeGreaterThan(0);
  });
});

async function waitForRecord(pred: (r: ConnectRig['records'][number]) => boolean) {
  for (let i = 0; i < 200; i++) {
    const found = rig.records.find(pred);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no matching CONNECT record');
}

