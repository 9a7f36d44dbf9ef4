import { ConfigError } from '../errors/errors.js';
import type { IniFile, IniSection, Setting } from './types.js';

/**
 * Parses one AWS config or credentials file as botocore 1.43 does: Python's
 * `configparser.RawConfigParser()` with its defaults (`_read`), then botocore's `_parse_nested`
 * for values that start on the next line (`raw_config_parse`).
 *
 * - Lines end at `\n`, `\r\n` or a lone `\r` (Python's universal newlines).
 * - "Whitespace" and strip() are Python's (`str.isspace`), not JS trim(): U+FEFF is not space,
 *   U+001C–U+001F and U+0085 are.
 * - A line whose first non-space character is `#` or `;` is a comment, even inside a value.
 *   There are no inline comments: `k = v # c` is the value `v # c`.
 * - `[NAME]`: NAME runs from the first `[` to the last `]` of the line, kept as is (`[ a ]` is
 *   ` a `, `[a] x` is `a`). Section names are case-sensitive.
 * - `key = value` or `key: value`, split at the first `=` or `:`; keys are lowercased.
 * - A line indented deeper than its key line continues the value (even one that looks like a
 *   header or a setting); blank lines inside a value are kept, trailing ones dropped. A value
 *   that is empty on its key line and continues is a nested sub-section: `name = value` lines,
 *   split at the first `=`, names not lowercased, a repeated name wins (one level only).
 * - `[DEFAULT]` is configparser's defaults section: not a section of its own; its settings are
 *   inherited by every section of the same file that lacks them (botocore does read them so, and
 *   `aws` honours them). It may appear more than once, but a key may not repeat inside it.
 *
 * Everything botocore refuses ("Unable to parse config file") is a ConfigError naming the line.
 * botocore reports parse errors after reading the whole file; we stop at the first.
 */
export function parseIni(text: string, path: string): IniFile {
  if (text.charCodeAt(0) === 0xfeff) {
    // Python reads the BOM as a character, so line 1 is never a header: botocore always fails.
    fail('the file starts with a UTF-8 byte-order mark, which botocore cannot read', path, 1,
      'Save the file as UTF-8 without BOM.');
  }
  const sections: IniSection[] = [];
  const byHeader = new Map<string, IniSection>();
  let defaults: IniSection | undefined;
  let section: IniSection | undefined;
  // The last setting read, whose value may go on over the next lines (no allocation per line).
  const open: OpenSetting = { key: '', setting: undefined, indent: 0, blanks: 0, more: undefined };

  // Scan line by line without splitting the text (lines end at \n, \r\n or a lone \r), and let
  // native indexOf find the characters that matter: a 20,000-line file is read on every run.
  const newline = finder(text, '\n');
  const cr = finder(text, '\r');
  const equals = finder(text, '=');
  const colon = finder(text, ':');
  for (let from = 0, next = 0, lineNo = 1; from <= text.length; from = next, lineNo++) {
    let to = newline(from);
    next = to + 1;
    const r = cr(from);
    if (r < to) {
      next = text.charCodeAt(r + 1) === 0x0a ? r + 2 : r + 1;
      to = r;
    }

    const start = skipSpace(text, from, to);
    if (start === to) {
      open.blanks++;
      continue;
    }
    const first = text.charCodeAt(start);
    if (first === 0x23 /* # */ || first === 0x3b /* ; */) continue;
    const end = trimEnd(text, start, to);
    const indent = start - from;

    if (open.setting && indent > open.indent) {
      const more = (open.more ??= []);
      for (; open.blanks > 0; open.blanks--) more.push(BLANK);
      more.push({ text: text.slice(start, end), line: lineNo });
      continue;
    }
    if (open.more) close(open, path);
    open.setting = undefined;

    // A header: `[`, then at least one character, then the last `]` of the line.
    let bracket = first === 0x5b /* [ */ ? end - 1 : -1;
    while (bracket > start && text.charCodeAt(bracket) !== 0x5d /* ] */) bracket--;
    if (bracket > start + 1) {
      const header = text.slice(start + 1, bracket);
      if (header === 'DEFAULT') {
        section = defaults ??= { header, origin: { file: path, line: lineNo }, settings: new Map() };
        continue;
      }
      const earlier = byHeader.get(header);
      if (earlier) {
        fail(`section [${header}] appears twice in this file`, path, lineNo,
          `It first appears on line ${earlier.origin.line}; botocore refuses such a file. Merge the two.`);
      }
      section = { header, origin: { file: path, line: lineNo }, settings: new Map() };
      sections.push(section);
      byHeader.set(header, section);
      continue;
    }
    if (!section) {
      fail('text before the first [section] header', path, lineNo,
        'Put settings under a header: [profile NAME] or [default] in config, [NAME] in credentials.');
    }

    const delimiter = Math.min(equals(start), colon(start)); // the first of either wins
    if (delimiter >= end) {
      fail(first === 0x5b ? 'section header with no name or no closing "]"'
        : 'line is not a [section] header, a "key = value" setting or a comment', path, lineNo,
        'A value continues only on lines indented deeper than its key; comment other text out with #.');
    }
    const key = text.slice(start, trimEnd(text, start, delimiter)).toLowerCase();
    if (key === '') fail(`setting with no key before "${text[delimiter]}"`, path, lineNo);
    const earlier = section.settings.get(key);
    if (earlier) {
      fail(`key "${key}" appears twice in section [${section.header}]`, path, lineNo,
        `It first appears on line ${earlier.origin.line} (keys ignore case); botocore refuses such a file.`);
    }
    const value = text.slice(skipSpace(text, delimiter + 1, end), end);
    const setting: Setting = { value, origin: { file: path, line: lineNo } };
    section.settings.set(key, setting);
    open.key = key;
    open.setting = setting;
    open.indent = indent;
    open.blanks = 0;
  }
  if (open.more) close(open, path);

  if (defaults) {
    for (const s of sections) {
      for (const [key, setting] of defaults.settings) if (!s.settings.has(key)) s.settings.set(key, setting);
    }
  }
  return { path, sections };
}

interface Continuation {
  text: string;
  line: number;
}

interface OpenSetting {
  key: string;
  /** Unset after a section header: configparser's `optname = None`. */
  setting: Setting | undefined;
  /** Indentation of the key line: deeper lines continue the value. */
  indent: number;
  /** Blank lines seen since the last line of the value; kept only if the value goes on. */
  blanks: number;
  more: Continuation[] | undefined;
}

const BLANK: Continuation = { text: '', line: 0 };

/** Characters Python's str.splitlines() breaks at, besides \n and \r (which never reach here). */
const SPLITLINES = /[\v\f\x1c-\x1e\x85\u2028\u2029]/;

/** Ends a setting's value: joins its continuation lines, or parses them as a nested sub-section. */
function close(open: OpenSetting, path: string): void {
  const { setting, more } = open;
  open.more = undefined;
  if (!setting || !more) return;
  if (setting.value !== '') {
    setting.value = [setting.value, ...more.map((c) => c.text)].join('\n');
    return;
  }
  // botocore's _parse_nested: the value '\n...' is split with splitlines(), each line stripped,
  // blank ones skipped, the rest split at the first '='.
  const nested = new Map<string, Setting>();
  for (const { text, line } of more) {
    for (const piece of SPLITLINES.test(text) ? text.split(SPLITLINES) : [text]) {
      const from = skipSpace(piece, 0, piece.length);
      const to = trimEnd(piece, from, piece.length);
      if (from === to) continue;
      const eq = piece.indexOf('=', from);
      if (eq < 0) {
        fail(`nested setting under "${open.key}" has no "="`, path, line,
          `Lines indented under "${open.key} =" must be "name = value" (":" is not accepted there).`);
      }
      const value = piece.slice(skipSpace(piece, eq + 1, to), to);
      nested.set(piece.slice(from, trimEnd(piece, from, eq)), { value, origin: { file: path, line } });
    }
  }
  setting.nested = nested;
}

function fail(what: string, path: string, line: number, hint?: string): never {
  throw new ConfigError(`${what} (${path}:${line})`, hint);
}

/**
 * `(from) => text.indexOf(char, from)`, or text.length when there is none, for calls with a
 * `from` that never decreases: each part of the text is scanned once, however long the lines.
 */
function finder(text: string, char: string): (from: number) => number {
  let found = -1;
  return (from) => {
    if (found < from) {
      found = text.indexOf(char, from);
      if (found < 0) found = text.length;
    }
    return found;
  };
}

/** Index of the first non-space character in s[from, to), or `to`. */
function skipSpace(s: string, from: number, to: number): number {
  while (from < to && isSpace(s.charCodeAt(from))) from++;
  return from;
}

/** Index just past the last non-space character in s[from, to), or `from`. */
function trimEnd(s: string, from: number, to: number): number {
  while (to > from && isSpace(s.charCodeAt(to - 1))) to--;
  return to;
}

/** Python's str.isspace() for one UTF-16 unit (every such character is in the BMP). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}
