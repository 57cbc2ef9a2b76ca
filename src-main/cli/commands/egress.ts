/**
 * `berth egress pending|allow|deny`: answer the requests an "ask" egress policy is holding (the same
 * prompt the app shows), from the command line. An unanswered request is denied when its time runs out.
 */
import { Option, type Command } from 'commander';
import type { EgressAskDto } from '../../../src-shared/proxy-settings.js';
import { defineAction, firstArg, type RunState } from '../command-kit.js';
import { UsageError, type CliContext } from '../context.js';
import { formatAge, formatTable } from '../text-table.js';

/** Placeholder for an absent value. */
const NONE = '-';
/** How long an answer is kept: this request only, every request of the session to the host, or all sessions'. */
const REMEMBER_CHOICES = ['once', 'session', 'always'] as const;
type Remember = (typeof REMEMBER_CHOICES)[number];

interface PendingOptions {
  json?: boolean;
}

interface AnswerOptions {
  remember: Remember;
  json?: boolean;
}

const ANSWER_HELP = `
ID is a request's id from \`berth egress pending\`, or a prefix of it that names only one request.
--remember session|always saves the answer as an egress rule for the host (this session's, or every
session's), shown in Settings → Egress.

Exit codes: 0 ok, 1 error (the request is no longer waiting, no orchestrator), 2 usage error.`;

/** Registers `egress pending|allow|deny` on `program`. */
export function registerEgressCommands(program: Command, state: RunState): void {
  const egress = program
    .command('egress')
    .description('answer requests held by an "ask" egress policy')
    .addHelpText('after', '\nExit codes: 0 ok, 1 error, 2 usage error.');

  defineAction<PendingOptions>(
    egress
      .command('pending')
      .description('list requests waiting for an answer, oldest first')
      .option('--json', 'print a JSON array'),
    state,
    async (ctx, _args, opts) => {
      const pending = await ctx.call('egress.pending', {});
      if (opts.json) ctx.json(pending);
      else ctx.out(pending.length === 0 ? 'No requests are waiting.' : formatPendingTable(pending));
    },
  );

  for (const allow of [true, false]) {
    defineAction<AnswerOptions>(
      egress
        .command(allow ? 'allow' : 'deny')
        .description(allow ? 'let a held request through' : 'refuse a held request')
        .argument('<id>', 'request id (or a unique prefix)')
        .addOption(new Option('--remember <scope>', 'keep the answer as a rule: once (no rule), session, always').choices(REMEMBER_CHOICES).default('once'))
        .option('--json', 'print {id, allowed, remember} as JSON')
        .addHelpText('after', ANSWER_HELP),
      state,
      async (ctx, args, opts) => {
        const id = await resolveAskId(ctx, firstArg(args));
        await ctx.call('egress.answer', { id, allow, remember: opts.remember });
        if (opts.json) ctx.json({ id, allowed: allow, remember: opts.remember });
        else ctx.out(`${allow ? 'allowed' : 'denied'} ${id}${opts.remember === 'once' ? '' : ` (remembered: ${opts.remember})`}`);
      },
    );
  }
}

/** The full id of the waiting request `given` names exactly or by a unique prefix; else `given` as is. */
async function resolveAskId(ctx: CliContext, given: string): Promise<string> {
  if (given.trim() === '') throw new UsageError('the request id is empty');
  const pending = await ctx.call('egress.pending', {});
  if (pending.some((p) => p.id === given)) return given;
  const matches = pending.filter((p) => p.id.startsWith(given));
  if (matches.length > 1) throw new UsageError(`'${given}' names ${matches.length} waiting requests; give more of the id`);
  // Not waiting (any more): the orchestrator's answer says so.
  return matches[0]?.id ?? given;
}

/** The `egress pending` table. */
export function formatPendingTable(pending: readonly EgressAskDto[], now = Date.now()): string {
  const rows = pending.map((p) => [
    p.id,
    p.sessionName ?? p.sessionId ?? NONE,
    p.method,
    p.host,
    p.path,
    formatAge(now - p.at),
    formatAge(p.expiresAt - now),
  ]);
  return formatTable(['ID', 'SESSION', 'METHOD', 'HOST', 'PATH', 'WAITING', 'DENIED IN'], rows);
}
