/**
 * The edits `keys import` and `keys add` make to a credentials (or config) file, as text: only
 * the lines named change, every other byte stays as it was (comments, blank lines, spacing, the
 * other profiles, line endings). Lines are numbered as the parser numbers them (config/ini.ts):
 * they end at \n, \r\n or a lone \r.
 */
interface Line {
  text: string;
  /** '\n', '\r\n', '\r', or '' for a last line without one. */
  end: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const pattern = /\r\n|\n|\r/g;
  let from = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    lines.push({ text: text.slice(from, match.index), end: match[0] });
    from = match.index + match[0].length;
  }
  if (from < text.length) lines.push({ text: text.slice(from), end: '' });
  return lines;
}

function join(lines: Line[]): string {
  return lines.map((line) => line.text + line.end).join('');
}

const KEY_LINE = (name: string) => new RegExp(`^[ \\t]*${name}[ \\t]*[=:]`, 'i');

/**
 * Removes the access key id and secret key lines (1-based numbers) and puts `replacement` where
 * the first of them was. Throws when a line is not the key it should be, or a value goes on over
 * the next line (then removing one line would leave the rest behind).
 */
export function replaceKeyLines(text: string, at: { accessKeyLine: number; secretKeyLine: number }, replacement: string): string {
  const lines = splitLines(text);
  const check = (number: number, name: string): void => {
    const line = lines[number - 1];
    if (!line || !KEY_LINE(name).test(line.text)) throw new Error(`line ${number} is not the ${name} line`);
    const next = lines[number];
    if (next && /^[ \t]+\S/.test(next.text)) throw new Error(`the ${name} value goes on over line ${number + 1}`);
  };
  check(at.accessKeyLine, 'aws_access_key_id');
  check(at.secretKeyLine, 'aws_secret_access_key');
  const first = Math.min(at.accessKeyLine, at.secretKeyLine);
  const end = lines[first - 1]!.end || lineEnding(lines);
  return join(
    lines.flatMap((line, index) => {
      const number = index + 1;
      if (number === first) return [{ text: replacement, end: line.end || (index === lines.length - 1 ? '' : end) }];
      if (number === at.accessKeyLine || number === at.secretKeyLine) return [];
      return [line];
    }),
  );
}

/** Adds `setting` as the last line of the section whose last line is `afterLine`. */
export function insertLineAfter(text: string, afterLine: number, setting: string): string {
  const lines = splitLines(text);
  const end = lineEnding(lines);
  const previous = lines[afterLine - 1];
  if (previous && previous.end === '') previous.end = end;
  lines.splice(afterLine, 0, { text: setting, end });
  return join(lines);
}

/** Adds a new section at the end of the file, after a blank line. */
export function appendSection(text: string, header: string, setting: string): string {
  const end = lineEnding(splitLines(text));
  const separator = text === '' ? '' : /(\r\n|\n|\r)$/.test(text) ? end : end + end;
  return `${text}${separator}${header}${end}${setting}${end}`;
}

/** The file's own line ending (the first one it uses), else \n. */
function lineEnding(lines: Line[]): string {
  return lines.find((line) => line.end)?.end ?? '\n';
}
