/**
 * "Target latency": each operation's live p95 (p99 for the event loop) beside its target, acceptable and
 * slow thresholds, coloured. "Edit targets" turns the thresholds into fields; saved edits are kept in
 * Settings (`dashboardTargets`, so every window and the CLI's orchestrator share them), "Reset to
 * defaults" brings back Berth's goals.
 */
import { useMemo, useState } from 'react';
import { useAppState, useServices } from '../../app/services.js';
import type { MetricsSnapshotDto } from '../../../src-shared/metrics.js';
import { formatMs } from './dashboard-data.js';
import {
  classify,
  DEFAULT_TARGETS,
  effectiveTargets,
  liveFigure,
  knownOverrides,
  thresholdProblem,
  withOverride,
  type TargetStatus,
  type ThresholdOverrides,
} from './targets.js';

/** Words for each status. */
export const STATUS_TEXT: Record<TargetStatus, string> = { ok: 'on target', acceptable: 'acceptable', slow: 'slow', none: 'no data' };

/** Draft thresholds as typed (strings until saved). */
type Draft = Record<string, { targetMs: string; acceptableMs: string }>;

export function TargetsSection({ snapshot }: { snapshot: MetricsSnapshotDto | null }) {
  const { connection } = useServices();
  const saved = useAppState((st) => st.settings?.dashboardTargets);
  const setSettings = useAppState((st) => st.setSettings);
  const overrides = useMemo(() => knownOverrides(saved), [saved]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const persist = async (next: ThresholdOverrides) => {
    const r = await connection.request('settings.update', { dashboardTargets: { ...next } });
    if (r.ok) {
      setSettings(r.value);
      setSaveError(null);
      setDraft(null);
    } else {
      setSaveError(r.error.message);
    }
  };
  const [draft, setDraft] = useState<Draft | null>(null);
  const targets = useMemo(() => effectiveTargets(overrides), [overrides]);

  const problems: Record<string, string | null> = {};
  if (draft) {
    for (const t of targets) {
      const d = draft[t.id];
      problems[t.id] = d ? thresholdProblem({ targetMs: Number(d.targetMs), acceptableMs: Number(d.acceptableMs) }) : null;
    }
  }
  const valid = Object.values(problems).every((p) => p === null);

  const startEditing = () =>
    setDraft(Object.fromEntries(targets.map((t) => [t.id, { targetMs: String(t.targetMs), acceptableMs: String(t.acceptableMs) }])));
  const save = () => {
    if (!draft || !valid) return;
    let next: ThresholdOverrides = {};
    for (const t of targets) {
      const d = draft[t.id];
      if (d) next = withOverride(next, t.id, { targetMs: Number(d.targetMs), acceptableMs: Number(d.acceptableMs) });
    }
    void persist(next);
  };
  const reset = () => void persist({});
  const edit = (id: string, field: 'targetMs' | 'acceptableMs', value: string) =>
    setDraft((d) => (d && d[id] ? { ...d, [id]: { ...d[id], [field]: value } } : d));
  const edited = Object.keys(overrides).length;

  return (
    <section className="settings-section dash-section" data-testid="dash-targets" aria-labelledby="dash-targets-title">
      <div className="dash-section-head">
        <h2 id="dash-targets-title">Target latency</h2>
        <div className="page-actions">
          {draft ? (
            <>
              <button type="button" className="button small" data-testid="targets-reset" onClick={reset}>
                Reset to defaults
              </button>
              <button type="button" className="button small" data-testid="targets-cancel" onClick={() => setDraft(null)}>
                Cancel
              </button>
              <button type="button" className="button small primary" data-testid="targets-save" disabled={!valid} onClick={save}>
                Save targets
              </button>
            </>
          ) : (
            <button type="button" className="button small" data-testid="targets-edit" onClick={startEditing}>
              Edit targets
            </button>
          )}
        </div>
      </div>
      <table className="data-table dash-table" data-testid="targets-table">
        <thead>
          <tr>
            <th scope="col">Operation</th>
            <th scope="col" className="num">Live</th>
            <th scope="col" className="num">Target</th>
            <th scope="col" className="num">Acceptable</th>
            <th scope="col" className="num">Slow</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((t) => {
            const live = liveFigure(t, snapshot);
            const status = classify(live.value, t);
            const d = draft?.[t.id];
            const problem = problems[t.id] ?? null;
            return (
              <tr key={t.id} data-testid="target-row" data-target-id={t.id} data-status={status} title={t.detail}>
                <th scope="row" className="dash-op">
                  {t.operation}
                  <span className="dash-stat">{t.stat}</span>
                  {problem ? (
                    <span className="field-error dash-problem" role="alert" data-testid="target-problem">
                      {problem}
                    </span>
                  ) : null}
                </th>
                <td className={`num dash-live dash-${status}`} data-testid="target-live" title={live.from ?? undefined}>
                  {formatMs(live.value)}
                </td>
                <ThresholdCell field="targetMs" label={`${t.operation} target (ms)`} testId="target-input" draft={d} valueMs={t.targetMs} invalid={problem !== null} onEdit={(v) => edit(t.id, 'targetMs', v)} />
                <ThresholdCell field="acceptableMs" label={`${t.operation} acceptable (ms)`} testId="acceptable-input" draft={d} valueMs={t.acceptableMs} invalid={problem !== null} onEdit={(v) => edit(t.id, 'acceptableMs', v)} />
                <td className="num dash-faint">{`> ${formatMs(d ? Number(d.acceptableMs) : t.acceptableMs)}`}</td>
                <td>
                  <span className={`dash-pill dash-${status}`} data-testid="target-status">
                    {STATUS_TEXT[status]}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="field-hint">
        {saveError ? <span className="field-error" data-testid="targets-error">Could not save the targets: {saveError}. </span> : null}
        {edited > 0 ? `${edited} of ${DEFAULT_TARGETS.length} targets edited (kept in Settings). ` : 'Defaults are Berth’s own goals. '}
        Live figures are the worst matching series over the selected window; the event loop is its last second.
      </p>
    </section>
  );
}

/** One threshold: `≤ value` when reading, a number field while editing. */
function ThresholdCell(props: {
  field: 'targetMs' | 'acceptableMs';
  label: string;
  testId: string;
  draft: { targetMs: string; acceptableMs: string } | undefined;
  valueMs: number;
  invalid: boolean;
  onEdit: (value: string) => void;
}) {
  const { draft } = props;
  return (
    <td className="num">
      {draft ? (
        <input
          className="input dash-input"
          type="number"
          min="0"
          step="any"
          aria-label={props.label}
          data-testid={props.testId}
          aria-invalid={props.invalid}
          value={draft[props.field]}
          onChange={(e) => props.onEdit(e.target.value)}
        />
      ) : (
        `≤ ${formatMs(props.valueMs)}`
      )}
    </td>
  );
}
