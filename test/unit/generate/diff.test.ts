// The diff is checked against patch(1): applied to the old text, it must give the new one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../src/generate/diff.js';

function patched(before: string, diff: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'awsrole-diff-'));
  try {
    const file = join(dir, 'config');
    writeFileSync(file, before);
    const result = spawnSync('patch', ['--silent', '--force', file], { input: diff, encoding: 'utf8' });
    expect(result.stderr + result.stdout).toBe('');
    expect(result.status).toBe(0);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}\n`).join('');

describe(unifiedDiff.name, () => {
  it('is empty for the same text', () => {
    expect(unifiedDiff('a\n', 'a\n', 'x', 'y')).toBe('');
  });

  it('shows an appended block with three lines of context, as diff -u does', () => {
    expect(unifiedDiff('a\nb\nc\nd\n', 'a\nb\nc\nd\ne\nf\n', 'old', 'new')).toBe('--- old\n+++ new\n@@ -2,3 +2,5 @@\n b\n c\n d\n+e\n+f\n');
  });

  it.each([
    ['a block appended', `${lines(10, 'keep')}`, `${lines(10, 'keep')}# begin\n${lines(5, 'p')}# end\n`],
    ['a block changed in the middle', `${lines(8, 'x')}# begin\n${lines(20, 'p')}# end\n${lines(8, 'y')}`, `${lines(8, 'x')}# begin\n${lines(7, 'p')}new\n${lines(20, 'q')}# end\n${lines(8, 'y')}`],
    ['everything removed', 'a\nb\n', ''],
    ['into an empty file', '', 'a\nb\n'],
    ['a last line without a line break', 'a\nb', 'a\nb\nc\n'],
    ['CRLF lines', 'a\r\nb\r\n', 'a\r\nb\r\nc\r\n'],
    ['two separate changes', `${lines(20, 'a')}`, `x\n${lines(20, 'a')}y\n`],
    ['a middle too large to compare line by line', `h\n${lines(2500, 'p')}t\n`, `h\n${lines(2500, 'q')}t\n`],
  ])('patch(1) turns the old text into the new one: %s', (_name, before, after) => {
    expect(patched(before, unifiedDiff(before, after, 'config', 'config'))).toBe(after);
  });
});
