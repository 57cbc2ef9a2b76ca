/**
 * Making sure a session's image is there, per pull policy, with progress.
 */
import type Docker from 'dockerode';
import type { ImageProgressDto, PullPolicy } from '../../../src-shared/docker.js';
import { err, ok, type Result } from '../../../src-shared/result.js';

interface PullEvent {
  id?: string;
  status?: string;
  error?: string;
  progressDetail?: { current?: number; total?: number };
}

async function isPresent(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves once `ref` is present locally. `Never` fails at once when it isn't; `IfNotPresent` pulls
 * only when missing; `Always` pulls every time. Aborting `signal` stops the pull.
 */
export async function ensureImage(
  docker: Docker,
  ref: string,
  policy: PullPolicy,
  onProgress: (p: ImageProgressDto) => void,
  signal?: AbortSignal,
): Promise<Result<{ pulled: boolean }>> {
  const present = await isPresent(docker, ref);
  if (policy === 'Never') {
    return present ? ok({ pulled: false }) : err('backend_unavailable', `image ${ref} is not present locally (pull policy: Never)`);
  }
  if (present && policy === 'IfNotPresent') return ok({ pulled: false });
  const pulled = await pull(docker, ref, onProgress, signal);
  if (pulled.ok) return ok({ pulled: true });
  // A registry that can't be reached is no reason to fail when the image is already here.
  if (present) return ok({ pulled: false });
  return pulled;
}

function pull(docker: Docker, ref: string, onProgress: (p: ImageProgressDto) => void, signal?: AbortSignal): Promise<Result<void>> {
  return new Promise((resolve) => {
    let settled = false;
    let stream: (NodeJS.ReadableStream & { destroy?: () => void }) | null = null;
    const finish = (r: Result<void>) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    // Cancelling works even before the engine has answered (a registry that never responds).
    const onAbort = () => {
      stream?.destroy?.();
      finish(err('bad_request', `pull of ${ref} cancelled`));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    docker.pull(ref, {}, (error: Error | null, s?: NodeJS.ReadableStream) => {
      if (settled) {
        (s as typeof stream)?.destroy?.();
        return;
      }
      if (error || !s) {
        finish(err('backend_unavailable', `cannot pull image ${ref}: ${error?.message ?? 'no stream'}`));
        return;
      }
      stream = s;
      const layers = new Map<string, { current: number; total: number; done: boolean }>();
      docker.modem.followProgress(
        s,
        (finalError: Error | null, events: PullEvent[]) => {
          const failed = finalError?.message ?? events.find((e) => e.error)?.error;
          finish(failed ? err('backend_unavailable', `cannot pull image ${ref}: ${failed}`) : ok());
        },
        (event: PullEvent) => {
          if (!event.id || !event.status) return;
          const layer = layers.get(event.id) ?? { current: 0, total: 0, done: false };
          if (event.progressDetail?.total) {
            layer.total = event.progressDetail.total;
            layer.current = event.progressDetail.current ?? layer.current;
          }
          if (/complete|already exists/i.test(event.status)) layer.done = true;
          layers.set(event.id, layer);
          let bytesDone = 0;
          let bytesTotal = 0;
          let layersDone = 0;
          for (const l of layers.values()) {
            bytesDone += l.done ? l.total : l.current;
            bytesTotal += l.total;
            if (l.done) layersDone++;
          }
          onProgress({ layersDone, layersTotal: layers.size, bytesDone, bytesTotal });
        },
      );
    });
  });
}
