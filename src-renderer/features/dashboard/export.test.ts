import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALPHA_ID, FIXTURE_AT, RESOURCES_FIXTURE, SNAPSHOT_FIXTURE } from '../../testing/dashboard-fixture.js';
import { CSV_COLUMNS, csvField, downloadText, exportCsv, exportFileName, exportJson, type DashboardExport } from './export.js';

const DATA: DashboardExport = {
  exportedAt: FIXTURE_AT,
  window: '5m',
  snapshot: SNAPSHOT_FIXTURE,
  resources: RESOURCES_FIXTURE,
  sessionNames: { [ALPHA_ID]: 'alpha' },
};

/** A small RFC 4180 reader (quoted fields, doubled quotes, CRLF) to read the export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

const { createObjectURL, revokeObjectURL } = URL;

describe('export', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
  });

  it('quotes CSV fields only when needed', () => {
    expect([csvField('plain'), csvField('a,b'), csvField('say "hi"'), csvField('two\nlines'), csvField(1.5), csvField(null), csvField(Number.NaN)]).toEqual([
      'plain',
      '"a,b"',
      '"say ""hi"""',
      '"two\nlines"',
      '1.5',
      '',
      '',
    ]);
  });

  it('writes one CSV row per histogram series, gauge and counter, readable back', () => {
    const rows = parseCsv(exportCsv(DATA));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const body = rows.slice(1);
    expect(body).toHaveLength(SNAPSHOT_FIXTURE.histograms.length + SNAPSHOT_FIXTURE.gauges.length + SNAPSHOT_FIXTURE.counters.length);
    expect(body.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    expect(body[0]).toEqual(['histogram', 'session_create_ms', 'backend=local;phase=total;warm=false', '2', '76', '38', '61.2', '38', '61.2', '61.2', '']);
    // Empty percentiles stay empty, not "null".
    expect(body.find((r) => r[2]?.startsWith('backend=tmux'))?.slice(5, 10)).toEqual(['', '', '', '', '']);
    // A session subject gets the session's name beside it.
    expect(body.find((r) => r[1] === 'resource_cpu_percent')).toEqual(['gauge', 'resource_cpu_percent', `subject=session:${ALPHA_ID};session=alpha`, '', '', '', '', '', '', '', '12.5']);
    // Commas and quotes in labels survive.
    expect(body.at(-1)).toEqual(['counter', 'proxy_requests_total', 'provider=anthropic;note=a "quoted", value', '', '', '', '', '', '', '', '12']);
  });

  it('writes JSON with the snapshot, resources and session names', () => {
    const parsed = JSON.parse(exportJson(DATA)) as DashboardExport;
    expect(parsed).toEqual(DATA);
  });

  it('names the file after the window and the local time', () => {
    const at = new Date(2025, 0, 9, 7, 5, 3).getTime();
    expect(exportFileName('15m', at, 'csv')).toBe('berth-metrics-15m-20250109-070503.csv');
    expect(exportFileName('1h', at, 'json')).toBe('berth-metrics-1h-20250109-070503.json');
  });

  it('downloads through a Blob URL and an <a download>, then revokes the URL', async () => {
    const blobs: Blob[] = [];
    // jsdom has no object URLs.
    const create = vi.fn((b: Blob) => {
      blobs.push(b);
      return 'blob:http://127.0.0.1/abc';
    });
    const revoke = vi.fn();
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: revoke });
    const clicked: Array<{ href: string; download: string; attached: boolean }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download, attached: document.body.contains(this) });
    });
    downloadText(document, 'x.csv', 'text/csv', 'a,b\r\n');
    expect(clicked).toEqual([{ href: 'blob:http://127.0.0.1/abc', download: 'x.csv', attached: true }]);
    expect(document.querySelector('a[download]')).toBeNull();
    expect(blobs[0]?.type).toBe('text/csv;charset=utf-8');
    expect(await blobs[0]?.text()).toBe('a,b\r\n');
    expect(revoke).not.toHaveBeenCalled();
    await new Promise((r) => setTimeout(r, 5));
    expect(revoke).toHaveBeenCalledWith('blob:http://127.0.0.1/abc');
  });
});
