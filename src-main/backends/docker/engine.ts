/**
 * The Docker engine connection: which endpoint, whether it answers, and what to tell the user when it
 * doesn't. dockerode (and its gRPC/protobuf tree) is loaded only when Docker is first used, so an
 * orchestrator that never touches Docker doesn't pay for it at start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { err, ok, type Result } from '../../../src-shared/result.js';

/** How long a ping may take before the engine counts as unreachable. */
const PING_TIMEOUT_MS = 3_000;
/** Docker's own default socket. */
const DEFAULT_SOCKET = '/var/run/docker.sock';

export interface EndpointConfig {
  /** `unix:///path`, `tcp://host:port`, or null for $DOCKER_HOST / the default socket. */
  endpoint: string | null;
  tlsCertPath: string | null;
}

/** The endpoint a config resolves to, in Docker's URL form. */
export function describeEndpoint(config: EndpointConfig, env: NodeJS.ProcessEnv = process.env): string {
  return config.endpoint ?? env.DOCKER_HOST ?? `unix://${DEFAULT_SOCKET}`;
}

/** dockerode options for an endpoint; an error value for one it can't use. */
export function dockerOptions(config: EndpointConfig, env: NodeJS.ProcessEnv = process.env): Result<Docker.DockerOptions> {
  const url = describeEndpoint(config, env);
  if (url.startsWith('unix://')) return ok({ socketPath: url.slice('unix://'.length) });
  if (url.startsWith('/')) return ok({ socketPath: url });
  if (url.startsWith('tcp://') || url.startsWith('http://') || url.startsWith('https://')) {
    let parsed: URL;
    try {
      parsed = new URL(url.replace(/^tcp:/, 'http:'));
    } catch {
      return err('bad_request', `"${url}" is not a valid Docker endpoint`);
    }
    const certDir = config.tlsCertPath ?? env.DOCKER_CERT_PATH ?? null;
    const tls = url.startsWith('https://') || certDir !== null || env.DOCKER_TLS_VERIFY === '1';
    const options: Docker.DockerOptions = { host: parsed.hostname, port: Number(parsed.port || (tls ? 2376 : 2375)), protocol: tls ? 'https' : 'http' };
    if (tls && certDir) {
      try {
        options.ca = fs.readFileSync(path.join(certDir, 'ca.pem'));
        options.cert = fs.readFileSync(path.join(certDir, 'cert.pem'));
        options.key = fs.readFileSync(path.join(certDir, 'key.pem'));
      } catch (e) {
        return err('bad_request', `cannot read the TLS certificates in ${certDir}: ${(e as Error).message}`);
      }
    }
    return ok(options);
  }
  return err('bad_request', `unsupported Docker endpoint "${url}" (use unix:///path/to/docker.sock or tcp://host:port)`);
}

let dockerodeModule: Promise<typeof Docker> | null = null;

async function loadDockerode(): Promise<typeof Docker> {
  dockerodeModule ??= import('dockerode').then((m) => (m.default ?? m) as typeof Docker);
  return dockerodeModule;
}

/** A connected client, rebuilt when the endpoint setting changes. */
/** What a successful probe learns about the engine. */
export interface EngineFacts {
  version: string;
  runtimes: string[];
  defaultRuntime: string | null;
}

/**
 * How long a successful probe is trusted: one create asks several times (probe, validate) and each
 * `docker info` costs 10-20 ms; a failure is never cached, so a returning engine is seen at once.
 */
const PROBE_CACHE_MS = 2_000;

export class DockerEngine {
  private client: { key: string; docker: Docker } | null = null;
  private lastProbe: { at: number; key: string; facts: EngineFacts } | null = null;

  constructor(private readonly config: () => EndpointConfig, private readonly env: NodeJS.ProcessEnv = process.env) {}

  get endpoint(): string {
    return describeEndpoint(this.config(), this.env);
  }

  async docker(): Promise<Result<Docker>> {
    const config = this.config();
    const key = JSON.stringify(config);
    if (this.client?.key === key) return ok(this.client.docker);
    const options = dockerOptions(config, this.env);
    if (!options.ok) return options;
    const Dockerode = await loadDockerode();
    const docker = new Dockerode(options.value);
    this.client = { key, docker };
    return ok(docker);
  }

  /** Pings the engine; the error says what is wrong and how to fix it. A success is reused briefly. */
  async probe(): Promise<Result<EngineFacts>> {
    const cached = this.lastProbe;
    if (cached && Date.now() - cached.at < PROBE_CACHE_MS && cached.key === JSON.stringify(this.config())) return ok(cached.facts);
    const r = await this.probeNow();
    this.lastProbe = r.ok ? { at: Date.now(), key: JSON.stringify(this.config()), facts: r.value } : null;
    return r;
  }

  /** Drops a cached success: a call just found the engine unreachable, so the next probe asks it again. */
  forgetProbe(): void {
    this.lastProbe = null;
  }

  private async probeNow(): Promise<Result<EngineFacts>> {
    const docker = await this.docker();
    if (!docker.ok) return err('backend_unavailable', docker.error.message);
    try {
      const info = (await withTimeout(docker.value.info(), PING_TIMEOUT_MS)) as { ServerVersion?: string; Runtimes?: Record<string, unknown>; DefaultRuntime?: string };
      return ok({
        version: info.ServerVersion ?? 'unknown',
        runtimes: Object.keys(info.Runtimes ?? {}).sort(),
        defaultRuntime: info.DefaultRuntime ?? null,
      });
    } catch (e) {
      return err('backend_unavailable', unreachableMessage(this.endpoint, e as Error));
    }
  }
}

/** Words for an unreachable engine, with the fix. */
export function unreachableMessage(endpoint: string, e: Error & { code?: string }): string {
  const why = e.code === 'ENOENT' ? 'no socket there' : e.code === 'EACCES' ? 'permission denied on the socket' : e.code === 'ECONNREFUSED' ? 'connection refused' : e.message;
  const fix =
    e.code === 'EACCES'
      ? 'add your user to the docker group (then log in again) or point Berth at a rootless Docker socket'
      : 'start Docker (e.g. `sudo systemctl start docker` or Docker Desktop), or set the engine endpoint in Settings → Docker';
  return `Docker is not reachable at ${endpoint} (${why}); ${fix}`;
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
