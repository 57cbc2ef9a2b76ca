/**
 * runDoctor end to end on real things: real git repositories (one with thousands of loose objects), a Docker
 * endpoint nobody listens on, a port held by another listener; the JSON validates and the text names the fixes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DoctorReportDto, type DoctorCheckDto } from '../../src-shared/doctor.js';
import { err, ok } from '../../src-shared/result.js';
import { DockerEngine } from '../backends/docker/engine.js';
import { makeRepo, tempDir } from '../testing/fixtures.js';
import { dockerDoctorDeps } from './docker-checks.js';
import { formatDoctorText, runDoctor, runCheck, type DoctorDeps } from './doctor.js';

/** Above the default loose-object threshold (2,000). */
const LOOSE_BLOBS = 2_500;

/** Writes `n` distinct loose blobs into `repo` with one `git hash-object -w --stdin-paths`. */
function addLooseBlobs(repo: string, n: number): void {
  const dir = tempDir('berth-doctor-blobs-');
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = path.join(dir, String(i));
    fs.writeFileSync(p, `blob ${i}\n`);
    paths.push(p);
  }
  execFileSync('git', ['hash-object', '-w', '--no-filters', '--stdin-paths'], { cwd: repo, input: paths.join('\n') + '\n', stdio: ['pipe', 'ignore', 'pipe'] });
}

function byId(checks: readonly DoctorCheckDto[], id: string): DoctorCheckDto {
  const c = checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${checks.map((x) => x.id).join(', ')}`);
  return c;
}

function baseDeps(over: Partial<DoctorDeps> = {}): DoctorDeps {
  return { warmImages: [], selectedRuntime: null, repos: [], paths: [], apiPort: null, ownsApiPort: false, ...over };
}

describe('runDoctor', () => {
  let busy: net.Server;
  let busyPort: number;

  beforeAll(async () => {
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
  });

  it('reports loose objects, an unreachable engine and a taken port, each with its fix; a healthy repo is ok', async () => {
    const messy = makeRepo();
    addLooseBlobs(messy, LOOSE_BLOBS);
    const healthy = makeRepo();
    const data = tempDir('berth-doctor-data-');
    const engine = new DockerEngine(() => ({ endpoint: 'tcp://127.0.0.1:1', tlsCertPath: null }), {});

    const report = await runDoctor(
      baseDeps({
        ...dockerDoctorDeps(engine),
        warmImages: ['busybox:latest'],
        selectedRuntime: 'runc',
        repos: [messy, healthy],
        paths: [{ label: 'data', path: data }],
        apiPort: busyPort,
        ownsApiPort: false,
      }),
    );

    const docker = byId(report.checks, 'docker.engine');
    expect(docker.status).toBe('fail');
    expect(docker.detail).toContain('tcp://127.0.0.1:1');
    expect(docker.detail).toContain('connection refused');
    expect(docker.fix).toMatch(/Start the Docker daemon/);
    expect(docker.fix).toContain('Settings → Docker');
    expect(docker.fix).toMatch(/permissions/);
    // Images and runtimes can't be known without the engine.
    expect(byId(report.checks, 'docker.images').status).toBe('skip');
    expect(byId(report.checks, 'docker.runtimes').status).toBe('skip');
    expect(byId(report.checks, 'docker.relay').status).toBe('skip');

    const loose = byId(report.checks, `git.loose-objects:${messy}`);
    expect(loose.status).toBe('warn');
    expect(loose.detail).toMatch(/^2,50\d loose objects/);
    expect(loose.fix).toBe(`Repack: \`git -C ${messy} gc\``);

    const clean = byId(report.checks, `git.loose-objects:${healthy}`);
    expect(clean.status).toBe('ok');
    expect(clean.fix).toBeNull();
    expect(byId(report.checks, `git.untracked-large:${healthy}`).status).toBe('ok');

    const port = byId(report.checks, 'port.api');
    expect(port.status).toBe('fail');
    expect(port.detail).toContain(`127.0.0.1:${busyPort} is in use`);
    expect(port.fix).toContain(`sport = :${busyPort}`);

    expect(byId(report.checks, 'proxy.health').status).toBe('skip');
    expect(byId(report.checks, 'disk.free:data').detail).toContain(data);

    // Stable order: docker, git per repo, disk, port, proxy, sandbox, tmux.
    expect(report.checks.map((c) => c.id.split(':')[0])).toEqual([
      'docker.engine', 'docker.images', 'docker.runtimes', 'docker.relay',
      'git.loose-objects', 'git.untracked-large', 'git.loose-objects', 'git.untracked-large',
      'disk.free', 'port.api', 'proxy.health', 'sandbox.bwrap', 'tmux',
    ]);
    const s = report.summary;
    expect(s.ok + s.warn + s.fail + s.skip).toBe(report.checks.length);
    expect(s.fail).toBeGreaterThanOrEqual(2);
    expect(s.warn).toBeGreaterThanOrEqual(1);

    // --json: what the CLI prints parses back against the schema.
    const parsed = DoctorReportDto.safeParse(JSON.parse(JSON.stringify(report)));
    expect(parsed.success).toBe(true);

    // Text: one line per check with its mark, the fix indented below it.
    const text = formatDoctorText(report);
    expect(text).toContain(`✗ Docker engine reachable: Docker is not reachable at tcp://127.0.0.1:1`);
    expect(text).toContain(`! Git objects in ${path.basename(messy)}: 2,5`);
    expect(text).toContain(`    fix: Repack: \`git -C ${messy} gc\``);
    expect(text).toContain(`✓ Git objects in ${path.basename(healthy)}: `);
    expect(text).toMatch(/- Warm images present: /);
    expect(text).toMatch(/\n\d+ ok, \d+ warning\(s\), \d+ failure\(s\), \d+ skipped\n$/);
  });

  it('passes an API port that is ours or free', async () => {
    const ours = await runDoctor(baseDeps({ apiPort: busyPort, ownsApiPort: true }));
    expect(byId(ours.checks, 'port.api')).toMatchObject({ status: 'ok', fix: null });
    const free = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await runDoctor(baseDeps({ apiPort: free }));
    expect(byId(r.checks, 'port.api')).toMatchObject({ status: 'ok', detail: `127.0.0.1:${free} is free` });
  });

  it('reports the credential proxy: skipped when absent, ok when it answers, failed with its error', async () => {
    expect(byId((await runDoctor(baseDeps())).checks, 'proxy.health').status).toBe('skip');
    expect(byId((await runDoctor(baseDeps({ proxyHealth: async () => ok() }))).checks, 'proxy.health').status).toBe('ok');
    const down = byId((await runDoctor(baseDeps({ proxyHealth: async () => err('internal', 'ECONNREFUSED 127.0.0.1:9') }))).checks, 'proxy.health');
    expect(down.status).toBe('fail');
    expect(down.detail).toContain('ECONNREFUSED 127.0.0.1:9');
    expect(down.fix).toMatch(/Restart Berth/);
  });

  it('turns a throwing check and a hung one into failures without failing the run', async () => {
    const thrown = await runDoctor(
      baseDeps({
        proxyHealth: () => {
          throw new Error('proxy probe exploded');
        },
      }),
    );
    const c = byId(thrown.checks, 'proxy.health');
    expect(c.status).toBe('fail');
    expect(c.detail).toContain('proxy probe exploded');
    expect(c.fix).not.toBeNull();

    let aborted = false;
    const hung = await runCheck(
      {
        id: 'hangs',
        title: 'A hung check',
        run: (signal) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve({ status: 'ok', detail: 'too late', fix: null });
            });
          }),
      },
      50,
    );
    expect(hung.status).toBe('fail');
    expect(hung.detail).toBe('the check did not finish within 50 ms');
    expect(aborted).toBe(true);
  });
});
