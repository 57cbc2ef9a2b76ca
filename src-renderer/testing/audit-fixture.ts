/**
 * Audit rows and usage for the renderer's unit tests: two sessions, an injected LLM call with tokens, a
 * denied request, a 407 without a session, a GitHub call without usage.
 */
import type { AuditRowDto, UsageDto } from '../../src-shared/proxy.js';

/** 2025-01-10 12:00:00 local time, the fixture's "now". */
export const FIXTURE_NOW = new Date(2025, 0, 10, 12, 0, 0).getTime();

const base: Omit<AuditRowDto, 'id' | 'at'> = {
  sessionId: 's1',
  provider: 'anthropic',
  host: 'api.anthropic.com',
  method: 'POST',
  path: '/v1/messages',
  status: 200,
  bytesUp: 312,
  bytesDown: 1_840,
  latencyMs: 812.4,
  injected: true,
  decision: 'allow',
  model: 'claude-sonnet-4-5',
  tokensIn: 1_250,
  tokensOut: 430,
  costUsd: 0.01020,
};

/** Newest first, as `audit.list` answers. */
export const AUDIT_ROWS: AuditRowDto[] = [
  { ...base, id: 14, at: FIXTURE_NOW - 5_000 },
  { ...base, id: 13, at: FIXTURE_NOW - 60_000, sessionId: 's2', status: 403, decision: 'deny', injected: false, bytesDown: 120, latencyMs: 3.2, model: null, tokensIn: null, tokensOut: null, costUsd: null },
  { ...base, id: 12, at: FIXTURE_NOW - 120_000, sessionId: null, status: 407, decision: 'deny', injected: false, latencyMs: 0.4, model: null, tokensIn: null, tokensOut: null, costUsd: null },
  {
    ...base,
    id: 11,
    at: FIXTURE_NOW - 86_400_000,
    sessionId: 's2',
    provider: 'github',
    host: 'api.github.com',
    method: 'GET',
    path: '/repos/acme/widgets/pulls',
    bytesUp: 0,
    bytesDown: 24_500,
    latencyMs: 143,
    model: null,
    tokensIn: null,
    tokensOut: null,
    costUsd: null,
  },
];

/** Usage per session and model, as `usage.list` answers. */
export const USAGE_ROWS: UsageDto[] = [
  { sessionId: 's2', provider: 'openai', model: 'gpt-5', requests: 3, tokensIn: 4_000, tokensOut: 900, costUsd: 0.014 },
  { sessionId: 's1', provider: 'anthropic', model: 'claude-haiku-4-5', requests: 2, tokensIn: 500, tokensOut: 100, costUsd: 0.001 },
  { sessionId: 's1', provider: 'anthropic', model: 'claude-sonnet-4-5', requests: 5, tokensIn: 12_500, tokensOut: 4_300, costUsd: 1.2345 },
];
