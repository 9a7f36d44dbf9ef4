import { describe, expect, it } from 'vitest';
import { parseIni } from '../../../src/config/ini.js';
import type { IniFile, Setting } from '../../../src/config/types.js';
import { ConfigError } from '../../../src/errors/errors.js';

// Every expectation here was checked against botocore 1.43 on Python 3.11; oracle.test.ts runs
// texts like these through botocore itself on every test run.

type Plain = Record<string, Record<string, string | Record<string, string>>>;

function plain(file: IniFile): Plain {
  return Object.fromEntries(file.sections.map((s) => [s.header, settings(s.settings)]));
}

function settings(map: Map<string, Setting>): Record<string, string | Record<string, string>> {
  return Object.fromEntries([...map].map(([k, s]) => [k, s.nested ? Object.fromEntries([...s.nested].map(([n, v]) => [n, v.value])) : s.value]));
}

const parse = (text: string) => plain(parseIni(text, '/p/config'));

describe(parseIni.name, () => {
  it.each<[string, string, Plain]>([
    ['key = value', '[a]\nk = v', { a: { k: 'v' } }],
    ['empty file', '', {}],
    ['only comments and blank lines', '# c\n; c\n\n  \t\n   # indented', {}],
    ['blank and comment lines before the first header', '\n# c\n  ; c\n[a]\nk=v', { a: { k: 'v' } }],
    ['empty section', '[a]\n[b]\nk=v', { a: {}, b: { k: 'v' } }],
    ['key lowercased', '[a]\nRegion = x\nAWS_Access_Key_ID = y', { a: { region: 'x', aws_access_key_id: 'y' } }],
    ['key and value stripped', '[a]\n  k \t=   v w \t', { a: { k: 'v w' } }],
    ['":" delimiter', '[a]\nk: v\nj :v', { a: { k: 'v', j: 'v' } }],
    ['first delimiter wins: "="', '[a]\nk = a:b', { a: { k: 'a:b' } }],
    ['first delimiter wins: ":"', '[a]\nk: a=b\nx:y = z', { a: { k: 'a=b', x: 'y = z' } }],
    ['empty value', '[a]\nk =\nj:', { a: { k: '', j: '' } }],
    ['no inline comments', '[a]\nk = v # c\nj = v ; c\nm = #x', { a: { k: 'v # c', j: 'v ; c', m: '#x' } }],
    ['whole-line and indented comments', '[a]\n# k = 1\n; j = 2\n   # m = 3\nn = 4', { a: { n: '4' } }],
    ['no interpolation', '[a]\nk = %(x)s %%', { a: { k: '%(x)s %%' } }],
    ['section names case-sensitive', '[Profile A]\n[profile a]', { 'Profile A': {}, 'profile a': {} }],
    ['header kept untrimmed inside brackets', '[ a ]\n[\tb]', { ' a ': {}, '\tb': {} }],
    ['header runs to the last "]"', '[a]]\n[[b]]\n[c] ] x', { 'a]': {}, '[b]': {}, 'c] ': {} }],
    ['text after the header is ignored', '[a] ; comment\nk=v\n[b] x', { a: { k: 'v' }, b: {} }],
    ['"=" inside a header', '[a=b]\nk=v', { 'a=b': { k: 'v' } }],
    ['indented header', '  [a]\nk=v', { a: { k: 'v' } }],
    ['"[x = y" is a setting', '[a]\n[x = y', { a: { '[x': 'y' } }],
    ['continuation lines', '[a]\nk = one\n  two\n\tthree', { a: { k: 'one\ntwo\nthree' } }],
    ['continuation lines keep inner blank lines, drop trailing ones', '[a]\nk = one\n\n  two\n\n\nj = 1', { a: { k: 'one\n\ntwo', j: '1' } }],
    ['comment inside a value is skipped', '[a]\nk = one\n  # c\n; c\n  two', { a: { k: 'one\ntwo' } }],
    ['continuation that looks like a header', '[a]\nk = one\n  [b]', { a: { k: 'one\n[b]' } }],
    ['continuation that looks like a setting', '[a]\nk = one\n  j = two', { a: { k: 'one\nj = two' } }],
    ['continuation must be deeper than the key line', '[a]\n  k = 1\n  j = 2\n x = 3', { a: { k: '1', j: '2', x: '3' } }],
    ['a tab counts as one column', '[a]\n\tk = 1\n  j = 2', { a: { k: '1\nj = 2' } }],
    ['a header ends a value', '[a]\nk = 1\n[b]\n  j = 2', { a: { k: '1' }, b: { j: '2' } }],
    ['nested sub-section', '[a]\ns3 =\n  addressing_style = path\n  Sig = v4', { a: { s3: { addressing_style: 'path', Sig: 'v4' } } }],
    ['nested after ":"', '[a]\ns3:\n  x = 1', { a: { s3: { x: '1' } } }],
    ['nested: split at the first "="', '[a]\nsts =\n  endpoint_url = http://h:1/?a=b', { a: { sts: { endpoint_url: 'http://h:1/?a=b' } } }],
    ['nested: blank and comment lines skipped', '[a]\ns3 =\n\n  # c\n  x = 1\n\n  y=2\nz = 3', { a: { s3: { x: '1', y: '2' }, z: '3' } }],
    ['nested: repeated name, last wins', '[a]\ns3 =\n  x = 1\n  x = 2', { a: { s3: { x: '2' } } }],
    ['nested: empty name and value', '[a]\ns3 =\n  = v\n  w =', { a: { s3: { '': 'v', w: '' } } }],
    ['nested: one level only', '[a]\ns3 =\n  x =\n    y = 1', { a: { s3: { x: '', y: '1' } } }],
    ['nested: tab indent', '[a]\ns3 =\n\tx = 1', { a: { s3: { x: '1' } } }],
    ['empty value with only blank lines after it', '[a]\nk =\n\n\n[b]', { a: { k: '' }, b: {} }],
    ['CRLF', '[a]\r\nk = v\r\ns3 =\r\n  x = 1\r\n', { a: { k: 'v', s3: { x: '1' } } }],
    ['lone CR ends a line', '[a]\rk = v\rj = w', { a: { k: 'v', j: 'w' } }],
    ["Python's whitespace, not JS trim()", '[a]\nk =\v\x1cv\x85\xa0\n\ufeffj = 1', { a: { k: 'v', '\ufeffj': '1' } }],
    ['nested: splitlines() breaks at form feed', '[a]\ns3 =\n  x = 1\fy = 2', { a: { s3: { x: '1', y: '2' } } }],
    ['non-nested value keeps a form feed', '[a]\nk = 1\fj = 2', { a: { k: '1\fj = 2' } }],
    ['[DEFAULT] is inherited, not a section', '[DEFAULT]\nregion = x\n[a]\n[b]\nregion = y', { a: { region: 'x' }, b: { region: 'y' } }],
    ['[DEFAULT] after the sections, twice', '[a]\nk = 1\n[DEFAULT]\nx = 1\n[DEFAULT]\ny = 2', { a: { k: '1', x: '1', y: '2' } }],
    ['[DEFAULT] alone', '[DEFAULT]\nx = 1', {}],
    ['[DEFAULT] nested value', '[DEFAULT]\ns3 =\n  x = 1\n[a]', { a: { s3: { x: '1' } } }],
    ['[default] is an ordinary section', '[default]\nx = 1', { default: { x: '1' } }],
  ])('%s', (_name, text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it('keeps the file and line of every header, key line and nested line', () => {
    const file = parseIni('# c\n[a]\nk = 1\n  more\n\ns3 =\n  x = 1\n\n  y = 2\n[b]\nj = 2', '/p/config');
    const [a, b] = file.sections;
    expect(file.path).toBe('/p/config');
    expect(a?.origin).toEqual({ file: '/p/config', line: 2 });
    expect(a?.settings.get('k')?.origin).toEqual({ file: '/p/config', line: 3 });
    expect(a?.settings.get('s3')?.origin.line).toBe(6);
    expect(a?.settings.get('s3')?.value).toBe('');
    expect(a?.settings.get('s3')?.nested?.get('x')?.origin).toEqual({ file: '/p/config', line: 7 });
    expect(a?.settings.get('s3')?.nested?.get('y')?.origin.line).toBe(9);
    expect(b?.origin.line).toBe(10);
    expect(b?.settings.get('j')?.origin.line).toBe(11);
  });

  it.each<[string, string]>([
    ['LF', '[a]\n\nk = 1'],
    ['CRLF', '[a]\r\n\r\nk = 1'],
    ['lone CR', '[a]\r\rk = 1'],
    ['mixed', '[a]\r\n\rk = 1'],
  ])('counts lines the way Python does: %s', (_name, text) => {
    expect(parseIni(text, 'f').sections[0]?.settings.get('k')?.origin.line).toBe(3);
  });

  it('gives an inherited [DEFAULT] setting the origin of its line', () => {
    const file = parseIni('[a]\n[DEFAULT]\nregion = x', 'f');
    expect(file.sections[0]?.settings.get('region')?.origin).toEqual({ file: 'f', line: 3 });
  });

  it.each<[string, string, string, number]>([
    ['UTF-8 byte-order mark', '\ufeff[a]\nk = 1', 'byte-order mark', 1],
    ['setting before any header', '# c\nk = 1\n[a]', 'before the first [section] header', 2],
    ['text before any header', '\nhello', 'before the first [section] header', 2],
    ['"[]" before any header', '[]\n[a]', 'before the first [section] header', 1],
    ['line without a delimiter', '[a]\nk = 1\nhello', 'not a [section] header', 3],
    ['header without a closing "]"', '[a]\n[b', 'no closing "]"', 2],
    ['empty header', '[a]\n[]', 'no name', 2],
    ['empty key before "="', '[a]\n = 1', 'no key before "="', 2],
    ['empty key before ":"', '[a]\n: 1', 'no key before ":"', 2],
    ['duplicate section', '[a]\nk = 1\n\n[a]', 'section [a] appears twice', 4],
    ['duplicate key', '[a]\nk = 1\nk = 2', 'key "k" appears twice in section [a]', 3],
    ['duplicate key, other case', '[a]\nRegion = 1\nregion = 2', 'key "region" appears twice', 3],
    ['duplicate key across two [DEFAULT]s', '[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2', 'key "k" appears twice in section [DEFAULT]', 4],
    ['nested line without "="', '[a]\ns3 =\n  x = 1\n  y: 2', 'nested setting under "s3" has no "="', 4],
    ['nested line, CRLF file', '[a]\r\ns3 =\r\n  oops\r\n', 'has no "="', 3],
  ])('refuses %s', (_name, text, what, line) => {
    let error: unknown;
    try {
      parseIni(text, '/p/config');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(3);
    expect((error as ConfigError).message).toContain(what);
    expect((error as ConfigError).message).toMatch(new RegExp(`\\(/p/config:${line}\\)$`));
  });

  it.each<[string, string]>([
    ['byte-order mark', '\ufeff[a]'],
    ['duplicate section', '[a]\n[a]'],
    ['duplicate key', '[a]\nk=1\nk=2'],
    ['nested line', '[a]\ns3 =\n  x'],
  ])('gives a hint for: %s', (_name, text) => {
    expect(() => parseIni(text, 'f')).toThrow(expect.objectContaining({ hint: expect.any(String) }));
  });

  it('never puts the content of a bad line in the message', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    for (const text of [`${secret}\n[a]`, `[a]\n${secret}`, `[a]\ns3 =\n  ${secret}`]) {
      expect(() => parseIni(text, 'f')).toThrow(ConfigError);
      try {
        parseIni(text, 'f');
      } catch (e) {
        expect(`${(e as ConfigError).message} ${(e as ConfigError).hint}`).not.toContain(secret);
      }
    }
  });
});
