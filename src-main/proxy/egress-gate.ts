/**
 * Egress policy: whether a session may reach a host. Rules come from Settings → Egress: a session's
 * own rule for the host wins over the default rule for it, which wins over the default decision.
 * `ask` holds the request and asks the user in the app (host, method, path, session); the answer, or
 * denial when nobody answers in time, releases it.
 */
import crypto from 'node:crypto';
import type { EgressAskDto, EgressHostRule, EgressSettings } from '../../src-shared/proxy-settings.js';
import { Emitter, type Disposable } from '../../src-shared/lifecycle.js';
import { err, ok, type Result } from '../../src-shared/result.js';

export interface EgressQuery {
  sessionId: string | null;
  host: string;
  method: string;
  path: string;
}

/** Whether a rule's host pattern (exact, or `*.example.com` for its subdomains) matches `host`. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase().replace(/\.$/, '');
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return p === h;
}

/** The decision for a request before any asking: the most specific rule, else the default. */
export function policyFor(settings: EgressSettings, sessionId: string | null, host: string): EgressSettings['defaultDecision'] {
  const matching = settings.hosts.filter((r) => hostMatches(r.host, host));
  const pick = (rules: EgressHostRule[]) => rules.sort((a, b) => specificity(b.host) - specificity(a.host))[0]?.decision;
  return (sessionId ? pick(matching.filter((r) => r.sessionId === sessionId)) : undefined) ?? pick(matching.filter((r) => r.sessionId === null)) ?? settings.defaultDecision;
}

/** Exact hosts beat wildcards; longer wildcards beat shorter ones. */
const specificity = (pattern: string) => (pattern.startsWith('*.') ? pattern.length : Number.MAX_SAFE_INTEGER);

interface Pending {
  ask: EgressAskDto;
  resolve: (allowed: boolean) => void;
  timer: NodeJS.Timeout;
}

export class EgressGate implements Disposable {
  private readonly pending = new Map<string, Pending>();
  private readonly onDidAskEmitter = new Emitter<EgressAskDto>();
  private readonly onDidSettleEmitter = new Emitter<{ id: string; allowed: boolean; by: 'user' | 'timeout' }>();
  /** A request is waiting for the user. */
  readonly onDidAsk = this.onDidAskEmitter.event;
  /** A waiting request was answered or timed out. */
  readonly onDidSettle = this.onDidSettleEmitter.event;

  constructor(
    private readonly settings: () => EgressSettings,
    private readonly sessionName: (sessionId: string) => string | null,
    /** Saves a rule the user asked to remember with their answer. */
    private readonly remember: (rule: EgressHostRule) => void,
  ) {}

  async decide(q: EgressQuery): Promise<'allow' | 'deny'> {
    const settings = this.settings();
    const decision = policyFor(settings, q.sessionId, q.host);
    if (decision !== 'ask') return decision;
    const now = Date.now();
    const ask: EgressAskDto = {
      id: crypto.randomUUID(),
      sessionId: q.sessionId,
      sessionName: q.sessionId ? this.sessionName(q.sessionId) : null,
      host: q.host,
      method: q.method,
      path: q.path,
      at: now,
      expiresAt: now + settings.askTimeoutSeconds * 1000,
    };
    const allowed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => this.settle(ask.id, false, 'timeout'), settings.askTimeoutSeconds * 1000);
      this.pending.set(ask.id, { ask, resolve, timer });
      this.onDidAskEmitter.fire(ask);
    });
    return allowed ? 'allow' : 'deny';
  }

  /** Requests waiting for an answer, oldest first. */
  list(): EgressAskDto[] {
    return [...this.pending.values()].map((p) => p.ask).sort((a, b) => a.at - b.at);
  }

  /** The user's answer; `remember` keeps it as a rule for the session or for every session. */
  answer(id: string, allow: boolean, remember: 'once' | 'session' | 'always' = 'once'): Result<void> {
    const p = this.pending.get(id);
    if (!p) return err('not_found', 'that request is no longer waiting (it was answered or timed out)');
    if (remember !== 'once') {
      this.remember({ host: p.ask.host, decision: allow ? 'allow' : 'deny', sessionId: remember === 'session' ? p.ask.sessionId : null });
    }
    this.settle(id, allow, 'user');
    return ok();
  }

  private settle(id: string, allowed: boolean, by: 'user' | 'timeout'): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(allowed);
    this.onDidSettleEmitter.fire({ id, allowed, by });
  }

  dispose(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, false, 'timeout');
    this.onDidAskEmitter.dispose();
    this.onDidSettleEmitter.dispose();
  }
}
