/**
 * A table of rows, described by its columns: one markup for every list Berth shows (credentials,
 * rules, audit, usage, caches, images, benchmark runs…). Header cells are `scope="col"`, numeric
 * columns are right-aligned (`num`), an empty list shows one spanning "nothing here" row, and each
 * cell can carry its own test id, class, title and data attributes.
 */
import type { MouseEvent, ReactNode } from 'react';

/** `data-*` attributes (a row's or a cell's identity for tests and styles). */
export type DataAttributes = { [name: `data-${string}`]: string | number | boolean | null | undefined };

/** One column: its header and how a row's cell is drawn. */
export interface Column<Row> {
  header: ReactNode;
  /** Tooltip of the header. */
  headerTitle?: string;
  /** The header is for screen readers only (an actions column). */
  headerHidden?: boolean;
  /** A number column: header and cells right-aligned. */
  numeric?: boolean;
  /** The cell names its row (`<th scope="row">`). */
  rowHeader?: boolean;
  /** Classes of the cell (besides `num`). */
  className?: string | ((row: Row) => string | undefined);
  /** `data-testid` of the cell. */
  testId?: string;
  title?: (row: Row) => string | undefined;
  /** More attributes of the cell. */
  attributes?: (row: Row) => DataAttributes;
  render(row: Row): ReactNode;
}

/** Attributes of a body row. */
export type RowAttributes = DataAttributes & { className?: string; title?: string; onClick?: (event: MouseEvent<HTMLTableRowElement>) => void };

interface DataTableProps<Row> {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey(row: Row, index: number): string | number;
  rowAttributes?: (row: Row, index: number) => RowAttributes;
  /** Shown in one spanning row when there are no rows; without it an empty table has no body rows. */
  empty?: { text: ReactNode; testId?: string };
  caption?: ReactNode;
  /** Rows of the `<tfoot>` (totals, an "add" row). */
  footer?: ReactNode;
  /** Classes besides `data-table`. */
  className?: string;
  testId?: string;
}

/** A `data-table` of `rows`, one cell per column; see the file comment for what it draws. */
export function DataTable<Row>({ columns, rows, rowKey, rowAttributes, empty, caption, footer, className, testId }: DataTableProps<Row>) {
  return (
    <table className={className ? `data-table ${className}` : 'data-table'} data-testid={testId}>
      {caption !== undefined ? <caption>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column, i) => (
            <th key={i} scope="col" className={column.numeric ? 'num' : undefined} title={column.headerTitle}>
              {column.headerHidden ? <span className="visually-hidden">{column.header}</span> : column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && empty ? (
          <tr>
            <td colSpan={columns.length} className="empty-cell" data-testid={empty.testId}>
              {empty.text}
            </td>
          </tr>
        ) : (
          rows.map((row, index) => (
            <tr key={rowKey(row, index)} {...rowAttributes?.(row, index)}>
              {columns.map((column, i) => {
                const own = typeof column.className === 'function' ? column.className(row) : column.className;
                const className = [column.numeric ? 'num' : null, own ?? null].filter((c) => c).join(' ') || undefined;
                const props = { className, title: column.title?.(row), 'data-testid': column.testId, ...column.attributes?.(row) };
                return column.rowHeader ? (
                  <th key={i} scope="row" {...props}>
                    {column.render(row)}
                  </th>
                ) : (
                  <td key={i} {...props}>
                    {column.render(row)}
                  </td>
                );
              })}
            </tr>
          ))
        )}
      </tbody>
      {footer !== undefined ? <tfoot>{footer}</tfoot> : null}
    </table>
  );
}
