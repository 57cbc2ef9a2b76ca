/**
 * `api.list` / `api.list.rps`: the session list over HTTP with 1,000 sessions in the store, against a
 * bare node:http server answering the same bytes.
 */
import http from 'node:http';
import path from 'node:path';
import type { SessionDto } from '../../src-shared/dto.js';
import { openDatabase } from '../../src-main/store/database.js';
import { SessionsRepo } from '../../src-main/store/sessions-repo.js';
import { startOrchestratorProcess, tempDir } from '../harness.js';
import { figure, msSince, reading, type Figure } from '../stats.js';

/** Sessions seeded into the store. */
const SESSIONS = 1_000;
/** Sequential requests for the latency figure. */
const LATENCY_REQUESTS = 400;
/** Requests for the throughput figure, and how many are in flight at once. */
const RPS_REQUESTS = 4_000;
const RPS_CONCURRENCY = 8;

async function seed(home: string): Promise<void> {
  const db = await openDatabase(path.join(home, 'berth.db'));
  const repo = new SessionsRepo(db);
  const t = Date.now();
  db.transaction(() => {
    for (let i = 0; i < SESSIONS; i++) {
      const s: SessionDto = {
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        name: `seeded-session-${i}`,
        repoPath: '/home/dev/projects/some-repository',
        worktreePath: `/home/dev/.local/share/berth/worktrees/some-repository-1234abcd/seeded-session-${i}`,
        branch: `berth/seeded-session-${i}`,
        baseBranch: 'main',
        agent: 'claude-code',
        backend: 'local',
        prompt: 'Refactor the payment module so that retries are idempotent and add tests',
        model: null,
        command: ['claude', 'Refactor the payment module so that retries are idempotent and add tests'],
        state: 'exited',
        exitCode: 0,
        reason: null,
        unsynced: null,
        conversationId: null,
        archived: false,
        createdAt: t - i * 1000,
        updatedAt: t - i * 1000,
        cols: 120,
        rows: 32,
        pid: null,
        phases: { worktreeMs: 21.5, startMs: 3.2, firstOutputMs: 40.1 },
        docker: null,
        stats: null,
        ports: [],
        git: null,
        attention: { detail: null, source: 'activity', since: 0, unread: false },
      };
      repo.insert(s, 'seeded');
    }
  })();
  db.close();
}

const agent = new http.Agent({ keepAlive: true, maxSockets: RPS_CONCURRENCY });

function post(port: number, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/sessions.list', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(port: number, token: string, body = '{}'): Promise<{ latencies: number[]; rps: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < 20; i++) bytes = await post(port, token, body);
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    const t0 = process.hrtime.bigint();
    await post(port, token, body);
    latencies.push(msSince(t0));
  }
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: RPS_CONCURRENCY }, async () => {
      while (next++ < RPS_REQUESTS) await post(port, token, body);
    }),
  );
  return { latencies, rps: RPS_REQUESTS / (msSince(t0) / 1000), bytes };
}

export async function benchApiList(): Promise<Figure[]> {
  const home = tempDir('berth-bench-home-');
  await seed(home);
  const orch = await startOrchestratorProcess(home);
  // Baseline: the same response bytes from a bare node:http server in a child-free, same-process setup.
  const fetchPage = async (body: string) => {
    const r = await fetch(`${orch.api.url}/api/sessions.list`, { method: 'POST', headers: { authorization: `Bearer ${orch.api.token}`, 'content-type': 'application/json' }, body });
    return r.text();
  };
  const payload = await fetchPage('{}');
  const allBody = JSON.stringify({ limit: SESSIONS });
  const allPayload = await fetchPage(allBody);
  if ((JSON.parse(allPayload) as { value: unknown[] }).value.length !== SESSIONS) throw new Error('seeding failed');
  // The baseline answers each body with the same bytes Berth sends for it.
  const bare = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body === allBody ? allPayload : payload));
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as { port: number }).port;
  try {
    const base1 = await measure(barePort, 'x');
    const berth1 = await measure(orch.api.port, orch.api.token);
    const base2 = await measure(barePort, 'x');
    const berth2 = await measure(orch.api.port, orch.api.token);
    const allBase = await measure(barePort, 'x', allBody);
    const allBerth = await measure(orch.api.port, orch.api.token, allBody);
    return [
      figure('api.list', 'ms', [...berth1.latencies, ...berth2.latencies], [...base1.latencies, ...base2.latencies], `p95 ≤ 5 ms (${SESSIONS} sessions stored, default page: ${(berth1.bytes / 1024).toFixed(0)} KiB)`),
      reading('api.list.rps', 'req/s', Math.min(berth1.rps, berth2.rps), Math.min(base1.rps, base2.rps), 2 * RPS_REQUESTS, '≥ 2,000 req/s'),
      figure('api.list.all', 'ms', allBerth.latencies, allBase.latencies, `one ${SESSIONS}-session page (${(allBerth.bytes / 1024).toFixed(0)} KiB); no goal`),
      reading('api.list.all.rps', 'req/s', allBerth.rps, allBase.rps, RPS_REQUESTS, 'no goal'),
    ];
  } finally {
    bare.close();
    agent.destroy();
    await orch.stop();
  }
}
