/**
 * Credential proxy shapes: providers, injection rules, egress decisions, audit rows, token usage and the
 * price table file. Shared by the proxy, the API and the Settings / Audit / Usage views.
 *
 * No DTO here ever carries a credential value: providers and rules name a vault entry, never its secret.
 */
import { z } from 'zod';

/** Providers Berth knows the routes, hosts and header conventions of. */
export const BUILTIN_PROVIDER_IDS = ['anthropic', 'openai', 'gemini', 'github', 'npm'] as const;
export const BuiltinProviderId = z.enum(BUILTIN_PROVIDER_IDS);
export type BuiltinProviderId = z.infer<typeof BuiltinProviderId>;

/** Longest provider id (it is a URL path segment: `/<id>/…`). */
export const MAX_PROVIDER_ID_LENGTH = 32;

/** A provider id: a built-in one or a custom slug; it is also the proxy route `/<id>/…`. */
export const ProviderId = z
  .string()
  .min(1)
  .max(MAX_PROVIDER_ID_LENGTH)
  .regex(/^[a-z][a-z0-9-]*$/, 'use lowercase letters, digits and dashes, starting with a letter');
export type ProviderId = z.infer<typeof ProviderId>;

/** A vault entry name (same rule as `CredentialName` in credentials.ts). */
const CredentialRef = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a credential name: lowercase letters, digits, dashes and underscores');

/** An absolute http(s) URL without credentials, query or fragment. */
export const UpstreamUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/i, 'an http:// or https:// URL without user info, query or fragment');

/** How a credential is written into its header. `{key}` is the secret. */
export const CredentialFormat = z.enum([
  // `{key}` (x-api-key, x-goog-api-key)
  'raw',
  // `Bearer {key}`
  'bearer',
  // `token {key}` (GitHub's classic scheme)
  'token',
  // `Basic base64({key})`: the stored value is already `user:password`
  'basic',
  // `Basic base64(x-access-token:{key})` (git over HTTPS to GitHub)
  'basic-x-access-token',
]);
export type CredentialFormat = z.infer<typeof CredentialFormat>;

/** An HTTP header name (RFC 9110 token). */
export const HeaderName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name');

/** A hostname or IP literal as it appears in a URL (no port, no brackets for IPv6). */
export const RuleHost = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:-]+$/, 'a host name or IP address, no wildcard');

/**
 * Injection rule: when a request goes to exactly (scheme, host, port), every client-supplied credential
 * header is stripped and `header: format(credential)` is added. Host comparison is exact and
 * case-insensitive; no wildcards. `port` defaults to the scheme's (80 / 443).
 */
export const InjectionRule = z.object({
  id: z.string().min(1).max(64),
  host: RuleHost,
  scheme: z.enum(['http', 'https']),
  port: z.number().int().min(1).max(65535).optional(),
  header: HeaderName,
  format: CredentialFormat,
  credential: CredentialRef,
});
export type InjectionRule = z.infer<typeof InjectionRule>;

/** Circuit state of a provider's upstream: `degraded` = recent failures or probing after a cool-down. */
export const ProviderStatus = z.enum(['ok', 'degraded', 'open-circuit']);
export type ProviderStatus = z.infer<typeof ProviderStatus>;

/**
 * A provider's configuration as the proxy takes it (and settings store it).
 *
 * `header` / `format` override the provider's default injection (e.g. an Anthropic OAuth token is
 * `authorization: Bearer`). `allowPrivate` lets the upstream resolve to loopback / private / link-local
 * addresses (tests, self-hosted gateways); off by default.
 */
export const ProviderConfig = z.object({
  id: ProviderId,
  name: z.string().min(1).max(100).optional(),
  upstream: UpstreamUrl,
  credential: CredentialRef.nullable(),
  header: HeaderName.optional(),
  format: CredentialFormat.optional(),
  allowPrivate: z.boolean().optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

/** A provider as the providers list shows it. */
export const ProviderDto = z.object({
  id: ProviderId,
  name: z.string(),
  upstream: z.string(),
  credential: z.string().nullable(),
  status: ProviderStatus,
  lastError: z.string().nullable(),
});
export type ProviderDto = z.infer<typeof ProviderDto>;

/** Egress policy per host: the app resolves `ask` to allow or deny before the proxy sees it. */
export const EgressDecision = z.enum(['allow', 'deny', 'ask']);
export type EgressDecision = z.infer<typeof EgressDecision>;

/**
 * One request through the proxy. Never header values or bodies; `path` has no query string.
 * `sessionId` is null for a request without a valid stand-in token (answered 407). Times: epoch ms.
 */
export const AuditRowDto = z.object({
  id: z.number().int(),
  at: z.number(),
  sessionId: z.string().nullable(),
  provider: z.string().nullable(),
  host: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number().int().nullable(),
  bytesUp: z.number().int(),
  bytesDown: z.number().int(),
  latencyMs: z.number(),
  injected: z.boolean(),
  decision: EgressDecision,
  model: z.string().nullable(),
  tokensIn: z.number().int().nullable(),
  tokensOut: z.number().int().nullable(),
  costUsd: z.number().nullable(),
});
export type AuditRowDto = z.infer<typeof AuditRowDto>;

/** Token use and cost of one session with one model (summed over its requests). */
export const UsageDto = z.object({
  sessionId: z.string(),
  provider: z.string(),
  model: z.string(),
  requests: z.number().int(),
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  costUsd: z.number(),
});
export type UsageDto = z.infer<typeof UsageDto>;

/** Audit list query: newest first, paged by `beforeId`. */
export const AuditListRequest = z.object({
  sessionId: z.string().optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  beforeId: z.number().int().optional(),
});
export type AuditListRequest = z.input<typeof AuditListRequest>;

/** Audit retention: rows older than `days` or beyond the newest `rows` are pruned (null: no limit). */
export const AuditRetention = z.object({
  days: z.number().int().min(1).max(3650).nullable(),
  rows: z.number().int().min(100).max(100_000_000).nullable(),
});
export type AuditRetention = z.infer<typeof AuditRetention>;

/** Price of one model in USD per million tokens; cache prices default to the input price. */
export const ModelPrice = z.object({
  inputPerMTok: z.number().min(0),
  outputPerMTok: z.number().min(0),
  cacheWritePerMTok: z.number().min(0).optional(),
  cacheReadPerMTok: z.number().min(0).optional(),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

/**
 * The price table file (resources/prices.json, or a user-updated copy). Model keys match model ids by
 * longest prefix, so `claude-sonnet-4-5` prices `claude-sonnet-4-5-20250929`.
 */
export const PriceTableFile = z.object({
  version: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date: YYYY-MM-DD'),
  models: z.record(z.string().min(1), ModelPrice),
});
export type PriceTableFile = z.infer<typeof PriceTableFile>;
