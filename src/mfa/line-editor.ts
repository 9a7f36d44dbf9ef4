/**
 * What keys mean while a code is typed with echo off (the terminal in raw mode, so we see every
 * key and do the line editing the terminal would otherwise do). Pure, so that it is tested
 * without a terminal.
 */
export type LineEnd =
  | { kind: 'line'; line: string } // Enter, or Ctrl-D after some text (as a cooked terminal does)
  | { kind: 'eof' } // Ctrl-D on an empty line: the user has nothing to give
  | { kind: 'interrupt' }; // Ctrl-C

const CTRL_C = '\x03';
const CTRL_D = '\x04';
const CTRL_U = '\x15';
const BACKSPACE = new Set(['\x7f', '\b']);
const ESC = '\x1b';

export interface LineEditor {
  /** Feeds what the terminal sent; returns how the line ended, or undefined while it goes on. */
  feed(input: string): LineEnd | undefined;
}

export function createLineEditor(): LineEditor {
  // Code points, so that Backspace removes a whole character even outside the BMP.
  const typed: string[] = [];
  // Arrow and function keys arrive as escape sequences (ESC [ … final); they must not become
  // part of the code. 'esc' just after ESC, 'csi' inside ESC [ or ESC O.
  let escape: 'none' | 'esc' | 'csi' = 'none';

  return {
    feed(input) {
      for (const char of input) {
        if (escape === 'esc') {
          escape = char === '[' || char === 'O' ? 'csi' : 'none';
          continue;
        }
        if (escape === 'csi') {
          if (char >= '\x40' && char <= '\x7e') escape = 'none';
          continue;
        }
        if (char === '\r' || char === '\n') return { kind: 'line', line: typed.join('') };
        if (char === CTRL_C) return { kind: 'interrupt' };
        if (char === CTRL_D) return typed.length ? { kind: 'line', line: typed.join('') } : { kind: 'eof' };
        if (char === ESC) escape = 'esc';
        else if (BACKSPACE.has(char)) typed.pop();
        else if (char === CTRL_U) typed.length = 0;
        else if (char >= ' ') typed.push(char); // other control characters are dropped
      }
      return undefined;
    },
  };
}
