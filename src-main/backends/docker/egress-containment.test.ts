/**
 * Egress containment, tried from inside real Docker sessions the way an agent would, through the
 * orchestrator with the egress default set to `deny`: a contained session (the default) can't open a
 * TCP connection to a listener on any of this host's addresses (the engine's bridge gateway, its own
 * network's gateway, the other interfaces), can't reach another session's container, and gets no answer
 * from a DNS resolver on a host address; through the proxy an allowed host answers and a denied one gets
 * 403 with an audit row. A session created on an open network (`bridge`) reaches the same listener and
 * resolver, which shows the probes can succeed, and says "egress not contained".
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SessionDto } from '../../../src-shared/dto.js';
import { dockerClient } from '../../testing/docker-engine.js';
import { FakeProvider } from '../../testing/fake-provider.js';
import { engineAvailable, makeRepo, startTestOrchestrator, waitFor, type TestOrchestrator } from '../../testing/fixtures.js';

const docker = inject('berthDocker');
const dockerReady = engineAvailable('docker', docker.ok, docker.ok ? '' : docker.why);

/** The address a fake DNS answer carries (TEST-NET-3): seeing it means the resolver was reached. */
const FAKE_ANSWER = '203.0.113.7';
/** Port session B listens on inside its own container. */
const PEER_PORT = 9000;
/** Host addresses probed at most (besides the bridge gateway): each probe waits for its timeout. */
const MAX_HOST_ADDRESSES = 4;

/**
 * Runs in the session: a TCP connection to each address (expects the host listener's banner), one to
 * the peer session, and a DNS query to the resolver on each address, in parallel; then PROBES-DONE.
 * Usage: sh probe.sh PORT DNS_PORT PEER_ADDRESS PEER_PORT ADDRESS...
 */
const PROBE_SCRIPT = `port=$1; dns=$2; peer=$3; peerport=$4; shift 4
gw=$(ip route | awk '/^default/ {print $3}')
for a in "$@" $gw; do
  ( if echo | nc -w 3 "$a" "$port" 2>/dev/null | grep -q HOSTPAGE; then echo "TCP $a open"; else echo "TCP $a closed"; fi ) &
  ( if nslookup -type=a probe.example "$a:$dns" 2>/dev/null | grep -q ${FAKE_ANSWER}; then echo "DNS $a answered"; else echo "DNS $a silent"; fi ) &
done
( if echo | nc -w 3 "$peer" "$peerport" 2>/dev/null | grep -q SESSION-B; then echo "PEER $peer open"; else echo "PEER $peer closed"; fi ) &
wait
echo "GATEWAY \${gw:-none}"
echo PROBES-DONE
`;

/** A minimal DNS server: any query gets one A record, FAKE_ANSWER; every query is counted. */
function fakeResolver(): Promise<{ port: number; queries: () => number; close: () => void }> {
  const socket = dgram.createSocket('udp4');
  let queries = 0;
  socket.on('message', (query, from) => {
    queries++;
    if (query.length < 12) return;
    const header = Buffer.from(query.subarray(0, 12));
    header[2] = (header[2]! | 0x80) & 0xff; // a response
    header[3] = 0x80; // recursion available, no error
    header.writeUInt16BE(1, 6); // one answer
    const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...FAKE_ANSWER.split('.').map(Number)]);
    socket.send(Buffer.concat([header, query.subarray(12), answer]), from.port, from.address);
  });
  return new Promise((resolve) =>
    socket.bind(0, '0.0.0.0', () => resolve({ port: socket.address().port, queries: () => queries, close: () => socket.close() })),
  );
}

/** A TCP listener on every host address that greets each connection with HOSTPAGE and counts them. */
function hostListener(): Promise<{ port: number; connections: () => number; close: () => void }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    socket.end('HOSTPAGE\n');
  });
  return new Promise((resolve) => server.listen(0, '0.0.0.0', () => resolve({ port: (server.address() as net.AddressInfo).port, connections: () => connections, close: () => server.close() })));
}

/** This host's own IPv4 addresses beyond loopback (probes stay on this machine). */
function hostAddresses(gateway: string): string[] {
  const others = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal && a.address !== gateway)
    .map((a) => a!.address);
  return [gateway, ...others.slice(0, MAX_HOST_ADDRESSES)];
}

describe.runIf(dockerReady)('Docker egress containment (real engine, through the orchestrator)', () => {
  const d = docker as Extract<typeof docker, { ok: true }>;
  let fake: FakeProvider;
  let listener: Awaited<ReturnType<typeof hostListener>>;
  let resolver: Awaited<ReturnType<typeof fakeResolver>>;
  let t: TestOrchestrator;
  let repo: string;

  beforeAll(async () => {
    [fake, listener, resolver] = await Promise.all([FakeProvider.start(), hostListener(), fakeResolver()]);
    t = await startTestOrchestrator();
    await t.must('settings.update', { docker: { endpoint: d.endpoint, defaultImage: d.image, pullPolicy: 'Never', caches: [] } });
    // Deny by default; only the fake provider's host (loopback, reached by the proxy on this host) is allowed.
    const egress = (await t.must('settings.get', {})).proxy.egress;
    await t.must('settings.update', { proxy: { egress: { ...egress, defaultDecision: 'deny', hosts: [{ host: '127.0.0.1', decision: 'allow', sessionId: null }] } } });
    repo = makeRepo();
    fs.writeFileSync(path.join(repo, 'probe.sh'), PROBE_SCRIPT);
    execFileSync('git', ['-C', repo, 'add', '.']);
    execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'probe']);
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    await t?.close();
    listener?.close();
    resolver?.close();
  });

  const textOf = (ref: string, marker: RegExp) =>
    waitFor(async () => {
      const r = await t.call('terminal.text', { ref });
      return r.ok && marker.test(r.value.text) ? r.value.text : null;
    }, `${marker} from ${ref}`, 90_000).catch(async (e: Error) => {
      const r = await t.call('terminal.text', { ref });
      const state = await t.call('sessions.get', { ref });
      throw new Error(`${e.message}; session ${JSON.stringify(state)}; the terminal shows:\n${r.ok ? r.value.text : r.error.message}`);
    });

  const create = (name: string, command: string, options: Record<string, unknown> = {}) =>
    t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'docker', name, command, docker: options });

  /** The IPv4 address of a session's container (of the namespace it joined, for a contained one). */
  async function addressOf(s: SessionDto): Promise<string> {
    const engine = await dockerClient(d.endpoint);
    const running = await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).docker?.containerId ?? null, `${s.name} container`, 60_000);
    let info = await engine.getContainer(running).inspect();
    const joined = /^container:(.+)$/.exec(info.HostConfig.NetworkMode ?? '')?.[1];
    if (joined) info = await engine.getContainer(joined).inspect();
    const address = Object.values(info.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress).find(Boolean);
    if (!address) throw new Error(`${s.name} has no IPv4 address`);
    return address;
  }

  it('every session gets the proxy variables, even when no credential exists at all', async () => {
    const command = `sh -c 'env | sort; echo ENV-DONE; exec sleep 300'`;
    const local = await t.must('sessions.create', { repoPath: repo, agent: 'custom', backend: 'local', command });
    const contained = await create('env-docker', command);
    for (const s of [local, contained]) {
      const text = await textOf(s.id, /ENV-DONE/);
      for (const name of ['HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS']) expect(text, `${s.backend}: ${name}`).toMatch(new RegExp(`^${name}=\\S+`, 'm'));
    }
    // The contained session's only way out: the relay on its own network, by name.
    expect(await textOf(contained.id, /ENV-DONE/)).toMatch(/^HTTPS_PROXY=http:\/\/berth:berth-[0-9a-f]+@berth-proxy:3128$/m);
    for (const s of [local, contained]) await t.must('sessions.delete', { ref: s.id, force: true });
  }, 180_000);

  it('a contained session reaches only the proxy: no host listener, no other session, no DNS; allowed via the proxy works, denied gets 403 and an audit row', async () => {
    await t.must('credentials.set', { name: 'anthropic', kind: 'anthropic-api-key', source: { type: 'value' }, value: 'sk-ant-containment-test' });
    await t.must('providers.set', { id: 'anthropic', upstream: fake.url, allowPrivate: true });
    const addresses = hostAddresses(d.gateway ?? '127.0.0.1').join(' ');

    // Session B: contained, listening inside its own container; its own loopback shows the listener works.
    const b = await create('peer-b', `sh -c 'nc -ll -p ${PEER_PORT} -e echo SESSION-B & sleep 1; echo | nc 127.0.0.1 ${PEER_PORT}; echo B-READY; exec sleep 600'`);
    expect(await textOf(b.id, /B-READY/)).toContain('SESSION-B');
    const peer = await addressOf(b);

    // Session A: contained (the default), probes everything, then uses the proxy.
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const allowed = `wget -q -O - --header "x-api-key: $ANTHROPIC_API_KEY" --header "content-type: application/json" --post-data '${body}' "$ANTHROPIC_BASE_URL/v1/messages"`;
    // busybox wget can't CONNECT: the CONNECT a proxy-aware client sends, by hand, with the session's proxy
    // credentials (busybox nc stops reading when its input ends: the input stays open for the answer).
    const denied = `(printf "CONNECT denied.example:443 HTTP/1.1\\r\\nHost: denied.example:443\\r\\nProxy-Authorization: Basic %s\\r\\n\\r\\n" "$(echo "$HTTPS_PROXY" | sed "s#^http://\\([^@]*\\)@.*#\\1#" | tr -d "\\n" | base64)"; sleep 5) | nc -w 5 berth-proxy 3128 | head -1`;
    fs.writeFileSync(path.join(repo, 'agent-a.sh'), `sh probe.sh ${listener.port} ${resolver.port} ${peer} ${PEER_PORT} ${addresses}\n${allowed}; echo; echo ALLOWED-DONE\n${denied}; echo DENIED-DONE\nexec sleep 600\n`);
    execFileSync('git', ['-C', repo, 'add', '.']);
    execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'agent a']);
    const before = { tcp: listener.connections(), dns: resolver.queries(), upstream: fake.received.length };
    const a = await create('contained-a', 'sh agent-a.sh');
    const text = await textOf(a.id, /DENIED-DONE/);

    const probes = text.split('\n').filter((l) => /^(TCP|DNS|PEER) /.test(l.trim()));
    expect(probes.length, text).toBeGreaterThan(addresses.split(' ').length * 2);
    for (const line of probes) expect(line.trim(), text).toMatch(/ (closed|silent)$/);
    expect(text).toMatch(/^GATEWAY \d+\.\d+\.\d+\.\d+/m); // its own network's gateway was probed too
    expect(listener.connections() - before.tcp).toBe(0);
    expect(resolver.queries() - before.dns).toBe(0);
    expect(a.docker?.networkMode).toBe('contained');

    // Through the proxy: the allowed provider answers; the denied host is refused, and audited.
    expect(text).toContain('"type":"message"');
    expect(fake.received.length).toBeGreaterThan(before.upstream);
    expect(text).toMatch(/^HTTP\/1\.1 403 /m);
    const rows = await t.must('audit.list', { sessionId: a.id });
    expect(rows.find((r) => r.host === 'denied.example')).toMatchObject({ method: 'CONNECT', decision: 'deny', status: 403 });
    expect(rows.find((r) => r.provider === 'anthropic')).toMatchObject({ decision: 'allow', status: 200 });

    // An explicitly open network reaches the same listener and resolver (the probes can succeed) and says so.
    const open = await create('open-c', `sh probe.sh ${listener.port} ${resolver.port} ${peer} ${PEER_PORT} ${d.gateway ?? '127.0.0.1'}; exec sleep 600`, { networkMode: 'bridge' });
    expect(open.docker?.networkMode).toBe('bridge');
    const openText = await textOf(open.id, /PROBES-DONE/);
    expect(openText).toMatch(new RegExp(`^TCP ${(d.gateway ?? '127.0.0.1').replace(/\./g, '\\.')} open`, 'm'));
    expect(openText).toMatch(/^DNS \S+ answered/m);
    // …but not a contained session: that one is on a network of its own.
    expect(openText).toMatch(/^PEER \S+ closed/m);
    expect(listener.connections()).toBeGreaterThan(before.tcp);

    for (const s of [a, b, open]) await t.must('sessions.delete', { ref: s.id, force: true });
  }, 300_000);
});
