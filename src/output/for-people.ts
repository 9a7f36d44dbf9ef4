/**
 * Text from the files, the environment or the command line, made safe to show a person on a
 * terminal (stderr, `list`, `explain`): the one helper for everything echoed.
 *
 * - Control characters are escaped, so a crafted profile name or value cannot move the cursor,
 *   recolour the screen or rewrite the title: C0 and C1 controls and DEL as `\xNN`; the Unicode
 *   line and paragraph separators and the bidirectional overrides and isolates (which reorder
 *   what is shown: "Trojan Source") as `\u{NNNN}`. Backslashes are left alone, so escaping twice
 *   changes nothing.
 * - Text longer than `max` characters is cut in the middle (`head…tail`), keeping both ends: the
 *   start of a name, and the `(file:line)` at the end of a message.
 */
export function forPeople(text: string, max = NAME_LIMIT): string {
  const escaped = UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escape) : text;
  if (escaped.length <= max) return escaped;
  const tail = Math.floor((max - 1) / 3);
  return `${escaped.slice(0, max - 1 - tail)}…${escaped.slice(escaped.length - tail)}`;
}

/** A profile name (or one value) inside a message. */
export const NAME_LIMIT = 64;
/** A whole line: an error, a warning, a line of `explain`. */
export const LINE_LIMIT = 2000;

const CONTROLS = '\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const UNSAFE = new RegExp(`[${CONTROLS}]`);
const UNSAFE_ALL = new RegExp(`[${CONTROLS}]`, 'g');

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}
