/**
 * Review commands: `berth diff` (a session's change against its base, or one area of it) and
 * `berth commit`.
 */
import { Option, type Command } from 'commander';
import type { ChangedFileDto, DiffArea } from '../../../src-shared/changes.js';
import { defineAction, firstArg, type RunState } from '../command-kit.js';
import { UsageError } from '../context.js';

interface DiffOptions {
  stat?: boolean;
  json?: boolean;
  staged?: boolean;
  unstaged?: boolean;
  committed?: boolean;
}

interface CommitOptions {
  message: string;
  all?: boolean;
  json?: boolean;
}

/** Widest `+++---` bar of `--stat` (git's is sized to the terminal; this is its usual width). */
const STAT_BAR_WIDTH = 50;

/** Registers `diff` and `commit` on `program`. */
export function registerChangesCommands(program: Command, state: RunState): void {
  const areas = ['staged', 'unstaged', 'committed'];
  const areaOption = (area: string, what: string): Option =>
    new Option(`--${area}`, what).conflicts(areas.filter((a) => a !== area));
  defineAction<DiffOptions>(
    program
      .command('diff')
      .description("show a session's changes against its base branch (committed, staged and not yet staged, with new files)")
      .argument('<name>', 'session name or id')
      .option('--stat', 'per-file counts of added and removed lines instead of the diff')
      .option('--json', 'print {diff, truncated} as JSON (with --stat: {files})')
      .addOption(areaOption('staged', 'only what is staged for the next commit'))
      .addOption(areaOption('unstaged', 'only the changes not staged (and new files)'))
      .addOption(areaOption('committed', 'only what the branch has committed since the base')),
    state,
    async (ctx, args, opts) => {
      const area: DiffArea = opts.staged ? 'staged' : opts.unstaged ? 'unstaged' : opts.committed ? 'committed' : 'all';
      const result = await ctx.call('changes.diff', { ref: firstArg(args), area, stat: opts.stat === true });
      if (opts.json) return ctx.json(opts.stat ? { files: result.files ?? [] } : { diff: result.diff, truncated: result.truncated });
      if (opts.stat) {
        const text = formatStat(result.files ?? []);
        if (text) ctx.io.stdout.write(text);
        return;
      }
      ctx.io.stdout.write(result.diff);
      if (result.truncated) ctx.io.stderr.write('berth: the diff is longer than this and was cut; name one area (--staged, --unstaged, --committed) or see it in Berth\n');
    },
  );

  defineAction<CommitOptions>(
    program
      .command('commit')
      .description("commit what is staged in a session's worktree (hooks are not run), with the repository's git identity")
      .argument('<name>', 'session name or id')
      .requiredOption('-m, --message <message>', 'the commit message')
      .option('-a, --all', 'stage every change first, new files included (like `git add -A`)')
      .option('--json', 'print {commit, summary} as JSON'),
    state,
    async (ctx, args, opts) => {
      if (opts.message.trim() === '') throw new UsageError('-m: write a commit message');
      const result = await ctx.call('changes.commit', { ref: firstArg(args), message: opts.message, all: opts.all === true });
      if (opts.json) ctx.json(result);
      else ctx.out(`committed ${result.commit.slice(0, SHORT_SHA)} ${result.summary}`);
    },
  );
}

/** Characters of a commit id shown to people (git's usual abbreviation). */
const SHORT_SHA = 7;

/** A path as one printable line: control characters (a newline in a name) escaped like a C string. */
function printable(p: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f"\\]/.test(p) ? JSON.stringify(p) : p;
}

/** `git diff --stat`-like lines: ` path | N +++--`, then the totals. */
export function formatStat(files: readonly ChangedFileDto[]): string {
  if (files.length === 0) return '';
  const names = files.map((f) => (f.oldPath ? `${printable(f.oldPath)} => ${printable(f.path)}` : printable(f.path)));
  const width = Math.max(...names.map((n) => n.length));
  const totals = files.map((f) => (f.additions ?? 0) + (f.deletions ?? 0));
  const countWidth = Math.max(...totals.map((n) => String(n).length));
  const max = Math.max(...totals);
  const scale = max > STAT_BAR_WIDTH ? STAT_BAR_WIDTH / max : 1;
  let added = 0;
  let deleted = 0;
  const lines = files.map((f, i) => {
    const name = names[i]!.padEnd(width);
    if (f.binary || f.additions === null) return ` ${name} | Bin`;
    added += f.additions;
    deleted += f.deletions ?? 0;
    const plus = Math.round(f.additions * scale);
    const minus = Math.round((f.deletions ?? 0) * scale);
    return ` ${name} | ${String(totals[i]).padStart(countWidth)} ${'+'.repeat(plus)}${'-'.repeat(minus)}`.trimEnd();
  });
  const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  const summary = [` ${plural(files.length, 'file changed', 'files changed')}`];
  if (added > 0 || deleted === 0) summary.push(plural(added, 'insertion(+)', 'insertions(+)'));
  if (deleted > 0) summary.push(plural(deleted, 'deletion(-)', 'deletions(-)'));
  return `${lines.join('\n')}\n${summary.join(', ')}\n`;
}
