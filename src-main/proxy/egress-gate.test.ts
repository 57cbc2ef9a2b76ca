/**
 * The egress gate: which rule decides (a session's own over everyone's, exact hosts over wildcards,
 * then the default), and "ask": a request waits for the answer, a remembered answer becomes a rule,
 * and nobody answering in time denies it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EgressHostRule, EgressSettings } from '../../src-shared/proxy-settings.js';
import { EgressGate, hostMatches, policyFor } from './egress-gate.js';

const settings = (over: Partial<EgressSettings> = {}): EgressSettings => ({ defaultDecision: 'allow', hosts: [], askTimeoutSeconds: 60, ...over });

describe('egress policy', () => {
  it('matches exact hosts case-insensitively and wildcards only below their domain', () => {
    expect(hostMatches('api.example.com', 'API.Example.com.')).toBe(true);
    expect(hostMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostMatches('*.example.com', 'badexample.com')).toBe(false);
    expect(hostMatches('example.com', 'example.com.evil.net')).toBe(false);
  });

  it("takes the session's rule over everyone's, exact over wildcard, then the default", () => {
    const s = settings({
      defaultDecision: 'deny',
      hosts: [
        { host: '*.example.com', decision: 'allow', sessionId: null },
        { host: 'secret.example.com', decision: 'deny', sessionId: null },
        { host: 'secret.example.com', decision: 'ask', sessionId: 's1' },
      ],
    });
    expect(policyFor(s, 's2', 'www.example.com')).toBe('allow');
    expect(policyFor(s, 's2', 'secret.example.com')).toBe('deny');
    expect(policyFor(s, 's1', 'secret.example.com')).toBe('ask');
    expect(policyFor(s, 's1', 'other.net')).toBe('deny');
    expect(policyFor(s, null, 'secret.example.com')).toBe('deny');
  });
});

describe('ask', () => {
  const gates: EgressGate[] = [];
  afterEach(() => {
    for (const g of gates.splice(0)) g.dispose();
  });
  const gate = (s: EgressSettings, saved: EgressHostRule[] = []) => {
    const g = new EgressGate(() => s, (id) => `name-of-${id}`, (rule) => saved.push(rule));
    gates.push(g);
    return g;
  };

  it('holds the request until the user answers, and remembers the answer when asked to', async () => {
    const saved: EgressHostRule[] = [];
    const g = gate(settings({ defaultDecision: 'ask' }), saved);
    const asked: string[] = [];
    g.onDidAsk((a) => asked.push(`${a.sessionName} ${a.method} ${a.host}${a.path}`));
    const decision = g.decide({ sessionId: 's1', host: 'api.example.com', method: 'POST', path: '/v1/x' });
    expect(asked).toEqual(['name-of-s1 POST api.example.com/v1/x']);
    const [ask] = g.list();
    expect(g.answer(ask!.id, true, 'session')).toEqual({ ok: true, value: undefined });
    expect(await decision).toBe('allow');
    expect(saved).toEqual([{ host: 'api.example.com', decision: 'allow', sessionId: 's1' }]);
    expect(g.list()).toEqual([]);
    // Answered already: a second answer is an error value, not a crash.
    expect(g.answer(ask!.id, false).ok).toBe(false);
  });

  it('denies when nobody answers in time', async () => {
    const g = gate(settings({ defaultDecision: 'ask', askTimeoutSeconds: 1 }));
    const settled: string[] = [];
    g.onDidSettle((s) => settled.push(`${s.allowed} ${s.by}`));
    expect(await g.decide({ sessionId: 's1', host: 'slow.example.com', method: 'GET', path: '/' })).toBe('deny');
    expect(settled).toEqual(['false timeout']);
  });
});
