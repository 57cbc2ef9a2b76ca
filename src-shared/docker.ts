/**
 * Docker backend shapes: per-session options, settings, engine info, caches, warm pool.
 */
import { z } from 'zod';

/** When to pull the session's image: always, only when it isn't present, or never (fail fast). */
export const PullPolicy = z.enum(['Always', 'IfNotPresent', 'Never']);
export type PullPolicy = z.infer<typeof PullPolicy>;

/**
 * How the worktree reaches the container.
 * `bind`: bind-mounted at /workspace (live, the default on Linux).
 * `volume`: copied into a named volume, synced back on stop (faster file I/O where bind mounts are slow).
 */
export const VolumeMode = z.enum(['bind', 'volume']);
export type VolumeMode = z.infer<typeof VolumeMode>;

/** Persistent package caches, one named volume per type shared by all sessions. */
export const CacheType = z.enum(['npm', 'bun', 'pnpm', 'cargo', 'sccache', 'pip', 'go']);
export type CacheType = z.infer<typeof CacheType>;

/**
 * The network a Docker session's container joins.
 * `contained` (the default): its own internal network whose only way out is Berth's proxy (through a
 * relay container); direct connections to the host, other containers and the internet fail.
 * `none`: no network at all (no proxy either).
 * `bridge` or the name of another engine network: an open network — the agent can connect anywhere that
 * network reaches, bypassing the proxy's egress policy and audit ("egress not contained").
 */
export const NetworkMode = z.union([
  z.enum(['contained', 'none', 'bridge']),
  z
    .string()
    .min(1)
    .max(128)
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'contained, none, bridge or the name of an engine network')
    // `host` would share the host's network stack; a container's network (`container:…`) is refused by the pattern.
    .refine((n) => n !== 'host', 'the host network is never used for sessions'),
]);
export type NetworkMode = z.infer<typeof NetworkMode>;

/** The choices Settings and the create dialog offer (any engine network name is accepted too). */
export const NETWORK_CHOICES = ['contained', 'bridge', 'none'] as const;

/**
 * Whether a session on `mode` can reach the outside only through Berth's proxy (or not at all).
 * Every other mode is an explicit choice of an open network, shown on the session as "egress not contained".
 */
export function egressContained(mode: NetworkMode): boolean {
  return mode === 'contained' || mode === 'none';
}

/** Image references as Docker accepts them (name[:tag][@digest]), no whitespace. */
export const ImageRef = z
  .string()
  .min(1)
  .max(500)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/:@-]*$/, 'an image reference like node:22 or registry.example/team/agent:1.2');

/** Resource limits; absent means unlimited. */
export const ResourceLimits = z.object({
  /** CPUs (fractional), applied as NanoCpus. */
  cpus: z.number().positive().max(1024).nullable(),
  memoryMb: z.number().int().min(6).max(4 * 1024 * 1024).nullable(),
  pids: z.number().int().min(8).max(4_194_304).nullable(),
});
export type ResourceLimits = z.infer<typeof ResourceLimits>;

/** Options a Docker session may set at create; unset ones come from Settings → Docker. */
export const DockerCreateOptions = z
  .object({
    image: ImageRef.optional(),
    pullPolicy: PullPolicy.optional(),
    volumeMode: VolumeMode.optional(),
    cpus: z.number().positive().max(1024).optional(),
    memoryMb: z.number().int().min(6).max(4 * 1024 * 1024).optional(),
    pids: z.number().int().min(8).max(4_194_304).optional(),
    runtime: z.string().min(1).max(100).regex(/^[a-zA-Z0-9._-]+$/).optional(),
    caches: z.array(CacheType).max(CacheType.options.length).optional(),
    /** `bridge` or another engine network opens the session's egress (shown as "egress not contained"). */
    networkMode: NetworkMode.optional(),
  })
  .strict();
export type DockerCreateOptions = z.infer<typeof DockerCreateOptions>;

/** What a Docker session runs with (after defaults), shown on the session. */
export const DockerSessionInfo = z.object({
  image: z.string(),
  containerId: z.string().nullable(),
  volumeMode: VolumeMode,
  runtime: z.string(),
  caches: z.array(CacheType),
  limits: ResourceLimits,
  /** Whether the container came from the warm pool. */
  warm: z.boolean(),
  /** The network it joins; sessions made before containment existed were on the open bridge. */
  networkMode: NetworkMode.default('bridge'),
});
export type DockerSessionInfo = z.infer<typeof DockerSessionInfo>;

/** Settings → Docker. */
export const DockerSettings = z.object({
  /** `unix:///path`, `tcp://host:port` or null for DOCKER_HOST / the default socket. */
  endpoint: z.string().max(500).nullable(),
  /** For tcp endpoints with TLS: a folder with ca.pem, cert.pem, key.pem (like DOCKER_CERT_PATH). */
  tlsCertPath: z.string().max(1000).nullable(),
  defaultImage: ImageRef,
  pullPolicy: PullPolicy,
  /** Images pulled in the background at start-up and kept ready. */
  warmImages: z.array(ImageRef).max(20),
  /** Started containers kept ready per warm image; 0 disables the pool. */
  warmPoolSize: z.number().int().min(0).max(16),
  limits: ResourceLimits,
  volumeMode: VolumeMode,
  runtime: z.string().min(1).max(100),
  networkMode: NetworkMode,
  caches: z.array(CacheType),
});
export type DockerSettings = z.infer<typeof DockerSettings>;

export const DEFAULT_DOCKER_SETTINGS: DockerSettings = {
  endpoint: null,
  tlsCertPath: null,
  defaultImage: 'berth-agent:latest',
  pullPolicy: 'IfNotPresent',
  warmImages: [],
  warmPoolSize: 0,
  limits: { cpus: null, memoryMb: null, pids: 4096 },
  volumeMode: 'bind',
  runtime: 'runc',
  networkMode: 'contained',
  caches: ['npm', 'pip'],
};

export const DockerImageDto = z.object({
  ref: z.string(),
  id: z.string(),
  sizeBytes: z.number(),
  createdAt: z.number(),
  /** When a Berth session last used it (null: never). */
  lastUsedAt: z.number().nullable(),
});
export type DockerImageDto = z.infer<typeof DockerImageDto>;

export const WarmPoolDto = z.object({
  image: z.string(),
  ready: z.number().int(),
  starting: z.number().int(),
  target: z.number().int(),
  lastError: z.string().nullable(),
});
export type WarmPoolDto = z.infer<typeof WarmPoolDto>;

export const DockerInfoDto = z.object({
  available: z.boolean(),
  /** Why the engine is unreachable and how to fix it. */
  reason: z.string().nullable(),
  endpoint: z.string(),
  version: z.string().nullable(),
  runtimes: z.array(z.string()),
  defaultRuntime: z.string().nullable(),
  images: z.array(DockerImageDto),
  pool: z.array(WarmPoolDto),
});
export type DockerInfoDto = z.infer<typeof DockerInfoDto>;

export const CacheDto = z.object({
  type: CacheType,
  volume: z.string(),
  /** Where the cache is mounted in session containers. */
  mountPath: z.string(),
  sizeBytes: z.number().nullable(),
  exists: z.boolean(),
});
export type CacheDto = z.infer<typeof CacheDto>;

/** Image pull/build progress, as a create phase's detail. */
export const ImageProgressDto = z.object({
  layersDone: z.number().int(),
  layersTotal: z.number().int(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
});
export type ImageProgressDto = z.infer<typeof ImageProgressDto>;
