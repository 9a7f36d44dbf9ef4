import { describe, expect, it } from 'vitest';
import { appendSection, insertLineAfter, replaceKeyLines } from '../../../src/keys/file-edit.js';

const HELPER = 'credential_process = awsrole credential-process --keys base';

describe(replaceKeyLines.name, () => {
  it.each([
    ['LF', '[base]\naws_access_key_id = A\naws_secret_access_key = S\nregion = x\n', 2, 3, `[base]\n${HELPER}\nregion = x\n`],
    ['CRLF', '[base]\r\naws_access_key_id = A\r\nregion = x\r\naws_secret_access_key = S\r\n', 2, 4, `[base]\r\n${HELPER}\r\nregion = x\r\n`],
    ['secret first', '[base]\naws_secret_access_key = S\n# c\naws_access_key_id = A\n', 4, 2, `[base]\n${HELPER}\n# c\n`],
    ['no newline at the end', '[base]\naws_access_key_id = A\naws_secret_access_key = S', 2, 3, `[base]\n${HELPER}\n`],
    // The replacement keeps the ending of the line it replaces; the removed last line had none.
    ['last line is a key', '[base]\nregion = x\naws_secret_access_key = S\naws_access_key_id = A', 4, 3, `[base]\nregion = x\n${HELPER}\n`],
  ])('%s', (_name, text, accessKeyLine, secretKeyLine, expected) => {
    expect(replaceKeyLines(text, { accessKeyLine, secretKeyLine }, HELPER)).toBe(expected);
  });

  it('refuses a line that is not the key it should be', () => {
    expect(() => replaceKeyLines('[base]\nregion = x\naws_secret_access_key = S\n', { accessKeyLine: 2, secretKeyLine: 3 }, HELPER)).toThrow(/not the aws_access_key_id line/);
  });

  it('refuses a value that goes on over the next line', () => {
    expect(() => replaceKeyLines('[base]\naws_access_key_id = A\n  more\naws_secret_access_key = S\n', { accessKeyLine: 2, secretKeyLine: 4 }, HELPER)).toThrow(/goes on/);
  });
});

describe(insertLineAfter.name, () => {
  it.each([
    ['after the last setting', '[a]\nx = 1\n\n[b]\n', 2, `[a]\nx = 1\n${HELPER}\n\n[b]\n`],
    ['at the end without a newline', '[a]\nx = 1', 2, `[a]\nx = 1\n${HELPER}\n`],
  ])('%s', (_name, text, after, expected) => {
    expect(insertLineAfter(text, after, HELPER)).toBe(expected);
  });
});

describe(appendSection.name, () => {
  it.each([
    ['an empty file', '', `[base]\n${HELPER}\n`],
    ['after a newline', '[a]\nx = 1\n', `[a]\nx = 1\n\n[base]\n${HELPER}\n`],
    ['without one', '[a]\nx = 1', `[a]\nx = 1\n\n[base]\n${HELPER}\n`],
    ['CRLF', '[a]\r\nx = 1\r\n', `[a]\r\nx = 1\r\n\r\n[base]\r\n${HELPER}\r\n`],
  ])('%s', (_name, text, expected) => {
    expect(appendSection(text, '[base]', HELPER)).toBe(expected);
  });
});
