/**
 * `berth prune`: worktrees and `berth/*` branches left by deleted sessions, listed with their disk use;
 * removed after a confirmation on a terminal, or with `--yes`. Items with unsaved work (uncommitted
 * files, commits on no other branch) are named file by file and removed only when confirmed on their
 * own, or with `--yes --include-unsaved`.
 */
import readline from 'node:readline';
import type { Command } from 'commander';
import type { PruneItemDto, PruneRunDto } from '../../../src-shared/changes.js';
import { defineAction, type RunState } from '../command-kit.js';
import { EXIT_ERROR, UsageError, type CliContext } from '../context.js';
import { formatBytes } from '../docker-format.js';
import { formatTable } from '../text-table.js';

interface PruneOptions {
  yes?: boolean;
  includeUnsaved?: boolean;
  json?: boolean;
}

/** The listing: one row per item, then each item's unsaved work. */
export function formatPruneList(items: readonly PruneItemDto[]): string {
  const rows = items.map((i) => [i.kind, i.branch ?? '-', i.path ?? i.repoPath, i.kind === 'worktree' ? formatBytes(i.bytes) : '-', i.unsaved.length > 0 ? 'yes' : '-']);
  const lines = [formatTable(['KIND', 'BRANCH', 'PATH', 'SIZE', 'UNSAVED'], rows)];
  for (const i of items.filter((x) => x.unsaved.length > 0)) {
    lines.push('', `unsaved work in ${i.branch ?? i.path ?? i.id} (lost if removed):`, ...i.unsaved.map((u) => `  ${u}`));
  }
  return lines.join('\n');
}

/** Asks a yes/no question on the terminal; only "y" or "yes" is yes. */
async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: ctx.io.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function report(ctx: CliContext, result: PruneRunDto, items: readonly PruneItemDto[]): number {
  const name = (id: string) => {
    const i = items.find((x) => x.id === id);
    return i ? (i.kind === 'worktree' ? (i.path ?? id) : (i.branch ?? id)) : id;
  };
  for (const id of result.removed) ctx.out(`removed ${name(id)}`);
  for (const k of result.kept) ctx.io.stderr.write(`berth: kept ${name(k.id)}: ${k.reason}\n`);
  return result.kept.length > 0 ? EXIT_ERROR : 0;
}

/** Registers `prune` on `program`. */
export function registerPruneCommand(program: Command, state: RunState): void {
  defineAction<PruneOptions>(
    program
      .command('prune')
      .description('list worktrees and berth/* branches left by deleted sessions, with their size, and remove them')
      .option('-y, --yes', 'remove without asking (items with unsaved work are kept unless --include-unsaved)')
      .option('--include-unsaved', 'with --yes: remove items with unsaved work too (their files and commits are lost)')
      .option('--json', 'print the items as JSON and remove nothing'),
    state,
    async (ctx, _args, opts) => {
      if (opts.includeUnsaved && !opts.yes) throw new UsageError('--include-unsaved goes with --yes');
      const items = await ctx.call('prune.list', {});
      if (opts.json) return ctx.json(items);
      if (items.length === 0) return ctx.out('Nothing to prune.');
      ctx.out(formatPruneList(items));
      const saved = items.filter((i) => i.unsaved.length === 0);
      const unsaved = items.filter((i) => i.unsaved.length > 0);

      let ids: string[];
      let confirmUnsaved: string[] = [];
      if (opts.yes) {
        ids = (opts.includeUnsaved ? items : saved).map((i) => i.id);
        if (opts.includeUnsaved) confirmUnsaved = unsaved.map((i) => i.id);
        else if (unsaved.length > 0) ctx.out(`\nKeeping ${unsaved.length} with unsaved work (add --include-unsaved to remove them too).`);
      } else if (process.stdin.isTTY) {
        ids = saved.length > 0 && (await confirm(ctx, `\nRemove ${saved.length} without unsaved work?`)) ? saved.map((i) => i.id) : [];
        if (unsaved.length > 0 && (await confirm(ctx, `Remove ${unsaved.length} with unsaved work? The files and commits listed above are lost.`))) {
          confirmUnsaved = unsaved.map((i) => i.id);
          ids.push(...confirmUnsaved);
        }
      } else {
        ctx.out('\nNothing removed: run `berth prune --yes` to remove them (or in a terminal, to be asked).');
        return;
      }
      if (ids.length === 0) {
        if (!opts.yes) ctx.out('Nothing removed.');
        return;
      }
      return report(ctx, await ctx.call('prune.run', { ids, ...(confirmUnsaved.length > 0 ? { confirmUnsaved } : {}) }), items);
    },
  );
}
