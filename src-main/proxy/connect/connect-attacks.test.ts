/**
 * Bad input against the CONNECT proxy: each attack is refused or cut off, and a good intercepted request
 * succeeds right after it (the proxy stays alive).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/fixtures.js';
import {
  openTunnel,
  proxyAuth,
  REAL_ECHO_AUTH,
  requestOver,
  requestRaw,
  SNEAKY_HOST,
  startConnectRig,
  tlsOverTunnel,
  TUNNEL_HOST,
  type ConnectRig,
  type EchoReport,
} from './connect-test-support.js';

/** Short deadlines so each attack ends quickly. */
const LIMITS = { maxTunnelsPerSession: 3, idleTimeoutMs: 600, innerHeadersTimeoutMs: 800, handshakeTimeoutMs: 800 };
const SERVER_OPTIONS = { headersTimeout: 800, requestTimeout: 1_500, connectionsCheckingInterval: 100 };
/** Longest any cut-off attack may hang before the test gives up (a bound, not a timing assertion). */
const GIVE_UP_MS = 10_000;

let rig: ConnectRig;

beforeAll(async () => {
  rig = await startConnectRig({ caDir: tempDir('berth-ca-'), upstreamCaDir: tempDir('berth-upstream-ca-'), limits: LIMITS, serverOptions: SERVER_OPTIONS });
});

afterAll(async () => {
  await rig.close();
});

/** A full intercepted request: proves the proxy still works. */
async function expectAlive(): Promise<void> {
  const { status, socket } = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`);
  expect(status).toBe(200);
  const secure = await tlsOverTunnel(socket, 'echo.test', rig.berthCa.certPem);
  try {
    const res = await requestOver(secure, { host: `echo.test:${rig.echo.port}` });
    expect((JSON.parse(res.body) as EchoReport).authorization).toBe(REAL_ECHO_AUTH);
  } finally {
    secure.destroy();
  }
}

const connectLine = (target: string, extra = '') => `CONNECT ${target} HTTP/1.1\r\nHost: x\r\nProxy-Authorization: ${proxyAuth()}\r\n${extra}\r\n`;

/** Resolves when `socket` closes; rejects after GIVE_UP_MS. */
function closed(socket: net.Socket | import('node:tls').TLSSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('connection was not closed')), GIVE_UP_MS);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

describe('malformed CONNECT targets get 400', () => {
  const targets = [
    ['no port', 'echo.test'],
    ['empty port', 'echo.test:'],
    ['port zero', 'echo.test:0'],
    ['port too big', 'echo.test:99999'],
    ['leading-zero port', 'echo.test:0443'],
    ['userinfo', 'user:pass@echo.test:443'],
    ['path', 'echo.test:443/x'],
    ['encoded CR/LF', 'echo.test%0d%0aX-Evil:1:443'],
    ['over-long', `${'a'.repeat(300)}.test:443`],
    ['numeric host', '2130706433:443'],
    ['unbracketed IPv6', '::1:443'],
    ['absolute URL', 'https://echo.test:443'],
  ];
  for (const [name, target] of targets) {
    it(name!, async () => {
      const text = await requestRaw(rig.listener.port, connectLine(target!));
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
      await expectAlive();
    });
  }

  it('raw CR/LF inside the request line', async () => {
    const text = await requestRaw(rig.listener.port, `CONNECT echo.test\r:443 HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    await expectAlive();
  });
});

describe('resource attacks', () => {
  it('huge CONNECT headers get 431', async () => {
    const text = await requestRaw(rig.listener.port, connectLine(`echo.test:${rig.echo.port}`, `X-Big: ${'a'.repeat(40_000)}\r\n`));
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    await expectAlive();
  });

  it('huge headers inside an intercepted tunnel get 431', async () => {
    const { socket } = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`);
    const secure = await tlsOverTunnel(socket, 'echo.test', rig.berthCa.certPem);
    const done = closed(secure);
    secure.write(`GET / HTTP/1.1\r\nHost: echo.test:${rig.echo.port}\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(await done).toMatch(/^HTTP\/1\.1 431 /);
    await expectAlive();
  });

  it('a slowloris CONNECT head is cut off by the header deadline', async () => {
    const socket = net.connect(rig.listener.port, '127.0.0.1');
    const done = closed(socket);
    socket.write(`CONNECT echo.test:${rig.echo.port} HTTP/1.1\r\n`);
    const drip = setInterval(() => socket.writable && socket.write('X-Drip: 1\r\n'), 100);
    try {
      expect(await done).toMatch(/^HTTP\/1\.1 408 |^$/);
    } finally {
      clearInterval(drip);
    }
    await expectAlive();
  });

  it('a slowloris request inside an intercepted tunnel is cut off', async () => {
    const { socket } = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`);
    const secure = await tlsOverTunnel(socket, 'echo.test', rig.berthCa.certPem);
    const done = closed(secure);
    secure.write(`GET / HTTP/1.1\r\nHost: echo.test:${rig.echo.port}\r\n`);
    const drip = setInterval(() => secure.writable && secure.write('X-Drip: 1\r\n'), 100);
    try {
      await done;
    } finally {
      clearInterval(drip);
    }
    await expectAlive();
  });

  it('a client that never finishes the TLS handshake is cut off', async () => {
    const { status, socket } = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`);
    expect(status).toBe(200);
    const done = closed(socket);
    socket.write(Buffer.from([0x16, 0x03, 0x01])); // the start of a ClientHello, then nothing
    await done;
    await expectAlive();
  });

  it('garbage instead of TLS inside an intercepted tunnel closes it', async () => {
    const { socket } = await openTunnel(rig.listener.port, `echo.test:${rig.echo.port}`);
    const done = closed(socket);
    socket.write('GET / HTTP/1.1\r\nHost: echo.test\r\n\r\n');
    await done;
    await expectAlive();
  });

  it('an idle tunnel is closed', async () => {
    const { status, socket } = await openTunnel(rig.listener.port, `${TUNNEL_HOST}:${rig.echo.port}`);
    expect(status).toBe(200);
    await closed(socket);
    await expectAlive();
  });

  it('a busy tunnel outlives the idle and CONNECT request deadlines', async () => {
    const { socket } = await openTunnel(rig.listener.port, `${TUNNEL_HOST}:${rig.echo.port}`);
    const secure = await tlsOverTunnel(socket, TUNNEL_HOST, rig.upstreamCa.certPem);
    try {
      // 12 keep-alive requests 250 ms apart: 3 s, past the 1.5 s requestTimeout and the 0.6 s idle limit.
      let text = '';
      let wake: (() => void) | null = null;
      let closedEarly = false;
      secure.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.endsWith('}')) wake?.();
      });
      secure.once('close', () => {
        closedEarly = true;
        wake?.();
      });
      for (let i = 0; i < 12; i++) {
        text = '';
        const answered = new Promise<void>((resolve) => (wake = resolve));
        secure.write(`GET /${i} HTTP/1.1\r\nHost: ${TUNNEL_HOST}:${rig.echo.port}\r\n\r\n`);
        await answered;
        expect(closedEarly, `tunnel closed after ${i} requests`).toBe(false);
        expect(text).toMatch(/^HTTP\/1\.1 200 /);
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      secure.destroy();
    }
  });

  it('caps open tunnels per session (429), and frees the slot when one closes', async () => {
    const open = await Promise.all(Array.from({ length: LIMITS.maxTunnelsPerSession }, () => openTunnel(rig.listener.port, `${TUNNEL_HOST}:${rig.echo.port}`)));
    expect(open.map((o) => o.status)).toEqual(open.map(() => 200));
    const over = await openTunnel(rig.listener.port, `${TUNNEL_HOST}:${rig.echo.port}`);
    expect(over.status).toBe(429);
    const gone = closed(open[0]!.socket);
    open[0]!.socket.destroy();
    await gone;
    for (let i = 0; i < 100 && rig.proxy.openCount('session-1') >= LIMITS.maxTunnelsPerSession; i++) await new Promise((r) => setTimeout(r, 10));
    await expectAlive();
    for (const o of open) o.socket.destroy();
  });
});

describe('non-public destinations', () => {
  for (const [name, target] of [
    ['a name resolving to loopback', `${SNEAKY_HOST}:443`],
    ['the cloud metadata address', '169.254.169.254:80'],
    ['IPv6 loopback', '[::1]:443'],
    ['a private address', '10.1.2.3:443'],
    // IPv6 forms that carry loopback or the metadata address (the attack run's ::7f00:1 and friends).
    ['IPv4-compatible loopback', '[::7f00:1]:443'],
    ['IPv4-mapped loopback in hex', '[::ffff:7f00:1]:443'],
    ['NAT64 loopback', '[64:ff9b::7f00:1]:443'],
    ['6to4 loopback', '[2002:7f00:1::]:443'],
    ['6to4 metadata address', '[2002:a9fe:a9fe::1]:80'],
  ] as const) {
    it(`refuses ${name} with 403`, async () => {
      const { status, body } = await openTunnel(rig.listener.port, target);
      expect(status).toBe(403);
      expect(body).toContain('non-public address');
      await expectAlive();
    });
  }

  it('refuses non-CONNECT requests on the proxy port with 405', async () => {
    const text = await requestRaw(rig.listener.port, 'GET http://echo.test/ HTTP/1.1\r\nHost: echo.test\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 405 /);
    await expectAlive();
  });
});
