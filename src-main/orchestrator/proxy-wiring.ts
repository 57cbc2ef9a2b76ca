/**
 * The credential proxy, wired: base-URL mode for LLM APIs and CONNECT mode (TLS interception only
 * for hosts with an injection rule) share the per-session stand-in tokens, the vault, the egress
 * gate, the audit trail and the metrics. Every session, whatever credentials exist, gets the
 * environment that points its agent at the proxy where its backend can reach it (HTTPS_PROXY and
 * HTTP_PROXY in both cases, the CA, and a base URL per provider with a credential), so the egress policy
 * and the audit apply to all of them:
 *
 * - local sessions: 127.0.0.1 (loopback only);
 * - contained Docker sessions (the default): `berth-proxy`, the egress relay on their internal network,
 *   their only way out; the relay reaches a plain TCP relay to the loopback listeners on the default
 *   bridge's gateway address on this host;
 * - Docker sessions on an open network: that network's gateway address, where such a relay runs.
 * Those relays are reachable from containers and from this host, not beyond it (the bridge is
 * host-local); every request still needs the session's token. A Docker session whose proxy endpoint
 * can't be set up is not started (the create fails with the reason).
 *
 * The CA's certificate and bundle (never its key) are mounted read-only into containers.
 *
 * Attention hooks ride on the same listener and relays: each session also gets BERTH_HOOK_URL (the
 * proxy's `/_berth/hook` as it reaches it), its own BERTH_HOOK_TOKEN (minted at start, revoked at the
 * end) and BERTH_HOOK_PROGRAM (the hook program, written to the data dir, mounted into containers).
 */
import net from 'node:net';
import path from 'node:path';
import type { SessionDto, SettingsDto } from '../../src-shared/dto.js';
import { DisposableStore, type Disposable } from '../../src-shared/lifecycle.js';
import type { InjectionRule, ProviderConfig, ProviderDto } from '../../src-shared/proxy.js';
import type { EgressHostRule } from '../../src-shared/proxy-settings.js';
import { err, ok, type Result } from '../../src-shared/result.js';
import type { DockerBackend } from '../backends/docker/docker-backend.js';
import { sessionCaEnv } from '../proxy/ca/ca-files.js';
import { LocalCa } from '../proxy/ca/local-ca.js';
import { ConnectProxy, listenConnectProxy, type ConnectProxyServer } from '../proxy/connect/connect-proxy.js';
import { forwardIntercepted, type ProxyHeaders } from '../proxy/connect/forwarder.js';
import { AuditWriter } from '../proxy/audit.js';
import { CredentialProxy } from '../proxy/credential-proxy.js';
import { EgressGate } from '../proxy/egress-gate.js';
import { PriceTable } from '../proxy/prices.js';
import { defaultProviderConfigs } from '../proxy/providers.js';
import { matchRule, rewriteHeaders, ruleHeaderNames, type HeaderPair } from '../proxy/rules.js';
import type { CredentialDto } from '../../src-shared/credentials.js';
import type { Vault } from '../vault/vault.js';
import type { OrchestratorMetrics } from './metrics-wiring.js';
import { createHookEndpoint } from '../attention/hook-endpoint.js';
import { CONTAINER_HOOK_PROGRAM, HOOK_PROGRAM_ENV, installHookProgram } from '../attention/hook-program.js';
import { createHookTokens, HOOK_PATH, HOOK_TOKEN_ENV, HOOK_URL_ENV } from '../attention/hook-tokens.js';
import type { AgentReport } from '../sessions/attention.js';

/** Where containers find the CA files (mounted read-only). */
const CONTAINER_CA_CERT = '/etc/berth/proxy-ca.pem';
const CONTAINER_CA_BUNDLE = '/etc/berth/proxy-ca-bundle.pem';

/** Vault kinds that serve each built-in provider when its credential isn't set by name. */
const KIND_FOR_PROVIDER: Record<string, CredentialDto['kind'][]> = {
  anthropic: ['anthropic-api-key', 'anthropic-oauth'],
  openai: ['openai'],
  gemini: ['gemini'],
  github: ['github'],
  npm: ['npm'],
};

export interface ProxyService extends Disposable {
  egress: EgressGate;
  audit: AuditWriter;
  providers(): ProviderDto[];
  /**
   * The variables a session's agent gets: provider base URLs and stand-in keys, the proxy variables, the
   * CA; an error when its backend can't reach the proxy (the session must not start without it).
   */
  sessionEnv(session: SessionDto): Promise<Result<Record<string, string>>>;
  /** The session ended: its token stops working. */
  revoke(sessionId: string): void;
  /** Settings or credentials changed: providers, rules and the CA follow. */
  apply(): Promise<Result<void>>;
  close(): Promise<void>;
}

export interface ProxyDeps {
  dataDir: string;
  settings: () => SettingsDto;
  saveEgressRule: (rule: EgressHostRule) => void;
  vault: Vault;
  docker: DockerBackend;
  sessionName: (id: string) => string | null;
  metrics: OrchestratorMetrics;
  /** Where an agent's hook-reported state goes (SessionService.reportAgentState); without it hooks are refused. */
  reportAgentState?: (sessionId: string, report: AgentReport) => void;
}

/**
 * The providers the proxy serves: built-ins overlaid with the user's overrides; a provider without a
 * chosen credential uses the vault entry named like it, else the first one of its kind.
 */
export function effectiveProviders(overrides: readonly ProviderConfig[], credentials: readonly CredentialDto[]): ProviderConfig[] {
  const byId = new Map(defaultProviderConfigs().map((c) => [c.id, c]));
  for (const o of overrides) byId.set(o.id, { ...byId.get(o.id), ...o });
  return [...byId.values()].map((c) => {
    if (c.credential !== null) return c;
    const named = credentials.find((k) => k.name === c.id);
    const ofKind = credentials.find((k) => KIND_FOR_PROVIDER[c.id]?.includes(k.kind));
    const chosen = named ?? ofKind;
    if (!chosen) return c;
    // An Anthropic OAuth token goes in `authorization: Bearer`, not `x-api-key`.
    return chosen.kind === 'anthropic-oauth' ? { ...c, credential: chosen.name, header: 'authorization', format: 'bearer' } : { ...c, credential: chosen.name };
  });
}

export async function startProxyService(deps: ProxyDeps): Promise<Result<ProxyService>> {
  const store = new DisposableStore();
  const proxySettings = () => deps.settings().proxy;
  const audit = AuditWriter.open(path.join(deps.dataDir, 'berth.db'), {
    enabled: proxySettings().audit.enabled,
    retention: { days: proxySettings().audit.retentionDays, rows: proxySettings().audit.retentionRows },
    onError: (e) => deps.metrics.faults.background('audit-flush', e),
  });
  if (!audit.ok) return audit;
  store.add(audit.value);
  audit.value.prune();
  const prices = PriceTable.load(path.join(deps.dataDir, 'prices.json'));
  const egress = store.add(new EgressGate(() => proxySettings().egress, deps.sessionName, deps.saveEgressRule));
  const proxyLatency = deps.metrics.registry.histogram({ name: 'proxy_request_ms', help: 'Credential proxy time per request (ms): added by Berth, and upstream to response headers', labelNames: ['provider', 'kind'] });

  const hookProgram = installHookProgram(path.join(deps.dataDir, 'hooks'));
  if (!hookProgram.ok) {
    store.dispose();
    return hookProgram;
  }
  const hookTokens = createHookTokens();
  const reportAgentState = deps.reportAgentState;
  const hooks = reportAgentState ? createHookEndpoint({ tokens: hookTokens, report: reportAgentState }) : null;

  const proxy = await CredentialProxy.start({
    routes: hooks ? [{ path: HOOK_PATH, handle: hooks.handle }] : [],
    host: '127.0.0.1',
    port: 0,
    providers: effectiveProviders(proxySettings().providers, deps.vault.list()),
    decide: (r) => egress.decide({ sessionId: r.sessionId, host: r.host, method: r.method, path: r.path }),
    resolveCredential: async (name) => {
      const r = await deps.vault.resolve(name);
      if (r.ok) return r.value;
      return deps.vault.locked ? { unavailable: r.error.message } : null;
    },
    audit: audit.value,
    prices: prices.ok ? prices.value : PriceTable.bundled(),
    onRequestTimed: (t) => {
      proxyLatency.observe({ provider: t.provider, kind: 'added' }, t.addedMs);
      proxyLatency.observe({ provider: t.provider, kind: 'upstream' }, t.upstreamMs);
    },
  });
  if (!proxy.ok) {
    store.dispose();
    return proxy;
  }
  store.add(proxy.value);

  // CONNECT mode: rules whose credential exists are intercepted; their keys are resolved when a tunnel opens.
  // Worked out once per change of settings or credentials (apply()), not per intercepted request.
  const computeRules = () => {
    const names = new Set(deps.vault.list().map((c) => c.name));
    const rules = proxySettings().rules.filter((r) => names.has(r.credential));
    return { rules, headers: ruleHeaderNames(rules) };
  };
  let active = computeRules();
  const activeRules = (): InjectionRule[] => active.rules;
  const ca = await LocalCa.open({ dir: path.join(deps.dataDir, 'proxy-ca'), hosts: activeRules().map((r) => r.host) });
  if (!ca.ok) {
    store.dispose();
    return err(ca.error.code, `cannot open the proxy's CA: ${ca.error.message}`);
  }
  store.add(ca.value);
  deps.docker.sessionMounts = [
    { source: ca.value.files.certPath, target: CONTAINER_CA_CERT },
    { source: ca.value.files.bundlePath, target: CONTAINER_CA_BUNDLE },
    { source: hookProgram.value, target: CONTAINER_HOOK_PROGRAM },
  ];
  const keys = new Map<string, string>();
  const forwarder = forwardIntercepted({
    rewrite: (headers, ctx) => {
      const { rules, headers: ruleHeaders } = active;
      const rule = matchRule(rules, { scheme: 'https', host: ctx.host, port: ctx.port });
      const rewritten = rewriteHeaders(toPairs(headers), rule, rule ? (keys.get(rule.credential) ?? null) : null, ruleHeaders);
      // A header with CR/LF can't come from Node's parser; if it did, send no credentials at all.
      return fromPairs(rewritten.ok ? rewritten.value : toPairs(headers).filter(([n]) => !ruleHeaders.has(n.toLowerCase())));
    },
    onDidForward: (r) => {
      const rule = matchRule(activeRules(), { scheme: 'https', host: r.host, port: r.port });
      audit.value.record({
        at: Date.now(),
        sessionId: r.sessionId,
        provider: null,
        host: r.host,
        method: r.method,
        path: r.path,
        status: r.status,
        bytesUp: r.bytesUp,
        bytesDown: r.bytesDown,
        latencyMs: r.ms,
        injected: rule !== null && keys.has(rule.credential),
        decision: 'allow',
        model: null,
        tokensIn: null,
        tokensOut: null,
        costUsd: null,
      });
    },
  });
  store.add(forwarder);
  const connect = store.add(
    new ConnectProxy({
      leaves: ca.value,
      authenticate: (token) => proxy.value.sessionOfToken(token),
      decide: async ({ sessionId, host, port }) => {
        if ((await egress.decide({ sessionId, host, method: 'CONNECT', path: '' })) === 'deny') return { action: 'deny', reason: `egress to ${host} is denied by policy` };
        const rule = matchRule(activeRules(), { scheme: 'https', host, port });
        if (!rule) return 'tunnel';
        const key = await deps.vault.resolve(rule.credential);
        // A locked vault: say so rather than pass the request on without its credential.
        if (!key.ok) return deps.vault.locked ? { action: 'deny', reason: `credential ${rule.credential} is unavailable: ${key.error.message}` } : 'tunnel';
        keys.set(rule.credential, key.value);
        return 'intercept';
      },
      onInterceptedRequest: forwarder.handle,
    }),
  );
  store.add(
    connect.onDidClose((r) => {
      if (r.outcome === 'intercept') return; // its requests are audited one by one
      audit.value.record({
        at: Date.now(),
        sessionId: r.sessionId,
        provider: null,
        host: r.host ?? '(malformed)',
        method: 'CONNECT',
        path: '',
        status: r.status,
        bytesUp: r.bytesUp,
        bytesDown: r.bytesDown,
        latencyMs: r.ms,
        injected: false,
        decision: r.outcome === 'deny' ? 'deny' : 'allow',
        model: null,
        tokensIn: null,
        tokensOut: null,
        costUsd: null,
      });
    }),
  );
  let connectServer: ConnectProxyServer;
  try {
    connectServer = await listenConnectProxy(connect, { host: '127.0.0.1', port: 0 });
  } catch (e) {
    store.dispose();
    return err('internal', `cannot listen for CONNECT: ${(e as Error).message}`);
  }

  // Relays on container gateways, made when the first Docker session on that network starts.
  const relays = new Map<string, Promise<{ base: number; connect: number } | null>>();
  const relayFor = (address: string) => {
    let r = relays.get(address);
    if (!r) {
      r = Promise.all([relay(address, proxy.value.port!), relay(address, connectServer.port)]).then(
        ([a, b]) => {
          store.add(a);
          store.add(b);
          return { base: a.port, connect: b.port };
        },
        () => null,
      );
      relays.set(address, r);
    }
    return r;
  };

  const env = (sessionId: string, host: string, basePort: number, connectPort: number, cert: string, bundle: string, hookProgramPath: string) => {
    const token = proxy.value.issueToken(sessionId);
    const hookEnv = hooks ? { [HOOK_URL_ENV]: `http://${host}:${basePort}${HOOK_PATH}`, [HOOK_TOKEN_ENV]: hookTokens.issue(sessionId), [HOOK_PROGRAM_ENV]: hookProgramPath } : {};
    const connectUrl = `http://berth:${token}@${host}:${connectPort}`;
    const noProxy = `127.0.0.1,localhost,::1,${host}`;
    return {
      ...proxy.value.sessionEnv(sessionId, `http://${host}:${basePort}`),
      HTTPS_PROXY: connectUrl,
      https_proxy: connectUrl,
      NO_PROXY: noProxy,
      no_proxy: noProxy,
      ...sessionCaEnv(cert, bundle),
      ...hookEnv,
    };
  };
  const exposeOn = async (address: string) => {
    const ports = await relayFor(address);
    return ports ? { basePort: ports.base, connectPort: ports.connect } : null;
  };

  const service: ProxyService = {
    egress,
    audit: audit.value,
    providers: () => proxy.value.providers(),
    async sessionEnv(session) {
      if (session.docker) {
        const endpoint = await deps.docker.proxyEndpoint(session.docker.networkMode, exposeOn);
        if (!endpoint.ok) return endpoint;
        // No network at all: nothing to point at.
        if (!endpoint.value) return ok({});
        const { host, basePort, connectPort } = endpoint.value;
        return ok(env(session.id, host, basePort, connectPort, CONTAINER_CA_CERT, CONTAINER_CA_BUNDLE, CONTAINER_HOOK_PROGRAM));
      }
      return ok(env(session.id, '127.0.0.1', proxy.value.port!, connectServer.port, ca.value.files.certPath, ca.value.files.bundlePath, hookProgram.value));
    },
    revoke(sessionId) {
      proxy.value.revokeToken(sessionId);
      hookTokens.revoke(sessionId);
      connect.closeSession(sessionId);
    },
    async apply() {
      const s = proxySettings();
      const set = proxy.value.setProviders(effectiveProviders(s.providers, deps.vault.list()));
      if (!set.ok) return set;
      audit.value.setEnabled(s.audit.enabled);
      audit.value.setRetention({ days: s.audit.retentionDays, rows: s.audit.retentionRows });
      keys.clear();
      active = computeRules();
      const rotated = await ca.value.setHosts(activeRules().map((r) => r.host));
      return rotated.ok ? ok() : rotated;
    },
    async close() {
      await connectServer.close();
      await proxy.value.close();
      audit.value.flush();
      hookTokens.clear();
      store.dispose();
    },
    dispose: () => void service.close(),
  };
  store.add(deps.vault.onDidChange(() => void service.apply()));
  return ok(service);
}

function toPairs(headers: ProxyHeaders): HeaderPair[] {
  const out: HeaderPair[] = [];
  for (const [name, value] of Object.entries(headers)) for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  return out;
}

function fromPairs(pairs: readonly HeaderPair[]): ProxyHeaders {
  const out: ProxyHeaders = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** A plain TCP relay from `address` (a container gateway) to a loopback port. */
function relay(address: string, targetPort: number): Promise<Disposable & { port: number }> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    server.once('error', reject);
    server.listen(0, address, () => {
      const a = server.address() as net.AddressInfo;
      resolve({
        port: a.port,
        dispose: () => {
          for (const s of sockets) s.destroy();
          server.close();
        },
      });
    });
  });
}
