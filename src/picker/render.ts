/**
 * The picker as text for the terminal: pure, so that what is drawn is tested without one.
 *
 * The picker draws inline, below the command line, not on the alternate screen: a prompt line
 * (`profile> <filter>`), then the rows. Each frame starts where the previous one left the cursor —
 * on the prompt line — erases from there to the end of the screen, draws, and moves the cursor back
 * up to the end of the filter. Only relative moves are used, so it works wherever the prompt was,
 * also when drawing the rows scrolled the screen. No line is allowed to wrap (that would break the
 * relative moves): every line is cut to the terminal's width.
 */
import { palette, type Palette } from '../output/colour.js';
import { visibleRows, type PickerState } from './state.js';

export const PROMPT = 'profile> ';
export const NO_MATCH = 'no matching profile';
export const HIDE_CURSOR = '\x1b[?25l';
export const SHOW_CURSOR = '\x1b[?25h';
/** Back to the start of the prompt line and erase it and everything below. */
export const ERASE_FRAME = `\r\x1b[J`;

/** A name longer than this is cut in the list, so that one long name does not push every detail off. */
const MAX_NAME_COLUMN = 40;

export interface RenderOptions {
  /** The terminal's columns. */
  width: number;
  /** SGR styles: the selected row inverse, details dimmed. Off for NO_COLOR and TERM=dumb. */
  colour: boolean;
}

export interface Frame {
  /** The lines as drawn, prompt first (with SGR when colour is on). */
  lines: string[];
  /** The column of the cursor on the prompt line (0-based). */
  cursorColumn: number;
}

export function renderLines(state: PickerState, options: RenderOptions): Frame {
  const paint = palette(options.colour);
  const max = Math.max(1, options.width - 1); // never the last column: some terminals wrap there
  const prompt = fit([[PROMPT, paint.bold], [clean(state.filter), plain]], max);
  const lines = [prompt];
  const rows = visibleRows(state);
  if (rows.length === 0) {
    lines.push(fit([['  ', plain], [NO_MATCH, paint.dim]], max));
  } else {
    const nameColumn = Math.min(MAX_NAME_COLUMN, Math.max(...state.items.map((item) => [...clean(item.name)].length)));
    for (const { item, selected } of rows) {
      const name = [...clean(item.name)].slice(0, nameColumn).join('').padEnd(nameColumn);
      const problem: Segment[] = item.problem ? [['  ', plain], [`✗ ${clean(item.problem)}`, paint.red]] : [];
      const text = fit([[selected ? '> ' : '  ', plain], [name, plain], ['  ', plain], [clean(item.detail), paint.dim], ...problem], max);
      lines.push(selected && options.colour ? inverse(text) : text);
    }
    // Where the list is, when it is longer than what is shown.
    if (state.matches.length > state.height) {
      lines.push(fit([['  ', plain], [`${state.selected + 1}/${state.matches.length}`, paint.dim]], max));
    }
  }
  return { lines, cursorColumn: Math.min([...PROMPT].length + [...clean(state.filter)].length, max) };
}

/** The ANSI text that replaces the previous frame (or draws the first) with this state. */
export function renderFrame(state: PickerState, options: RenderOptions): string {
  const { lines, cursorColumn } = renderLines(state, options);
  const up = lines.length > 1 ? `\x1b[${lines.length - 1}A` : '';
  const right = cursorColumn > 0 ? `\x1b[${cursorColumn}C` : '';
  // The cursor is hidden while the lines go by, then shown at the end of the filter.
  return `${HIDE_CURSOR}${ERASE_FRAME}${lines.join('\r\n')}${up}\r${right}${SHOW_CURSOR}`;
}

/** The ANSI text that removes the picker and leaves the cursor where the prompt line started. */
export function clearFrame(): string {
  return `${ERASE_FRAME}${SHOW_CURSOR}`;
}

type Segment = [text: string, paint: Palette['dim']];

const plain = (text: string) => text;

/** The segments painted and joined, cut to `max` columns (a code point is a column here). */
function fit(segments: Segment[], max: number): string {
  let room = max;
  let out = '';
  for (const [text, paint] of segments) {
    if (room <= 0) break;
    const chars = [...text];
    const shown = chars.length > room ? chars.slice(0, room).join('') : text;
    room -= Math.min(chars.length, room);
    if (shown) out += paint(shown);
  }
  return out;
}

/** Reverse video for the selected row (SGR 7 and its own reset, so that the dim inside survives). */
function inverse(text: string): string {
  return `\x1b[7m${text}\x1b[27m`;
}

/** A name from a file could hold control characters: they must not reach the terminal as such. */
function clean(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
}
