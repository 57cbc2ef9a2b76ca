/**
 * `berth cache size` and `berth cache clean`: the Docker backend's persistent package caches.
 */
import { Option, type Command } from 'commander';
import { CacheType } from '../../../src-shared/docker.js';
import { defineAction, type RunState } from '../command-kit.js';
import { formatCacheTable } from '../docker-format.js';

interface CacheOptions {
  type?: CacheType;
  json?: boolean;
}

function typeOption(what: string): Option {
  return new Option('--type <type>', what).choices(CacheType.options);
}

/** Registers `cache size` and `cache clean` on `program`. */
export function registerCacheCommands(program: Command, state: RunState): void {
  const cache = program
    .command('cache')
    .description("show or clean the Docker backend's package caches (one volume per type)")
    .addHelpText('after', '\nExit codes: 0 ok, 1 error (engine unreachable, cache in use), 2 usage error.');

  defineAction<CacheOptions>(
    cache
      .command('size')
      .description('list the cache volumes with their size on disk')
      .addOption(typeOption('only this cache type'))
      .option('--json', 'print a JSON array'),
    state,
    async (ctx, _args, opts) => {
      const caches = await ctx.call('caches.list', opts.type ? { type: opts.type } : {});
      if (opts.json) ctx.json(caches);
      else ctx.out(formatCacheTable(caches));
    },
  );

  defineAction<CacheOptions>(
    cache
      .command('clean')
      .description('remove cache volumes (all types, or one); a cache used by a running session is not removed')
      .addOption(typeOption('only this cache type'))
      .option('--json', 'print {removed} as JSON'),
    state,
    async (ctx, _args, opts) => {
      const result = await ctx.call('caches.clean', opts.type ? { type: opts.type } : {});
      if (opts.json) ctx.json(result);
      else if (result.removed.length === 0) ctx.out('nothing to remove');
      else for (const volume of result.removed) ctx.out(`removed ${volume}`);
    },
  );
}
