/**
 * What Settings → Docker and Caches show and do: engine info, images, cache volumes and their sizes.
 */
import type Docker from 'dockerode';
import { CacheType, type CacheDto, type DockerImageDto, type DockerInfoDto, type WarmPoolDto } from '../../../src-shared/docker.js';
import { err, ok, type Result } from '../../../src-shared/result.js';
import { CACHE_MOUNTS } from './container-spec.js';
import { cacheVolumeName, type DockerBackend } from './docker-backend.js';
import { LABEL_CACHE } from './labels.js';

export async function dockerInfo(backend: DockerBackend, pool: () => WarmPoolDto[], lastUsed: (image: string) => number | null): Promise<DockerInfoDto> {
  const probe = await backend.engine.probe();
  const base = { endpoint: backend.engine.endpoint, pool: pool() };
  if (!probe.ok) return { ...base, available: false, reason: probe.error.message, version: null, runtimes: [], defaultRuntime: null, images: [] };
  const docker = await backend.engine.docker();
  let images: DockerImageDto[] = [];
  if (docker.ok) {
    const list = await docker.value.listImages().catch(() => [] as Docker.ImageInfo[]);
    images = list.flatMap((img) =>
      (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>').map((ref) => ({
        ref,
        id: img.Id,
        sizeBytes: img.Size,
        createdAt: img.Created * 1000,
        lastUsedAt: lastUsed(ref),
      })),
    );
  }
  return { ...base, available: true, reason: null, version: probe.value.version, runtimes: probe.value.runtimes, defaultRuntime: probe.value.defaultRuntime, images };
}

/** HTTP status the engine uses for "volume in use". */
const HTTP_CONFLICT = 409;

/** `name` → `name:latest` when it names no tag or digest, so the same image compares equal. */
export function normalizeImageRef(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? ref : `${ref}:latest`;
}

interface VolumeUsage {
  Name: string;
  UsageData?: { Size?: number } | null;
}

/** Cache volumes (all types, or one) with their size on disk. */
export async function listCaches(backend: DockerBackend, type?: CacheType): Promise<Result<CacheDto[]>> {
  const docker = await backend.engine.docker();
  if (!docker.ok) return docker;
  let sizes = new Map<string, number | null>();
  try {
    // `docker system df -v` is how the engine reports volume sizes.
    const df = (await docker.value.df()) as { Volumes?: VolumeUsage[] };
    sizes = new Map((df.Volumes ?? []).map((v) => [v.Name, v.UsageData?.Size ?? null]));
  } catch (e) {
    const probe = await backend.engine.probe();
    return err('backend_unavailable', probe.ok ? `cannot read volume sizes: ${(e as Error).message}` : probe.error.message);
  }
  const types = type ? [type] : CacheType.options;
  return ok(
    types.map((t) => {
      const volume = cacheVolumeName(t);
      return { type: t, volume, mountPath: CACHE_MOUNTS[t].join(', '), sizeBytes: sizes.get(volume) ?? null, exists: sizes.has(volume) };
    }),
  );
}

/** Removes cache volumes; one in use by a running session is reported, not forced. */
export async function cleanCaches(backend: DockerBackend, type?: CacheType): Promise<Result<{ removed: string[] }>> {
  const docker = await backend.engine.docker();
  if (!docker.ok) return docker;
  let volumes: { Name: string; Labels?: Record<string, string> | null }[];
  try {
    volumes = (await docker.value.listVolumes({ filters: { label: [type ? `${LABEL_CACHE}=${type}` : LABEL_CACHE] } })).Volumes ?? [];
  } catch (e) {
    const probe = await backend.engine.probe();
    return err('backend_unavailable', probe.ok ? `cannot list cache volumes: ${(e as Error).message}` : probe.error.message);
  }
  const removed: string[] = [];
  const problems: string[] = [];
  for (const v of volumes) {
    try {
      await docker.value.getVolume(v.Name).remove();
      removed.push(v.Name);
    } catch (e) {
      // The engine answers 409 for a volume a container still uses.
      const inUse = (e as { statusCode?: number }).statusCode === HTTP_CONFLICT;
      problems.push(inUse ? `${v.Name} is in use by a session` : `${v.Name}: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) return err('conflict', `not removed: ${problems.join('; ')} (removed: ${removed.join(', ') || 'none'})`);
  return ok({ removed });
}
