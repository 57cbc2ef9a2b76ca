/**
 * The editable list of injection rules: the table, the add / edit form, and Discard, Reset to defaults
 * and Save. Edits stay in the list until Save sends it whole.
 */
import { useState } from 'react';
import type { InjectionRule } from '../../../../src-shared/proxy.js';
import { DEFAULT_RULES, EMPTY_RULE_FORM, ruleTarget, ruleToForm, sameRules, validateRules, type RuleForm } from './rule-form.js';
import { RuleEditor } from './RuleEditor.js';
import { RulesTable } from './RulesTable.js';

interface RulesFieldsProps {
  /** The saved rules; remount (key) the component when they change to start from them again. */
  saved: readonly InjectionRule[];
  credentialNames: readonly string[] | null;
  saving: boolean;
  onSave(rules: InjectionRule[]): void;
}

/** What the editor starts from; a new `generation` remounts it, dropping anything typed. */
interface EditorSeed {
  generation: number;
  /** Id of the rule being edited; null when adding. */
  editingId: string | null;
  initial: RuleForm;
}

/** The defaults in one line, by credential: "https://github.com, https://api.github.com with credential github; …". */
const DEFAULTS_TEXT = [...new Set(DEFAULT_RULES.map((r) => r.credential))]
  .map((credential) => `${DEFAULT_RULES.filter((r) => r.credential === credential).map(ruleTarget).join(', ')} with credential ${credential}`)
  .join('; ');

export function RulesFields({ saved, credentialNames, saving, onSave }: RulesFieldsProps) {
  const [rules, setRules] = useState<InjectionRule[]>(() => [...saved]);
  const [seed, setSeed] = useState<EditorSeed>({ generation: 0, editingId: null, initial: EMPTY_RULE_FORM });
  const problem = validateRules(rules);
  const dirty = !sameRules(rules, saved);
  const defaults = sameRules(rules, DEFAULT_RULES);

  const openEditor = (editingId: string | null, initial: RuleForm) => setSeed((s) => ({ generation: s.generation + 1, editingId, initial }));
  const closeEditor = () => openEditor(null, EMPTY_RULE_FORM);

  const submitRule = (rule: InjectionRule) => {
    const editing = seed.editingId;
    setRules((list) => (editing === null ? [...list, rule] : list.map((r) => (r.id === editing ? rule : r))));
    closeEditor();
  };

  const remove = (rule: InjectionRule) => {
    setRules((list) => list.filter((r) => r.id !== rule.id));
    if (seed.editingId === rule.id) closeEditor();
  };

  const replaceAll = (next: readonly InjectionRule[]) => {
    setRules([...next]);
    closeEditor();
  };

  return (
    <div className="rules-settings">
      <RulesTable
        rules={rules}
        credentialNames={credentialNames}
        editingId={seed.editingId}
        onEdit={(rule) => openEditor(rule.id, ruleToForm(rule))}
        onRemove={remove}
      />
      <p className="field-hint" data-testid="rules-defaults">
        Defaults: {DEFAULTS_TEXT}. Each is active once its credential is stored.
      </p>
      <RuleEditor
        key={seed.generation}
        initial={seed.initial}
        others={rules.filter((r) => r.id !== seed.editingId)}
        credentialNames={credentialNames}
        editingId={seed.editingId}
        onSubmit={submitRule}
        onCancel={closeEditor}
      />
      {problem ? (
        <p className="error-text" role="alert" data-testid="rules-problem">
          {problem}
        </p>
      ) : null}
      <div className="form-actions rules-actions">
        <button type="button" className="button" data-testid="rules-reset-defaults" disabled={defaults || saving} onClick={() => replaceAll(DEFAULT_RULES)}>
          Reset to defaults
        </button>
        <span className="rules-dirty field-hint" data-testid="rules-dirty">
          {dirty ? 'Unsaved changes' : ''}
        </span>
        <button type="button" className="button" data-testid="rules-discard" disabled={!dirty || saving} onClick={() => replaceAll(saved)}>
          Discard changes
        </button>
        <button type="button" className="button primary" data-testid="rules-save" disabled={!dirty || problem !== null || saving} onClick={() => onSave(rules)}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </div>
  );
}
