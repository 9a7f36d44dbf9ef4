import { describe, expect, it } from 'vitest';
import { forPeople, LINE_LIMIT, NAME_LIMIT } from '../../../src/output/for-people.js';
import { closestMatches, didYouMean } from '../../../src/plan/suggest.js';

describe(forPeople.name, () => {
  it.each([
    ['plain text is unchanged', 'prod-admin', 'prod-admin'],
    ['ESC and BEL (a title-setting sequence)', 'a\x1b]0;pwned\x07b', 'a\\x1b]0;pwned\\x07b'],
    ['newline, carriage return, tab', 'a\nb\rc\td', 'a\\x0ab\\x0dc\\x09d'],
    ['DEL and a C1 control (CSI)', 'a\x7fb\x9bc', 'a\\x7fb\\x9bc'],
    ['bidi override and line separator', 'a\u202eb\u2028c\u2066d', 'a\\u{202e}b\\u{2028}c\\u{2066}d'],
    ['non-ASCII letters stay', 'café 日本', 'café 日本'],
    ['backslashes stay, so escaping twice changes nothing', 'a\\x1b', 'a\\x1b'],
  ])('%s', (_name, input, expected) => {
    expect(forPeople(input)).toBe(expected);
    expect(forPeople(forPeople(input))).toBe(expected);
  });

  it('cuts long text in the middle, keeping both ends, to the limit', () => {
    const long = `start-${'x'.repeat(10_000_000)}-end (config:12)`;
    const shown = forPeople(long, LINE_LIMIT);
    expect(shown).toHaveLength(LINE_LIMIT);
    expect(shown.startsWith('start-xxx')).toBe(true);
    expect(shown.endsWith('-end (config:12)')).toBe(true);
    expect(shown).toContain('…');
    expect(forPeople('y'.repeat(1000))).toHaveLength(NAME_LIMIT);
    expect(forPeople('y'.repeat(NAME_LIMIT))).toBe('y'.repeat(NAME_LIMIT));
  });
});

describe(didYouMean.name, () => {
  it('shows a suggested name escaped and bounded', () => {
    const huge = `prod${'a'.repeat(10_000_000)}`;
    const hint = didYouMean('prod', [huge, 'pro\x1bd'])!;
    expect(hint.length).toBeLessThan(200);
    expect(hint).not.toMatch(/[\x00-\x1f]/);
    expect(hint).toContain('"pro\\x1bd"');
  });

  it('stays fast with huge names on either side', () => {
    const started = Date.now();
    expect(closestMatches('x'.repeat(5_000_000), ['x', 'y'])).toEqual([]);
    expect(closestMatches('prod', ['z'.repeat(5_000_000), 'prid'])).toEqual(['prid']);
    // Generous: the point is "not the seconds an edit distance over megabytes takes".
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
