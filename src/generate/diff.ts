/**
 * A unified diff (`diff -u`, three lines of context) from `before` to `after`, for `generate
 * --dry-run`; the empty string when they are the same. Lines are compared and printed with their
 * line breaks, CRLF included, so that patch(1) applied to the old file gives the new one exactly.
 *
 * The common head and tail are cut off first — generate only changes one block — and the middle
 * is compared by a longest-common-subsequence table, which is quadratic in the block's lines only
 * (and bounded: a huge middle is shown as removed and added whole).
 */
export function unifiedDiff(before: string, after: string, oldLabel: string, newLabel: string): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const edits: Edit[] = [];
  for (let i = 0; i < head; i++) edits.push({ kind: ' ', line: a[i]!, oldIndex: i, newIndex: i });
  edits.push(...middle(a.slice(head, a.length - tail), b.slice(head, b.length - tail), head, head));
  for (let i = tail; i > 0; i--) edits.push({ kind: ' ', line: a[a.length - i]!, oldIndex: a.length - i, newIndex: b.length - i });
  return `--- ${oldLabel}\n+++ ${newLabel}\n${hunks(edits).join('')}`;
}

interface Edit {
  kind: ' ' | '-' | '+';
  line: string;
  /** 0-based index of the line in `before` (for '-' and ' ') or of the next line there (for '+'). */
  oldIndex: number;
  newIndex: number;
}

/** Lines with their breaks; a last line without one is marked as diff marks it. */
function splitLines(text: string): string[] {
  const parts = text.split(/(?<=\n)/);
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/** Past this many table cells (16 MB), the middle is shown as removed and added whole: still a correct diff. */
const MAX_TABLE = 4_000_000;

function middle(a: string[], b: string[], oldOffset: number, newOffset: number): Edit[] {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_TABLE) {
    return [
      ...a.map((line, i): Edit => ({ kind: '-', line, oldIndex: oldOffset + i, newIndex: newOffset })),
      ...b.map((line, j): Edit => ({ kind: '+', line, oldIndex: oldOffset + n, newIndex: newOffset + j })),
    ];
  }
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..], in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      edits.push({ kind: ' ', line: a[i]!, oldIndex: oldOffset + i, newIndex: newOffset + j });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i * (m + 1) + j + 1]! >= lcs[(i + 1) * (m + 1) + j]!)) {
      edits.push({ kind: '+', line: b[j]!, oldIndex: oldOffset + i, newIndex: newOffset + j });
      j++;
    } else {
      edits.push({ kind: '-', line: a[i]!, oldIndex: oldOffset + i, newIndex: newOffset + j });
      i++;
    }
  }
  return edits;
}

const CONTEXT = 3;

function hunks(edits: Edit[]): string[] {
  const changed = edits.flatMap((edit, index) => (edit.kind === ' ' ? [] : [index]));
  const out: string[] = [];
  let at = 0;
  while (at < changed.length) {
    const first = changed[at]!;
    let last = first;
    // Changes closer than two contexts apart share a hunk.
    while (at + 1 < changed.length && changed[at + 1]! - last <= 2 * CONTEXT) last = changed[++at]!;
    at++;
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(edits.length, last + CONTEXT + 1);
    const slice = edits.slice(from, to);
    const oldCount = slice.filter((edit) => edit.kind !== '+').length;
    const newCount = slice.filter((edit) => edit.kind !== '-').length;
    const oldStart = oldCount === 0 ? slice[0]!.oldIndex : slice[0]!.oldIndex + 1;
    const newStart = newCount === 0 ? slice[0]!.newIndex : slice[0]!.newIndex + 1;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n`);
    for (const edit of slice) {
      out.push(edit.line.endsWith('\n') ? `${edit.kind}${edit.line}` : `${edit.kind}${edit.line}\n\\ No newline at end of file\n`);
    }
  }
  return out;
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}
