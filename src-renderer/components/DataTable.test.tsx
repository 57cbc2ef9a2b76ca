import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataTable, type Column } from './DataTable.js';

interface Fruit {
  name: string;
  count: number;
}

const COLUMNS: Column<Fruit>[] = [
  { header: 'Name', rowHeader: true, testId: 'fruit-name', render: (f) => f.name },
  { header: 'Count', numeric: true, className: (f) => (f.count === 0 ? 'none' : undefined), attributes: (f) => ({ 'data-count': f.count }), render: (f) => f.count },
  { header: 'Actions', headerHidden: true, render: (f) => <button type="button">Eat {f.name}</button> },
];

describe('DataTable', () => {
  afterEach(cleanup);

  it('draws a header row and a row per item, with row headers, numeric cells and per-row attributes', () => {
    const onClick = vi.fn();
    render(
      <DataTable
        testId="fruits"
        className="fruit-table"
        columns={COLUMNS}
        rows={[
          { name: 'apple', count: 3 },
          { name: 'pear', count: 0 },
        ]}
        rowKey={(f) => f.name}
        rowAttributes={(f) => ({ 'data-testid': 'fruit-row', 'data-name': f.name, onClick: () => onClick(f.name) })}
        empty={{ text: 'No fruit.', testId: 'fruits-empty' }}
      />,
    );
    const table = screen.getByTestId('fruits');
    expect(table.className).toBe('data-table fruit-table');
    expect(within(table).getAllByRole('columnheader').map((th) => [th.textContent, th.className])).toEqual([
      ['Name', ''],
      ['Count', 'num'],
      ['Actions', ''],
    ]);
    expect(within(table).getByText('Actions').className).toBe('visually-hidden');
    const rows = screen.getAllByTestId('fruit-row');
    expect(rows.map((r) => r.getAttribute('data-name'))).toEqual(['apple', 'pear']);
    expect(within(rows[0]!).getByRole('rowheader').textContent).toBe('apple');
    const count = rows[1]!.querySelector('[data-count]')!;
    expect([count.className, count.getAttribute('data-count')]).toEqual(['num none', '0']);
    fireEvent.click(rows[1]!);
    expect(onClick).toHaveBeenCalledWith('pear');
    expect(screen.queryByTestId('fruits-empty')).toBeNull();
  });

  it('shows one spanning row when there is nothing to list', () => {
    render(<DataTable columns={COLUMNS} rows={[]} rowKey={(f) => f.name} empty={{ text: 'No fruit.', testId: 'fruits-empty' }} />);
    const cell = screen.getByTestId('fruits-empty');
    expect([cell.textContent, cell.getAttribute('colspan'), cell.className]).toEqual(['No fruit.', '3', 'empty-cell']);
  });
});
