import { ConfigError } from '../errors/errors.js';
import { indexCommonDialect } from './common-dialect.js';
import type { IniFile, IniSection, Origin, Setting } from './types.js';

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
export function parseIni(text: string, path: string): ParsedIni {
  if (text.charCodeAt(0) === 0xfeff) {
    // Python reads the BOM as a character, so line 1 is never a header: botocore always fails.
    fail('the file starts with a UTF-8 byte-order mark, which botocore cannot read', path, 1,
      'Save the file as UTF-8 without BOM.');
  }
  // The whole file is checked now, and where each section's lines are is noted; a section and its
  // settings are made when first asked for. A 4,000-profile file is read on every run, and a `use`
  // needs a few profiles: making all of them made most of its time (allocating, then
  // garbage-collecting, 4,000 sections and 12,000 settings).
  const file = fileText(text, path);
  const common = text.length >= COMMON_DIALECT_FROM ? indexCommonDialect(text) : undefined;
  if (common) return new ParsedIni(file, common);
  const { index, defaultsRanges } = checkAndIndex(file);

  // [DEFAULT] may appear more than once, a key once in all of them: read together, now.
  if (defaultsRanges.length > 0) {
    const defaults = new Map<string, Setting>();
    for (const range of defaultsRanges) buildSettings(file, range.bodyFrom, range.bodyTo, range.line + 1, 'DEFAULT', defaults);
    file.defaults = defaults;
  }
  return new ParsedIni(file, index);
}

/**
 * From this size on, a file in the common dialect is indexed by common-dialect.ts. Below it, the
 * line-by-line check costs no more than making that module's regular expressions (measured at
 * 15 kB: the same instruction count either way), and most config files are far below it.
 */
const COMMON_DIALECT_FROM = 16 * 1024;

const FEW_LOOKUPS = 16;

/**
 * A parsed file: its headers, and each section made when first asked for. `sections` makes all of
 * them; `indexOf` and `section` let a reader that wants a few (profile-map.ts) make only those.
 */
export class ParsedIni implements IniFile {
  readonly path: string;
  #sections: IniSection[] | undefined;
  readonly #made: (LazySection | undefined)[] = [];
  #lookups = 0;

  constructor(private readonly file: FileText, private readonly index: SectionIndex) {
    this.path = file.path;
  }

  /** How many sections the file has ([DEFAULT] is none of them). */
  get count(): number {
    return this.index.headers.length;
  }

  /** The header of section i (0-based, in file order). */
  header(i: number): string {
    return this.index.headers[i]!;
  }

  /** The place of the section with this header (unique: a repeated header is an error). */
  indexOf(header: string): number | undefined {
    const { index } = this;
    // A few lookups (a `use`) search the headers natively; more (a `list`) make a Map once.
    if (!index.byHeader && ++this.#lookups > FEW_LOOKUPS) {
      index.byHeader = new Map();
      for (let i = 0; i < index.headers.length; i++) index.byHeader.set(index.headers[i]!, i);
    }
    if (index.byHeader) return index.byHeader.get(header);
    const found = index.headers.indexOf(header);
    return found < 0 ? undefined : found;
  }

  section(i: number): IniSection {
    let made = this.#made[i];
    if (!made) {
      const { headers, places } = this.index;
      made = new LazySection(this.file, headers[i]!, places[3 * i]!, places[3 * i + 1]!, places[3 * i + 2]!);
      this.#made[i] = made;
    }
    return made;
  }

  get sections(): IniSection[] {
    if (!this.#sections) {
      this.#sections = [];
      for (let i = 0; i < this.count; i++) this.#sections.push(this.section(i));
    }
    return this.#sections;
  }
}

/**
 * Where the sections of a file are, without an object for each: headers in file order, and for
 * section i, places[3i] is its header's line, places[3i + 1] and places[3i + 2] the offsets in
 * the text where its body (the lines after the header) starts and ends.
 */
export interface SectionIndex {
  headers: string[];
  places: Int32Array;
  /** Each header's section; made when first needed when the index has none. */
  byHeader?: Map<string, number>;
}

/** The lines of a [DEFAULT] section (rare: an object each). */
interface Range {
  line: number;
  bodyFrom: number;
  bodyTo: number;
}

/** checkAndIndex's index of a file, whatever its dialect (for tests of common-dialect.ts). */
export function indexEveryLine(text: string, path: string): SectionIndex {
  return checkAndIndex(fileText(text, path)).index;
}

/**
 * The first reading of a file: every rule botocore refuses a file for is checked, and each
 * section's place is noted; no setting is made. For a small file, a file outside the common
 * dialect (which common-dialect.ts reads faster), and every file botocore refuses: this alone
 * words the errors. One function with its helpers inlined, and nothing allocated per line but a section's
 * header and a rare unknown key: a large file goes through it on every run (a bare loop over
 * 20,000 lines takes 2 ms; a call per line more than doubles that).
 */
function checkAndIndex(file: FileText): { index: SectionIndex; defaultsRanges: Range[] } {
  const { text, path } = file;
  const headers: string[] = [];
  // Grown by doubling; typed, so that its numbers live outside the garbage-collected heap.
  let places = new Int32Array(3 * 64);
  const defaultsRanges: Range[] = [];
  const byHeader = new Map<string, number>();
  // The section being read: its header, and where its end is to be noted when the next begins.
  let currentHeader: string | undefined;
  let currentDefaults: Range | undefined;
  // Keys of the current section with their lines, for the duplicate check: arrays reused from
  // section to section, their first `seen` entries valid (emptying an array frees its storage).
  const seenKeys: string[] = [];
  const seenLines: number[] = [];
  let seen = 0;
  // The open setting, whose value later lines indented deeper continue; 0 when none is open.
  let openLine = 0;
  let openIndent = 0;
  let openKey = '';
  let openValueEmpty = false;
  // Continuation lines of an open setting with an empty value: a nested sub-section, checked by
  // nestedSettings as buildSettings will read it.
  let nested: Continuation[] | undefined;
  const length = text.length;
  let newline = -1;
  let cr = -1;
  let equals = -1;
  let colon = -1;
  for (let from = 0, next = 0, lineNo = 1; from < length; from = next, lineNo++) {
    // Lines end at \n, \r\n or a lone \r; each search starts where the last ended, so the text is
    // scanned once however long the lines.
    if (newline < from) newline = indexOrEnd(text, '\n', from);
    if (cr < from) cr = indexOrEnd(text, '\r', from);
    let lineEnd = newline;
    next = newline + 1;
    if (cr < lineEnd) {
      next = text.charCodeAt(cr + 1) === 0x0a ? cr + 2 : cr + 1;
      lineEnd = cr;
    }
    let start = from;
    for (let c = text.charCodeAt(start); start < lineEnd && (c <= 0x20 || c >= 0x85) && isSpace(c); c = text.charCodeAt(++start));
    if (start === lineEnd) continue; // blank: part of a value only if one goes on after it
    const first = text.charCodeAt(start);
    if (first === 0x23 /* # */ || first === 0x3b /* ; */) continue;
    let end = lineEnd;
    for (let c = text.charCodeAt(end - 1); end > start && (c <= 0x20 || c >= 0x85) && isSpace(c); c = text.charCodeAt(--end - 1));
    const indent = start - from;

    if (openLine > 0 && indent > openIndent) {
      if (openValueEmpty) (nested ??= []).push({ text: text.slice(start, end), line: lineNo });
      continue;
    }
    if (nested) nestedSettings(nested, openKey, path);
    nested = undefined;
    openLine = 0;

    // A header: `[`, then at least one character, then the last `]` of the line.
    let bracket = first === 0x5b /* [ */ ? end - 1 : -1;
    while (bracket > start && text.charCodeAt(bracket) !== 0x5d /* ] */) bracket--;
    if (bracket > start + 1) {
      const header = text.slice(start + 1, bracket);
      // The section before ends here.
      if (currentDefaults) currentDefaults.bodyTo = from;
      else if (currentHeader !== undefined) places[3 * headers.length - 1] = from;
      currentHeader = header;
      seen = 0;
      if (header === 'DEFAULT') {
        currentDefaults = { line: lineNo, bodyFrom: next, bodyTo: length };
        defaultsRanges.push(currentDefaults);
        continue;
      }
      currentDefaults = undefined;
      const earlier = byHeader.get(header);
      if (earlier !== undefined) {
        fail(`section [${header}] appears twice in this file`, path, lineNo,
          `It first appears on line ${places[3 * earlier]}; botocore refuses such a file. Merge the two.`);
      }
      const at = 3 * headers.length;
      if (at === places.length) {
        const larger = new Int32Array(2 * places.length);
        larger.set(places);
        places = larger;
      }
      places[at] = lineNo;
      places[at + 1] = next;
      places[at + 2] = length;
      byHeader.set(header, headers.length);
      headers.push(header);
      continue;
    }
    if (currentHeader === undefined) {
      fail('text before the first [section] header', path, lineNo,
        'Put settings under a header: [profile NAME] or [default] in config, [NAME] in credentials.');
    }

    if (equals < start) equals = indexOrEnd(text, '=', start);
    if (colon < start) colon = indexOrEnd(text, ':', start);
    const delimiter = equals < colon ? equals : colon; // the first of either wins
    if (delimiter >= end) {
      fail(first === 0x5b ? 'section header with no name or no closing "]"'
        : 'line is not a [section] header, a "key = value" setting or a comment', path, lineNo,
        'A value continues only on lines indented deeper than its key; comment other text out with #.');
    }
    const key = keyAt(text, start, trimEnd(text, start, delimiter));
    if (key === '') fail(`setting with no key before "${text[delimiter]}"`, path, lineNo);
    for (let k = 0; k < seen; k++) {
      if (seenKeys[k] === key) {
        fail(`key "${key}" appears twice in section [${currentHeader}]`, path, lineNo,
          `It first appears on line ${seenLines[k]} (keys ignore case); botocore refuses such a file.`);
      }
    }
    seenKeys[seen] = key;
    seenLines[seen++] = lineNo;
    openLine = lineNo;
    openIndent = indent;
    openKey = key;
    openValueEmpty = skipSpace(text, delimiter + 1, end) === end;
  }
  if (nested) nestedSettings(nested, openKey, path);
  return { index: { headers, places, byHeader }, defaultsRanges };
}

function indexOrEnd(text: string, char: string, from: number): number {
  const found = text.indexOf(char, from);
  return found < 0 ? text.length : found;
}

/** The text of one file, which its sections read their lines from when asked. */
interface FileText {
  text: string;
  path: string;
  /** The settings of its [DEFAULT] sections, which every section inherits. */
  defaults: Map<string, Setting> | undefined;
  /**
   * Which of \r, `:` and `=` the text holds at all: buildSettings looks for those only (a search
   * for one the file lacks ran to its end for each section: a `list` of 4,000 profiles scanned
   * 900 MB looking for \r).
   */
  has: { cr: boolean; colon: boolean; equals: boolean };
}

function fileText(text: string, path: string): FileText {
  return { text, path, defaults: undefined, has: { cr: text.includes('\r'), colon: text.includes(':'), equals: text.includes('=') } };
}

/**
 * A section whose settings are built from its lines when first asked for (checkAndIndex has
 * checked the whole file). Its lines run from just after the header line to the next header.
 */
class LazySection implements IniSection {
  #settings: Map<string, Setting> | undefined;

  constructor(
    private readonly file: FileText,
    readonly header: string,
    readonly line: number,
    readonly bodyFrom: number,
    readonly bodyTo: number,
  ) {}

  get origin(): Origin {
    return { file: this.file.path, line: this.line };
  }

  get settings(): Map<string, Setting> {
    return (this.#settings ??= this.readSettings());
  }

  readSettings(): Map<string, Setting> {
    if (this.#settings) return this.#settings;
    const { defaults } = this.file;
    const settings = new Map<string, Setting>();
    buildSettings(this.file, this.bodyFrom, this.bodyTo, this.line + 1, this.header, settings);
    if (defaults) for (const [key, setting] of defaults) if (!settings.has(key)) settings.set(key, setting);
    return settings;
  }
}

/**
 * Adds to `settings` the settings of text[from, to), the lines of section `header` starting at
 * line `lineNo`, which checkAndIndex has checked: `key = value` lines and the continuation lines
 * of each (joined to the value, or a nested sub-section when the value is empty on its key
 * line). The same line rules as checkAndIndex, inlined the same way: `list` builds every section.
 */
function buildSettings(file: FileText, from: number, to: number, lineNo: number, header: string, settings: Map<string, Setting>): void {
  const { text, path } = file;
  let open: Setting | undefined; // the setting later lines indented deeper continue
  let openKey = '';
  let openIndent = 0;
  let blanks = 0; // blank lines since the last line of the open value: kept only if it goes on
  let more: Continuation[] | undefined;
  // Where the next of each is, at or after the line read (Infinity: never, not searched for).
  let newline = -1;
  let cr = file.has.cr ? -1 : Infinity;
  let equals = file.has.equals ? -1 : Infinity;
  let colon = file.has.colon ? -1 : Infinity;
  for (let next = from; from < to; from = next, lineNo++) {
    if (newline < from) newline = indexOrEnd(text, '\n', from);
    if (cr < from) cr = indexOrEnd(text, '\r', from);
    let lineEnd = newline;
    next = newline + 1;
    if (cr < lineEnd) {
      next = text.charCodeAt(cr + 1) === 0x0a ? cr + 2 : cr + 1;
      lineEnd = cr;
    }
    let start = from;
    for (let c = text.charCodeAt(start); start < lineEnd && (c <= 0x20 || c >= 0x85) && isSpace(c); c = text.charCodeAt(++start));
    if (start === lineEnd) {
      blanks++;
      continue;
    }
    const first = text.charCodeAt(start);
    if (first === 0x23 /* # */ || first === 0x3b /* ; */) continue;
    let end = lineEnd;
    for (let c = text.charCodeAt(end - 1); end > start && (c <= 0x20 || c >= 0x85) && isSpace(c); c = text.charCodeAt(--end - 1));
    const indent = start - from;

    if (open && indent > openIndent) {
      more ??= [];
      for (; blanks > 0; blanks--) more.push(BLANK);
      more.push({ text: text.slice(start, end), line: lineNo });
      continue;
    }
    if (open && more) endValue(open, openKey, more, path);
    more = undefined;

    if (equals < start) equals = indexOrEnd(text, '=', start);
    if (colon < start) colon = indexOrEnd(text, ':', start);
    const delimiter = equals < colon ? equals : colon; // the first of either wins
    if (delimiter >= end) throw new Error(`internal error: ${path}:${lineNo} was checked as a setting`);
    const key = keyAt(text, start, trimEnd(text, start, delimiter));
    const earlier = settings.get(key);
    if (earlier) {
      // Only [DEFAULT] gets here: its parts are built together, and checked for this only so.
      fail(`key "${key}" appears twice in section [${header}]`, path, lineNo,
        `It first appears on line ${earlier.origin.line} (keys ignore case); botocore refuses such a file.`);
    }
    open = new FileSetting(text.slice(skipSpace(text, delimiter + 1, end), end), path, lineNo);
    settings.set(key, open);
    openKey = key;
    openIndent = indent;
    blanks = 0;
  }
  if (open && more) endValue(open, openKey, more, path);
}

/**
 * A setting as read: its origin is made when asked for (by an error message or `explain`), not
 * for each of the 12,000 settings of a 4,000-profile `list`.
 */
class FileSetting implements Setting {
  declare nested?: Map<string, Setting>;

  constructor(
    public value: string,
    private readonly file: string,
    private readonly line: number,
  ) {}

  get origin(): Origin {
    return { file: this.file, line: this.line };
  }
}

interface Continuation {
  text: string;
  line: number;
}

const BLANK: Continuation = { text: '', line: 0 };

/** Characters Python's str.splitlines() breaks at, besides \n and \r (which never reach here). */
const SPLITLINES = /[\v\f\x1c-\x1e\x85\u2028\u2029]/;

/** Ends a setting's value: joins its continuation lines, or parses them as a nested sub-section. */
function endValue(setting: Setting, key: string, more: Continuation[], path: string): void {
  if (setting.value !== '') setting.value = [setting.value, ...more.map((c) => c.text)].join('\n');
  else setting.nested = nestedSettings(more, key, path);
}

/**
 * botocore's _parse_nested: the value '\n...' is split with splitlines(), each line stripped,
 * blank ones skipped, the rest split at the first '='.
 */
function nestedSettings(more: Continuation[], key: string, path: string): Map<string, Setting> {
  const nested = new Map<string, Setting>();
  for (const { text, line } of more) {
    for (const piece of SPLITLINES.test(text) ? text.split(SPLITLINES) : [text]) {
      const from = skipSpace(piece, 0, piece.length);
      const to = trimEnd(piece, from, piece.length);
      if (from === to) continue;
      const eq = piece.indexOf('=', from);
      if (eq < 0) {
        fail(`nested setting under "${key}" has no "="`, path, line,
          `Lines indented under "${key} =" must be "name = value" (":" is not accepted there).`);
      }
      const value = piece.slice(skipSpace(piece, eq + 1, to), to);
      nested.set(piece.slice(from, trimEnd(piece, from, eq)), { value, origin: { file: path, line } });
    }
  }
  return nested;
}

/**
 * The key text[from, to), lowercased. The keys of nearly every line are among KNOWN_KEYS, already
 * lowercase: those are returned as the constant, without making two strings per line.
 */
function keyAt(text: string, from: number, to: number): string {
  const candidates = KNOWN_KEYS.get(to - from);
  if (candidates) {
    for (let i = 0; i < candidates.length; i++) if (text.startsWith(candidates[i]!, from)) return candidates[i]!;
  }
  return text.slice(from, to).toLowerCase();
}

/** The settings AWS config and credentials files hold most, by length. */
const KNOWN_KEYS = new Map<number, string[]>();
for (const key of [
  'region', 'output', 'role_arn', 'source_profile', 'mfa_serial', 'external_id', 'duration_seconds', 'role_session_name',
  'credential_source', 'credential_process', 'sso_session', 'sso_account_id', 'sso_role_name', 'sso_start_url', 'sso_region',
  'sso_registration_scopes', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'web_identity_token_file',
  'login_session', 'services', 'endpoint_url', 'cli_pager', 'retry_mode', 'max_attempts',
]) {
  KNOWN_KEYS.set(key.length, [...(KNOWN_KEYS.get(key.length) ?? []), key]);
}

function fail(what: string, path: string, line: number, hint?: string): never {
  throw new ConfigError(`${what} (${path}:${line})`, hint);
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
