import { describe, expect, it } from 'vitest';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import {
  assertVariableName,
  quoteDotenv,
  quoteFish,
  quotePosix,
  quotePowerShell,
  quoteWindowsCmdAssignment,
} from '../../../src/output/quote.js';

/** The error a quoter throws, checked to be exit 1 with a hint and without the value in it. */
function rejection(quote: () => string, value: string): AwsroleError {
  let caught: unknown;
  try {
    quote();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AwsroleError);
  const error = caught as AwsroleError;
  expect(error.exitCode).toBe(ExitCode.unexpected);
  expect(error.hint).toBeTruthy();
  if (value.length > 1) {
    expect(error.message).not.toContain(value);
    expect(error.hint).not.toContain(value);
  }
  return error;
}

describe(assertVariableName.name, () => {
  it.each(['AWS_REGION', '_x', 'a1'])('accepts %j', (name) => {
    expect(() => assertVariableName(name)).not.toThrow();
  });
  it.each(['', '1A', 'A-B', 'A B', 'A=B', 'A;rm', 'É'])('rejects %j', (name) => {
    expect(() => assertVariableName(name)).toThrow(AwsroleError);
  });
});

describe(quotePosix.name, () => {
  it.each([
    ['plain', 'plain', `'plain'`],
    ['empty', '', `''`],
    ['quote', `it's`, `'it'\\''s'`],
    ['only a quote', `'`, `''\\'''`],
    ['dollar and backslash stay literal', '$HOME \\n `x`', `'$HOME \\n \`x\`'`],
    ['newline', 'a\nb', `'a\nb'`],
  ])('%s', (_, value, expected) => {
    expect(quotePosix(value, 'K')).toBe(expected);
  });
  it('rejects NUL', () => {
    expect(rejection(() => quotePosix('a\0b', 'AWS_SECRET_ACCESS_KEY'), 'a\0b').message).toContain('AWS_SECRET_ACCESS_KEY');
  });
  it('rejects a lone surrogate', () => {
    rejection(() => quotePosix('a\uD800b', 'K'), 'a\uD800b');
  });
  it('accepts a surrogate pair', () => {
    expect(quotePosix('🙂', 'K')).toBe(`'🙂'`);
  });
});

describe(quoteFish.name, () => {
  it.each([
    ['plain', 'plain', `'plain'`],
    ['empty', '', `''`],
    ['quote', `it's`, `'it\\'s'`],
    ['backslash', 'a\\b', `'a\\\\b'`],
    ['backslash then quote', `\\'`, `'\\\\\\''`],
    ['dollar and parens stay literal', '$HOME (x)', `'$HOME (x)'`],
    ['newline', 'a\nb', `'a\nb'`],
  ])('%s', (_, value, expected) => {
    expect(quoteFish(value, 'K')).toBe(expected);
  });
  it('rejects NUL', () => {
    rejection(() => quoteFish('\0', 'K'), '\0');
  });
});

describe(quotePowerShell.name, () => {
  it.each([
    ['plain', 'plain', `'plain'`],
    ['empty', '', `''`],
    ['quote', `it's`, `'it''s'`],
    ['typographic quotes', 'a\u2018b\u2019c\u201Ad\u201Be', `'a\u2018\u2018b\u2019\u2019c\u201A\u201Ad\u201B\u201Be'`],
    ['dollar, backtick and double quotes stay literal', '$env:X `n "y"', `'$env:X \`n "y"'`],
    ['newline', 'a\nb', `'a\nb'`],
  ])('%s', (_, value, expected) => {
    expect(quotePowerShell(value, 'K')).toBe(expected);
  });
});

describe(quoteDotenv.name, () => {
  it.each([
    ['plain: bare', 'plain', 'plain'],
    ['empty: bare', '', ''],
    ['base64 and a timestamp: bare', 'a+b/c=:2026-11-28T10:00:00Z', 'a+b/c=:2026-11-28T10:00:00Z'],
    ['double quote, hash, equals', 'a"b#c=d', `'a"b#c=d'`],
    ['a leading quote', '"x', `'"x'`],
    ['a hash', 'a#b', `'a#b'`],
    ['one backslash inside', 'a\\nb\\c', `'a\\nb\\c'`],
    ['spaces', ' a b ', `' a b '`],
  ])('%s', (_, value, expected) => {
    expect(quoteDotenv(value, 'K')).toBe(expected);
  });
  it.each([
    ['single quote', `it's`],
    ['dollar', 'a$b'],
    ['interpolation', 'a${HOME}b'],
    ['newline', 'a\nb'],
    ['carriage return', 'a\rb'],
    ['double backslash', 'a\\\\b'],
    ['final backslash', 'ab\\'],
    ['NUL', 'a\0b'],
  ])('rejects a %s, naming the variable', (_, value) => {
    const error = rejection(() => quoteDotenv(value, 'AWS_SESSION_TOKEN'), value);
    expect(error.message).toContain('AWS_SESSION_TOKEN');
    expect(error.message).toContain('dotenv');
  });
});

describe(quoteWindowsCmdAssignment.name, () => {
  it.each([
    ['plain', 'plain', `"K=plain"`],
    ['empty', '', `"K="`],
    ['cmd operators are literal inside quotes', 'a&b|c<d>e^f(g)', `"K=a&b|c<d>e^f(g)"`],
    ['base64 padding and spaces', ' ab+/= ', `"K= ab+/= "`],
    ['single quote', `it's`, `"K=it's"`],
  ])('%s', (_, value, expected) => {
    expect(quoteWindowsCmdAssignment('K', value)).toBe(expected);
  });
  it.each([
    ['percent', '100%'],
    ['exclamation mark', 'hi!'],
    ['double quote', 'a"&calc'],
    ['newline', 'a\nb'],
    ['carriage return', 'a\rb'],
    ['tab', 'a\tb'],
    ['non-ASCII', 'café'],
  ])('rejects a %s, naming the variable', (_, value) => {
    const error = rejection(() => quoteWindowsCmdAssignment('AWS_SECRET_ACCESS_KEY', value), value);
    expect(error.message).toContain('AWS_SECRET_ACCESS_KEY');
    expect(error.hint).toContain('powershell');
  });
  it('rejects a bad name', () => {
    expect(() => quoteWindowsCmdAssignment('A"B', 'v')).toThrow(AwsroleError);
  });
});
