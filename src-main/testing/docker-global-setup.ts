/**
 * Vitest globalSetup for the node project: one private dockerd (live-restore, crun when installed) and
 * the busybox test image for the whole run, handed to tests through `inject('berthDocker')`.
 *
 * BERTH_TEST_DOCKER_ENDPOINT=unix:///path/to/docker.sock uses that engine instead of starting one (the
 * image is still built there when missing). Tests must not restart the shared engine: a test that needs
 * "engine stopped" starts its own with startPrivateDockerd().
 */
import type { TestProject } from 'vitest/node';
import { dockerAvailable, dockerClient, ensureBusyboxImage, ensureCrunRuntime, startPrivateDockerd, type PrivateDockerd } from './docker-engine.js';

/** What tests get from `inject('berthDocker')`. */
export type ProvidedDocker =
  | {
      ok: true;
      endpoint: string;
      /** The busybox test image (uid 1000 user `agent`, /workspace, /home/agent). */
      image: string;
      /** Runtimes the engine has (`crun` when crun is installed). */
      runtimes: string[];
      /** The host as containers on NetworkMode 'bridge' see it; null for an external engine. */
      gateway: string | null;
    }
  | { ok: false; why: string };

declare module 'vitest' {
  export interface ProvidedContext {
    berthDocker: ProvidedDocker;
  }
}

/** Starts the shared engine; returns its teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  let engine: PrivateDockerd | null = null;
  try {
    const external = process.env.BERTH_TEST_DOCKER_ENDPOINT;
    let endpoint: string;
    let gateway: string | null = null;
    if (external) {
      endpoint = external;
    } else {
      const avail = dockerAvailable();
      if (!avail.ok) {
        project.provide('berthDocker', avail);
        return async () => {};
      }
      const crun = ensureCrunRuntime();
      engine = await startPrivateDockerd({ liveRestore: true, runtimes: crun ? { crun } : {} });
      endpoint = engine.endpoint;
      gateway = engine.gateway;
    }
    const image = await ensureBusyboxImage(endpoint);
    const info = (await (await dockerClient(endpoint)).info()) as { Runtimes?: Record<string, unknown> };
    project.provide('berthDocker', { ok: true, endpoint, image, runtimes: Object.keys(info.Runtimes ?? {}).sort(), gateway });
    if (process.env.BERTH_TEST_DOCKER_TIMING === '1') console.log(`docker-global-setup: engine ready in ${Date.now() - started} ms (${endpoint})`);
  } catch (e) {
    await engine?.stop();
    // Tests print `why` in their SKIPPED line, and BERTH_TEST_REQUIRE_ENGINES=1 (CI) makes that a failure.
    const what = engine || !process.env.BERTH_TEST_DOCKER_ENDPOINT ? 'private dockerd' : `engine ${process.env.BERTH_TEST_DOCKER_ENDPOINT}`;
    project.provide('berthDocker', { ok: false, why: `${what} failed to start or build the test image: ${(e as Error).message}` });
    engine = null;
  }
  return async () => {
    await engine?.stop();
  };
}
