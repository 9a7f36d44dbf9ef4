import { describe, expect, it } from 'vitest';
import { globToRegExp, parseProfileFile, selectProfiles, splitProfileList } from '../../../src/many/select.js';

describe(globToRegExp.name, () => {
  // Expected values are Python's fnmatch.fnmatchcase(name, pattern) (checked with python3).
  it.each([
    ['prod-*', 'prod-a', true],
    ['prod-*', 'prod-', true],
    ['prod-*', 'preprod-a', false],
    ['prod-?', 'prod-ab', false],
    ['prod-?', 'prod-a', true],
    ['acct-[0-2]*', 'acct-12', true],
    ['acct-[0-2]*', 'acct-31', false],
    ['acct-[!0]*', 'acct-01', false],
    ['acct-[!0]*', 'acct-11', true],
    ['a.b', 'axb', false],
    ['a.b', 'a.b', true],
    ['*', 'team/prod', true],
    ['x[', 'x[', true],
    ['[]]', '[]]', false],
    ['a+b', 'a+b', true],
    ['*admin', 'prod-admin', true],
    ['*admin', 'prod-admin-ro', false],
    ['a[^b]c', 'azc', false],
    ['a[^b]c', 'abc', true],
  ])('%s matches %s: %s', (pattern, name, matches) => {
    expect(globToRegExp(pattern).test(name)).toBe(matches);
  });
});

describe(splitProfileList.name, () => {
  it('splits at commas, ignoring blanks around them and empty words', () => {
    expect(splitProfileList(' prod-*, audit,,dev ')).toEqual(['prod-*', 'audit', 'dev']);
  });
});

describe(parseProfileFile.name, () => {
  it('takes one pattern a line, without comments, blank lines or CR', () => {
    expect(parseProfileFile('# accounts\r\nprod-a\r\n\n  acct-*   # all of them\nfoo#bar\n')).toEqual(['prod-a', 'acct-*', 'foo#bar']);
  });
});

describe(selectProfiles.name, () => {
  const names = ['default', 'prod-b', 'audit', 'prod-a', 'dev'];

  it('keeps the order of the patterns, a glob in the order of the files, each profile once', () => {
    expect(selectProfiles(['audit', 'prod-*', 'prod-a'], names)).toEqual(['audit', 'prod-b', 'prod-a']);
  });

  it('refuses an unknown name, with a did-you-mean', () => {
    expect(() => selectProfiles(['prod-*', 'audti'], names)).toThrowError(expect.objectContaining({ exitCode: 2, message: 'unknown profile "audti"', hint: 'did you mean "audit"?' }));
  });

  it('refuses a glob that matches nothing', () => {
    expect(() => selectProfiles(['stage-*'], names)).toThrowError(expect.objectContaining({ exitCode: 2, message: 'no profile matches "stage-*"' }));
  });

  it('refuses an empty list', () => {
    expect(() => selectProfiles([], names)).toThrowError(expect.objectContaining({ exitCode: 2 }));
  });
});
