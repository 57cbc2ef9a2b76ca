/**
 * Settings → Injection rules: the CONNECT-mode rules (`settings.proxy.rules`), each with whether its
 * credential is stored (a rule without one is inactive), edited as a list and saved with
 * `settings.update({proxy: {rules}})`.
 */
import type { InjectionRule } from '../../../../src-shared/proxy.js';
import { useAppState } from '../../../app/services.js';
import { SaveStatus } from '../../settings/SaveStatus.js';
import { useSettingsSave } from '../../settings/use-settings-save.js';
import { RulesFields } from './RulesFields.js';
import { useRulesData } from './use-rules-data.js';
import '../proxy.css';
import './rules.css';

export function RulesSection() {
  const data = useRulesData();
  const rules = useAppState((s) => s.settings?.proxy.rules);
  const [save, update] = useSettingsSave();

  const onSave = (next: InjectionRule[]) => update({ proxy: { rules: next } });

  return (
    <section className="settings-section" data-testid="settings-rules">
      <div className="section-head">
        <h2>Injection rules</h2>
        <button type="button" className="button small" data-testid="rules-refresh" disabled={data.loading} onClick={() => void data.refresh()}>
          Refresh
        </button>
      </div>
      <p className="field-hint" data-testid="rules-explanation">
        Berth intercepts TLS only for these hosts (its CA is name-constrained to them) and injects the credential into the header; all other
        HTTPS traffic is tunnelled untouched or denied by the egress policy. Hosts are exact: no wildcards. A rule whose credential is not
        stored is inactive, and traffic to its host is tunnelled untouched.
      </p>
      {data.error ? (
        <p className="error-text" role="alert" data-testid="rules-credentials-error">
          Cannot tell which rules are active: {data.error}
        </p>
      ) : null}
      {rules ? (
        <RulesFields
          key={JSON.stringify(rules)}
          saved={rules}
          credentialNames={data.credentialNames}
          saving={save.kind === 'saving'}
          onSave={(next) => void onSave(next)}
        />
      ) : (
        <p className="field-hint">Loading…</p>
      )}
      <SaveStatus state={save} testId="settings-rules-save-status" />
    </section>
  );
}
