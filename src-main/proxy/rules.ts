/**
 * Injection rules: which requests get a credential, and the header rewrite that puts it there.
 *
 * Pure (no I/O), shared by base-URL mode and CONNECT mode. A rule matches a request only on the exact
 * (scheme, host, port): host compared case-insensitively, no wildcards, no suffix matching, a trailing
 * dot is a different host. Before a credential is added, every client-supplied credential header is
 * stripped, whatever its case or spelling, so exactly one credential reaches the upstream.
 */
import type { CredentialFormat, InjectionRule } from '../../src-shared/proxy.js';
import { err, ok, type Result } from '../../src-shared/result.js';

/** One header as it travels: name as sent, value. Duplicates are separate pairs. */
export type HeaderPair = readonly [name: string, value: string];

/** Where a request goes. `port` null or undefined means the scheme's default. */
export interface RequestTarget {
  scheme: 'http' | 'https';
  host: string;
  port?: number | null;
}

/** Default ports per scheme. */
export const DEFAULT_PORTS = { http: 80, https: 443 } as const;

/**
 * Headers that carry credentials, stripped from every client request (names normalised: lower case,
 * `_` read as `-`, since some servers treat `x_api_key` as `x-api-key`).
 */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization', // Bearer / Basic / token: OpenAI, GitHub, npm, Anthropic OAuth
  'proxy-authorization', // credentials for a proxy hop; never forwarded
  'x-api-key', // Anthropic and many others
  'x-goog-api-key', // Gemini / Google APIs
  'api-key', // Azure OpenAI
  'x-auth-token', // OpenStack-style and several gateways
  'x-access-token', // some registries and gateways
  'private-token', // GitLab
  'job-token', // GitLab CI
  'x-amz-security-token', // AWS session credentials
  'x-goog-iam-authorization-token', // Google IAM
  'x-hf-token', // Hugging Face style gateways
  'ocp-apim-subscription-key', // Azure API Management
]);

/** Headers stripped as credentials only when a rule matches (the host is one Berth injects into). */
export const INJECTED_HOST_ONLY_HEADERS: ReadonlySet<string> = new Set(['cookie']);

/** Hop-by-hop headers (RFC 9110 §7.6.1), never forwarded in either direction. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** A header name as compared here: trimmed, lower case, underscores as dashes. */
export function normalizeHeaderName(name: string): string {
  return name.trim().toLowerCase().replaceAll('_', '-');
}

/** A host as compared here: lower case, IPv6 brackets removed. */
export function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** The effective port of a target or rule. */
export function effectivePort(scheme: 'http' | 'https', port: number | null | undefined): number {
  return port ?? DEFAULT_PORTS[scheme];
}

/** The first rule for exactly this (scheme, host, port), or null: no injection. */
export function matchRule(rules: readonly InjectionRule[], target: RequestTarget): InjectionRule | null {
  const host = normalizeHost(target.host);
  const port = effectivePort(target.scheme, target.port);
  for (const rule of rules) {
    if (rule.scheme !== target.scheme) continue;
    if (effectivePort(rule.scheme, rule.port) !== port) continue;
    if (normalizeHost(rule.host) === host) return rule;
  }
  return null;
}

/** True when a header value would break the request line framing (CR, LF, NUL). */
export function hasForbiddenChars(value: string): boolean {
  return /[\r\n\0]/.test(value);
}

/** The header value for `key` in `format`. */
export function formatCredential(format: CredentialFormat, key: string): string {
  switch (format) {
    case 'raw':
      return key;
    case 'bearer':
      return `Bearer ${key}`;
    case 'token':
      return `token ${key}`;
    case 'basic':
      return `Basic ${Buffer.from(key, 'utf8').toString('base64')}`;
    case 'basic-x-access-token':
      return `Basic ${Buffer.from(`x-access-token:${key}`, 'utf8').toString('base64')}`;
  }
}

/**
 * The strings that reveal `key` if they appear in a response: the key itself and, for Basic formats,
 * the base64 token that carries it. Used to scrub response headers and bodies.
 */
export function secretForms(format: CredentialFormat, key: string): string[] {
  const forms = [key];
  if (format === 'basic' || format === 'basic-x-access-token') forms.push(formatCredential(format, key).slice('Basic '.length));
  return forms;
}

/** The normalised header names a set of rules injects: stripped from every request, matched or not. */
export function ruleHeaderNames(rules: readonly InjectionRule[]): ReadonlySet<string> {
  return new Set(rules.map((r) => normalizeHeaderName(r.header)));
}

/**
 * True when `name` is a credential header for a request whose matched rule is `match`: a generic
 * credential header, a header some rule injects (`ruleHeaders`), or for an injected host its cookies.
 */
export function isCredentialHeader(name: string, match: InjectionRule | null, ruleHeaders?: ReadonlySet<string>): boolean {
  const n = normalizeHeaderName(name);
  if (CREDENTIAL_HEADERS.has(n) || ruleHeaders?.has(n)) return true;
  if (match === null) return false;
  return INJECTED_HOST_ONLY_HEADERS.has(n) || n === normalizeHeaderName(match.header);
}

/**
 * Rewrites a request's headers for the upstream.
 *
 * Drops every client-supplied credential header (any case, `_` or `-`; see `isCredentialHeader`; pass
 * `ruleHeaders(allRules)` so a custom rule's header is stripped on every host), then, when `match` is a
 * rule and `key` is given, adds exactly one `match.header: format(key)`. Refuses (bad_request) any
 * header name or value, or a key, containing CR, LF or NUL; the message never includes the value.
 */
export function rewriteHeaders(
  headers: readonly HeaderPair[],
  match: InjectionRule | null,
  key: string | null,
  ruleHeaders?: ReadonlySet<string>,
): Result<HeaderPair[]> {
  const out: HeaderPair[] = [];
  for (const [name, value] of headers) {
    if (hasForbiddenChars(name) || hasForbiddenChars(value)) return err('bad_request', `header ${JSON.stringify(name.replace(/[\r\n\0]/g, '?'))} contains CR, LF or NUL`);
    if (isCredentialHeader(name, match, ruleHeaders)) continue;
    out.push([name, value]);
  }
  if (match !== null && key !== null) {
    if (hasForbiddenChars(key)) return err('bad_request', `credential ${match.credential} contains CR, LF or NUL`);
    out.push([match.header, formatCredential(match.format, key)]);
  }
  return ok(out);
}

/**
 * Drops hop-by-hop headers, and the headers a `Connection` header names, from a header list.
 * `extra` adds names to drop (lower case), e.g. `host`.
 */
export function stripHopByHop(headers: readonly HeaderPair[], extra: ReadonlySet<string> = new Set()): HeaderPair[] {
  let named: Set<string> | null = null;
  for (const [name, value] of headers) {
    if (name.toLowerCase() === 'connection') {
      named ??= new Set();
      for (const token of value.split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const out: HeaderPair[] = [];
  for (const pair of headers) {
    const n = pair[0].toLowerCase();
    if (HOP_BY_HOP_HEADERS.has(n) || extra.has(n) || named?.has(n)) continue;
    out.push(pair);
  }
  return out;
}

/** Node's `rawHeaders` (flat name, value, name, value…) as pairs. */
export function pairsFromRaw(raw: readonly string[]): HeaderPair[] {
  const out: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** Methods never forwarded: TRACE (and TRACK) reflect request headers, credentials included. */
export function isRefusedMethod(method: string): boolean {
  const m = method.toUpperCase();
  return m === 'TRACE' || m === 'TRACK';
}
