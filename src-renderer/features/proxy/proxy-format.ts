/**
 * Wording for the credential proxy's views: costs, token counts, latencies, audit times, session
 * labels, the ask countdown, and usage totals.
 */
import type { SessionDto } from '../../../src-shared/dto.js';
import type { UsageDto } from '../../../src-shared/proxy.js';

/** Whole numbers with thousands separators, the same on every machine (tests compare text). */
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
/** Costs below this are shown as "<$0.0001". */
const SMALLEST_COST_SHOWN = 0.0001;
/** Costs below one dollar get four decimals (a single request costs fractions of a cent). */
const CENTS_DECIMALS_BELOW = 1;
/** Latencies below this get one decimal ("4.2 ms"). */
const LATENCY_ONE_DECIMAL_BELOW = 10;
/** Milliseconds per second, for the countdown. */
const MS_PER_SECOND = 1_000;
/** Characters of a session id shown when its name is unknown. */
const SHORT_SESSION_ID_CHARS = 8;

/** A token or request count as "1,234"; an em dash when unknown. */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : INTEGER.format(n);
}

/** A cost in USD: "$0", "<$0.0001", "$0.0123", "$4.56"; an em dash when unknown. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0';
  if (usd < SMALLEST_COST_SHOWN) return '<$0.0001';
  if (usd < CENTS_DECIMALS_BELOW) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** A latency as "0.8 ms", "42 ms" or "1.3 s". */
export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < LATENCY_ONE_DECIMAL_BELOW) return `${ms.toFixed(1)} ms`;
  if (ms < MS_PER_SECOND) return `${Math.round(ms)} ms`;
  return `${(ms / MS_PER_SECOND).toFixed(1)} s`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An audit time: "14:03:27" today, "2025-01-09 14:03:27" on another day (local time). */
export function formatAuditTime(at: number, now: number = Date.now()): string {
  const d = new Date(at);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** A session as the proxy views name it: its name when known, else a short id; "—" for none. */
export function sessionLabel(sessionId: string | null, sessions: Readonly<Record<string, Pick<SessionDto, 'name'>>>): string {
  if (sessionId === null) return '—';
  return sessions[sessionId]?.name ?? sessionId.slice(0, SHORT_SESSION_ID_CHARS);
}

/** Whole seconds left until `expiresAt` (never below 0). */
export function secondsLeft(expiresAt: number, now: number): number {
  return Math.max(0, Math.ceil((expiresAt - now) / MS_PER_SECOND));
}

/** The ask countdown: "denied in 42 s", "denied in 1:05", or "timing out…" at zero. */
export function formatCountdown(seconds: number): string {
  if (seconds <= 0) return 'timing out…';
  if (seconds < 60) return `denied in ${seconds} s`;
  return `denied in ${Math.floor(seconds / 60)}:${pad(seconds % 60)}`;
}

/** Token use and cost summed over usage rows. */
export interface UsageTotals {
  requests: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** Sums usage rows (all of them, or one session's). */
export function sumUsage(rows: readonly UsageDto[]): UsageTotals {
  return rows.reduce<UsageTotals>(
    (t, r) => ({ requests: t.requests + r.requests, tokensIn: t.tokensIn + r.tokensIn, tokensOut: t.tokensOut + r.tokensOut, costUsd: t.costUsd + r.costUsd }),
    { requests: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 },
  );
}

/** A session's use in one line: "1,234 in · 567 out · $0.0123 (3 requests)". */
export function formatUsageLine(totals: UsageTotals): string {
  const requests = `${formatCount(totals.requests)} request${totals.requests === 1 ? '' : 's'}`;
  return `${formatCount(totals.tokensIn)} in · ${formatCount(totals.tokensOut)} out · ${formatCost(totals.costUsd)} (${requests})`;
}
