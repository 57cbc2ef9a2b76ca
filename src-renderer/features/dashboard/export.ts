/**
 * Export of the Dashboard's current window as JSON (everything the page has) or CSV (one row per
 * histogram series, gauge and counter), downloaded through a Blob URL and an `<a download>`.
 *
 * Blob downloads need nothing from the CSP: a download is not a fetch (connect-src) nor a navigation
 * the window guards see.
 */
import type { MetricLabels, MetricWindow, MetricsSnapshotDto } from '../../../src-shared/metrics.js';
import type { ResourcesDto } from './resources-data.js';
import { SESSION_SUBJECT_PREFIX } from './resources-data.js';

/** What an export holds. */
export interface DashboardExport {
  /** ms since the epoch. */
  exportedAt: number;
  window: MetricWindow;
  snapshot: MetricsSnapshotDto;
  resources: ResourcesDto | null;
  /** Session names by id, so `subject="session:<id>"` can be read. */
  sessionNames: Record<string, string>;
}

/** The export as pretty-printed JSON. */
export function exportJson(data: DashboardExport): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** CSV columns, in order. */
export const CSV_COLUMNS = ['type', 'name', 'labels', 'count', 'sum', 'min', 'max', 'p50', 'p95', 'p99', 'value'] as const;

/** A CSV field: quoted when it holds a comma, quote, CR or LF (RFC 4180), quotes doubled. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Labels as `key=value` pairs joined by `;`, with the session's name beside a session subject. */
function formatLabels(labels: MetricLabels, names: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const subject = labels.subject;
  if (subject?.startsWith(SESSION_SUBJECT_PREFIX)) {
    const name = names[subject.slice(SESSION_SUBJECT_PREFIX.length)];
    if (name) parts.push(`session=${name}`);
  }
  return parts.join(';');
}

/** The snapshot as CSV (CRLF line ends, a header row): histograms summarised over the window, then gauges and counters. */
export function exportCsv(data: DashboardExport): string {
  const rows: Array<ReadonlyArray<string | number | null>> = [CSV_COLUMNS];
  const { snapshot, sessionNames } = data;
  for (const h of snapshot.histograms) {
    rows.push(['histogram', h.name, formatLabels(h.labels, sessionNames), h.count, h.sum, h.min, h.max, h.p50, h.p95, h.p99, null]);
  }
  for (const g of snapshot.gauges) rows.push(['gauge', g.name, formatLabels(g.labels, sessionNames), null, null, null, null, null, null, null, g.value]);
  for (const c of snapshot.counters) rows.push(['counter', c.name, formatLabels(c.labels, sessionNames), null, null, null, null, null, null, null, c.value]);
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** `berth-metrics-5m-20250110-120005.csv` (local time of the export). */
export function exportFileName(window: MetricWindow, at: number, extension: 'json' | 'csv'): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  return `berth-metrics-${window}-${stamp}.${extension}`;
}

/** MIME types of the two formats. */
export const EXPORT_MIME = { json: 'application/json', csv: 'text/csv' } as const;

/**
 * Saves `text` as a file: a Blob URL behind a temporary `<a download>`, clicked, then revoked once the
 * click has been handled (revoking in the same task can cancel the download in some engines).
 */
export function downloadText(doc: Document, fileName: string, mime: string, text: string): void {
  const view = doc.defaultView;
  if (!view) return;
  const url = view.URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  doc.body.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
    view.setTimeout(() => view.URL.revokeObjectURL(url), 0);
  }
}
