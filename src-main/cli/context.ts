/**
 * What every CLI command shares: its input/output streams, the data dir, and calls to the orchestrator
 * that turn error Results into `CliError`s.
 */
import path from 'node:path';
import packageJson from '../../package.json' with { type: 'json' };
import type { ProtocolClient } from '../../src-shared/client.js';
import type { MethodName, MethodParams, MethodResult } from '../../src-shared/contract.js';
import type { ErrorCode } from '../../src-shared/result.js';
import { callHttp, connectWebSocket, readApiFile, type Endpoint } from '../client/node-client.js';
import { resolveDataDir } from '../orchestrator/data-dir.js';

/** Exit codes of the `berth` command. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

/** The streams and process facts a command runs with (the real process, or a test's capture). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The real process's streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * A failure the CLI reports as `berth: <message>` with an exit code.
 *
 * `code` is the orchestrator's error code when the failure came from it.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_ERROR,
    readonly code: ErrorCode | null = null,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error: bad arguments, caught before anything is sent (exit code 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

/** Options every command accepts (`--home`). */
export interface GlobalOptions {
  home?: string;
}

/** Everything a command needs: io, the data dir, and the orchestrator. */
export class CliContext {
  private endpointCache: Endpoint | null = null;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
  ) {}

  /** `--home`, else `$BERTH_HOME`, else the platform's app-data folder. */
  get dataDir(): string {
    const home = this.globals.home?.trim();
    return resolveDataDir(home ? { ...this.io.env, BERTH_HOME: path.resolve(this.io.cwd, home) } : this.io.env);
  }

  /** Writes a line to stdout. */
  out(line: string): void {
    this.io.stdout.write(`${line}\n`);
  }

  /** Writes a value as pretty JSON to stdout. */
  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  /** The running orchestrator's endpoint, or a `CliError` saying none is running. */
  endpoint(): Endpoint {
    if (this.endpointCache) return this.endpointCache;
    const dataDir = this.dataDir;
    const api = readApiFile(dataDir);
    if (!api.ok) throw new CliError(api.error.message, EXIT_ERROR, api.error.code);
    if (!isProcessAlive(api.value.pid)) {
      throw new CliError(
        `no Berth orchestrator is running for ${dataDir} (the one that wrote its api.json, pid ${api.value.pid}, is gone); start one with \`berth serve\``,
      );
    }
    this.endpointCache = { url: api.value.url, token: api.value.token };
    return this.endpointCache;
  }

  /** Calls a method over HTTP; an error Result becomes a `CliError` carrying the server's message. */
  async call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    const result = await callHttp(this.endpoint(), method, params);
    if (!result.ok) throw new CliError(result.error.message, EXIT_ERROR, result.error.code);
    return result.value;
  }

  /** Opens a WebSocket to the orchestrator (for live terminal streams). */
  async connect(): Promise<ProtocolClient> {
    const result = await connectWebSocket(this.endpoint());
    if (!result.ok) throw new CliError(result.error.message, EXIT_ERROR, result.error.code);
    return result.value;
  }
}

/** Whether a process with this pid exists (EPERM means it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Berth's version from package.json (inlined by the build, read by tsx from source). */
export function packageVersion(): string {
  return packageJson.version;
}
