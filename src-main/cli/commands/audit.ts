/**
 * `berth audit` and `berth usage`: what went through the credential proxy (one row per request, never
 * header values or bodies) and the token use and cost it adds up to, per session and model.
 *
 * Sessions are shown by name; a session that has since been deleted is shown by its id.
 */
import type { Command } from 'commander';
import type { AuditRowDto, UsageDto } from '../../../src-shared/proxy.js';
import { defineAction, type RunState } from '../command-kit.js';
import { CliError, UsageError, type CliContext } from '../context.js';
import { formatBytes } from '../docker-format.js';
import { formatTable } from '../text-table.js';

/** Placeholder for an absent value. */
const NONE = '-';
/** Most rows one `audit.list` call returns (the contract's limit). */
const MAX_AUDIT_LIMIT = 1000;
/** Decimals of a cost below one cent (token prices are per million tokens). */
const SMALL_COST_DECIMALS = 6;
/** Costs at or above this (USD) are shown with cents only. */
const CENTS_FROM_USD = 1;
/** Latencies below this (ms) keep one decimal. */
const ONE_DECIMAL_BELOW_MS = 10;

interface AuditOptions {
  session?: string;
  limit?: string;
  before?: string;
  json?: boolean;
}

interface UsageOptions {
  session?: string;
  json?: boolean;
}

/** An audit row with its session's name (null: no session, or a deleted one). */
export type NamedAuditRow = AuditRowDto & { sessionName: string | null };
/** A usage row with its session's name (null: a deleted session). */
export type NamedUsageRow = UsageDto & { sessionName: string | null };

/** Sums of the usage rows. */
export interface UsageTotals {
  requests: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** Registers `audit` and `usage` on `program`. */
export function registerAuditCommands(program: Command, state: RunState): void {
  defineAction<AuditOptions>(
    program
      .command('audit')
      .description('list requests through the credential proxy, newest first (never header values or bodies)')
      .option('--session <name>', 'only this session (name or id)')
      .option('--limit <n>', `at most this many rows (1-${MAX_AUDIT_LIMIT}, default 100)`)
      .option('--before <id>', 'only rows older than this row id (the next page)')
      .option('--json', 'print a JSON array of rows (each with sessionName)')
      .addHelpText(
        'after',
        '\nColumns: ↑/↓ bytes sent up / received; INJECTED whether the real credential was added; DECISION the\negress policy applied; TOKENS in/out and COST (USD) for LLM calls.\n\nExit codes: 0 ok, 1 error (no orchestrator, unknown session), 2 usage error.',
      ),
    state,
    async (ctx, _args, opts) => {
      const limit = opts.limit === undefined ? undefined : parseInteger(opts.limit, '--limit', 1, MAX_AUDIT_LIMIT);
      const beforeId = opts.before === undefined ? undefined : parseInteger(opts.before, '--before', 1, Number.MAX_SAFE_INTEGER);
      const sessionId = opts.session === undefined ? undefined : await sessionIdOf(ctx, opts.session);
      const rows = await ctx.call('audit.list', { ...(sessionId === undefined ? {} : { sessionId }), ...(limit === undefined ? {} : { limit }), ...(beforeId === undefined ? {} : { beforeId }) });
      const names = await sessionNames(ctx, rows.map((r) => r.sessionId));
      const named: NamedAuditRow[] = rows.map((r) => ({ ...r, sessionName: r.sessionId === null ? null : (names.get(r.sessionId) ?? null) }));
      if (opts.json) ctx.json(named);
      else ctx.out(named.length === 0 ? 'No requests.' : formatAuditTable(named));
    },
  );

  defineAction<UsageOptions>(
    program
      .command('usage')
      .description('token use and cost per session and model, from the providers\' usage fields, with totals')
      .option('--session <name>', 'only this session (name or id)')
      .option('--json', 'print {usage, total} as JSON')
      .addHelpText('after', '\nCosts are in USD from the price table (resources/prices.json, or prices.json in the data directory).\n\nExit codes: 0 ok, 1 error (no orchestrator, unknown session), 2 usage error.'),
    state,
    async (ctx, _args, opts) => {
      const sessionId = opts.session === undefined ? undefined : await sessionIdOf(ctx, opts.session);
      const rows = await ctx.call('usage.list', sessionId === undefined ? {} : { sessionId });
      const names = await sessionNames(ctx, rows.map((r) => r.sessionId));
      const named: NamedUsageRow[] = rows.map((r) => ({ ...r, sessionName: names.get(r.sessionId) ?? null }));
      const total = usageTotals(named);
      if (opts.json) ctx.json({ usage: named, total });
      else ctx.out(named.length === 0 ? 'No token use recorded.' : formatUsageTable(named, total));
    },
  );
}

/** A whole number in [min, max] from an option's text, else a `UsageError`. */
export function parseInteger(text: string, option: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${option} '${text}': a whole number from ${min} to ${max}`);
  return n;
}

/** The id of the session `ref` names (name or id); an unknown one is an error naming it. */
async function sessionIdOf(ctx: CliContext, ref: string): Promise<string> {
  try {
    return (await ctx.call('sessions.get', { ref })).id;
  } catch (e) {
    if (e instanceof CliError && e.code === 'not_found') throw new CliError(`no session named "${ref}"`);
    throw e;
  }
}

/** Names of the sessions with these ids (one lookup each; deleted sessions are left out). */
async function sessionNames(ctx: CliContext, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  const found = await Promise.all(
    unique.map(async (id) => {
      try {
        return [id, (await ctx.call('sessions.get', { ref: id })).name] as const;
      } catch (e) {
        if (e instanceof CliError && e.code === 'not_found') return null;
        throw e;
      }
    }),
  );
  return new Map(found.filter((f) => f !== null));
}

/** A USD amount: cents from $1 up, up to six decimals below it (`$0.0003`); `-` when unknown. */
export function formatUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return NONE;
  if (usd === 0) return '$0';
  if (usd >= CENTS_FROM_USD) return `$${usd.toFixed(2)}`;
  const shown = Number(usd.toFixed(SMALL_COST_DECIMALS));
  return shown === 0 ? `<$${(10 ** -SMALL_COST_DECIMALS).toFixed(SMALL_COST_DECIMALS)}` : `$${shown}`;
}

/** Local time `YYYY-MM-DD HH:MM:SS`. */
export function formatClock(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function formatLatency(ms: number): string {
  return `${ms < ONE_DECIMAL_BELOW_MS ? ms.toFixed(1) : Math.round(ms)} ms`;
}

function formatTokens(tokensIn: number | null, tokensOut: number | null): string {
  return tokensIn === null && tokensOut === null ? NONE : `${tokensIn ?? NONE}/${tokensOut ?? NONE}`;
}

/** A session's display name: its name, else its id, else `-`. */
function sessionLabel(sessionId: string | null, sessionName: string | null): string {
  return sessionName ?? sessionId ?? NONE;
}

/** The `berth audit` table. */
export function formatAuditTable(rows: readonly NamedAuditRow[]): string {
  return formatTable(
    ['TIME', 'SESSION', 'PROVIDER', 'HOST', 'METHOD', 'PATH', 'STATUS', '↑/↓', 'LATENCY', 'INJECTED', 'DECISION', 'TOKENS', 'COST'],
    rows.map((r) => [
      formatClock(r.at),
      sessionLabel(r.sessionId, r.sessionName),
      r.provider ?? NONE,
      r.host,
      r.method,
      r.path,
      r.status === null ? NONE : String(r.status),
      `${formatBytes(r.bytesUp)}/${formatBytes(r.bytesDown)}`,
      formatLatency(r.latencyMs),
      r.injected ? 'yes' : 'no',
      r.decision,
      formatTokens(r.tokensIn, r.tokensOut),
      formatUsd(r.costUsd),
    ]),
  );
}

/** Sums of requests, tokens and cost. */
export function usageTotals(rows: readonly UsageDto[]): UsageTotals {
  return rows.reduce<UsageTotals>(
    (t, r) => ({ requests: t.requests + r.requests, tokensIn: t.tokensIn + r.tokensIn, tokensOut: t.tokensOut + r.tokensOut, costUsd: t.costUsd + r.costUsd }),
    { requests: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 },
  );
}

/** The `berth usage` table with a TOTAL line. */
export function formatUsageTable(rows: readonly NamedUsageRow[], total: UsageTotals = usageTotals(rows)): string {
  const line = (session: string, provider: string, model: string, t: UsageTotals) => [session, provider, model, String(t.requests), String(t.tokensIn), String(t.tokensOut), formatUsd(t.costUsd)];
  return formatTable(
    ['SESSION', 'PROVIDER', 'MODEL', 'REQUESTS', 'TOKENS IN', 'TOKENS OUT', 'COST'],
    [...rows.map((r) => line(sessionLabel(r.sessionId, r.sessionName), r.provider, r.model, r)), line('TOTAL', '', '', total)],
  );
}
