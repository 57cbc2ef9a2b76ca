/**
 * Resources: CPU and memory of every live session and of Berth's own processes, each with a sparkline
 * of its CPU over the last minute, sortable by any column; totals beside the machine's cores and memory.
 */
import { useMemo, useState } from 'react';
import { SessionState } from '../../../src-shared/dto.js';
import { useAppState } from '../../app/services.js';
import { formatBytes, formatCpuPercent } from '../docker/docker-format.js';
import { StateBadge } from '../sessions/StateBadge.js';
import {
  defaultDirection,
  resourceRows,
  resourceTotals,
  shareOf,
  sortRows,
  type ResourceRow,
  type ResourceSortKey,
  type ResourcesDto,
  type SortDirection,
} from './resources-data.js';
import { Sparkline } from './Sparkline.js';
import { useSessionMeta } from './use-session-meta.js';

/** A CPU sparkline's y axis reaches at least this (% of one core), so an idle line stays flat at the bottom. */
const CPU_SPARK_MIN_PERCENT = 10;
/** Percent of one core per core. */
const PERCENT_PER_CORE = 100;

const COLUMNS: ReadonlyArray<{ key: ResourceSortKey; label: string; numeric: boolean }> = [
  { key: 'name', label: 'Name', numeric: false },
  { key: 'backend', label: 'Backend', numeric: false },
  { key: 'state', label: 'State', numeric: false },
  { key: 'cpu', label: 'CPU', numeric: true },
  { key: 'memory', label: 'Memory', numeric: true },
];

function Row({ row, onOpen }: { row: ResourceRow; onOpen: (id: string) => void }) {
  const parsedState = row.state ? SessionState.safeParse(row.state) : null;
  return (
    <tr data-testid="resource-row" data-kind={row.kind} data-subject={row.subject} data-name={row.name}>
      <th scope="row" className="dash-label">
        {row.kind === 'session' && row.sessionId ? (
          <button type="button" className="link-button" data-testid="resource-name" onClick={() => onOpen(row.sessionId!)}>
            {row.name}
          </button>
        ) : (
          <span data-testid="resource-name">{row.name}</span>
        )}
        {row.processCount !== null && row.processCount > 1 ? <span className="dash-faint"> · {row.processCount} procs</span> : null}
      </th>
      <td className="dash-faint">{row.kind === 'berth' ? 'Berth' : (row.backend ?? '—')}</td>
      <td>{parsedState?.success ? <StateBadge state={parsedState.data} /> : <span className="dash-faint">{row.kind === 'berth' ? 'running' : '—'}</span>}</td>
      <td className="num" data-testid="resource-cpu">
        {row.cpuPercent === null ? '—' : formatCpuPercent(row.cpuPercent)}
      </td>
      <td className="num" data-testid="resource-memory">
        {formatBytes(row.memoryBytes)}
      </td>
      <td className="dash-spark-cell">
        <Sparkline values={row.cpuHistory} minMax={CPU_SPARK_MIN_PERCENT} label={`CPU of ${row.name} over the last minute`} />
      </td>
    </tr>
  );
}

export function ResourcesSection({ resources }: { resources: ResourcesDto | null }) {
  const sessions = useSessionMeta();
  const openSession = useAppState((s) => s.openSession);
  const [sort, setSort] = useState<{ key: ResourceSortKey; direction: SortDirection }>({ key: 'cpu', direction: 'desc' });
  const rows = useMemo(() => resourceRows(resources, sessions), [resources, sessions]);
  const sorted = useMemo(
    () => ({ sessions: sortRows(rows.sessions, sort.key, sort.direction), berth: sortRows(rows.berth, sort.key, sort.direction) }),
    [rows, sort],
  );
  const machine = resources?.latest?.machine ?? null;
  const totals = resourceTotals(rows, machine);
  const clickHeader = (key: ResourceSortKey) =>
    setSort((s) => (s.key === key ? { key, direction: s.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: defaultDirection(key) }));
  const cpuCapacity = machine ? machine.cores * PERCENT_PER_CORE : 0;

  return (
    <section className="settings-section dash-section" data-testid="dash-resources" aria-labelledby="dash-resources-title">
      <div className="dash-section-head">
        <h2 id="dash-resources-title">Resources</h2>
        <span className="dash-note">CPU in % of one core · sparklines: CPU over the last minute</span>
      </div>
      <div className="dash-meters">
        <div className="dash-meter" data-testid="meter-cpu">
          <div className="dash-meter-head">
            <span className="dash-meter-label">CPU</span>
            <span className="dash-meter-used">{machine ? `${machine.cores} cores` : '—'}</span>
          </div>
          <div className="dash-meter-bar" aria-hidden="true">
            <span className="dash-bar-sessions" style={{ width: `${shareOf(totals.sessions.cpuPercent, cpuCapacity)}%` }} />
            <span className="dash-bar-berth" style={{ width: `${shareOf(totals.berth.cpuPercent, cpuCapacity)}%` }} />
            <span
              className="dash-bar-other"
              style={{ width: `${shareOf(Math.max(0, (machine?.cpuPercent ?? 0) - totals.sessions.cpuPercent - totals.berth.cpuPercent), cpuCapacity)}%` }}
            />
          </div>
          <span className="dash-meter-legend">
            <i className="dash-key-sessions" /> sessions {formatCpuPercent(totals.sessions.cpuPercent)} <i className="dash-key-berth" /> Berth{' '}
            {formatCpuPercent(totals.berth.cpuPercent)} <i className="dash-key-other" /> machine {machine?.cpuPercent != null ? formatCpuPercent(machine.cpuPercent) : '—'} of{' '}
            {cpuCapacity > 0 ? `${cpuCapacity}%` : '—'}
          </span>
        </div>
        <div className="dash-meter" data-testid="meter-memory">
          <div className="dash-meter-head">
            <span className="dash-meter-label">Memory</span>
            <span className="dash-meter-used">{machine ? formatBytes(machine.memoryTotalBytes) : '—'}</span>
          </div>
          <div className="dash-meter-bar" aria-hidden="true">
            <span className="dash-bar-sessions" style={{ width: `${shareOf(totals.sessions.memoryBytes, machine?.memoryTotalBytes ?? 0)}%` }} />
            <span className="dash-bar-berth" style={{ width: `${shareOf(totals.berth.memoryBytes, machine?.memoryTotalBytes ?? 0)}%` }} />
            <span
              className="dash-bar-other"
              style={{
                width: `${shareOf(Math.max(0, (machine?.memoryUsedBytes ?? 0) - totals.sessions.memoryBytes - totals.berth.memoryBytes), machine?.memoryTotalBytes ?? 0)}%`,
              }}
            />
          </div>
          <span className="dash-meter-legend">
            <i className="dash-key-sessions" /> sessions {formatBytes(totals.sessions.memoryBytes)} <i className="dash-key-berth" /> Berth{' '}
            {formatBytes(totals.berth.memoryBytes)} <i className="dash-key-other" /> machine {machine ? `${formatBytes(machine.memoryUsedBytes)} used` : '—'}
          </span>
        </div>
      </div>
      <table className="data-table dash-table dash-resources-table" data-testid="resources-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => {
              const active = sort.key === c.key;
              return (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" className="dash-sort" data-testid={`sort-${c.key}`} onClick={() => clickHeader(c.key)}>
                    {c.label}
                    <span className="dash-sort-mark" aria-hidden="true">
                      {active ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </th>
              );
            })}
            <th scope="col">Last minute</th>
          </tr>
        </thead>
        <tbody data-testid="resources-sessions">
          {sorted.sessions.length === 0 ? (
            <tr>
              <td colSpan={6} className="empty-cell">
                No live sessions.
              </td>
            </tr>
          ) : (
            sorted.sessions.map((r) => <Row key={r.subject} row={r} onOpen={openSession} />)
          )}
        </tbody>
        <tbody data-testid="resources-berth" className="dash-berth-rows">
          {sorted.berth.map((r) => (
            <Row key={r.subject} row={r} onOpen={openSession} />
          ))}
        </tbody>
        <tfoot>
          <tr data-testid="resources-total">
            <th scope="row">
              Total · {totals.sessions.counted} session{totals.sessions.counted === 1 ? '' : 's'} + Berth
            </th>
            <td />
            <td />
            <td className="num dash-strong">{formatCpuPercent(totals.sessions.cpuPercent + totals.berth.cpuPercent)}</td>
            <td className="num dash-strong">{formatBytes(totals.sessions.memoryBytes + totals.berth.memoryBytes)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
