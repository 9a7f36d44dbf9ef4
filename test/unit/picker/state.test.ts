import { describe, expect, it } from 'vitest';
import type { Key } from '../../../src/picker/keys.js';
import {
  applyKey, createPickerState, matchItems, visibleRows, withHeight, type PickerItem, type PickerState, type PickerStep,
} from '../../../src/picker/state.js';

const items = (...names: string[]): PickerItem[] => names.map((name) => ({ name, detail: '' }));
const PROFILES = items('staging', 'alpha', 'prod-admin', 'prod-readonly', 'nonprod', 'Prod-Legacy');
const NUMBERED = items(...Array.from({ length: 25 }, (_, i) => `p${String(i).padStart(2, '0')}`));

const up: Key = { name: 'up' };
const down: Key = { name: 'down' };
const text = (value: string): Key => ({ name: 'text', text: value });

/** Applies the keys in order; the state after them, or the step that ended the picker. */
function press(state: PickerState, ...keys: Key[]): PickerState | PickerStep {
  for (const key of keys) {
    const step = applyKey(state, key);
    if (step.kind !== 'continue') return step;
    state = step.state;
  }
  return state;
}

function stateAfter(state: PickerState, ...keys: Key[]): PickerState {
  const result = press(state, ...keys);
  if ('kind' in result) throw new Error(`the picker ended: ${JSON.stringify(result)}`);
  return result;
}

const names = (state: PickerState) => visibleRows(state).map((row) => row.item.name);
const selectedName = (state: PickerState) => visibleRows(state).find((row) => row.selected)?.item.name;

describe(matchItems.name, () => {
  it.each<[string, string, string[]]>([
    ['empty filter: everything, in the given order', '', ['staging', 'alpha', 'prod-admin', 'prod-readonly', 'nonprod', 'Prod-Legacy']],
    ['prefix matches first, then substring matches, each in the given order', 'prod', ['prod-admin', 'prod-readonly', 'Prod-Legacy', 'nonprod']],
    ['case-insensitive', 'PROD-L', ['Prod-Legacy']],
    ['substring anywhere', 'read', ['prod-readonly']],
    ['nothing', 'zzz', []],
  ])('%s', (_, filter, expected) => {
    expect(matchItems(PROFILES, filter).map((index) => PROFILES[index]!.name)).toEqual(expected);
  });
});

describe(applyKey.name, () => {
  const start = createPickerState(PROFILES, 10);

  it('starts with the first item selected', () => {
    expect(selectedName(start)).toBe('staging');
  });

  it('typing filters and selects the best match; Backspace widens again', () => {
    const typed = stateAfter(start, down, text('pro'), text('d'));
    expect(typed.filter).toBe('prod');
    expect(names(typed)).toEqual(['prod-admin', 'prod-readonly', 'Prod-Legacy', 'nonprod']);
    expect(selectedName(typed)).toBe('prod-admin');
    const widened = stateAfter(typed, { name: 'backspace' }, { name: 'backspace' }, { name: 'backspace' }, { name: 'backspace' });
    expect(widened.filter).toBe('');
    expect(names(widened)).toHaveLength(6);
    expect(stateAfter(widened, { name: 'backspace' }).filter).toBe(''); // on an empty filter: nothing
  });

  it('Ctrl-U clears the filter', () => {
    expect(stateAfter(start, text('prod'), { name: 'ctrl-u' }).filter).toBe('');
  });

  it('Up and Down move the selection and stop at the ends', () => {
    expect(selectedName(stateAfter(start, down, down))).toBe('prod-admin');
    expect(selectedName(stateAfter(start, up))).toBe('staging');
    expect(selectedName(stateAfter(start, down, down, down, down, down, down, down, down))).toBe('Prod-Legacy');
    expect(selectedName(stateAfter(start, down, down, down, down, down, down, down, up))).toBe('nonprod');
  });

  it('Enter chooses the selected item', () => {
    expect(press(start, text('prod'), down, { name: 'enter' })).toEqual({ kind: 'chosen', item: { name: 'prod-readonly', detail: '' } });
  });

  it('Enter does nothing when nothing matches', () => {
    const none = stateAfter(start, text('zzz'));
    expect(names(none)).toEqual([]);
    expect(stateAfter(none, down, up).selected).toBe(0);
    expect(applyKey(none, { name: 'enter' })).toEqual({ kind: 'continue', state: none });
  });

  it.each<Key>([{ name: 'escape' }, { name: 'ctrl-c' }])('$name cancels', (key) => {
    expect(press(start, text('pro'), key)).toEqual({ kind: 'cancelled' });
  });
});

describe(visibleRows.name, () => {
  const start = createPickerState(NUMBERED, 10);
  const downs = (n: number) => Array.from({ length: n }, () => down);
  const ups = (n: number) => Array.from({ length: n }, () => up);

  it('shows the first `height` rows', () => {
    expect(names(start)).toEqual(['p00', 'p01', 'p02', 'p03', 'p04', 'p05', 'p06', 'p07', 'p08', 'p09']);
  });

  it('scrolls only when the selection leaves the rows, by as little as needed', () => {
    expect(stateAfter(start, ...downs(9)).offset).toBe(0);
    const scrolled = stateAfter(start, ...downs(12));
    expect(scrolled.offset).toBe(3);
    expect(names(scrolled)[0]).toBe('p03');
    expect(selectedName(scrolled)).toBe('p12');
    // Going back up inside the rows does not scroll; above them it does.
    expect(stateAfter(scrolled, ...ups(9)).offset).toBe(3);
    expect(stateAfter(scrolled, ...ups(10)).offset).toBe(2);
  });

  it('never scrolls past the end', () => {
    const bottom = stateAfter(start, ...downs(40));
    expect(selectedName(bottom)).toBe('p24');
    expect(names(bottom)).toEqual(['p15', 'p16', 'p17', 'p18', 'p19', 'p20', 'p21', 'p22', 'p23', 'p24']);
  });

  it('a new filter starts at the top again', () => {
    const filtered = stateAfter(start, ...downs(20), text('p1'));
    expect(filtered.offset).toBe(0);
    expect(names(filtered)).toEqual(['p10', 'p11', 'p12', 'p13', 'p14', 'p15', 'p16', 'p17', 'p18', 'p19']);
  });

  it('a smaller height keeps the selection in view', () => {
    const resized = withHeight(stateAfter(start, ...downs(8)), 3);
    expect(names(resized)).toEqual(['p06', 'p07', 'p08']);
    expect(selectedName(resized)).toBe('p08');
  });

  it('fewer items than rows: all of them', () => {
    expect(names(createPickerState(items('a', 'b'), 10))).toEqual(['a', 'b']);
  });
});
