import { describe, expect, it } from 'vitest';
import { bold, dim, palette, stripSgr, useColour, visibleWidth } from '../../../src/output/colour.js';

describe(useColour.name, () => {
  it.each([
    ['not a terminal', { isTTY: false }, {}, false],
    ['isTTY unset (a pipe)', {}, {}, false],
    ['a terminal', { isTTY: true }, {}, true],
    ['a terminal, NO_COLOR=1', { isTTY: true }, { NO_COLOR: '1' }, false],
    ['a terminal, NO_COLOR=0 (any non-empty value)', { isTTY: true }, { NO_COLOR: '0' }, false],
    ["a terminal, NO_COLOR='' (empty is unset)", { isTTY: true }, { NO_COLOR: '' }, true],
    ['a terminal, TERM=dumb', { isTTY: true }, { TERM: 'dumb' }, false],
    ['a terminal, TERM=xterm-256color', { isTTY: true }, { TERM: 'xterm-256color' }, true],
    ['a pipe, NO_COLOR empty', { isTTY: false }, { NO_COLOR: '' }, false],
  ])('%s → %s', (_, stream, env, expected) => {
    expect(useColour(stream, env)).toBe(expected);
  });
});

describe(palette.name, () => {
  it('paints with SGR sequences that reset only their own attribute', () => {
    expect(palette(true).bold('x')).toBe('\x1b[1mx\x1b[22m');
    expect(palette(true).cyan('x')).toBe('\x1b[36mx\x1b[39m');
  });

  it('leaves the text as it is when colour is off', () => {
    const paint = palette(false);
    expect([paint.bold('a'), paint.dim('-'), paint.green('sso')]).toEqual(['a', '-', 'sso']);
  });
});

describe(visibleWidth.name, () => {
  it.each([
    ['plain', 'abc', 3],
    ['bold', bold('abc'), 3],
    ['nested', bold(`a${dim('-')}c`), 3],
    ['a 256-colour sequence', '\x1b[38;5;208mab\x1b[0m', 2],
    ['empty', '', 0],
  ])('%s', (_, text, width) => {
    expect(visibleWidth(text)).toBe(width);
    expect(stripSgr(text)).toHaveLength(width);
  });
});
