/**
 * Per-backend session options with the user's defaults applied.
 */
import type { DockerCreateOptions, DockerSessionInfo, DockerSettings } from '../../src-shared/docker.js';
import type { StartSpec } from '../backends/backend.js';

/** A Docker session's options: what the request says, else Settings → Docker. */
export function resolveDocker(options: DockerCreateOptions | undefined, settings: DockerSettings): NonNullable<StartSpec['docker']> {
  const o = options ?? {};
  const info: DockerSessionInfo = {
    image: o.image ?? settings.defaultImage,
    containerId: null,
    volumeMode: o.volumeMode ?? settings.volumeMode,
    runtime: o.runtime ?? settings.runtime,
    caches: o.caches ?? settings.caches,
    limits: {
      cpus: o.cpus ?? settings.limits.cpus,
      memoryMb: o.memoryMb ?? settings.limits.memoryMb,
      pids: o.pids ?? settings.limits.pids,
    },
    warm: false,
    networkMode: o.networkMode ?? settings.networkMode,
  };
  return { info, pullPolicy: o.pullPolicy ?? settings.pullPolicy };
}
