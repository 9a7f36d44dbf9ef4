// The common-dialect shortcut against the reading it stands in for: every file it indexes, the
// line-by-line reading (ini.ts's checkAndIndex) accepts with the same index, on thousands of
// generated files mixing the common dialect with everything outside it.
import { describe, expect, it } from 'vitest';
import { indexCommonDialect } from '../../../src/config/common-dialect.js';
import { indexEveryLine, type SectionIndex } from '../../../src/config/ini.js';
import { ConfigError } from '../../../src/errors/errors.js';

function lineByLine(text: string): SectionIndex | 'refused' {
  try {
    return indexEveryLine(text, 'config');
  } catch (error) {
    if (error instanceof ConfigError) return 'refused';
    throw error;
  }
}

const places = (index: SectionIndex) => [...index.places.subarray(0, 3 * index.headers.length)];

/** A small deterministic generator (mulberry32), so that a failure names a reproducible seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON_LINES = [
  '', '   ', '\t', '# comment', '; comment', '  # indented comment', '#', 'region = eu-west-1', 'Region=us-east-1',
  'role_arn = arn:aws:iam::123456789012:role/admin', 'source_profile = base', 'output: json', 'k = v = w', 'k = a:b',
  'x.y-z_1 = value with spaces  ', 'empty =', 'mfa_serial = arn:aws:iam::1:mfa/é', 'a = [not a header]', 'b = # not a comment',
  '[profile dev]', '[profile prod]', '[default]', '[sso-session corp]', '[services s]', '[a[b]', '[profile "x y"]', '[ spaced ]',
];
// Each outside the dialect in its own way (some botocore refuses, some it reads another way).
const OTHER_LINES = [
  '  region = indented', '\tcontinued', '[DEFAULT]', '[]', '[a]b]', '[a] trailing', '  [profile indented]', 'no delimiter',
  '= no key', 'key with space = v', 'ключ = v', 'v = a\u00a0', 'v = \u2028', '\u000b', 'v = x\r', '[profile dev', 'a = b\u0085',
];

function generate(next: () => number): string {
  const lines: string[] = [];
  const count = Math.floor(next() * 14);
  if (next() < 0.85) lines.push(pick(next, ['[profile a]', '[default]', '# lead', '']));
  for (let i = 0; i < count; i++) lines.push(pick(next, next() < 0.9 ? COMMON_LINES : OTHER_LINES));
  const end = next() < 0.5 ? '\n' : next() < 0.5 ? '\r\n' : '';
  return lines.join(next() < 0.95 ? '\n' : '\r\n') + end;
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

describe(indexCommonDialect.name, () => {
  it('indexes only what the line-by-line reading accepts, and as it does', () => {
    const next = random(20261202);
    let taken = 0;
    let refused = 0;
    for (let n = 0; n < 20000; n++) {
      const text = generate(next);
      const fast = indexCommonDialect(text);
      const slow = lineByLine(text);
      if (slow === 'refused') refused++;
      if (fast === undefined) continue;
      taken++;
      expect(slow, JSON.stringify(text)).not.toBe('refused');
      const index = slow as SectionIndex;
      expect(fast.headers, JSON.stringify(text)).toEqual(index.headers);
      expect(places(fast), JSON.stringify(text)).toEqual(places(index));
    }
    // Not vacuous: both kinds of file are common in the corpus.
    expect(taken).toBeGreaterThan(3000);
    expect(refused).toBeGreaterThan(3000);
  });

  it.each([
    ['a key twice, in other case', '[a]\nregion = x\nREGION = y\n'],
    ['a key twice, a blank line and a comment between', '[a]\nk = 1\n\n# c\nk: 2'],
    ['a header twice', '[a]\n[b]\n[a]\n'],
    ['a setting before any header', '# c\nk = v\n[a]\n'],
    ['a continuation line', '[a]\nk = v\n  more\n'],
    ['CRLF line ends', '[a]\r\nk = v\r\n'],
    ['a lone CR', '[a]\rk = v\n'],
    ['[DEFAULT]', '[DEFAULT]\nregion = x\n[a]\n'],
    ['a value ending in a character Python strips', '[a]\nk = v\u00a0\n'],
  ])('leaves %s to the line-by-line reading', (_name, text) => {
    expect(indexCommonDialect(text)).toBeUndefined();
  });

  it('indexes a typical file: headers, lines and where each body starts and ends', () => {
    const text = '# mine\n[default]\nregion = eu-west-1\n\n[profile dev]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\nregion = eu-west-1';
    const index = indexCommonDialect(text)!;
    expect(index.headers).toEqual(['default', 'profile dev']);
    const dev = text.indexOf('[profile dev]');
    expect(places(index)).toEqual([2, text.indexOf('region'), dev, 5, dev + '[profile dev]\n'.length, text.length]);
  });

  it('the same key in two sections is no repeat', () => {
    expect(indexCommonDialect('[a]\nregion = x\n[b]\nregion = y\n')?.headers).toEqual(['a', 'b']);
  });
});
