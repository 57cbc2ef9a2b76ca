/**
 * Settings → Egress as a form: the default decision, the per-host rules, the ask timeout, and the
 * audit switch and retention; their checks against the contract, and the `settings.update({proxy})`
 * patch (`egress` and `audit` each sent whole, only when changed: the server merges `proxy` field by field).
 */
import { AuditSettings, EgressHostRule, EgressSettings } from '../../../../src-shared/proxy-settings.js';
import type { EgressDecision } from '../../../../src-shared/proxy.js';
import { parseNumberField } from '../../docker/number-field.js';

/** Every decision, in the order the selects offer them. */
export const DECISIONS: readonly EgressDecision[] = ['allow', 'ask', 'deny'];

/** What each decision does, for the selects. */
export const DECISION_LABELS: Record<EgressDecision, string> = {
  allow: 'Allow',
  ask: 'Ask me',
  deny: 'Deny',
};

/** The egress and audit settings as edited (numbers as typed). */
export interface EgressForm {
  defaultDecision: EgressDecision;
  hosts: EgressHostRule[];
  askTimeoutSeconds: string;
  auditEnabled: boolean;
  retentionDays: string;
  retentionRows: string;
}

/** Problems by field; empty when the form can be saved. */
export type EgressProblems = Partial<Record<'askTimeoutSeconds' | 'retentionDays' | 'retentionRows', string>>;

/** A host rule being added: host as typed, the decision, and its scope (null: every session). */
export interface HostRuleDraft {
  host: string;
  decision: EgressDecision;
  sessionId: string | null;
}

/** The form showing the saved settings. */
export function egressToForm(egress: EgressSettings, audit: AuditSettings): EgressForm {
  return {
    defaultDecision: egress.defaultDecision,
    hosts: egress.hosts.map((h) => ({ ...h })),
    askTimeoutSeconds: String(egress.askTimeoutSeconds),
    auditEnabled: audit.enabled,
    retentionDays: String(audit.retentionDays),
    retentionRows: String(audit.retentionRows),
  };
}

/** A required whole number checked by `schema`: the value, or the problem in words. */
function requiredNumber(text: string, schema: Parameters<typeof parseNumberField>[1], blank: string): { value: number } | { problem: string } {
  const parsed = parseNumberField(text, schema);
  if (!parsed.ok) return { problem: parsed.message };
  return parsed.value === null ? { problem: blank } : { value: parsed.value };
}

const NUMBER_FIELDS = [
  ['askTimeoutSeconds', EgressSettings.shape.askTimeoutSeconds, 'enter a number of seconds'],
  ['retentionDays', AuditSettings.shape.retentionDays, 'enter a number of days'],
  ['retentionRows', AuditSettings.shape.retentionRows, 'enter a number of rows'],
] as const;

/** Checks the number fields (the host rules are checked as they are added). */
export function validateEgressForm(form: EgressForm): EgressProblems {
  const problems: EgressProblems = {};
  for (const [key, schema, blank] of NUMBER_FIELDS) {
    const result = requiredNumber(form[key], schema, blank);
    if ('problem' in result) problems[key] = result.problem;
  }
  return problems;
}

/** Whether two rules name the same host (case-insensitively) for the same scope. */
const sameTarget = (a: Pick<EgressHostRule, 'host' | 'sessionId'>, b: Pick<EgressHostRule, 'host' | 'sessionId'>) =>
  a.host.toLowerCase() === b.host.toLowerCase() && a.sessionId === b.sessionId;

/** Checks a rule to add: the rule, or what is wrong with it. */
export function checkHostRule(draft: HostRuleDraft, existing: readonly EgressHostRule[]): { ok: true; rule: EgressHostRule } | { ok: false; problem: string } {
  const host = draft.host.trim().replace(/\.$/, '');
  if (!host) return { ok: false, problem: 'enter a host, e.g. api.example.com or *.example.com' };
  const parsed = EgressHostRule.safeParse({ host, decision: draft.decision, sessionId: draft.sessionId });
  if (!parsed.success) return { ok: false, problem: `use ${parsed.error.issues[0]?.message ?? 'a host name'}` };
  if (existing.some((r) => sameTarget(r, parsed.data))) {
    return { ok: false, problem: `there is already a rule for ${host} ${draft.sessionId === null ? 'for all sessions' : 'for that session'}` };
  }
  if (!EgressSettings.shape.hosts.safeParse([...existing, parsed.data]).success) return { ok: false, problem: 'that is as many rules as can be kept' };
  return { ok: true, rule: parsed.data };
}

/** The egress settings with their keys in one order, to compare as JSON. */
function normalEgress(e: EgressSettings): EgressSettings {
  return {
    defaultDecision: e.defaultDecision,
    hosts: e.hosts.map((h) => ({ host: h.host, decision: h.decision, sessionId: h.sessionId })),
    askTimeoutSeconds: e.askTimeoutSeconds,
  };
}

/** The audit settings with their keys in one order, to compare as JSON. */
function normalAudit(a: AuditSettings): AuditSettings {
  return { enabled: a.enabled, retentionDays: a.retentionDays, retentionRows: a.retentionRows };
}

/** The `proxy` part of `settings.update`: `egress` and `audit` when they changed (assumes the form validated). */
export function buildEgressPatch(form: EgressForm, egress: EgressSettings, audit: AuditSettings): { egress?: EgressSettings; audit?: AuditSettings } {
  const number = (key: (typeof NUMBER_FIELDS)[number][0], fallback: number) => {
    const field = NUMBER_FIELDS.find(([k]) => k === key)!;
    const result = requiredNumber(form[key], field[1], field[2]);
    return 'value' in result ? result.value : fallback;
  };
  const nextEgress = normalEgress({
    defaultDecision: form.defaultDecision,
    hosts: form.hosts,
    askTimeoutSeconds: number('askTimeoutSeconds', egress.askTimeoutSeconds),
  });
  const nextAudit = normalAudit({
    enabled: form.auditEnabled,
    retentionDays: number('retentionDays', audit.retentionDays),
    retentionRows: number('retentionRows', audit.retentionRows),
  });
  const patch: { egress?: EgressSettings; audit?: AuditSettings } = {};
  if (JSON.stringify(nextEgress) !== JSON.stringify(normalEgress(egress))) patch.egress = nextEgress;
  if (JSON.stringify(nextAudit) !== JSON.stringify(normalAudit(audit))) patch.audit = nextAudit;
  return patch;
}
