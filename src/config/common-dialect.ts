import type { SectionIndex } from './ini.js';

/**
 * The index of a file written in the dialect nearly every AWS config file is in, found without
 * ini.ts's loop over each line: four regular expressions (compiled to native code, allocating
 * nothing) check the whole file, and a loop over line starts notes where the sections are. On a
 * 4,000-profile file this is a fraction of checkAndIndex's time, which `use`, TAB and `list` all
 * pay before anything else.
 *
 * The dialect: every line is blank, a comment (`#` or `;` after spaces or tabs), an unindented
 * `[header]` holding no `]`, with nothing but spaces or tabs after it, or an unindented setting
 * whose key is ASCII letters, digits, `_`, `.` or `-`; no line ends in `\r`, no character Python
 * strips or splits lines at besides space and tab appears, no key repeats in a section (keys
 * ignore case), no [DEFAULT] section, no setting before the first header, no header twice. In
 * such a file no line continues another, and every rule checkAndIndex enforces holds.
 *
 * Anything else (a file botocore refuses included) gives undefined, and checkAndIndex reads the
 * file: it alone words the errors. Every file this accepts, checkAndIndex accepts with the same
 * index (test/unit/config/common-dialect.test.ts holds the two to that).
 */
export function indexCommonDialect(text: string): SectionIndex | undefined {
  const { otherBreak, otherLine, headerFirst, repeatedKey } = (expressions ??= compileExpressions());
  if (otherBreak.test(text) || otherLine.test(text) || !headerFirst.test(text) || repeatedKey.test(text)) return undefined;
  // Sized once (a header is a line starting with `[`): arrays grown as they fill leave their
  // smaller copies behind, and in a process this short every allocation is a page to fault in.
  let count = text.charCodeAt(0) === 0x5b /* [ */ ? 1 : 0;
  for (let at = text.indexOf('\n['); at >= 0; at = text.indexOf('\n[', at + 2)) count++;
  const headers = new Array<string>(count);
  const places = new Int32Array(3 * count); // typed: its numbers live outside the collected heap
  let section = 0;
  const length = text.length;
  let lineNo = 1;
  for (let from = 0; from < length; lineNo++) {
    let next = text.indexOf('\n', from) + 1;
    if (next === 0) next = length + 1; // (past the end, as checkAndIndex notes a last line's end)
    if (text.charCodeAt(from) === 0x5b /* [ */) {
      const header = text.slice(from + 1, text.indexOf(']', from));
      if (header === 'DEFAULT') return undefined;
      const at = 3 * section;
      if (at > 0) places[at - 1] = from; // the section before ends here
      places[at] = lineNo;
      places[at + 1] = next;
      places[at + 2] = length;
      headers[section++] = header;
    }
    from = next;
  }
  if (section !== count) return undefined; // (cannot be: every line starting with `[` is a header)
  // A header twice: sorted natively, repeats are neighbours (a Map of 4,000 headers cost more).
  const sorted = headers.slice().sort();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return undefined;
  return { headers, places };
}

// What a line may hold: anything but a line break and the characters Python's str.strip() removes
// or str.splitlines() breaks at, other than space and tab.
const CHAR = String.raw`[^\n\r\v\f\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`;
const BLANK_OR_COMMENT = String.raw`[ \t]*(?:[#;]${CHAR}*)?`;
const HEADER = String.raw`\[(?:(?!\])${CHAR})+\][ \t]*`;
const KEY = '[A-Za-z0-9_.-]+';
const SETTING = String.raw`${KEY}[ \t]*[=:]${CHAR}*`;

// Each looks at a line, or a section, at a time: one expression over the whole file (its lines
// joined by a `*`) made V8 keep a backtracking entry for each of 20,000 lines, megabytes to fault
// in, and took ten times as long. Made on first use, not when the program loads: V8 parses a
// pattern when its RegExp is made, on every run (its code cache does not hold them), and a run
// with a small config never uses them (config/ini.ts).
let expressions: ReturnType<typeof compileExpressions> | undefined;

function compileExpressions() {
  return {
    /** Line breaks other than \n: Python ends a line at \r too, and the expressions below (with
     * their `m` flag) at \r, U+2028 and U+2029. */
    otherBreak: /[\r\u2028\u2029]/,
    /** The start of a line that is none of the four kinds. */
    otherLine: new RegExp(String.raw`^(?!(?:${BLANK_OR_COMMENT}|${HEADER}|${SETTING})$)`, 'm'),
    /** Blank lines and comments, then a header or the end of the file (no setting before a header). */
    headerFirst: new RegExp(String.raw`^(?:${BLANK_OR_COMMENT}\n)*(?:\[|${BLANK_OR_COMMENT}$)`),
    /** A setting line whose key comes again, at the start of a later line before the next header. */
    repeatedKey: new RegExp(String.raw`^(${KEY})[ \t]*[=:].*\n(?:(?!\[).*\n)*?\1[ \t]*[=:]`, 'im'),
  };
}
