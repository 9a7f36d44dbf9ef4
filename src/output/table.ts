import { visibleWidth } from './colour.js';

/**
 * Rows as columns separated by two spaces, each padded to its widest cell (the last is not).
 * Widths are what a terminal shows: colour sequences in a cell take no room.
 */
export function alignColumns(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => visibleWidth(row[column]!))));
  const pad = (cell: string, width: number) => cell + ' '.repeat(Math.max(0, width - visibleWidth(cell)));
  return rows
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : pad(cell, widths[column]!))).join('  '))
    .join('\n') + '\n';
}
