/**
 * Docker checks against the shared private engine: reachable, a warm image present and one missing, a runtime it
 * has and one it doesn't.
 */
import { describe, expect, inject, it } from 'vitest';
import { DockerEngine } from '../backends/docker/engine.js';
import type { ProvidedDocker } from '../testing/docker-global-setup.js';
import { engineAvailable } from '../testing/fixtures.js';
import { dockerDoctorDeps } from './docker-checks.js';
import { runDoctor, type DoctorDeps } from './doctor.js';

function requireDocker(): Extract<ProvidedDocker, { ok: true }> | null {
  const d = inject('berthDocker');
  return engineAvailable('docker', d.ok, d.ok ? '' : d.why) && d.ok ? d : null;
}

const MISSING_IMAGE = 'berth-doctor-absent/never-pulled:0';

describe('docker checks on a real engine', () => {
  it('passes a reachable engine and its runtime; warns with `docker pull` for a missing warm image', async () => {
    const d = requireDocker();
    if (!d) return;
    const engine = new DockerEngine(() => ({ endpoint: d.endpoint, tlsCertPath: null }), {});
    const deps = (selectedRuntime: string | null): DoctorDeps => ({
      ...dockerDoctorDeps(engine),
      warmImages: [d.image, MISSING_IMAGE],
      selectedRuntime,
      repos: [],
      paths: [],
      apiPort: null,
      ownsApiPort: false,
    });

    const report = await runDoctor(deps('runc'));
    const [eng, images, runtime] = report.checks;
    expect(eng).toMatchObject({ id: 'docker.engine', status: 'ok', fix: null });
    expect(eng!.detail).toMatch(/^Docker \S+; runtimes: .*runc/);
    expect(images).toMatchObject({ id: 'docker.images', status: 'warn' });
    expect(images!.detail).toBe(`1 of 2 warm image(s) missing: ${MISSING_IMAGE}; sessions on them start cold (pull first)`);
    expect(images!.fix).toContain(`\`docker pull ${MISSING_IMAGE}\``);
    expect(runtime).toMatchObject({ id: 'docker.runtimes', status: 'ok' });
    // The harness tags its busybox image as the relay image (what contained sessions need).
    expect(report.checks[3]).toMatchObject({ id: 'docker.relay', status: 'ok' });

    const wrong = (await runDoctor(deps('kata-nonexistent'))).checks[2]!;
    expect(wrong.status).toBe('fail');
    expect(wrong.detail).toContain('runtime "kata-nonexistent" selected in Settings → Docker is not registered');
    expect(wrong.fix).toContain('/etc/docker/daemon.json');
    expect(wrong.fix).toContain('runc');
  });

  it('skips the Docker checks when the orchestrator has no Docker', async () => {
    const r = await runDoctor({ warmImages: ['x:1'], selectedRuntime: 'runc', repos: [], paths: [], apiPort: null, ownsApiPort: false });
    expect(r.checks.slice(0, 4).map((c) => c.status)).toEqual(['skip', 'skip', 'skip', 'skip']);
  });
});
