import { describe, expect, it } from 'vitest';
import { methods } from '../../../../src-shared/contract.js';
import type { InjectionRule } from '../../../../src-shared/proxy.js';
import {
  checkRule,
  DEFAULT_RULES,
  EMPTY_RULE_FORM,
  isDefaultRule,
  ruleState,
  ruleTarget,
  ruleToForm,
  sameRules,
  suggestRuleId,
  validateRules,
  type RuleForm,
} from './rule-form.js';

const form = (patch: Partial<RuleForm>): RuleForm => ({ ...EMPTY_RULE_FORM, ...patch });
const EXAMPLE: InjectionRule = { id: 'example', host: 'api.example.com', scheme: 'https', header: 'x-api-key', format: 'raw', credential: 'example-key' };

describe('injection rule form', () => {
  it('round-trips every default rule through the form unchanged', () => {
    for (const rule of DEFAULT_RULES) {
      const others = DEFAULT_RULES.filter((r) => r.id !== rule.id);
      const check = checkRule(ruleToForm(rule), others);
      expect(check, rule.id).toEqual({ ok: true, rule });
    }
    expect(validateRules(DEFAULT_RULES)).toBeNull();
    expect(DEFAULT_RULES.map((r) => r.host)).toEqual(['github.com', 'api.github.com', 'registry.npmjs.org']);
  });

  it('makes a rule the contract accepts: host normalized, header lower case, id made from the host, port only when typed', () => {
    const check = checkRule(form({ host: ' Git.Example.COM. ', header: 'X-Token', format: 'token', credential: 'work' }), DEFAULT_RULES);
    expect(check).toEqual({ ok: true, rule: { id: 'git-example-com', host: 'git.example.com', scheme: 'https', header: 'x-token', format: 'token', credential: 'work' } });
    const withPort = checkRule(form({ host: '[::1]', scheme: 'http', port: '8080', credential: 'local', id: 'local-gw' }), []);
    expect(withPort).toEqual({ ok: true, rule: { id: 'local-gw', host: '::1', scheme: 'http', port: 8080, header: 'authorization', format: 'bearer', credential: 'local' } });
    if (withPort.ok) {
      expect(ruleTarget(withPort.rule)).toBe('http://[::1]:8080');
      expect(methods['settings.update'].params.safeParse({ proxy: { rules: [...DEFAULT_RULES, withPort.rule] } }).success).toBe(true);
    }
  });

  it('refuses wildcards, URLs and host:port in the host, saying why', () => {
    const problem = (host: string) => {
      const check = checkRule(form({ host, credential: 'x' }), []);
      return check.ok ? null : check.problems.host;
    };
    expect(problem('')).toBe('enter a host, e.g. api.example.com');
    expect(problem('*.github.com')).toMatch(/^exact hosts only: wildcards such as \*\.example\.com are not supported/);
    expect(problem('https://github.com/owner')).toBe('enter only the host name, without scheme, user or path');
    expect(problem('github.com:8443')).toBe('put the port in the Port field');
    expect(problem('git hub.com')).toBe('use a host name or IP address, no wildcard');
    expect(problem('github.com')).toBeNull();
  });

  it('checks port, header, credential and id against the contract', () => {
    const check = checkRule(form({ host: 'a.example', port: '70000', header: 'bad header', credential: 'Has Caps', id: 'x'.repeat(65) }), []);
    expect(check).toEqual({
      ok: false,
      problems: {
        port: 'must be at most 65535',
        header: 'use an HTTP header name',
        credential: 'use a credential name: lowercase letters, digits, dashes and underscores',
        id: 'the id is too long',
      },
    });
    const blank = checkRule(form({ host: 'a.example', header: ' ', credential: '' }), []);
    expect(blank).toEqual({ ok: false, problems: { header: 'enter a header name, e.g. authorization', credential: 'enter the name of a credential (it can be stored later)' } });
    expect(checkRule(form({ host: 'a.example', port: '1.5', credential: 'x' }), [])).toEqual({ ok: false, problems: { port: 'must be a whole number' } });
  });

  it('keeps ids unique and one rule per scheme, host and port', () => {
    expect(checkRule(form({ host: 'other.example', id: 'github-api', credential: 'x' }), DEFAULT_RULES)).toEqual({
      ok: false,
      problems: { id: 'another rule already has the id "github-api"' },
    });
    // Same target, whatever the case or an explicit default port.
    expect(checkRule(form({ host: 'API.github.com', port: '443', credential: 'other' }), DEFAULT_RULES)).toEqual({
      ok: false,
      problems: { host: 'rule "github-api" already covers https://api.github.com' },
    });
    // Another scheme or port is another target.
    expect(checkRule(form({ host: 'api.github.com', scheme: 'http', credential: 'other' }), DEFAULT_RULES).ok).toBe(true);
    expect(checkRule(form({ host: 'api.github.com', port: '8443', credential: 'other' }), DEFAULT_RULES).ok).toBe(true);
    // A made-up id steps around taken ones.
    expect(suggestRuleId('github.com', new Set(['github-com', 'github-com-2']))).toBe('github-com-3');
    expect(suggestRuleId('::1', new Set())).toBe('1');
    const check = checkRule(form({ host: 'github.com', scheme: 'http', credential: 'x' }), [{ ...EXAMPLE, id: 'github-com' }]);
    expect(check.ok && check.rule.id).toBe('github-com-2');
  });

  it('stops at the most rules settings keep', () => {
    const many = Array.from({ length: 200 }, (_, i): InjectionRule => ({ ...EXAMPLE, id: `r${i}`, host: `h${i}.example` }));
    expect(checkRule(form({ host: 'one-more.example', credential: 'x' }), many)).toEqual({ ok: false, problems: { list: 'that is as many rules as can be kept' } });
  });

  it('finds what is wrong with a whole list', () => {
    expect(validateRules([EXAMPLE, { ...EXAMPLE, host: 'other.example' }])).toBe('two rules have the id "example"');
    expect(validateRules([EXAMPLE, { ...EXAMPLE, id: 'again', host: 'API.example.com', port: 443 }])).toBe('rules "example" and "again" cover the same host');
    expect(validateRules([{ ...EXAMPLE, host: '*.example.com' }])).toBe('a host name or IP address, no wildcard');
    expect(validateRules([])).toBeNull();
  });

  it('compares lists whatever the key order and knows the defaults', () => {
    const reordered = DEFAULT_RULES.map((r) => Object.fromEntries(Object.entries(r).reverse()) as InjectionRule);
    expect(sameRules(reordered, DEFAULT_RULES)).toBe(true);
    expect(sameRules([...DEFAULT_RULES].reverse(), DEFAULT_RULES)).toBe(false);
    expect(sameRules([{ ...EXAMPLE, port: 443 }], [EXAMPLE])).toBe(false);
    expect(DEFAULT_RULES.every(isDefaultRule)).toBe(true);
    expect(isDefaultRule({ ...DEFAULT_RULES[0]!, credential: 'mine' })).toBe(false);
  });

  it('says a rule is active only when its credential is stored', () => {
    expect(ruleState(EXAMPLE, ['example-key'])).toBe('active');
    expect(ruleState(EXAMPLE, ['github'])).toBe('inactive');
    expect(ruleState(EXAMPLE, [])).toBe('inactive');
    expect(ruleState(EXAMPLE, null)).toBe('unknown');
  });
});
