import { visibleWidth } from './colour.js';

/**
 * Rows as columns separated by two spaces, each padded to its widest cell (the last is not).
 * Widths are what a terminal shows: colour sequences in a cell take no room.
 */
export function alignColumns(rows: string[][]): string {
  // Each cell measured once (a `list` of 4,000 profiles has 24,000).
  const cellWidths = rows.map((row) => row.map(visibleWidth));
  const widths: number[] = [];
  for (const row of cellWidths) {
    for (let column = 0; column < row.length; column++) widths[column] = Math.max(widths[column] ?? 0, row[column]!);
  }
  const lines = rows.map((row, r) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - cellWidths[r]![column]!))).join('  '));
  return `${lines.join('\n')}\n`;
}
