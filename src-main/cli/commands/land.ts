/**
 * Landing commands: `berth land` (the session branch onto its base in the main checkout), `berth update`
 * (the base into the session branch), `berth push` and `berth pr`.
 */
import { Option, type Command } from 'commander';
import type { LandMode } from '../../../src-shared/changes.js';
import { defineAction, firstArg, type RunState } from '../command-kit.js';

interface LandOptions {
  squash?: boolean;
  merge?: boolean;
  rebase?: boolean;
  message?: string;
  json?: boolean;
}

/** Characters of a commit id shown (git's usual abbreviation). */
const SHORT_COMMIT = 12;

/** Registers `land`, `update`, `push` and `pr` on `program`. */
export function registerLandCommands(program: Command, state: RunState): void {
  const modes: LandMode[] = ['squash', 'merge', 'rebase'];
  const modeOption = (mode: LandMode, what: string): Option => new Option(`--${mode}`, what).conflicts(modes.filter((m) => m !== mode));
  defineAction<LandOptions>(
    program
      .command('land')
      .description("land a session's branch on its base branch in the main checkout; a conflict or a refusal changes nothing")
      .argument('<name>', 'session name or id')
      .addOption(modeOption('squash', 'one commit with the whole change (default)'))
      .addOption(modeOption('merge', 'a merge commit'))
      .addOption(modeOption('rebase', "the branch's commits replayed on the base, then fast-forward"))
      .option('-m, --message <msg>', 'commit message for squash and merge (default: the session name and its prompt)')
      .option('--json', 'print {mode, baseBranch, commit} as JSON'),
    state,
    async (ctx, args, opts) => {
      const mode: LandMode = opts.merge ? 'merge' : opts.rebase ? 'rebase' : 'squash';
      const r = await ctx.call('sessions.land', { ref: firstArg(args), mode, ...(opts.message !== undefined ? { message: opts.message } : {}) });
      if (opts.json) return ctx.json(r);
      ctx.out(`landed ${firstArg(args)} on ${r.baseBranch} (${r.mode}): ${r.commit.slice(0, SHORT_COMMIT)}`);
    },
  );

  defineAction<{ merge?: boolean; json?: boolean }>(
    program
      .command('update')
      .description("bring the base branch's new commits into a session's branch (rebase; --merge for a merge commit); a conflict is undone")
      .argument('<name>', 'session name or id')
      .option('--merge', 'merge the base instead of rebasing onto it')
      .option('--json', 'print {mode, head, behind} as JSON'),
    state,
    async (ctx, args, opts) => {
      const r = await ctx.call('sessions.update', { ref: firstArg(args), mode: opts.merge ? 'merge' : 'rebase' });
      if (opts.json) return ctx.json(r);
      ctx.out(`updated ${firstArg(args)} from its base (${r.mode}): ${r.head.slice(0, SHORT_COMMIT)}, ${r.behind} behind`);
    },
  );

  defineAction<{ remote?: string; json?: boolean }>(
    program
      .command('push')
      .description("push a session's branch to a remote under the same name")
      .argument('<name>', 'session name or id')
      .option('--remote <remote>', "remote to push to (default: the branch's upstream, else origin, else the only remote)")
      .option('--json', 'print {remote, branch} as JSON'),
    state,
    async (ctx, args, opts) => {
      const r = await ctx.call('sessions.push', { ref: firstArg(args), ...(opts.remote !== undefined ? { remote: opts.remote } : {}) });
      if (opts.json) return ctx.json(r);
      ctx.out(`pushed ${r.branch} to ${r.remote}`);
    },
  );

  defineAction<{ title?: string; body?: string; json?: boolean }>(
    program
      .command('pr')
      .description("open a pull request for a session's pushed branch with the GitHub CLI (gh); prints its URL")
      .argument('<name>', 'session name or id')
      .option('--title <title>', "title (default: the prompt's first line)")
      .option('--body <body>', 'body (default: the prompt)')
      .option('--json', 'print {url} as JSON'),
    state,
    async (ctx, args, opts) => {
      const r = await ctx.call('sessions.pr', {
        ref: firstArg(args),
        ...(opts.title !== undefined ? { title: opts.title } : {}),
        ...(opts.body !== undefined ? { body: opts.body } : {}),
      });
      if (opts.json) return ctx.json(r);
      ctx.out(r.url);
    },
  );
}
