import { visibleWidth } from './colour.js';

/**
 * Rows as columns separated by two spaces, each padded to its widest cell (the last is not).
 * Widths are what a terminal shows: colour sequences in a cell take no room.
 *
 * `list` of 4,000 profiles has 24,000 cells: each is measured once (into a typed array, outside
 * the garbage-collected heap), padded with a string of spaces made once for each length, and
 * each line is made by one join of a parts array reused from line to line. Arrays and padded
 * copies of every cell were most of what `list` allocated, and in a process this short
 * allocation costs page faults.
 */
export function alignColumns(rows: string[][]): string {
  let columns = 0;
  for (let r = 0; r < rows.length; r++) columns = Math.max(columns, rows[r]!.length);
  const cellWidths = new Int32Array(rows.length * columns);
  const widths = new Int32Array(columns);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < row.length; c++) {
      const width = visibleWidth(row[c]!);
      cellWidths[r * columns + c] = width;
      if (width > widths[c]!) widths[c] = width;
    }
  }
  const lines: string[] = [];
  const parts: string[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let part = 0;
    for (let c = 0; c < row.length; c++) {
      parts[part++] = row[c]!;
      if (c < row.length - 1) parts[part++] = spaces(widths[c]! - cellWidths[r * columns + c]! + 2);
    }
    parts.length = part; // (shortened in place; set to 0, the array would drop its storage)
    lines.push(parts.join(''));
  }
  lines.push('');
  return lines.join('\n');
}

/** `count` spaces, each length made once. */
function spaces(count: number): string {
  return (SPACES[count] ??= ' '.repeat(count));
}

const SPACES: string[] = [];
