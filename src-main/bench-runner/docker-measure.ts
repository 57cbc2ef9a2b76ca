/**
 * The Docker measurements shared by `npm run bench` (create.docker.*) and `berth bench`: the raw
 * baseline (create + attach + start of the same image and command with the engine API, what
 * `docker run -it` does) and the warm-pool loop.
 */
import type Docker from 'dockerode';
import { BENCH_COMMAND, FIRST_OUTPUT_TIMEOUT_MS, type TimedCreate } from './measure.js';
import { msSince } from './stats.js';

/** The user the raw container runs as (Berth's agent user). */
const RAW_USER = '1000:1000';
/** Label on raw baseline containers, so a leftover is recognisable. */
export const LABEL_BENCH = 'berth.bench';
/** How often the pool is looked at while it fills. */
const POOL_POLL_MS = 20;
/** Longest wait for the pool to fill before a warm create. */
export const POOL_WAIT_MS = 30_000;
/** Creates that may come out cold (another pool of the image was counted as full) before warm fails. */
const MAX_COLD_RETRIES = 3;

/** Whether `image` is present on the engine (the benchmark never pulls). */
export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Creates, attaches and starts a container of `image` running BENCH_COMMAND, until its first output byte; removes it after. */
export async function rawDockerCreate(docker: Docker, image: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const container = await docker.createContainer({
    Image: image,
    Cmd: [...BENCH_COMMAND],
    Tty: true,
    OpenStdin: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    User: RAW_USER,
    Labels: { [LABEL_BENCH]: 'raw' },
  });
  try {
    const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    let timer: NodeJS.Timeout | undefined;
    const first = new Promise<void>((resolve, reject) => {
      stream.once('data', () => resolve());
      timer = setTimeout(() => reject(new Error(`the raw container printed nothing within ${FIRST_OUTPUT_TIMEOUT_MS} ms`)), FIRST_OUTPUT_TIMEOUT_MS);
    });
    try {
      await container.start();
      await first;
    } finally {
      clearTimeout(timer);
      // The hijacked attach stream is a socket: close it rather than wait for the engine to.
      (stream as NodeJS.ReadWriteStream & { destroy?: () => void }).destroy?.();
    }
    return msSince(t0);
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** Waits until `ready()` reports at least `size` ready containers (bounded by POOL_WAIT_MS). */
export async function waitForPool(ready: () => number | Promise<number>, size: number, signal?: AbortSignal, why?: () => string | null): Promise<void> {
  const deadline = Date.now() + POOL_WAIT_MS;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if ((await ready()) >= size) return;
    await new Promise((r) => setTimeout(r, POOL_POLL_MS));
  }
  const reason = why?.();
  throw new Error(`the warm pool did not fill to ${size} within ${POOL_WAIT_MS} ms${reason ? `: ${reason}` : ''}`);
}

/** What the warm loop drives. */
export interface WarmLoop {
  /** Resolves once the pool is full. */
  poolReady(): Promise<void>;
  create(): Promise<TimedCreate>;
  remove(id: string): Promise<void>;
  onStep?(): void;
  signal?: AbortSignal;
}

/**
 * `runs` warm creates → first output, each after the pool is full again; a create that comes out cold
 * is not counted (bounded retries).
 */
export async function measureWarm(runs: number, loop: WarmLoop): Promise<number[]> {
  const warm: number[] = [];
  let cold = 0;
  while (warm.length < runs) {
    loop.signal?.throwIfAborted();
    await loop.poolReady();
    const c = await loop.create();
    await loop.remove(c.id);
    if (!c.warm) {
      if (++cold > MAX_COLD_RETRIES) throw new Error('creates with a full pool did not get a warm container');
      continue;
    }
    warm.push(c.ms);
    loop.onStep?.();
  }
  return warm;
}
