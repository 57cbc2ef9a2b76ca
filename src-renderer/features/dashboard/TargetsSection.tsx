/**
 * "Target latency": each operation's live p95 (p99 for the event loop) beside its target, acceptable and
 * slow thresholds, coloured. "Edit targets" turns the thresholds into fields; saved edits are kept in
 * Settings (`dashboardTargets`, so every window and the CLI's orchestrator share them), "Reset to
 * defaults" brings back Berth's goals.
 */
import { useMemo, useState } from 'react';
import { useAppState, useServices } from '../../app/services.js';
import type { MetricsSnapshotDto } from '../../../src-shared/metrics.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { formatMs } from './dashboard-data.js';
import {
  classify,
  DEFAULT_TARGETS,
  effectiveTargets,
  liveFigure,
  knownOverrides,
  thresholdProblem,
  withOverride,
  type LiveFigure,
  type TargetDef,
  type TargetStatus,
  type ThresholdOverrides,
} from './targets.js';

/** Words for each status. */
export const STATUS_TEXT: Record<TargetStatus, string> = { ok: 'on target', acceptable: 'acceptable', slow: 'slow', none: 'no data' };

/** Draft thresholds as typed (strings until saved). */
type Draft = Record<string, { targetMs: string; acceptableMs: string }>;

/** A row of the table: the target, its live figure and status, and its draft and problem while editing. */
interface TargetRow {
  target: TargetDef;
  live: LiveFigure;
  status: TargetStatus;
  draft: Draft[string] | undefined;
  problem: string | null;
}

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

  const rows: TargetRow[] = targets.map((target) => {
    const live = liveFigure(target, snapshot);
    return { target, live, status: classify(live.value, target), draft: draft?.[target.id], problem: problems[target.id] ?? null };
  });
  const threshold = (field: 'targetMs' | 'acceptableMs', what: string, testId: string) => (r: TargetRow) => (
    <ThresholdCell
      field={field}
      label={`${r.target.operation} ${what} (ms)`}
      testId={testId}
      draft={r.draft}
      valueMs={r.target[field]}
      invalid={r.problem !== null}
      onEdit={(v) => edit(r.target.id, field, v)}
    />
  );
  const columns: Column<TargetRow>[] = [
    {
      header: 'Operation',
      rowHeader: true,
      className: 'dash-op',
      render: (r) => (
        <>
          {r.target.operation}
          <span className="dash-stat">{r.target.stat}</span>
          {r.problem ? (
            <span className="field-error dash-problem" role="alert" data-testid="target-problem">
              {r.problem}
            </span>
          ) : null}
        </>
      ),
    },
    {
      header: 'Live',
      numeric: true,
      className: (r) => `dash-live dash-${r.status}`,
      testId: 'target-live',
      title: (r) => r.live.from ?? undefined,
      render: (r) => formatMs(r.live.value),
    },
    { header: 'Target', numeric: true, render: threshold('targetMs', 'target', 'target-input') },
    { header: 'Acceptable', numeric: true, render: threshold('acceptableMs', 'acceptable', 'acceptable-input') },
    { header: 'Slow', numeric: true, className: 'dash-faint', render: (r) => `> ${formatMs(r.draft ? Number(r.draft.acceptableMs) : r.target.acceptableMs)}` },
    {
      header: 'Status',
      render: (r) => (
        <span className={`dash-pill dash-${r.status}`} data-testid="target-status">
          {STATUS_TEXT[r.status]}
        </span>
      ),
    },
  ];

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
      <DataTable
        className="dash-table"
        testId="targets-table"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.target.id}
        rowAttributes={(r) => ({ 'data-testid': 'target-row', 'data-target-id': r.target.id, 'data-status': r.status, title: r.target.detail })}
      />
      <p className="field-hint">
        {saveError ? <span className="field-error" data-testid="targets-error">Could not save the targets: {saveError}. </span> : null}
        {edited > 0 ? `${edited} of ${DEFAULT_TARGETS.length} targets edited (kept in Settings). ` : 'Defaults are Berth’s own goals. '}
        Live figures are the worst matching series over the selected window; the event loop is its last second.
      </p>
    </section>
  );
}

/** One threshold cell's content: `≤ value` when reading, a number field while editing. */
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
  return draft ? (
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
  );
}
