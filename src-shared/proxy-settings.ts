/**
 * Settings → Credentials proxy and Egress: provider upstreams and their credentials, CONNECT-mode
 * injection rules, the egress policy per host (default and per session) and audit retention.
 */
import { z } from 'zod';
import { EgressDecision, InjectionRule, ProviderConfig, ProviderId } from './proxy.js';

/** Seconds an "ask" waits for the user before the request is denied. */
export const DEFAULT_ASK_TIMEOUT_SECONDS = 60;

/** A host's egress policy, for every session or (with `sessionId`) one. */
export const EgressHostRule = z.object({
  host: z.string().min(1).max(253).regex(/^[A-Za-z0-9.:*-]+$/, 'a host name (a leading `*.` matches its subdomains)'),
  decision: EgressDecision,
  sessionId: z.string().max(64).nullable(),
});
export type EgressHostRule = z.infer<typeof EgressHostRule>;

export const EgressSettings = z.object({
  /** For hosts no rule names. */
  defaultDecision: EgressDecision,
  hosts: z.array(EgressHostRule).max(500),
  askTimeoutSeconds: z.number().int().min(1).max(3600),
});
export type EgressSettings = z.infer<typeof EgressSettings>;

export const AuditSettings = z.object({
  enabled: z.boolean(),
  retentionDays: z.number().int().min(1).max(3650),
  retentionRows: z.number().int().min(100).max(10_000_000),
});
export type AuditSettings = z.infer<typeof AuditSettings>;

export const ProxySettings = z.object({
  /** Provider overrides (upstream, credential, header); built-in providers not listed keep their defaults. */
  providers: z.array(ProviderConfig).max(50),
  /** CONNECT mode: hosts whose TLS is intercepted to inject a credential (everything else is tunnelled or denied). */
  rules: z.array(InjectionRule).max(200),
  egress: EgressSettings,
  audit: AuditSettings,
});
export type ProxySettings = z.infer<typeof ProxySettings>;

export const DEFAULT_PROXY_SETTINGS: ProxySettings = {
  providers: [],
  rules: [
    // git over HTTPS to GitHub, and `gh` / API calls.
    { id: 'github-git', host: 'github.com', scheme: 'https', header: 'authorization', format: 'basic-x-access-token', credential: 'github' },
    { id: 'github-api', host: 'api.github.com', scheme: 'https', header: 'authorization', format: 'bearer', credential: 'github' },
    { id: 'npm-registry', host: 'registry.npmjs.org', scheme: 'https', header: 'authorization', format: 'bearer', credential: 'npm' },
  ],
  egress: { defaultDecision: 'allow', hosts: [], askTimeoutSeconds: DEFAULT_ASK_TIMEOUT_SECONDS },
  audit: { enabled: true, retentionDays: 30, retentionRows: 1_000_000 },
};

/** `providers.set`: change one provider's upstream or credential (null resets the credential). */
export const ProviderSetRequest = z
  .object({
    id: ProviderId,
    upstream: ProviderConfig.shape.upstream.optional(),
    credential: ProviderConfig.shape.credential.optional(),
    allowPrivate: z.boolean().optional(),
  })
  .strict();
export type ProviderSetRequest = z.infer<typeof ProviderSetRequest>;

/** A request held by an "ask" policy, waiting for the user. */
export const EgressAskDto = z.object({
  id: z.string(),
  sessionId: z.string().nullable(),
  sessionName: z.string().nullable(),
  host: z.string(),
  method: z.string(),
  path: z.string(),
  at: z.number(),
  expiresAt: z.number(),
});
export type EgressAskDto = z.infer<typeof EgressAskDto>;
