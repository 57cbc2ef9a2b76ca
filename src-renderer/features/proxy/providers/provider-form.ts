/**
 * One provider in Settings → Providers as a form: upstream URL, the credential to inject (a vault
 * entry by name, or automatic), and whether the upstream may be a private address; the checks and the
 * `providers.set` request with only what changed.
 */
import { ProviderSetRequest } from '../../../../src-shared/proxy-settings.js';
import { UpstreamUrl, type ProviderConfig, type ProviderDto } from '../../../../src-shared/proxy.js';

/** The credential select's value for "automatic" (the orchestrator picks: same name, else same kind). */
export const AUTOMATIC_CREDENTIAL = '';

/** A provider's fields as edited. */
export interface ProviderForm {
  upstream: string;
  /** A vault entry name, or AUTOMATIC_CREDENTIAL. */
  credential: string;
  allowPrivate: boolean;
}

/** Problems by field; empty when the form can be saved. */
export type ProviderProblems = Partial<Record<keyof ProviderForm, string>>;

/** What is saved for the provider now: the override's explicit choices (credential null = automatic). */
export interface ProviderSaved {
  upstream: string;
  credential: string | null;
  allowPrivate: boolean;
}

/** The saved state of a provider: its override in settings when there is one, else what the list shows. */
export function providerSaved(provider: ProviderDto, override: ProviderConfig | undefined): ProviderSaved {
  return {
    upstream: override?.upstream ?? provider.upstream,
    credential: override ? override.credential : null,
    allowPrivate: override?.allowPrivate ?? false,
  };
}

/** The form showing the saved state. */
export function providerToForm(saved: ProviderSaved): ProviderForm {
  return { upstream: saved.upstream, credential: saved.credential ?? AUTOMATIC_CREDENTIAL, allowPrivate: saved.allowPrivate };
}

/** Host names and IP literals that are loopback, private or link-local (the proxy refuses them unless allowed). */
const PRIVATE_HOST_PATTERNS: readonly RegExp[] = [
  /^localhost$/i,
  /\.localhost$/i,
  /^127\./,
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^169\.254\./,
  /^0\.0\.0\.0$/,
  /^\[?::1\]?$/,
  /^\[?f[cd][0-9a-f]{2}:/i,
  /^\[?fe80:/i,
];

/** The host of an upstream URL (brackets kept for IPv6), or null when it doesn't parse. */
function upstreamHost(upstream: string): string | null {
  try {
    return new URL(upstream).hostname;
  } catch {
    return null;
  }
}

/** Whether the upstream's host is written as a loopback, private or link-local address. */
export function isPrivateUpstream(upstream: string): boolean {
  const host = upstreamHost(upstream);
  return host !== null && PRIVATE_HOST_PATTERNS.some((p) => p.test(host));
}

/**
 * Checks the form: the upstream against the contract (http(s), no user info, query or fragment), a
 * private address only when allowed, and the credential among the stored names.
 */
export function validateProviderForm(form: ProviderForm, credentialNames: readonly string[] | null): ProviderProblems {
  const problems: ProviderProblems = {};
  const upstream = form.upstream.trim();
  if (!upstream) problems.upstream = 'enter the upstream URL';
  else if (!UpstreamUrl.safeParse(upstream).success || upstreamHost(upstream) === null) {
    problems.upstream = 'use an http:// or https:// URL without user info, query or fragment';
  } else if (isPrivateUpstream(upstream) && !form.allowPrivate) {
    problems.upstream = 'this is a loopback or private address: tick "Allow private addresses" to use it';
  }
  if (form.credential !== AUTOMATIC_CREDENTIAL && credentialNames !== null && !credentialNames.includes(form.credential)) {
    problems.credential = `no credential named "${form.credential}" is stored: choose another or Automatic`;
  }
  return problems;
}

/** The `providers.set` request for what changed, or null when nothing did (assumes the form validated). */
export function buildProviderRequest(id: string, form: ProviderForm, saved: ProviderSaved): ProviderSetRequest | null {
  const request: ProviderSetRequest = { id };
  const upstream = form.upstream.trim();
  if (upstream !== saved.upstream) request.upstream = upstream;
  const credential = form.credential === AUTOMATIC_CREDENTIAL ? null : form.credential;
  if (credential !== saved.credential) request.credential = credential;
  if (form.allowPrivate !== saved.allowPrivate) request.allowPrivate = form.allowPrivate;
  if (Object.keys(request).length === 1) return null;
  const parsed = ProviderSetRequest.safeParse(request);
  return parsed.success ? parsed.data : null;
}
