/**
 * The profile picker as plain data: the items, the filter typed so far, the selection and the
 * scroll offset, and what each key does to them. No terminal here: the driver
 * (src/picker/terminal.ts) feeds keys in and draws what render.ts makes of the state.
 */
import type { Key } from './keys.js';

export interface PickerItem {
  name: string;
  /** Shown dimmed after the name, e.g. `role  eu-west-1`. */
  detail: string;
  /** Why the profile cannot give credentials as configured; marked in the list. */
  problem?: string;
}

export interface PickerState {
  /** Every item, in the order they are offered (most recently used first, then by name). */
  readonly items: readonly PickerItem[];
  readonly filter: string;
  /** Indexes into `items` of the items that match `filter`, in the order they are listed. */
  readonly matches: readonly number[];
  /** Index into `matches` of the selected item (0 when there are none). */
  readonly selected: number;
  /** Index into `matches` of the first row drawn. */
  readonly offset: number;
  /** How many rows are drawn: the selection is kept within `offset … offset + height - 1`. */
  readonly height: number;
}

export type PickerStep =
  | { kind: 'continue'; state: PickerState }
  | { kind: 'chosen'; item: PickerItem }
  | { kind: 'cancelled' };

export function createPickerState(items: readonly PickerItem[], height: number): PickerState {
  return { items, filter: '', matches: matchItems(items, ''), selected: 0, offset: 0, height: Math.max(1, height) };
}

/**
 * The items that match `filter`, best first: case-insensitive substring of the name; the names
 * that start with it come before those that contain it further in; within each group the items
 * keep their order. Nothing cleverer (no fuzzy matching), so what is listed is predictable.
 */
export function matchItems(items: readonly PickerItem[], filter: string): number[] {
  const needle = filter.toLowerCase();
  const prefix: number[] = [];
  const inside: number[] = [];
  items.forEach((item, index) => {
    const at = item.name.toLowerCase().indexOf(needle);
    if (at === 0) prefix.push(index);
    else if (at > 0) inside.push(index);
  });
  return [...prefix, ...inside];
}

export function applyKey(state: PickerState, key: Key): PickerStep {
  switch (key.name) {
    case 'enter': {
      const index = state.matches[state.selected];
      // With nothing matching, Enter does nothing: the user edits the filter or cancels.
      return index === undefined ? { kind: 'continue', state } : { kind: 'chosen', item: state.items[index]! };
    }
    case 'escape':
    case 'ctrl-c':
      return { kind: 'cancelled' };
    case 'up':
      return { kind: 'continue', state: select(state, state.selected - 1) };
    case 'down':
      return { kind: 'continue', state: select(state, state.selected + 1) };
    case 'text':
      return { kind: 'continue', state: withFilter(state, state.filter + key.text) };
    case 'backspace':
      // Code points, so that Backspace removes a whole character even outside the BMP.
      return { kind: 'continue', state: withFilter(state, [...state.filter].slice(0, -1).join('')) };
    case 'ctrl-u':
      return { kind: 'continue', state: withFilter(state, '') };
  }
}

/** A new filter: the best match is selected and the list starts at the top. */
function withFilter(state: PickerState, filter: string): PickerState {
  if (filter === state.filter) return state;
  return { ...state, filter, matches: matchItems(state.items, filter), selected: 0, offset: 0 };
}

/** Moves the selection, clamped to the list (no wrapping), scrolling just enough to show it. */
function select(state: PickerState, wanted: number): PickerState {
  const selected = Math.max(0, Math.min(wanted, state.matches.length - 1));
  return { ...state, selected, offset: scrollTo(state.offset, selected, state.height, state.matches.length) };
}

/** The terminal was resized: a new height, the selection still in view. */
export function withHeight(state: PickerState, height: number): PickerState {
  const rows = Math.max(1, height);
  return { ...state, height: rows, offset: scrollTo(state.offset, state.selected, rows, state.matches.length) };
}

/** The offset that keeps `selected` in view, moving as little as possible and never past the end. */
function scrollTo(offset: number, selected: number, height: number, count: number): number {
  let next = offset;
  if (selected < next) next = selected;
  if (selected >= next + height) next = selected - height + 1;
  return Math.max(0, Math.min(next, count - height));
}

export interface VisibleRow {
  item: PickerItem;
  selected: boolean;
}

/** The rows to draw: at most `height`, starting at the scroll offset (kept so the selection shows). */
export function visibleRows(state: PickerState, height = state.height): VisibleRow[] {
  const rows = Math.max(1, height);
  const offset = scrollTo(state.offset, state.selected, rows, state.matches.length);
  return state.matches.slice(offset, offset + rows).map((index, i) => ({
    item: state.items[index]!,
    selected: offset + i === state.selected,
  }));
}
