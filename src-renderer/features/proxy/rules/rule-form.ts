/**
 * Settings → Injection rules as a form: one rule as typed (host, scheme, port, header, format,
 * credential, id), its checks against the contract's `InjectionRule` (exact hosts, unique ids, one rule
 * per target), whether its credential is stored, and how a list compares with the saved one and with
 * the defaults.
 */
import { DEFAULT_PROXY_SETTINGS, ProxySettings } from '../../../../src-shared/proxy-settings.js';
import { CredentialFormat, InjectionRule, RuleHost } from '../../../../src-shared/proxy.js';
import { parseNumberField } from '../../docker/number-field.js';

/** Every credential format, in the order the select offers them. */
export const FORMATS: readonly CredentialFormat[] = CredentialFormat.options;

/** What each format writes into the header, for the select and the table. */
export const FORMAT_LABELS: Record<CredentialFormat, string> = {
  raw: 'the key as is',
  bearer: 'Bearer <key>',
  token: 'token <key>',
  basic: 'Basic base64(<user:password>)',
  'basic-x-access-token': 'Basic base64(x-access-token:<key>)',
};

/** The rules Berth starts with (git and API calls to GitHub, the npm registry). */
export const DEFAULT_RULES: readonly InjectionRule[] = DEFAULT_PROXY_SETTINGS.rules;

/** Port each scheme uses when a rule names none. */
const DEFAULT_PORTS = { https: 443, http: 80 } as const;

/** A rule as edited: every field as typed; a blank id is made from the host, a blank port is the scheme's. */
export interface RuleForm {
  id: string;
  host: string;
  scheme: InjectionRule['scheme'];
  port: string;
  header: string;
  format: CredentialFormat;
  credential: string;
}

/** Problems by field, plus `list` for the list as a whole (too many rules); empty when the rule can be added. */
export type RuleProblems = Partial<Record<keyof RuleForm | 'list', string>>;

/** A rule's check: the rule, or what is wrong with it. */
export type RuleCheck = { ok: true; rule: InjectionRule } | { ok: false; problems: RuleProblems };

/** The form for a new rule: HTTPS, a bearer token in `authorization`. */
export const EMPTY_RULE_FORM: RuleForm = { id: '', host: '', scheme: 'https', port: '', header: 'authorization', format: 'bearer', credential: '' };

/** The form showing a saved rule. */
export function ruleToForm(rule: InjectionRule): RuleForm {
  return {
    id: rule.id,
    host: rule.host,
    scheme: rule.scheme,
    port: rule.port === undefined ? '' : String(rule.port),
    header: rule.header,
    format: rule.format,
    credential: rule.credential,
  };
}

/** A host as rules compare it: trimmed, lower case, no trailing dot, no IPv6 brackets. */
export function normalizeRuleHost(text: string): string {
  let host = text.trim().toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host;
}

/** The port a rule applies to (its own, else its scheme's). */
export function effectivePort(rule: Pick<InjectionRule, 'scheme' | 'port'>): number {
  return rule.port ?? DEFAULT_PORTS[rule.scheme];
}

/** Where a rule applies, as a URL origin: "https://github.com", "http://[::1]:8080". */
export function ruleTarget(rule: Pick<InjectionRule, 'scheme' | 'host' | 'port'>): string {
  const host = rule.host.includes(':') ? `[${rule.host}]` : rule.host;
  return `${rule.scheme}://${host}${rule.port === undefined ? '' : `:${rule.port}`}`;
}

/** Whether two rules apply to the same requests (the proxy uses the first that matches). */
export function sameTarget(a: InjectionRule, b: InjectionRule): boolean {
  return a.scheme === b.scheme && effectivePort(a) === effectivePort(b) && normalizeRuleHost(a.host) === normalizeRuleHost(b.host);
}

/** A free rule id made from the host: "api-example-com", then "api-example-com-2", … */
export function suggestRuleId(host: string, taken: ReadonlySet<string>): string {
  const maxLength = InjectionRule.shape.id.maxLength ?? 64;
  const base = (normalizeRuleHost(host).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'rule').slice(0, maxLength - 4);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/** The host field's problem, or the host. */
function checkHost(text: string): { host: string } | { problem: string } {
  const host = normalizeRuleHost(text);
  if (!host) return { problem: 'enter a host, e.g. api.example.com' };
  if (host.includes('*')) return { problem: 'exact hosts only: wildcards such as *.example.com are not supported; add a rule for each host' };
  if (host.includes('/') || host.includes('@')) return { problem: 'enter only the host name, without scheme, user or path' };
  // One colon is host:port (an IPv6 address has at least two).
  if (host.split(':').length === 2) return { problem: 'put the port in the Port field' };
  const parsed = RuleHost.safeParse(host);
  return parsed.success ? { host: parsed.data } : { problem: `use ${parsed.error.issues[0]?.message ?? 'a host name'}` };
}

/** A required text field checked by `schema`: the value, or the problem in words. */
function checkText(text: string, schema: (typeof InjectionRule.shape)['header' | 'credential' | 'id'], blank: string, what: string): { value: string } | { problem: string } {
  const value = text.trim();
  if (!value) return { problem: blank };
  const parsed = schema.safeParse(value);
  if (parsed.success) return { value: parsed.data };
  const issue = parsed.error.issues[0];
  return { problem: issue?.code === 'too_big' ? `${what} is too long` : `use ${issue?.message ?? what}` };
}

/**
 * Checks a rule to add or save in place. `others` are the other rules of the list (without the one
 * being edited): ids must differ and no two rules may cover the same scheme, host and port.
 */
export function checkRule(form: RuleForm, others: readonly InjectionRule[]): RuleCheck {
  const problems: RuleProblems = {};
  const host = checkHost(form.host);
  if ('problem' in host) problems.host = host.problem;

  const port = parseNumberField(form.port, InjectionRule.shape.port.unwrap());
  if (!port.ok) problems.port = port.message;

  const header = checkText(form.header, InjectionRule.shape.header, 'enter a header name, e.g. authorization', 'a header name');
  if ('problem' in header) problems.header = header.problem;

  const credential = checkText(form.credential, InjectionRule.shape.credential, 'enter the name of a credential (it can be stored later)', 'a credential name');
  if ('problem' in credential) problems.credential = credential.problem;

  const taken = new Set(others.map((r) => r.id));
  let id: string | null = null;
  if (form.id.trim()) {
    const typed = checkText(form.id, InjectionRule.shape.id, '', 'the id');
    if ('problem' in typed) problems.id = typed.problem;
    else if (taken.has(typed.value)) problems.id = `another rule already has the id "${typed.value}"`;
    else id = typed.value;
  } else if ('host' in host) {
    id = suggestRuleId(host.host, taken);
  }

  if (Object.keys(problems).length > 0 || id === null || !('host' in host) || !port.ok || !('value' in header) || !('value' in credential)) {
    return { ok: false, problems };
  }
  const candidate = {
    id,
    host: host.host,
    scheme: form.scheme,
    ...(port.value === null ? {} : { port: port.value }),
    header: header.value.toLowerCase(),
    format: form.format,
    credential: credential.value,
  };
  const parsed = InjectionRule.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'host') as keyof RuleForm;
    return { ok: false, problems: { [field]: issue?.message ?? 'invalid rule' } };
  }
  const rule = parsed.data;
  const clash = others.find((r) => sameTarget(r, rule));
  if (clash) return { ok: false, problems: { host: `rule "${clash.id}" already covers ${ruleTarget(clash)}` } };
  if (!ProxySettings.shape.rules.safeParse([...others, rule]).success) return { ok: false, problems: { list: 'that is as many rules as can be kept' } };
  return { ok: true, rule };
}

/** What is wrong with a whole list (a bad rule, a repeated id or target, too many), or null. */
export function validateRules(rules: readonly InjectionRule[]): string | null {
  const parsed = ProxySettings.shape.rules.safeParse(rules);
  if (!parsed.success) return parsed.error.issues[0]?.message ?? 'invalid rules';
  const ids = new Set<string>();
  for (const [index, rule] of rules.entries()) {
    if (ids.has(rule.id)) return `two rules have the id "${rule.id}"`;
    ids.add(rule.id);
    const clash = rules.slice(0, index).find((r) => sameTarget(r, rule));
    if (clash) return `rules "${clash.id}" and "${rule.id}" cover the same host`;
  }
  return null;
}

/** A rule with its keys in one order (and no `port` key when unset), to compare as JSON. */
function normalRule(r: InjectionRule): InjectionRule {
  return {
    id: r.id,
    host: r.host,
    scheme: r.scheme,
    ...(r.port === undefined ? {} : { port: r.port }),
    header: r.header,
    format: r.format,
    credential: r.credential,
  };
}

/** Whether two lists are the same rules in the same order. */
export function sameRules(a: readonly InjectionRule[], b: readonly InjectionRule[]): boolean {
  return JSON.stringify(a.map(normalRule)) === JSON.stringify(b.map(normalRule));
}

/** Whether a rule is exactly one of the defaults. */
export function isDefaultRule(rule: InjectionRule): boolean {
  const json = JSON.stringify(normalRule(rule));
  return DEFAULT_RULES.some((d) => JSON.stringify(normalRule(d)) === json);
}

/** Whether a rule is active: `unknown` while the stored credentials are not known. */
export type RuleState = 'active' | 'inactive' | 'unknown';

/** A rule is active when its credential is stored; otherwise its host's traffic is tunnelled untouched. */
export function ruleState(rule: Pick<InjectionRule, 'credential'>, credentialNames: readonly string[] | null): RuleState {
  if (credentialNames === null) return 'unknown';
  return credentialNames.includes(rule.credential) ? 'active' : 'inactive';
}
