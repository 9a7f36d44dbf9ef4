import { describe, expect, it } from 'vitest';
import { stripSgr } from '../../../src/output/colour.js';
import type { Key } from '../../../src/picker/keys.js';
import { clearFrame, renderFrame, renderLines } from '../../../src/picker/render.js';
import { applyKey, createPickerState, type PickerItem, type PickerState } from '../../../src/picker/state.js';

const ITEMS: PickerItem[] = [
  { name: 'staging', detail: 'role  eu-west-1' },
  { name: 'prod-admin', detail: 'sso' },
  { name: 'prod-readonly', detail: 'static keys  us-east-1' },
];

function after(state: PickerState, ...keys: Key[]): PickerState {
  for (const key of keys) {
    const step = applyKey(state, key);
    if (step.kind !== 'continue') throw new Error('ended');
    state = step.state;
  }
  return state;
}

const plain = { width: 80, colour: false };

describe(renderLines.name, () => {
  it('a prompt line, then one row per item: marker, name in a column, detail', () => {
    expect(renderLines(after(createPickerState(ITEMS, 10), { name: 'down' }), plain)).toEqual({
      lines: [
        'profile> ',
        '  staging        role  eu-west-1',
        '> prod-admin     sso',
        '  prod-readonly  static keys  us-east-1',
      ],
      cursorColumn: 9,
    });
  });

  it('the filter on the prompt line, the cursor after it', () => {
    const frame = renderLines(after(createPickerState(ITEMS, 10), { name: 'text', text: 'prod' }), plain);
    expect(frame.lines[0]).toBe('profile> prod');
    expect(frame.lines.slice(1)).toEqual(['> prod-admin     sso', '  prod-readonly  static keys  us-east-1']);
    expect(frame.cursorColumn).toBe(13);
  });

  it('says so when nothing matches', () => {
    expect(renderLines(after(createPickerState(ITEMS, 10), { name: 'text', text: 'x' }), plain).lines).toEqual([
      'profile> x',
      '  no matching profile',
    ]);
  });

  it('at most `height` rows, and where the selection is when there are more', () => {
    const state = after(createPickerState(ITEMS, 2), { name: 'down' }, { name: 'down' });
    expect(renderLines(state, plain).lines).toEqual([
      'profile> ',
      '  prod-admin     sso',
      '> prod-readonly  static keys  us-east-1',
      '  3/3',
    ]);
  });

  it('cuts every line short of the last column, so that nothing wraps', () => {
    const { lines } = renderLines(createPickerState(ITEMS, 10), { width: 12, colour: false });
    expect(lines).toEqual(['profile> ', '> staging  ', '  prod-admi', '  prod-read']);
    expect(lines.every((line) => line.length <= 11)).toBe(true);
  });

  it('shows control characters in a name as ?', () => {
    const { lines } = renderLines(createPickerState([{ name: 'evil\x1b[2J', detail: '' }], 10), plain);
    expect(lines[1]).toBe('> evil?[2J  ');
  });

  it('with colour: the prompt bold, details dim, the selected row inverse', () => {
    const { lines } = renderLines(createPickerState(ITEMS.slice(0, 2), 10), { width: 80, colour: true });
    expect(lines).toEqual([
      '\x1b[1mprofile> \x1b[22m',
      '\x1b[7m> staging     \x1b[2mrole  eu-west-1\x1b[22m\x1b[27m',
      '  prod-admin  \x1b[2msso\x1b[22m',
    ]);
    expect(lines.map(stripSgr)).toEqual(renderLines(createPickerState(ITEMS.slice(0, 2), 10), plain).lines);
  });
});

describe(renderFrame.name, () => {
  it('erases the previous frame, draws the lines and goes back to the end of the filter', () => {
    const state = after(createPickerState(ITEMS.slice(0, 2), 10), { name: 'text', text: 'st' });
    expect(renderFrame(state, plain)).toBe(
      '\x1b[?25l' + '\r\x1b[J' + 'profile> st\r\n> staging     role  eu-west-1' + '\x1b[1A' + '\r\x1b[11C' + '\x1b[?25h',
    );
  });

  it('clearFrame erases from the prompt line down and shows the cursor', () => {
    expect(clearFrame()).toBe('\r\x1b[J\x1b[?25h');
  });
});
