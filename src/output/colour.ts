import type { Env } from '../environment/env.js';

// Colour for people at a terminal, never for programs: one decision, shared by every command that
// writes a table or a picker, and tiny SGR helpers. https://no-color.org

/**
 * Colour only when the stream is a terminal, NO_COLOR is unset or empty, and the terminal is not
 * `dumb` (as git and ls decide). Piped output stays plain: scripts parse it.
 */
export function useColour(stream: { isTTY?: boolean }, env: Env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** Wraps text in one SGR attribute and its own reset (not `\x1b[0m`, so wrappers can nest). */
export type Paint = (text: string) => string;

const sgr = (on: number, off: number): Paint => (text) => `\x1b[${on}m${text}\x1b[${off}m`;

export const bold = sgr(1, 22);
export const dim = sgr(2, 22);
export const red = sgr(31, 39);
export const green = sgr(32, 39);
export const yellow = sgr(33, 39);
export const blue = sgr(34, 39);
export const magenta = sgr(35, 39);
export const cyan = sgr(36, 39);

export interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  magenta: Paint;
  cyan: Paint;
}

const plain: Paint = (text) => text;

/** The helpers when `enabled`, else functions that return the text as it is. */
export function palette(enabled: boolean): Palette {
  return enabled
    ? { bold, dim, red, green, yellow, blue, magenta, cyan }
    : { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, blue: plain, magenta: plain, cyan: plain };
}

const SGR_SEQUENCE = /\x1b\[[0-9;:]*m/g;

/** The text without SGR (colour and style) sequences. */
export function stripSgr(text: string): string {
  return text.replace(SGR_SEQUENCE, '');
}

/** Columns the text takes on a terminal: code points, SGR sequences not counted. */
export function visibleWidth(text: string): number {
  const plain = text.includes('\x1b') ? stripSgr(text) : text;
  // Only a surrogate pair is two UTF-16 units for one code point: count them only if there are any.
  return SURROGATE.test(plain) ? [...plain].length : plain.length;
}

// A regular expression literal inside a function is a new object at each call: `list` measures
// 24,000 cells, and that was its largest allocation.
const SURROGATE = /[\ud800-\udfff]/;
