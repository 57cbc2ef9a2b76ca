/**
 * Benchmark runs, backends and a holding fake orchestrator for the benchmark's unit tests (not used by
 * the app).
 */
import type { BenchAdviceDto, BenchFigureDto, BenchRunDto } from '../../src-shared/bench.js';
import type { FrameTransport } from '../../src-shared/client.js';
import type { ServerFrame } from '../../src-shared/contract.js';
import type { BackendDto } from '../../src-shared/dto.js';
import type { Result } from '../../src-shared/result.js';
import type { FakeServer } from './fake-server.js';

const capabilities = { isolation: 'none', persistsAcrossRestart: false, resourceLimits: false, egressContainment: false } as const;

/** Local and tmux available, Docker not. */
export const BACKENDS_FIXTURE: BackendDto[] = [
  { id: 'local', name: 'Local', description: 'pty', available: true, reason: null, capabilities },
  { id: 'tmux', name: 'tmux', description: 'survives restarts', available: true, reason: null, capabilities },
  { id: 'docker', name: 'Docker', description: 'containers', available: false, reason: 'engine down', capabilities },
];

/** A figure with p50 `p50` (p95 1.5× it) and an optional baseline. */
export function figure(id: string, p50: number, baseline: number | null, unit = 'ms'): BenchFigureDto {
  return { id, value: p50, unit, baseline, ratio: baseline ? Number((p50 / baseline).toFixed(3)) : null, p50, p95: p50 * 1.5, p99: p50 * 2, runs: 5 };
}

export const MACHINE_FIXTURE = { platform: 'linux', cpus: 8, cpuModel: 'Test CPU 3000', memoryBytes: 16 * 1024 ** 3 };

export const LOCAL_ADVICE: BenchAdviceDto = {
  backend: 'local',
  text: 'on this machine local start is 40 ms (a bare worktree + pty 30 ms); prefer it when the agent needs no isolation',
  coldMs: 40,
  warmMs: null,
};
export const DOCKER_ADVICE: BenchAdviceDto = {
  backend: 'docker',
  text: 'on this machine Docker warm start is 84 ms with a pool of 2; cold 410 ms; local 40 ms',
  coldMs: 410,
  warmMs: 84,
};

/** A stored run. */
export function run(id: number, figures: BenchFigureDto[], patch: Partial<BenchRunDto> = {}): BenchRunDto {
  const startedAt = Date.UTC(2025, 0, id, 9);
  return { id, startedAt, finishedAt: startedAt + 120_000, machine: MACHINE_FIXTURE, figures, advice: [LOCAL_ADVICE], skipped: [], ...patch };
}

export const RUN_1 = run(1, [figure('create.local', 50, 30), figure('api.rps', 1000, 2000, 'req/s')]);
export const RUN_2 = run(2, [figure('create.local', 48, 30), figure('proxy.added', 2, null), figure('api.rps', 1200, 2000, 'req/s')]);
/** The run the tests' Run produces: local slower than run 2, proxy same, API faster, a new figure. */
export const RUN_3 = run(3, [figure('create.local', 60, 30), figure('create.local.overhead', 30, null), figure('proxy.added', 2.005, null), figure('api.rps', 1500, 2000, 'req/s')], {
  skipped: [{ backend: 'tmux', reason: 'the benchmark does not measure the tmux backend yet' }],
});

/**
 * Holds `method`'s requests of `server` unanswered until `release` (the real `bench.run` answers only
 * when the run is done); everything else goes through.
 */
export function holdRequests(server: FakeServer, method: string) {
  const held: number[] = [];
  const base = server.factory;
  const factory = async (): Promise<FrameTransport> => {
    const transport = await base();
    return {
      ...transport,
      send: (frame) => {
        if (frame.type === 'req' && frame.method === method) {
          server.sent.push(frame);
          held.push(frame.id);
          return;
        }
        transport.send(frame);
      },
    };
  };
  // `factory` is a readonly field; the fake's own transports still answer everything else.
  Object.defineProperty(server, 'factory', { value: factory });
  return {
    held: () => held.length,
    release(result: Result<unknown>): void {
      for (const id of held.splice(0)) server.push({ type: 'res', id, result } as ServerFrame);
    },
  };
}
