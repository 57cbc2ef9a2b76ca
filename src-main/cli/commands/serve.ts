/**
 * `berth serve`: runs the orchestrator in this process (headless mode) until SIGINT or SIGTERM.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { findRendererDir } from '../../orchestrator/renderer-dir.js';
import { defineAction, type RunState } from '../command-kit.js';
import { CliError, EXIT_ERROR, EXIT_OK, UsageError } from '../context.js';

/** Default port of `berth serve`. */
export const DEFAULT_PORT = 7717;
/** Highest TCP port. */
const MAX_PORT = 65_535;
/** Default address: loopback; reach it from another machine through an SSH tunnel. */
const LOOPBACK_HOST = '127.0.0.1';
/** Addresses that only this machine can reach. */
const LOOPBACK_HOSTS = new Set([LOOPBACK_HOST, 'localhost', '::1']);

interface ServeOptions {
  port: number;
  host: string;
}

/** Parses `--port`: an integer 0..65535 (0 picks any free port). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > MAX_PORT) {
    throw new InvalidArgumentError(`expected a port number from 0 to ${MAX_PORT}`);
  }
  return port;
}

/** Registers `serve` on `program`. */
export function registerServeCommand(program: Command, state: RunState): void {
  defineAction<ServeOptions>(
    program
      .command('serve')
      .description('run the orchestrator headless and serve the web UI and the API')
      .option('--port <n>', 'port to listen on (0 = any free port)', parsePort, DEFAULT_PORT)
      .option('--host <address>', 'address to listen on', LOOPBACK_HOST),
    state,
    async (ctx, _args, opts) => {
      if (opts.host.trim() === '') throw new UsageError('--host: expected an address such as 127.0.0.1');
      if (!LOOPBACK_HOSTS.has(opts.host)) {
        ctx.io.stderr.write(
          `berth: warning: ${opts.host} is reachable from other machines; the API is guarded by its token only (an SSH tunnel to ${LOOPBACK_HOST} is safer)\n`,
        );
      }
      const dataDir = ctx.dataDir;
      // Loaded on demand, so the other commands never load the orchestrator and its native modules.
      const [{ startOrchestrator }, { installProcessFaultHandlers }] = await Promise.all([import('../../orchestrator/index.js'), import('../../metrics/faults.js')]);
      // One fault nobody handled must not take every local session down: log it, count it, keep serving.
      installProcessFaultHandlers();
      let started: Awaited<ReturnType<typeof startOrchestrator>>;
      try {
        started = await startOrchestrator({
          dataDir,
          mode: 'headless',
          port: opts.port,
          host: opts.host,
          rendererDir: findRendererDir(path.dirname(fileURLToPath(import.meta.url))) ?? null,
        });
      } catch (e) {
        throw new CliError(describeStartError(e, opts.port));
      }
      if (!started.ok) throw new CliError(started.error.message, EXIT_ERROR, started.error.code);
      const server = started.value;
      ctx.out(`Berth is serving headless at ${server.url} — open ${server.loginUrl()} in a browser (one-time login link)`);
      ctx.out(`Data dir: ${dataDir}`);

      await waitForShutdownSignal();
      try {
        await server.close();
      } catch (e) {
        throw new CliError(`shutting down failed: ${(e as Error).message}`);
      }
      return EXIT_OK;
    },
  );
}

/** Resolves on the first SIGINT or SIGTERM; a second one while shutting down exits at once. */
function waitForShutdownSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const force = () => process.exit(EXIT_ERROR);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function describeStartError(e: unknown, port: number): string {
  const error = e as NodeJS.ErrnoException;
  if (error?.code === 'EADDRINUSE') return `port ${port} is already in use; choose another with --port (0 picks a free one)`;
  return `the orchestrator failed to start: ${error?.message ?? String(e)}`;
}
