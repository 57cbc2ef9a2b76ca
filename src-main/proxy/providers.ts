/**
 * Providers: the built-in ones (routes, upstreams, header conventions, session env), resolving a
 * provider's configuration, and finding the session's stand-in token wherever its clients put a key.
 */
import { BUILTIN_PROVIDER_IDS, type BuiltinProviderId, type CredentialFormat, type InjectionRule, type ProviderConfig } from '../../src-shared/proxy.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import { normalizeHeaderName, type HeaderPair } from './rules.js';
import { TOKEN_PREFIX } from './tokens.js';

/** What Berth knows about a built-in provider. */
interface BuiltinProvider {
  name: string;
  upstream: string;
  header: string;
  format: CredentialFormat;
  /** Responses carry LLM token usage worth reading. */
  usage: boolean;
  /** The session variables for this provider, given its route URL (`<base>/<id>`) and the stand-in. */
  env(route: string, token: string): Record<string, string>;
}

export const BUILTIN_PROVIDERS: Readonly<Record<BuiltinProviderId, BuiltinProvider>> = {
  anthropic: {
    name: 'Anthropic',
    upstream: 'https://api.anthropic.com',
    header: 'x-api-key',
    format: 'raw',
    usage: true,
    // The SDKs and Claude Code append /v1/messages to the base URL.
    env: (route, token) => ({ ANTHROPIC_BASE_URL: route, ANTHROPIC_API_KEY: token }),
  },
  openai: {
    name: 'OpenAI',
    upstream: 'https://api.openai.com',
    header: 'authorization',
    format: 'bearer',
    usage: true,
    // The OpenAI SDKs and Codex expect the /v1 in the base URL.
    env: (route, token) => ({ OPENAI_BASE_URL: `${route}/v1`, OPENAI_API_KEY: token }),
  },
  gemini: {
    name: 'Google Gemini',
    upstream: 'https://generativelanguage.googleapis.com',
    header: 'x-goog-api-key',
    format: 'raw',
    usage: true,
    // Gemini CLI reads GOOGLE_GEMINI_BASE_URL; google-genai reads GOOGLE_API_KEY too.
    env: (route, token) => ({ GEMINI_API_KEY: token, GOOGLE_API_KEY: token, GOOGLE_GEMINI_BASE_URL: route, GEMINI_BASE_URL: route }),
  },
  github: {
    name: 'GitHub',
    upstream: 'https://api.github.com',
    header: 'authorization',
    format: 'bearer',
    usage: false,
    // `gh` and git talk to github.com directly (CONNECT mode swaps the token); API scripts use GITHUB_API_URL.
    env: (route, token) => ({ GITHUB_API_URL: route, GH_TOKEN: token, GITHUB_TOKEN: token }),
  },
  npm: {
    name: 'npm',
    upstream: 'https://registry.npmjs.org',
    header: 'authorization',
    format: 'bearer',
    usage: false,
    // npm only sends a token to the registry it is configured for (.npmrc `${NPM_TOKEN}`, CONNECT mode).
    env: (_route, token) => ({ NPM_TOKEN: token }),
  },
};

const isBuiltin = (id: string): id is BuiltinProviderId => (BUILTIN_PROVIDER_IDS as readonly string[]).includes(id);

/** The built-in providers with no credential: the starting configuration. */
export function defaultProviderConfigs(): ProviderConfig[] {
  return BUILTIN_PROVIDER_IDS.map((id) => ({ id, upstream: BUILTIN_PROVIDERS[id].upstream, credential: null }));
}

/** A provider ready to route to. */
export interface ResolvedProvider {
  id: string;
  name: string;
  /** The upstream URL as configured. */
  upstream: string;
  /** `scheme://host[:port]`. */
  origin: string;
  scheme: 'http' | 'https';
  host: string;
  port: number | null;
  /** The upstream URL's path without a trailing slash ('' for none). */
  basePath: string;
  credential: string | null;
  /** The injection rule derived from this provider (null: no credential, nothing injected). */
  rule: InjectionRule | null;
  allowPrivate: boolean;
  usage: boolean;
  env(route: string, token: string): Record<string, string>;
}

/** Env names for a custom provider id: `my-gateway` → `MY_GATEWAY_BASE_URL` / `MY_GATEWAY_API_KEY`. */
function customEnv(id: string): BuiltinProvider['env'] {
  const stem = id.toUpperCase().replaceAll('-', '_');
  return (route, token) => ({ [`${stem}_BASE_URL`]: route, [`${stem}_API_KEY`]: token });
}

/** Checks and completes a provider's configuration. */
export function resolveProvider(config: ProviderConfig): Result<ResolvedProvider> {
  let url: URL;
  try {
    url = new URL(config.upstream);
  } catch {
    return err('bad_request', `provider ${config.id}: upstream is not a URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    return err('bad_request', `provider ${config.id}: upstream must be an http(s) URL without user info, query or fragment`);
  }
  const builtin = isBuiltin(config.id) ? BUILTIN_PROVIDERS[config.id] : null;
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port ? Number(url.port) : null;
  const header = config.header ?? builtin?.header ?? 'authorization';
  const format = config.format ?? builtin?.format ?? 'bearer';
  const rule: InjectionRule | null =
    config.credential === null ? null : { id: `provider:${config.id}`, host, scheme, ...(port === null ? {} : { port }), header, format, credential: config.credential };
  return ok({
    id: config.id,
    name: config.name ?? builtin?.name ?? config.id,
    upstream: config.upstream,
    origin: url.origin,
    scheme,
    host,
    port,
    basePath: url.pathname.replace(/\/+$/, ''),
    credential: config.credential,
    rule,
    allowPrivate: config.allowPrivate ?? false,
    usage: builtin?.usage ?? true,
    env: builtin?.env ?? customEnv(config.id),
  });
}

/** Query parameters that carry keys (Gemini's `?key=`). */
const CREDENTIAL_QUERY_PARAMS = new Set(['key', 'api_key', 'apikey', 'access_token']);

/**
 * Stand-in candidates from everywhere a provider's clients put a key: x-api-key, x-goog-api-key,
 * api-key, Authorization / Proxy-Authorization (Bearer, token, or Basic with the token as user or
 * password), and the credential query parameters. Only values that look like a stand-in are returned.
 */
export function standInCandidates(headers: readonly HeaderPair[], search: string): string[] {
  const out: string[] = [];
  const add = (v: string) => {
    const t = v.trim();
    if (t.startsWith(TOKEN_PREFIX)) out.push(t);
  };
  for (const [name, value] of headers) {
    const n = normalizeHeaderName(name);
    if (n === 'x-api-key' || n === 'x-goog-api-key' || n === 'api-key') add(value);
    else if (n === 'authorization' || n === 'proxy-authorization') {
      const space = value.indexOf(' ');
      const scheme = space === -1 ? '' : value.slice(0, space).toLowerCase();
      const rest = space === -1 ? value : value.slice(space + 1).trim();
      if (scheme === 'basic') {
        const decoded = Buffer.from(rest, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon === -1) add(decoded);
        else {
          add(decoded.slice(0, colon));
          add(decoded.slice(colon + 1));
        }
      } else add(rest);
    }
  }
  if (search.length > 1) {
    for (const [name, value] of new URLSearchParams(search)) if (CREDENTIAL_QUERY_PARAMS.has(name.toLowerCase())) add(value);
  }
  return out;
}

/**
 * The query string for the upstream: credential parameters removed when they hold a stand-in, or
 * always when the host gets an injected credential (a client key must not ride along).
 */
export function upstreamQuery(search: string, injected: boolean): string {
  if (search.length <= 1) return '';
  const params = new URLSearchParams(search);
  let changed = false;
  for (const name of [...params.keys()]) {
    if (!CREDENTIAL_QUERY_PARAMS.has(name.toLowerCase())) continue;
    if (injected || params.getAll(name).some((v) => v.startsWith(TOKEN_PREFIX))) {
      params.delete(name);
      changed = true;
    }
  }
  if (!changed) return search;
  const s = params.toString();
  return s ? `?${s}` : '';
}
