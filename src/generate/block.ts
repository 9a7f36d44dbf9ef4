import { ConfigError } from '../errors/errors.js';

// The one part of the user's config file that `awsrole generate` writes: the lines from
//   # awsrole generate: begin <source>
// to
//   # awsrole generate: end <source>
// inclusive. Everything before and after them is handed back byte for byte — comments, order,
// blank lines, CRLF or LF, odd spacing — because it is never parsed into a model and printed
// again: the text is cut at the two marker lines and glued back around the new block.
// Both markers are comments to botocore (a line whose first non-space character is `#`).

const MARKER = /^# awsrole generate: (begin|end) (.*?)\r?$/;

/** Where one source's block sits in the text: [start, end) in characters, the end after its last line break. */
export interface BlockSpan {
  start: number;
  end: number;
  /** 1-based line of the begin marker, for messages. */
  line: number;
}

export function beginMarker(source: string): string {
  return `# awsrole generate: begin ${source}`;
}

export function endMarker(source: string): string {
  return `# awsrole generate: end ${source}`;
}

interface Line {
  start: number;
  /** After the line break (or at the end of the text). */
  end: number;
  number: number;
  text: string;
}

/** The lines of `text` with their offsets; a line ends at `\n`, and its text keeps no `\n` (a `\r` before it stays). */
function lines(text: string): Line[] {
  const found: Line[] = [];
  for (let start = 0, number = 1; start < text.length; number++) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline + 1;
    found.push({ start, end, number, text: text.slice(start, newline < 0 ? text.length : newline) });
    start = end;
  }
  return found;
}

/**
 * The block of `source` in `text`, undefined when there is none. A begin without its end, an end
 * without its begin, or two blocks of the same source: a configuration error naming the line
 * (exit 3), since replacing anything then could cut the user's own lines away.
 */
export function findBlock(text: string, source: string, path: string): BlockSpan | undefined {
  let open: Line | undefined;
  let span: BlockSpan | undefined;
  for (const line of lines(text)) {
    const marker = MARKER.exec(line.text);
    if (!marker || marker[2] !== source) continue;
    const where = `${path}:${line.number}`;
    if (marker[1] === 'begin') {
      if (open) throw new ConfigError(`a second "${beginMarker(source)}" before the end of the first (${where})`, `the first is on line ${open.number}: remove one of them`);
      if (span) throw new ConfigError(`two blocks of "awsrole generate" for ${source} (${where})`, `the first begins on line ${span.line}: remove one of them`);
      open = line;
    } else {
      if (!open) throw new ConfigError(`"${endMarker(source)}" without its begin line (${where})`, 'put the begin line back, or remove this one');
      span = { start: open.start, end: line.end, line: open.number };
      open = undefined;
    }
  }
  if (open) throw new ConfigError(`"${beginMarker(source)}" without its end line (${path}:${open.number})`, `put "${endMarker(source)}" back after the generated profiles`);
  return span;
}

/**
 * The line break the file mostly uses: CRLF when more lines end with it than with a bare LF (a
 * file with no line break at all gets LF).
 */
export function lineBreakOf(text: string): '\n' | '\r\n' {
  const all = text.split('\n').length - 1;
  const crlf = text.split('\r\n').length - 1;
  return crlf > all - crlf ? '\r\n' : '\n';
}

/**
 * `text` with `block` (whole lines, each ending in a line break) in place of the old block, or
 * appended at the end when there is none. Appending to a file whose last line has no line break
 * adds one to it first — the only byte outside a block that generate ever writes. Replacing an
 * old block that was the file's last line without a break keeps it without one.
 */
export function placeBlock(text: string, span: BlockSpan | undefined, block: string, lineBreak: string): string {
  if (span) {
    const old = text.slice(span.start, span.end);
    const keepUnterminated = !old.endsWith('\n');
    const replacement = keepUnterminated ? block.replace(/\r?\n$/, '') : block;
    return text.slice(0, span.start) + replacement + text.slice(span.end);
  }
  if (text === '' || text.endsWith('\n')) return text + block;
  return text + lineBreak + block;
}

/** `text` without the block (for comparing what is outside it). */
export function withoutBlock(text: string, span: BlockSpan | undefined): string {
  return span ? text.slice(0, span.start) + text.slice(span.end) : text;
}
