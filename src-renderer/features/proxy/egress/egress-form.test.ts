import { describe, expect, it } from 'vitest';
import { methods } from '../../../../src-shared/contract.js';
import { DEFAULT_PROXY_SETTINGS, type EgressSettings } from '../../../../src-shared/proxy-settings.js';
import { buildEgressPatch, checkHostRule, egressToForm, validateEgressForm } from './egress-form.js';

const { egress, audit } = DEFAULT_PROXY_SETTINGS;

describe('egress form', () => {
  it('round-trips the saved settings without changes, whatever their key order', () => {
    const form = egressToForm(egress, audit);
    expect(validateEgressForm(form)).toEqual({});
    expect(buildEgressPatch(form, egress, audit)).toEqual({});
    const reordered = { askTimeoutSeconds: 60, hosts: [{ sessionId: null, decision: 'deny', host: 'x.com' }], defaultDecision: 'allow' } as EgressSettings;
    expect(buildEgressPatch(egressToForm(reordered, audit), reordered, audit)).toEqual({});
  });

  it('sends egress and audit whole, each only when it changed', () => {
    const form = { ...egressToForm(egress, audit), defaultDecision: 'ask' as const, askTimeoutSeconds: '30' };
    const patch = buildEgressPatch(form, egress, audit);
    expect(patch).toEqual({ egress: { defaultDecision: 'ask', hosts: [], askTimeoutSeconds: 30 } });
    expect(methods['settings.update'].params.safeParse({ proxy: patch }).success).toBe(true);

    const auditOnly = buildEgressPatch({ ...egressToForm(egress, audit), auditEnabled: false, retentionRows: '5000' }, egress, audit);
    expect(auditOnly).toEqual({ audit: { enabled: false, retentionDays: audit.retentionDays, retentionRows: 5000 } });
    expect(methods['settings.update'].params.safeParse({ proxy: auditOnly }).success).toBe(true);
  });

  it('reports numbers out of range or missing', () => {
    const problems = validateEgressForm({ ...egressToForm(egress, audit), askTimeoutSeconds: '0', retentionDays: '', retentionRows: '12.5' });
    expect(problems).toEqual({ askTimeoutSeconds: 'must be at least 1', retentionDays: 'enter a number of days', retentionRows: 'must be a whole number' });
    expect(validateEgressForm({ ...egressToForm(egress, audit), retentionRows: '99' }).retentionRows).toBe('must be at least 100');
  });

  it('checks a host rule to add: a valid host, no duplicate for the same scope', () => {
    const existing = [{ host: 'api.example.com', decision: 'deny' as const, sessionId: null }];
    expect(checkHostRule({ host: ' *.example.org. ', decision: 'ask', sessionId: 's1' }, existing)).toEqual({
      ok: true,
      rule: { host: '*.example.org', decision: 'ask', sessionId: 's1' },
    });
    expect(checkHostRule({ host: '', decision: 'allow', sessionId: null }, existing)).toEqual({ ok: false, problem: 'enter a host, e.g. api.example.com or *.example.com' });
    expect(checkHostRule({ host: 'https://x.com/path', decision: 'allow', sessionId: null }, existing)).toMatchObject({ ok: false, problem: expect.stringMatching(/^use a host name/) });
    expect(checkHostRule({ host: 'API.example.com', decision: 'allow', sessionId: null }, existing)).toEqual({
      ok: false,
      problem: 'there is already a rule for API.example.com for all sessions',
    });
    // The same host for one session is a different rule.
    expect(checkHostRule({ host: 'api.example.com', decision: 'allow', sessionId: 's1' }, existing).ok).toBe(true);
  });
});
