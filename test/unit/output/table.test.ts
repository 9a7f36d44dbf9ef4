import { describe, expect, it } from 'vitest';
import { bold, cyan, dim, stripSgr } from '../../../src/output/colour.js';
import { alignColumns } from '../../../src/output/table.js';

describe(alignColumns.name, () => {
  it('pads every column but the last to its widest cell, two spaces apart', () => {
    expect(alignColumns([['A', 'BB', 'C'], ['long', 'x', 'last']])).toBe('A     BB  C\nlong  x   last\n');
  });

  it('measures what a terminal shows: colour sequences take no room', () => {
    const plain = alignColumns([['PROFILE', 'KIND', 'REGION'], ['a', 'role', '-'], ['sso-dev', 'sso', 'eu-west-1']]);
    const coloured = alignColumns([
      [bold('PROFILE'), bold('KIND'), bold('REGION')],
      ['a', cyan('role'), dim('-')],
      ['sso-dev', cyan('sso'), 'eu-west-1'],
    ]);
    expect(coloured).not.toBe(plain);
    expect(stripSgr(coloured)).toBe(plain);
  });

  it('counts a character outside the BMP as one column, not two UTF-16 units', () => {
    expect(alignColumns([['𝐀𝐁', 'x'], ['ab', 'y']])).toBe('𝐀𝐁  x\nab  y\n');
  });
});
