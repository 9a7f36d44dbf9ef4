// How botocore reads a config file's section headers (`configloader.build_profile_map`): a header
// is split like a shell (`shlex.split`), and in `profile NAME`, `sso-session NAME` and
// `services NAME` the name is the second of exactly two words.

/** Characters that make shellSplit differ from splitting at one space (a regular expression literal
 * inside a function would be a new object for every header). */
const SHELL_SPECIAL = /[\t\r\n"'\\]/;

/** The second word of a header split as shellSplit splits it, when it splits into exactly two. */
export function secondWord(header: string): string | undefined {
  const words = shellSplit(header);
  return words?.length === 2 ? words[1] : undefined;
}

/**
 * Whether the header is `profile NAME` spelt plainly (one space, nothing shlex would change), so
 * that NAME is all that follows `profile `.
 */
export function isPlainProfileHeader(header: string): boolean {
  return header.startsWith('profile ') && header.length > 8 && header.indexOf(' ', 8) < 0 && !SHELL_SPECIAL.test(header);
}

/**
 * Python's `shlex.split(s)` (POSIX mode, no comments), or undefined where it raises ValueError
 * (an unclosed quote, a trailing backslash). Words split at space, tab, CR and LF; quotes and
 * backslashes glue and escape; `''` is an empty word; in double quotes a backslash escapes only
 * `"` and `\`; in single quotes nothing is escaped.
 */
function shellSplit(s: string): string[] | undefined {
  if (!/["'\\]/.test(s)) return s.split(/[ \t\r\n]+/).filter((w) => w !== ''); // no quotes
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '\\') {
      if (++i === s.length) return undefined;
      word += s[i];
    } else if (ch === "'" || ch === '"') {
      for (i++; s[i] !== ch; i++) {
        if (i >= s.length) return undefined;
        if (ch === '"' && s[i] === '\\') {
          if (++i === s.length) return undefined;
          if (s[i] !== '"' && s[i] !== '\\') word += '\\';
        }
        word += s[i];
      }
    } else {
      word += ch;
    }
  }
  if (inWord) words.push(word);
  return words;
}
