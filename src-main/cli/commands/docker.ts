/**
 * `berth docker info`: whether the Docker engine answers, its version, runtimes, images and warm pool.
 */
import type { Command } from 'commander';
import { defineAction, type RunState } from '../command-kit.js';
import { EXIT_ERROR, EXIT_OK } from '../context.js';
import { formatDockerInfo } from '../docker-format.js';

/** Registers `docker info` on `program`. */
export function registerDockerCommands(program: Command, state: RunState): void {
  const docker = program.command('docker').description('the Docker engine Berth uses (Settings → Docker)');

  defineAction<{ json?: boolean }>(
    docker
      .command('info')
      .description('show the engine endpoint, version, runtimes, images and warm pool; exits 1 when the engine is unreachable')
      .option('--json', 'print the engine info as JSON'),
    state,
    async (ctx, _args, opts) => {
      const info = await ctx.call('docker.info', {});
      if (opts.json) ctx.json(info);
      else ctx.out(formatDockerInfo(info));
      return info.available ? EXIT_OK : EXIT_ERROR;
    },
  );
}
