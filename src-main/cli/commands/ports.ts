/**
 * `berth ports [NAME]`: the host ports sessions hold (`.berth.json` `ports`), with their URLs.
 */
import type { Command } from 'commander';
import { MAX_LIST_LIMIT } from '../../../src-shared/contract.js';
import type { SessionDto } from '../../../src-shared/dto.js';
import { defineAction, type RunState } from '../command-kit.js';
import { EXIT_OK } from '../context.js';
import { formatTable } from '../text-table.js';

interface PortsOptions {
  json?: boolean;
}

/** One row of `berth ports`. */
export interface PortRow {
  session: string;
  name: string;
  port: number;
  url: string;
}

/** The rows for `sessions`, in their order, each session's ports in theirs. */
export function portRows(sessions: readonly SessionDto[]): PortRow[] {
  return sessions.flatMap((s) => s.ports.map((p) => ({ session: s.name, name: p.name, port: p.port, url: `http://localhost:${p.port}` })));
}

/** Registers `ports` on `program`. */
export function registerPortsCommand(program: Command, state: RunState): void {
  defineAction<PortsOptions>(
    program
      .command('ports')
      .description("list the host ports sessions hold (one per port name in the repository's .berth.json)")
      .argument('[name]', 'only this session (name or id)')
      .option('--json', 'print a JSON array of {session, name, port, url}'),
    state,
    async (ctx, args, opts) => {
      const ref = args[0];
      // Archived sessions hold their ports until deleted: they are listed too.
      const sessions = ref
        ? [await ctx.call('sessions.get', { ref })]
        : (await Promise.all([false, true].map((archived) => ctx.call('sessions.list', { archived, limit: MAX_LIST_LIMIT })))).flat();
      const rows = portRows(sessions);
      if (opts.json) ctx.json(rows);
      else if (rows.length === 0) ctx.io.stdout.write(ref ? `session ${sessions[0]!.name} holds no ports (its repository names none in .berth.json "ports")\n` : 'no session holds a port\n');
      else ctx.io.stdout.write(`${formatTable(['SESSION', 'NAME', 'PORT', 'URL'], rows.map((r) => [r.session, r.name, String(r.port), r.url]))}\n`);
      return EXIT_OK;
    },
  );
}
