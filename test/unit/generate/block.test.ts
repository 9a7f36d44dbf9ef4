import { describe, expect, it } from 'vitest';
import { findBlock, lineBreakOf, placeBlock, withoutBlock } from '../../../src/generate/block.js';

const BEGIN = '# awsrole generate: begin from-sso corp';
const END = '# awsrole generate: end from-sso corp';

describe(findBlock.name, () => {
  it('finds the block of its own source only, whatever the line breaks', () => {
    const text = `[default]\r\n${BEGIN.replace('corp', 'other')}\n[profile x]\n${END.replace('corp', 'other')}\n${BEGIN}\r\n[profile y]\r\n${END}\r\n# after\n`;
    const span = findBlock(text, 'from-sso corp', 'config')!;
    expect(text.slice(span.start, span.end)).toBe(`${BEGIN}\r\n[profile y]\r\n${END}\r\n`);
    expect(span.line).toBe(5);
    expect(withoutBlock(text, span)).toBe(`[default]\r\n${BEGIN.replace('corp', 'other')}\n[profile x]\n${END.replace('corp', 'other')}\n# after\n`);
  });

  it('is undefined without one', () => {
    expect(findBlock('[default]\n', 'from-sso corp', 'config')).toBeUndefined();
  });

  it.each([
    [`${BEGIN}\n[profile y]\n`, /without its end line \(config:1\)/],
    [`[profile y]\n${END}\n`, /without its begin line \(config:2\)/],
    [`${BEGIN}\n${BEGIN}\n${END}\n`, /a second .* before the end of the first \(config:2\)/],
    [`${BEGIN}\n${END}\n${BEGIN}\n${END}\n`, /two blocks of "awsrole generate" for from-sso corp \(config:3\)/],
  ])('refuses a damaged block (exit 3): %j', (text, message) => {
    expect(() => findBlock(text, 'from-sso corp', 'config')).toThrow(message);
    try {
      findBlock(text, 'from-sso corp', 'config');
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(3);
    }
  });
});

describe(placeBlock.name, () => {
  const block = `${BEGIN}\n[profile z]\n${END}\n`;
  it.each([
    ['', block],
    ['[default]\n', `[default]\n${block}`],
    ['[default]', `[default]\n${block}`],
    ['[default]\r\nregion = x', `[default]\r\nregion = x\r\n${block}`],
  ])('appends to %j', (text, expected) => {
    expect(placeBlock(text, undefined, block, lineBreakOf(text))).toBe(expected);
  });

  it('replaces the old block in place, and keeps a last line without a line break so', () => {
    const text = `a\n${BEGIN}\nold\n${END}`;
    expect(placeBlock(text, findBlock(text, 'from-sso corp', 'c'), block, '\n')).toBe(`a\n${BEGIN}\n[profile z]\n${END}`);
    const middle = `a\n${BEGIN}\nold\n${END}\nb\n`;
    expect(placeBlock(middle, findBlock(middle, 'from-sso corp', 'c'), block, '\n')).toBe(`a\n${block}b\n`);
  });
});

describe(lineBreakOf.name, () => {
  it.each([
    ['', '\n'],
    ['a', '\n'],
    ['a\r\nb\r\nc\n', '\r\n'],
    ['a\r\nb\nc\n', '\n'],
  ])('%j → %j', (text, lineBreak) => {
    expect(lineBreakOf(text)).toBe(lineBreak);
  });
});
